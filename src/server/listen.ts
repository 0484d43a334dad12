/**
 * Binding the HTTP server, with the one error users hit most (port in use) turned into a clear message. The
 * parser's header bound is PARSER_MAX_HEADER_BYTES (the edge enforces the tighter MAX_HEADER_BYTES itself),
 * and requests the parser refuses are answered as JSON in the API's shape where their path can be read
 * (see clientErrorResponder) instead of Node's bare status line.
 */
import type { RequestListener, Server } from 'node:http';
import { http } from '../engine/node-http.js';
import { clientErrorResponder, PARSER_MAX_HEADER_BYTES } from './http.js';

export class ListenError extends Error {}

export function listen(handler: RequestListener, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = http.createServer({ maxHeaderSize: PARSER_MAX_HEADER_BYTES }, handler);
    const onClientError = clientErrorResponder(handler);
    if (onClientError) server.on('clientError', onClientError);
    server.keepAliveTimeout = 65_000;
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new ListenError(`port ${port} on ${host} is already in use; stop the other server or pass --port <free port>`));
      else if (err.code === 'EACCES') reject(new ListenError(`not allowed to bind ${host}:${port}; use a port above 1023 with --port`));
      else if (err.code === 'EADDRNOTAVAIL' || err.code === 'ENOTFOUND') reject(new ListenError(`cannot bind host ${host}; pass --host 127.0.0.1 or 0.0.0.0`));
      else reject(new ListenError(`cannot listen on ${host}:${port}: ${err.message}`));
    });
    server.listen(port, host, () => resolve(server));
  });
}

/**
 * The express edge: the only code that sees express. It reads the raw body (with a size limit), turns
 * the request into an EngineRequest, runs the pipeline and writes the Reply. Errors raised while reading
 * the body (413, bad encodings) are rendered by the API mounted at that path, like every other error —
 * and so are the requests Node's HTTP parser refuses before express sees them (431 for a header section
 * over MAX_HEADER_BYTES, 400 for bytes not allowed in the request line), through clientErrorResponder.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import express, { type NextFunction, type Request, type Response } from 'express';
import { MockError, ErrorCode, payloadTooLarge, badRequest, headerTooLarge, malformedRequest } from '../engine/errors.js';
import type { EngineRequest, Reply } from '../engine/types.js';
import { cors } from './cors.js';

/**
 * The bound on a request's header section (request line and every header). Node's default, 16 KiB, is
 * below what real clients send with large cookies or tokens, and its parser answers a bare 431 outside any
 * API's shape. 96 KiB lets a 64 KiB header reach the API; over it, the answer is a 431 rendered by the API
 * at the request's path.
 */
export const MAX_HEADER_BYTES = 96 * 1024;

/**
 * The parser's own, harder bound (Go's net/http default, which lakeFS and TileDB run with). Between the two
 * bounds the request is read and refused here, where its path is known; past this one Node's parser gives
 * up before the request line reaches JavaScript, so the 431 carries a plain `{"message"}` body.
 */
export const PARSER_MAX_HEADER_BYTES = 1024 * 1024;

export interface EdgeEngine {
  handle(request: EngineRequest): Promise<Reply>;
  renderAt(path: string, error: MockError): Reply;
}

export interface EdgeOptions {
  bodyLimitBytes: number;
  corsOrigins: string[];
  adminPrefix: string;
}

export function createHttpHandler(engine: EdgeEngine, options: EdgeOptions): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(cors(options.corsOrigins, options.adminPrefix));
  app.use((req: Request, _res: Response, next: NextFunction) => next(headerSectionBytes(req) > MAX_HEADER_BYTES ? headerTooLarge(MAX_HEADER_BYTES) : undefined));
  app.use(express.raw({ type: () => true, limit: options.bodyLimitBytes }));
  app.use((req: Request, res: Response, next: NextFunction) => {
    engine.handle(toEngineRequest(req)).then((reply) => send(res, reply), next);
  });
  app.use((err: any, req: Request, res: Response, _next: NextFunction) => {
    const path = (req.originalUrl ?? req.url).split('?')[0];
    send(res, engine.renderAt(path, edgeError(err, options.bodyLimitBytes)));
  });
  clientErrorResponders.set(app, (err, socket) => respondToClientError(engine, err, socket));
  return app;
}

export type ClientErrorListener = (err: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex) => void;
const clientErrorResponders = new WeakMap<object, ClientErrorListener>();

/** The 'clientError' listener for a server running this handler (undefined for any other listener). */
export function clientErrorResponder(handler: object): ClientErrorListener | undefined {
  return clientErrorResponders.get(handler);
}

/**
 * Answers a request the HTTP parser refused, in the shape of the API mounted at the path its request line
 * names (read from the bytes the parser saw), then closes the connection as Node itself would.
 */
function respondToClientError(engine: EdgeEngine, err: Error & { code?: string; rawPacket?: Buffer }, socket: Duplex): void {
  // Nothing to answer on a connection that is gone, or one already answering an earlier (pipelined) request.
  const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  if (err.code === 'ECONNRESET' || !socket.writable || inFlight) {
    socket.destroy();
    return;
  }
  const error =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? headerTooLarge(PARSER_MAX_HEADER_BYTES)
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? malformedRequest('the request was not received in time', 408)
        : malformedRequest(parserReason(err));
  // The parser hands over only the chunk it failed on: the request line is there when the first chunk
  // was refused (a bad byte in the request target), not when the headers overflowed later chunks.
  const path = requestPathOf(err.rawPacket);
  let reply: Reply = { status: error.status, body: { message: error.message } };
  if (path !== undefined) {
    try {
      reply = engine.renderAt(path, error);
    } catch {
      // keep the plain answer
    }
  }
  socket.end(rawResponse(reply));
}

/** The path of the request line in the bytes the parser received, if they start with one. */
function requestPathOf(raw: Buffer | undefined): string | undefined {
  const line = raw?.subarray(0, Math.min(raw.length, 8192)).toString('latin1').split('\r\n', 1)[0] ?? '';
  const target = /^[A-Z]+ (\/\S*)/.exec(line)?.[1];
  if (target === undefined) return undefined;
  const path = target.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').split('?')[0]!;
  return path.startsWith('/') ? path : undefined;
}

function parserReason(err: Error & { code?: string }): string {
  switch (err.code) {
    case 'HPE_INVALID_URL':
      return 'the request target holds bytes a URL may not contain (percent-encode them)';
    case 'HPE_INVALID_HEADER_TOKEN':
      return 'a header name or value holds a byte HTTP does not allow';
    case 'HPE_INVALID_METHOD':
      return 'unknown method';
    default:
      return (err.message || String(err.code ?? 'unreadable request')).replace(/[\r\n]+/g, ' ');
  }
}

/** A complete HTTP/1.1 response for a socket the parser has given up on (no express response exists). */
function rawResponse(reply: Reply): Buffer {
  const body = bodyBytes(reply);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(reply.headers ?? {})) headers[name] = String(value).replace(/[\r\n]+/g, ' ');
  if (body.length && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = reply.contentType ?? (Buffer.isBuffer(reply.body) || typeof reply.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json');
  }
  headers['Content-Length'] = String(body.length);
  headers.Date = new Date().toUTCString();
  headers.Connection = 'close';
  const head = `HTTP/1.1 ${reply.status} ${STATUS_CODES[reply.status] ?? 'Error'}\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

function bodyBytes(reply: Reply): Buffer {
  const { body } = reply;
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(JSON.stringify(body) + (reply.newlineTerminated ? '\n' : ''), 'utf8');
}

/** The size of the request line and headers as they crossed the wire (names, ": ", values, CRLFs). */
function headerSectionBytes(req: Request): number {
  let bytes = req.method.length + req.url.length + 12;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i++) bytes += raw[i]!.length + 2;
  return bytes + 2;
}

/** body-parser's errors, as MockErrors. */
function edgeError(err: any, limit: number): MockError {
  if (err instanceof MockError) return err;
  if (err?.type === 'entity.too.large' || err?.status === 413) return payloadTooLarge(limit);
  if (err?.type === 'encoding.unsupported' || err?.status === 415) {
    return new MockError(ErrorCode.UnsupportedMediaType, 415, { message: String(err?.message ?? 'unsupported content encoding') });
  }
  if (typeof err?.status === 'number' && err.status >= 400 && err.status < 500) return badRequest(`could not read the request body: ${err.message}`);
  return new MockError(ErrorCode.Internal, 500, { message: `internal error: ${err?.message ?? String(err)}` });
}

function toEngineRequest(req: Request): EngineRequest {
  const url = req.originalUrl ?? req.url;
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const query: Record<string, string | string[]> = {};
  if (q >= 0) {
    for (const [key, value] of new URLSearchParams(url.slice(q + 1))) {
      const prev = query[key];
      query[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
  }
  return {
    method: req.method.toUpperCase(),
    path,
    query,
    headers: req.headers,
    rawBody: Buffer.isBuffer(req.body) && req.body.length > 0 ? req.body : undefined,
    clientAddress: req.socket.remoteAddress ?? 'unknown',
    origin: `${req.protocol}://${req.headers.host ?? 'localhost'}`,
  };
}

function send(res: Response, reply: Reply): void {
  res.status(reply.status);
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (reply.body === undefined || reply.body === null) {
    res.end();
    return;
  }
  if (Buffer.isBuffer(reply.body) || typeof reply.body === 'string') {
    if (!res.getHeader('content-type')) res.setHeader('Content-Type', reply.contentType ?? 'text/plain; charset=utf-8');
    res.end(reply.body);
    return;
  }
  res.setHeader('Content-Type', reply.contentType ?? 'application/json');
  // Edge errors (413, …) arrive unserialised; keep the renderer's trailing newline (Go's json.Encoder).
  res.end(JSON.stringify(reply.body) + (reply.newlineTerminated ? '\n' : ''));
}

// A benchmark-only prototype, not shipped: mockgate's own pipeline (same build, same createApp) behind a plain
// node:http request listener instead of the express edge of src/server/http.ts. It keeps what the edge does on
// the paths the benchmark takes (Vary: Origin, the raw body with its size limit, EngineRequest ⇄ Reply) and
// leaves out what they never reach (CORS preflights, Content-Encoding, the parser's client errors). bench/run.ts
// starts it next to mockgate as shipped, to measure what the express layer costs.
// Usage: node prototype-edge.mjs <scratch build root> <port> [spec file …]   (no spec: every bundled spec)
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [root, port, ...specs] = process.argv.slice(2);
const { createApp } = await import(pathToFileURL(path.join(root, 'dist', 'app.js')).href);
const { defaultConfig } = await import(pathToFileURL(path.join(root, 'dist', 'config.js')).href);
const config = { ...defaultConfig(), logLevel: 'warn', port: Number(port), host: '127.0.0.1', specs: specs.map((file) => ({ file })) };
const app = await createApp(config);
const { pipeline } = app;

function send(res, reply) {
  res.statusCode = reply.status;
  if (reply.headers) for (const name in reply.headers) res.setHeader(name, reply.headers[name]);
  if (reply.body === undefined || reply.body === null) return res.end();
  if (!res.hasHeader('content-type')) res.setHeader('Content-Type', reply.contentType ?? 'application/json');
  res.end(typeof reply.body === 'string' || Buffer.isBuffer(reply.body) ? reply.body : JSON.stringify(reply.body));
}

function handle(req, res, rawBody) {
  const url = req.url;
  const q = url.indexOf('?');
  const query = {};
  if (q >= 0) {
    for (const [key, value] of new URLSearchParams(url.slice(q + 1))) {
      const prev = query[key];
      query[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
  }
  pipeline
    .handle({
      method: req.method,
      path: q < 0 ? url : url.slice(0, q),
      query,
      headers: req.headers,
      rawBody,
      clientAddress: req.socket.remoteAddress ?? 'unknown',
      origin: `http://${req.headers.host ?? 'localhost'}`,
    })
    .then((reply) => send(res, reply));
}

const server = http.createServer((req, res) => {
  res.setHeader('Vary', 'Origin');
  const length = req.headers['content-length'];
  if (length === undefined && req.headers['transfer-encoding'] === undefined) {
    req.resume();
    return handle(req, res, undefined);
  }
  const chunks = [];
  let size = 0;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size <= config.bodyLimitBytes) chunks.push(chunk);
  });
  req.on('end', () => {
    if (size > config.bodyLimitBytes) return send(res, { status: 413 });
    handle(req, res, size ? Buffer.concat(chunks) : undefined);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(Number(port), '127.0.0.1');

/**
 * HTTP for the proof suites, below fetch: fetch (WHATWG URL) rewrites `%2E%2E` into `..` and drops dot
 * segments, refuses bytes a URL may not hold and cannot send a 64 KiB header. `send` uses node:http, which
 * sends the path exactly as written; `sendRaw` writes bytes on a socket for what even node:http refuses
 * (raw non-ASCII bytes in the request line, headers past every bound).
 */
import http from 'node:http';
import net from 'node:net';
import { createApp, type MockgateApp } from '../../../src/app.js';
import { defaultConfig, type AppConfig } from '../../../src/config.js';

export interface Answer {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any;
}

export interface Sent {
  method?: string;
  /** Sent verbatim: percent-encodings and dot segments are not touched. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Written one by one without a Content-Length: a chunked upload. */
  chunks?: Buffer[];
}

function answer(status: number, headers: Record<string, string>, body: Buffer): Answer {
  const text = body.toString('utf8');
  let json: any;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, headers, text, json };
}

const noKeepAlive = new http.Agent({ keepAlive: false, maxSockets: Infinity });

/** One request with node:http; resolves with the answer even if the server stops reading the body early. */
export function send(base: string, req: Sent): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const r = http.request(
      { host: url.hostname, port: url.port, method: req.method ?? 'GET', path: req.path, headers: req.headers, agent: noKeepAlive },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(res.headers)) headers[k] = Array.isArray(v) ? v.join(', ') : String(v);
          resolve(answer(res.statusCode!, headers, Buffer.concat(chunks)));
        });
        res.on('error', reject);
      },
    );
    // A server that answers 413 may close while the rest of a large body is still being written.
    r.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
      else setTimeout(() => reject(new Error(`${req.method ?? 'GET'} ${req.path}: connection ${err.code} before an answer`)), 2_000);
    });
    if (req.chunks) {
      const pending = [...req.chunks];
      const next = () => {
        const chunk = pending.shift();
        if (chunk === undefined || r.destroyed) return void r.end();
        if (r.write(chunk)) setImmediate(next);
        else r.once('drain', next);
      };
      next();
    } else if (req.body !== undefined) r.end(req.body);
    else r.end();
  });
}

/** Writes the bytes on a fresh connection (the caller ends the header section) and reads the answer up to close. */
export function sendRaw(base: string, bytes: Buffer): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    // The server may close before reading everything it was sent; what it answered is still in `chunks`.
    socket.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') reject(err);
    });
    socket.on('close', () => {
      const raw = Buffer.concat(chunks);
      const end = raw.indexOf('\r\n\r\n');
      if (end < 0) return reject(new Error(`no HTTP answer; received ${JSON.stringify(raw.toString('latin1').slice(0, 200))}`));
      const [statusLine, ...lines] = raw.subarray(0, end).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      let body: Buffer = raw.subarray(end + 4);
      if (headers['transfer-encoding'] === 'chunked') body = dechunk(body);
      else if (headers['content-length'] !== undefined) body = body.subarray(0, Number(headers['content-length']));
      resolve(answer(Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine!)?.[1] ?? 0), headers, body));
    });
    socket.end(bytes);
  });
}

function dechunk(body: Buffer): Buffer {
  const out: Buffer[] = [];
  let i = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', i);
    if (eol < 0) break;
    const size = parseInt(body.subarray(i, eol).toString('latin1'), 16);
    if (!size) break;
    out.push(body.subarray(eol + 2, eol + 2 + size));
    i = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/** A request head as bytes: request line (may hold any bytes), headers, Connection: close and the blank line. */
export function rawHead(requestLine: Buffer | string, headers: Record<string, string | Buffer> = {}, body?: Buffer): Buffer {
  const parts: Buffer[] = [Buffer.isBuffer(requestLine) ? requestLine : Buffer.from(requestLine, 'latin1'), Buffer.from('\r\n')];
  const all: Record<string, string | Buffer> = { Host: '127.0.0.1', ...headers, Connection: 'close' };
  if (body) all['Content-Length'] = String(body.length);
  for (const [name, value] of Object.entries(all)) {
    parts.push(Buffer.from(`${name}: `, 'latin1'), Buffer.isBuffer(value) ? value : Buffer.from(value, 'latin1'), Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('\r\n'));
  if (body) parts.push(body);
  return Buffer.concat(parts);
}

export interface ListeningApp {
  app: MockgateApp;
  base: string;
  close(): Promise<void>;
}

/** The real app on a real socket (127.0.0.1, a free port), so raw connections reach Node's HTTP parser. */
export async function listenApp(overrides: Partial<AppConfig> = {}): Promise<ListeningApp> {
  const app = await createApp({ ...defaultConfig(), port: 0, host: '127.0.0.1', seed: 42, logLevel: 'silent', strict: true, ...overrides });
  const server = await app.listen();
  const { port } = server.address() as net.AddressInfo;
  return { app, base: `http://127.0.0.1:${port}`, close: () => app.close() };
}

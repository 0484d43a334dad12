/**
 * The HTTP edge: the only code that sees Node's request and response. It answers CORS preflights, bounds
 * the header section, reads the raw body (with a size limit and the Content-Encodings HTTP clients send),
 * turns the request into an EngineRequest, runs the pipeline and writes the Reply. Errors raised here
 * (413, 415, unreadable bodies, 431) are rendered by the API mounted at that path, like every other error —
 * and so are the requests Node's HTTP parser refuses before a handler sees them (431 for a header section
 * over PARSER_MAX_HEADER_BYTES, 400 for bytes not allowed in the request line), through clientErrorResponder.
 *
 * Why a plain node:http request listener and not express (getUser, `autocannon -c 50 -d 5`, three rounds in
 * one session, alternating servers, against a bare express route answering the same bytes): the pipeline
 * behind a lean express app — this file's listener as express's one middleware, no express.raw, no
 * per-layer routing — served 0.64–0.80× the bare express route; behind this listener 1.34–1.60×. A bare
 * express route costs several times a bare node:http listener per request (its per-request prototype swap
 * of req/res, its router, finalhandler), and the edge uses none of it: the engine's precompiled router
 * routes, and CORS, the header bound, body reading and the reply are a few lines here. So express is not on
 * the request path (and nothing in src/ imports it any more).
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Duplex, Transform } from 'node:stream';
import zlib from 'node:zlib';
import { MockError, ErrorCode, payloadTooLarge, badRequest, headerTooLarge, malformedRequest, internal } from '../engine/errors.js';
import { isAnswerlessFault, type EngineRequest, type Reply } from '../engine/types.js';
import { cors } from './cors.js';
import { requestGuard } from './guard.js';
import { deliverBadly, failConnection } from './transport-faults.js';
import { http } from '../engine/node-http.js';

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
  /** The reply, or a promise of it when some stage had to wait (see Pipeline.answer). */
  answer(request: EngineRequest): Reply | Promise<Reply>;
  renderAt(path: string, error: MockError): Reply;
}

export interface EdgeOptions {
  bodyLimitBytes: number;
  corsOrigins: string[];
  /** Access-Control-Expose-Headers for the mocked APIs' answers. */
  exposedHeaders: string;
  adminPrefix: string;
  /** The address the server binds: loopback turns the Host check on (see guard.ts). */
  bindHost: string;
  /** Host names answered besides loopback ones (--allowed-host). */
  allowedHosts: string[];
  /** Origins whose pages may change state through the admin API (--admin-origin). */
  adminOrigins: string[];
}

/** The request listener for http.createServer (and supertest). */
export function createHttpHandler(engine: EdgeEngine, options: EdgeOptions): RequestListener {
  const corsStage = cors(options.corsOrigins, options.adminPrefix, options.exposedHeaders);
  const guard = requestGuard(options);
  const limit = options.bodyLimitBytes;

  // `vary`: the answer carries `Vary: Origin` (see CorsOutcome).
  const fail = (res: ServerResponse, path: string, err: unknown, vary = false) => {
    const error = err instanceof MockError ? err : internal(`internal error: ${(err as Error)?.message ?? String(err)}`);
    send(res, renderSafely(engine, path, error), vary, () => renderSafely(engine, path, internal('internal error: the answer could not be written')));
  };

  const dispatch = (req: IncomingMessage, res: ServerResponse, url: string, path: string, query: number, rawBody: Buffer | undefined, vary: boolean) => {
    const unwritable = () => engine.renderAt(path, internal('internal error: the answer could not be written'));
    let reply: Reply | Promise<Reply>;
    try {
      reply = engine.answer(toEngineRequest(req, url, path, query, rawBody));
    } catch (err) {
      return fail(res, path, err, vary);
    }
    if (!(reply instanceof Promise)) return send(res, reply, vary, unwritable);
    reply.then(
      (answer) => send(res, answer, vary, unwritable),
      (err: unknown) => fail(res, path, err, vary),
    );
  };

  const serve = (req: IncomingMessage, res: ServerResponse, url: string, path: string, q: number) => {
    const route = routingPath(url, path);
    // First: a request from a rebinding page or a cross-site write to the admin API is refused before anything.
    const refused = guard(req, route);
    if (refused) return fail(res, path, refused);
    const corsOutcome = corsStage(req, res, route);
    if (corsOutcome === 'answered') return;
    const vary = corsOutcome === 'vary-origin';
    if (headerSectionBytes(req) > MAX_HEADER_BYTES) return fail(res, path, headerTooLarge(MAX_HEADER_BYTES), vary);
    const headers = req.headers;
    // Whether the request has a body at all, as HTTP frames it (and as body-parser decided before).
    const contentLength = headers['content-length'];
    if (headers['transfer-encoding'] === undefined && (contentLength === undefined || Number.isNaN(Number(contentLength)))) {
      return dispatch(req, res, url, path, q, undefined, vary);
    }
    readBody(req, limit, (err, body) => (err ? fail(res, path, err, vary) : dispatch(req, res, url, path, q, body!.length ? body : undefined, vary)));
  };

  const handler: RequestListener = (req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    // Whatever a stage throws is this request's 500, never an exception out of the 'request' event (which ends
    // the process). The pipeline catches its own; this is the net under the edge's.
    try {
      serve(req, res, url, path, q);
    } catch (err) {
      if (res.headersSent) res.destroy(err as Error);
      else fail(res, path, err);
    }
  };
  clientErrorResponders.set(handler, (err, socket) => respondToClientError(engine, err, socket));
  return handler;
}

/** The error in the shape of the API at the path; a plain `{"message"}` if even rendering it fails. */
function renderSafely(engine: EdgeEngine, path: string, error: MockError): Reply {
  try {
    return engine.renderAt(path, error);
  } catch (err) {
    return { status: 500, body: { message: `internal error: ${error.message} (and rendering it failed: ${(err as Error)?.message ?? String(err)})` } };
  }
}

/**
 * The path CORS decides on (is it the admin API's?): the request target without query or fragment, and the
 * path of an absolute-form target ("GET http://host/__admin/…").
 */
function routingPath(url: string, path: string): string {
  if (url.charCodeAt(0) !== 47 /* / */) {
    try {
      return new URL(url).pathname;
    } catch {
      return path;
    }
  }
  const hash = path.indexOf('#');
  return hash < 0 ? path : path.slice(0, hash);
}

const hasZstd = 'createZstdDecompress' in zlib;

function decompressor(encoding: string): Transform | undefined {
  switch (encoding) {
    case 'gzip':
      return zlib.createGunzip();
    case 'deflate':
      return zlib.createInflate();
    case 'br':
      return zlib.createBrotliDecompress();
    case 'zstd':
      return hasZstd ? (zlib as unknown as { createZstdDecompress(): Transform }).createZstdDecompress() : undefined;
    default:
      return undefined;
  }
}

/**
 * Reads the whole body, decoded from its Content-Encoding, refusing more than `limit` bytes (decoded): a
 * declared Content-Length over the limit is refused before reading. On an error the rest of the request is
 * read off and dropped before the callback, so the client has finished sending when the error answers it.
 */
function readBody(req: IncomingMessage, limit: number, done: (err: MockError | undefined, body?: Buffer) => void): void {
  const encoding = (req.headers['content-encoding'] || 'identity').toLowerCase();
  let stream: IncomingMessage | Transform = req;
  let length: number | undefined;
  if (encoding === 'identity') {
    const declared = parseInt(req.headers['content-length'] ?? '', 10);
    if (!Number.isNaN(declared)) length = declared;
  } else {
    const inflate = decompressor(encoding);
    // Refused before anything is read (the rest of the request is dropped by Node once the answer is sent).
    if (!inflate) return done(new MockError(ErrorCode.UnsupportedMediaType, 415, { message: `unsupported content encoding "${encoding}"` }));
    stream = inflate;
    req.pipe(inflate);
  }

  const chunks: Buffer[] = [];
  let received = 0;
  const onData = (chunk: Buffer) => {
    received += chunk.length;
    if (received > limit) finish(payloadTooLarge(limit));
    else chunks.push(chunk);
  };
  const onEnd = () => {
    if (length !== undefined && received !== length) return finish(unreadable('request size did not match content length'));
    finish(undefined, chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received));
  };
  const onError = (err: Error) => finish(unreadable(err.message));
  const onAborted = () => finish(unreadable('request aborted'));

  let finished = false;
  const finish = (err: MockError | undefined, body?: Buffer) => {
    if (finished) return;
    finished = true;
    stream.removeListener('data', onData);
    stream.removeListener('end', onEnd);
    stream.removeListener('error', onError);
    req.removeListener('aborted', onAborted);
    if (stream !== req) {
      req.unpipe(stream as Transform);
      stream.on('error', () => {});
      stream.destroy();
    }
    if (!err) {
      if (stream !== req) req.resume();
      return done(undefined, body);
    }
    // Read off the rest of the request, then answer.
    if ((req.complete && !req.readable) || req.destroyed) return done(err);
    let answered = false;
    const answer = () => {
      if (answered) return;
      answered = true;
      done(err);
    };
    req.once('end', answer);
    req.once('close', answer);
    req.resume();
  };

  if (length !== undefined && length > limit) return finish(payloadTooLarge(limit));
  stream.on('data', onData);
  stream.on('end', onEnd);
  stream.on('error', onError);
  req.on('aborted', onAborted);
}

const unreadable = (reason: string) => badRequest(`could not read the request body: ${reason}`);

function toEngineRequest(req: IncomingMessage, url: string, path: string, q: number, rawBody: Buffer | undefined): EngineRequest {
  // Null-prototype: a parameter named `__proto__` or `constructor` is a parameter like any other.
  const query: Record<string, string | string[]> = Object.create(null);
  if (q >= 0) {
    for (const [key, value] of new URLSearchParams(url.slice(q + 1))) {
      const prev = query[key];
      query[key] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
  }
  const headers = req.headers;
  return {
    method: req.method!.toUpperCase(),
    path,
    query,
    headers,
    rawBody,
    clientAddress: req.socket.remoteAddress ?? 'unknown',
    origin: `${(req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http'}://${headers.host ?? 'localhost'}`,
  };
}

/**
 * Writes a Reply. A reply Node refuses to write (a header value with a line break, a status outside
 * 100–999) is replaced by `fallback()`, an internal error in the API's shape, instead of leaving the
 * request unanswered.
 *
 * The status and headers go out in one writeHead with a flat [name, value, …] list: Node then checks and
 * writes them as they are, without building its per-response header map one setHeader at a time (that map is
 * still used when CORS set headers earlier, and for a fault, whose delivery sets its own Content-Length).
 */
function send(res: ServerResponse, reply: Reply, varyOrigin: boolean, fallback?: () => Reply): void {
  try {
    const fault = reply.transport;
    // A fault in place of the answer: no status, headers or body of it reach the client.
    if (fault && isAnswerlessFault(fault)) return failConnection(res, fault);
    if (!Number.isInteger(reply.status)) throw new TypeError(`invalid status code: ${reply.status}`);
    const headers = reply.headers;
    const body = reply.body;
    let payload: string | Buffer | undefined;
    let contentType: string | undefined;
    if (body === undefined || body === null) {
      payload = undefined;
    } else if (typeof body === 'string' || Buffer.isBuffer(body)) {
      if (!namesHeader(headers, 'content-type') && !res.hasHeader('content-type')) contentType = reply.contentType ?? 'text/plain; charset=utf-8';
      payload = body;
    } else {
      contentType = reply.contentType ?? 'application/json';
      // Edge errors (413, …) arrive unserialised; keep the renderer's trailing newline (Go's json.Encoder).
      payload = JSON.stringify(body) + (reply.newlineTerminated ? '\n' : '');
    }
    if (fault) {
      res.statusCode = reply.status;
      if (varyOrigin) res.setHeader('Vary', 'Origin');
      if (headers) for (const name in headers) res.setHeader(name, headers[name]!);
      if (contentType) res.setHeader('Content-Type', contentType);
      return deliverBadly(res, payload, fault);
    }
    const list: Array<string | string[]> = [];
    // A Vary of the answer's own replaces this one, as it replaced the CORS stage's before.
    if (varyOrigin && !namesHeader(headers, 'vary')) list.push('Vary', 'Origin');
    let framed = false;
    if (headers) {
      for (const name in headers) {
        // The body's own type wins over one in the headers, as setHeader's replacement did.
        if (contentType && isHeaderName(name, 'content-type')) continue;
        if (isHeaderName(name, 'content-length') || isHeaderName(name, 'transfer-encoding')) framed = true;
        list.push(name, headers[name]!);
      }
    }
    if (contentType) list.push('Content-Type', contentType);
    // The length, as Node would have set it had the headers not gone out in writeHead first: without it every answer
    // went out chunked (three more pieces per answer for Node to frame and the client to parse; measured on getUser,
    // strace: 5 iovecs of 321 bytes against 2 of 288 for bare node:http) — and a string body goes out in one write
    // with the headers. Go's servers (lakeFS, TileDB) send one for a body under 2 KB (and chunk larger ones).
    if (!framed && payload !== undefined && mayHaveBody(reply.status)) list.push('Content-Length', String(typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length));
    if (unwritten.length === 0) setImmediate(writeAnswers);
    unwritten.push({ res, reply, head: list as string[], payload, varyOrigin, fallback });
    if (unwritten.length >= MAX_UNWRITTEN) writeAnswers();
  } catch (err) {
    replaceUnwritable(res, reply, varyOrigin, fallback, err);
  }
}

interface UnwrittenAnswer {
  res: ServerResponse;
  reply: Reply;
  /** The status line's headers, a flat [name, value, …] list. */
  head: string[];
  payload: string | Buffer | undefined;
  varyOrigin: boolean;
  fallback: (() => Reply) | undefined;
}

/**
 * Answers ready to go out, written together once this turn of the event loop has read and answered every request
 * it received (setImmediate runs right after the poll phase that ran them). Why: a client waiting for an answer
 * sleeps, and each answer written to it wakes it, and the waking is paid in the server's write call — about 7 µs a
 * request on this kind of machine once the server is the slower side (bench/REPORT.md: at 25 µs of work per request,
 * a bare node:http server spent 14.7 µs of system time per request writing each answer at once, 7.9 µs writing a
 * turn's answers together, and answered 14% more requests). Written together, one answer wakes the client and the
 * rest reach it while it is awake. An answer waits at most for the requests that arrived with it, and for no more
 * than MAX_UNWRITTEN of them: a turn may read a thousand requests, and the first must not wait for all of them.
 */
let unwritten: UnwrittenAnswer[] = [];
const MAX_UNWRITTEN = 32;

function writeAnswers(): void {
  const answers = unwritten;
  // Nothing left when the 32nd answer already wrote them: the turn's setImmediate then finds an empty list.
  if (answers.length === 0) return;
  unwritten = [];
  for (const answer of answers) {
    const { res } = answer;
    try {
      res.writeHead(answer.reply.status, answer.head);
      res.end(answer.payload);
    } catch (err) {
      replaceUnwritable(res, answer.reply, answer.varyOrigin, answer.fallback, err);
    }
  }
}

/** A reply Node refused to write is replaced by `fallback()`, or, once its head is out, the connection is closed. */
function replaceUnwritable(res: ServerResponse, reply: Reply, varyOrigin: boolean, fallback: (() => Reply) | undefined, err: unknown): void {
  if (res.headersSent || !fallback) {
    res.destroy(err as Error);
    return;
  }
  for (const name in reply.headers ?? {}) res.removeHeader(name);
  send(res, fallback(), varyOrigin);
}

/** Whether a header map sets the header (`lowerName` in lower case; the map's names in any case). */
function namesHeader(headers: Reply['headers'], lowerName: string): boolean {
  if (headers) for (const name in headers) if (isHeaderName(name, lowerName)) return true;
  return false;
}

const isHeaderName = (name: string, lowerName: string) => name.length === lowerName.length && name.toLowerCase() === lowerName;

/** Statuses whose answers never carry a body, nor a Content-Length (RFC 9110 §8.6: 1xx, 204; 304 describes another answer). */
const mayHaveBody = (status: number) => status >= 200 && status !== 204 && status !== 304;

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

/** A complete HTTP/1.1 response for a socket the parser has given up on (no response object exists). */
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
  const head = `HTTP/1.1 ${reply.status} ${http.STATUS_CODES[reply.status] ?? 'Error'}\r\n${Object.entries(headers)
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
function headerSectionBytes(req: IncomingMessage): number {
  let bytes = req.method!.length + req.url!.length + 12;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i++) bytes += raw[i]!.length + 2;
  return bytes + 2;
}

/**
 * The express edge: the only code that sees express. It reads the raw body (with a size limit), turns
 * the request into an EngineRequest, runs the pipeline and writes the Reply. Errors raised while reading
 * the body (413, bad encodings) are rendered by the API mounted at that path, like every other error.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { MockError, ErrorCode, payloadTooLarge, badRequest } from '../engine/errors.js';
import type { EngineRequest, Reply } from '../engine/types.js';
import { cors } from './cors.js';

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
  app.use(express.raw({ type: () => true, limit: options.bodyLimitBytes }));
  app.use((req: Request, res: Response, next: NextFunction) => {
    engine.handle(toEngineRequest(req)).then((reply) => send(res, reply), next);
  });
  app.use((err: any, req: Request, res: Response, _next: NextFunction) => {
    const path = (req.originalUrl ?? req.url).split('?')[0];
    send(res, engine.renderAt(path, edgeError(err, options.bodyLimitBytes)));
  });
  return app;
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
  res.end(JSON.stringify(reply.body));
}

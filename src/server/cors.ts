/**
 * CORS for the mocked APIs, so a frontend on another localhost port can call them with cookies: the
 * origin is echoed (never "*", which browsers refuse with credentials) and preflights are answered here,
 * before routing — they are not operations of any spec. The admin API gets no CORS.
 */
import type { NextFunction, Request, Response } from 'express';

const EXPOSED = 'Retry-After, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Location, X-Request-Id, X-LakeFS-Mailbox, WWW-Authenticate';

export function cors(allowedOrigins: string[], adminPrefix: string) {
  const anyOrigin = allowedOrigins.includes('*');
  return (req: Request, res: Response, next: NextFunction) => {
    const origin = req.headers.origin;
    if (!origin || req.path === adminPrefix || req.path.startsWith(`${adminPrefix}/`)) return next();
    if (!anyOrigin && !allowedOrigins.includes(origin)) return next();
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Vary', 'Origin');
    const requestedMethod = req.headers['access-control-request-method'];
    if (req.method === 'OPTIONS' && requestedMethod) {
      res.setHeader('Access-Control-Allow-Methods', String(requestedMethod));
      const requestedHeaders = req.headers['access-control-request-headers'];
      if (requestedHeaders) res.setHeader('Access-Control-Allow-Headers', String(requestedHeaders));
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    res.setHeader('Access-Control-Expose-Headers', EXPOSED);
    next();
  };
}

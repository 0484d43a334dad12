/**
 * CORS for the mocked APIs, so a frontend on another localhost port can call them with cookies: the
 * origin is echoed (never "*", which browsers refuse with credentials) and preflights are answered here,
 * before routing — they are not operations of any spec, and they stay out of the journal. The admin API
 * gets no CORS (its dashboard is served from the same origin).
 *
 * Allowed origins are exact ("http://localhost:3000"), "*" (any origin, echoed), or patterns with "*"
 * standing for any run of characters ("http://localhost:*", "https://*.example.test"), so a dev server
 * whose port moves keeps working.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { compileGlob } from '../engine/glob.js';


/**
 * What the CORS stage did: answered a preflight itself, or left the answer's `Vary: Origin` to the edge (a
 * request without Origin), or set what the answer needs on the response (undefined; nothing for the admin API).
 */
export type CorsOutcome = 'answered' | 'vary-origin' | undefined;

/** How long a browser may cache a preflight answer (Chromium caps it at 2 hours, Firefox at 24). */
export const PREFLIGHT_MAX_AGE_SECONDS = 600;

/** Compiles the allowed-origin list once into a predicate. */
export function originMatcher(allowedOrigins: string[]): (origin: string) => boolean {
  if (allowedOrigins.includes('*')) return () => true;
  // Schemes and host names are case-insensitive; browsers send them in lower case.
  const entries = allowedOrigins.map((o) => o.trim().toLowerCase());
  const exact = new Set(entries.filter((o) => !o.includes('*')));
  // "*" stands for any run of characters within the origin (no "/" or whitespace: an origin has neither),
  // matched in linear time: the Origin header is the client's.
  const patterns = entries.filter((o) => o.includes('*')).map((o) => compileGlob(o, { starExcludes: '/ \t\r\n\f\v' }));
  return (origin) => {
    const o = origin.toLowerCase();
    return exact.has(o) || patterns.some((matches) => matches(o));
  };
}

/**
 * The CORS stage of the edge, compiled once. Called with the request's path (no query); sets the CORS
 * headers on the response and returns true when it answered the request itself (a preflight).
 */
export function cors(
  allowedOrigins: string[],
  adminPrefix: string,
  /** Access-Control-Expose-Headers: what the mounted specs and APIs say a browser app reads (engine/exposure.ts). */
  exposedHeaders: string,
): (req: IncomingMessage, res: ServerResponse, path: string) => CorsOutcome {
  const allowed = originMatcher(allowedOrigins);
  const adminFolder = `${adminPrefix}/`;
  return (req, res, path) => {
    if (path === adminPrefix || path.startsWith(adminFolder)) return undefined;
    // Every answer of a mocked API depends on the Origin (echoed or not), so shared caches must key on it. A
    // request without one (an SDK, curl: most of them) gets `Vary: Origin` with the rest of its answer's headers
    // (the edge adds it), so nothing is set on the response before the answer is known.
    const headers = req.headers;
    const origin = headers.origin;
    if (!origin) return 'vary-origin';
    // Nothing has set Vary yet: this is the first stage. A preflight's answer widens it below.
    res.setHeader('Vary', 'Origin');
    const requestedMethod = headers['access-control-request-method'];
    const preflight = req.method === 'OPTIONS' && requestedMethod !== undefined;
    if (!allowed(origin)) {
      // A refused preflight is answered without any Access-Control-* header: the browser blocks the call.
      if (preflight) {
        res.statusCode = 204;
        res.end();
        return 'answered';
      }
      return undefined;
    }
    if (preflight) {
      res.setHeader('Vary', 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Allow-Credentials', 'true');
      res.setHeader('Access-Control-Allow-Methods', String(requestedMethod));
      const requestedHeaders = headers['access-control-request-headers'];
      if (requestedHeaders) res.setHeader('Access-Control-Allow-Headers', String(requestedHeaders));
      // Chromium's Private Network Access: a page on a public address calling this mock on localhost.
      if (headers['access-control-request-private-network'] === 'true') res.setHeader('Access-Control-Allow-Private-Network', 'true');
      res.setHeader('Access-Control-Max-Age', String(PREFLIGHT_MAX_AGE_SECONDS));
      res.statusCode = 204;
      res.end();
      return 'answered';
    }
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Access-Control-Expose-Headers', exposedHeaders);
    return undefined;
  };
}

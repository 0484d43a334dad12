/**
 * Browser-facing pieces of the login flows: the session cookies as lakeFS writes them (Go's http.Cookie
 * attribute order), random secrets, and the mock's small HTML pages. Every value echoed into a page is
 * escaped; every value put into a script is JSON with `<` escaped.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Reply } from '../../../engine/types.js';

/** lakeFS keeps its session cookies for 30 days (`sessionMaxAge` in pkg/api/serve.go). */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 3600;

export const COOKIE_NAMES = { internal: 'internal_auth_session', oidc: 'oidc_auth_session', saml: 'saml_auth_session' } as const;

/** `Secure` only over TLS, as lakeFS does. */
const secureFlag = (origin: string) => (origin.startsWith('https:') ? '; Secure' : '');

export function loginCookie(token: string, secret: string, now: Date, origin: string): string {
  const expires = new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000).toUTCString();
  const value = sessionCookieValue(token, secret, now);
  return `${COOKIE_NAMES.internal}=${value}; Path=/; Expires=${expires}; Max-Age=${SESSION_MAX_AGE_SECONDS}; HttpOnly${secureFlag(origin)}; SameSite=Lax`;
}

/**
 * The internal_auth_session cookie's value. lakeFS's is a gorilla securecookie: the session holding the login token,
 * timestamped and signed with the server's secret, so that only a session it issued decodes (a bare token sent as the
 * cookie is no session: the caller goes on without one). Here: base64url of `<unix seconds>|<token>|<signature>`,
 * the signature an HMAC-SHA256 of the rest under the scenario's JWT secret.
 */
export function sessionCookieValue(token: string, secret: string, now: Date): string {
  const signed = `${Math.floor(now.getTime() / 1000)}|${token}`;
  return Buffer.from(`${signed}|${sessionSignature(secret, signed)}`).toString('base64url');
}

/** The login token of a session cookie this server issued; undefined for anything else. */
export function tokenOfSessionCookie(value: string, secret: string): string | undefined {
  if (!/^[\w-]+$/.test(value)) return undefined;
  const decoded = Buffer.from(value, 'base64url').toString('utf8');
  const last = decoded.lastIndexOf('|');
  const first = decoded.indexOf('|');
  if (first < 0 || last <= first) return undefined;
  const signed = decoded.slice(0, last);
  const expected = Buffer.from(sessionSignature(secret, signed));
  const given = Buffer.from(decoded.slice(last + 1));
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return undefined;
  return decoded.slice(first + 1, last);
}

const sessionSignature = (secret: string, signed: string) =>
  createHmac('sha256', secret).update(`${COOKIE_NAMES.internal}|${signed}`).digest('base64url');

export function ssoCookie(name: string, value: string, origin: string): string {
  return `${name}=${value}; Path=/; HttpOnly${secureFlag(origin)}; SameSite=Lax`;
}

/** A deleted gorilla session cookie: MaxAge -1 is written as Max-Age=0 with an expiry in 1970. */
export function clearedCookie(name: string, origin: string): string {
  return `${name}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0; HttpOnly${secureFlag(origin)}; SameSite=Lax`;
}

/** An unguessable id (base64url); `bytes` 32 → 43 characters. */
export const secretId = (bytes = 32) => randomBytes(bytes).toString('base64url');

export const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON that can sit inside a <script> element. */
export const scriptValue = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

const STYLE =
  'body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1b1f24}' +
  'h1{font-size:1.4rem}label{display:block;margin:.6rem 0 .2rem}input{width:100%;padding:.4rem;box-sizing:border-box}' +
  'button{margin-top:.8rem;padding:.45rem 1rem;cursor:pointer}.identity{display:block;width:100%;text-align:left}' +
  '.note{color:#57606a;font-size:.9rem}.error{color:#b42318}';

/** A complete page: no caching, no referrer (URLs carry login request tokens and codes). */
export function page(ctx: { requestId: string }, status: number, title: string, body: string, headers: Record<string, string | string[]> = {}): Reply {
  const text =
    '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(title)} · mockgate lakeFS</title><style>${STYLE}</style></head>\n` +
    `<body><h1>${escapeHtml(title)}</h1>\n${body}\n<p class="note">mockgate: a stand-in for lakeFS sign-in, for tests and local development.</p></body></html>\n`;
  return {
    status,
    body: text,
    contentType: 'text/html; charset=utf-8',
    headers: {
      'X-Request-ID': ctx.requestId,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
      ...headers,
    },
  };
}

/**
 * Where a redirect may go: a path on this server (not `//host`, which browsers read as another host), or an
 * absolute http(s) URL (a UI served from another origin in development). Anything else (javascript:, data:)
 * is refused.
 */
export function safeRedirectTarget(target: string): boolean {
  if (target.startsWith('/')) return !target.startsWith('//') && !target.startsWith('/\\');
  try {
    const url = new URL(target);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/** `target` with query parameters added (kept relative when it was). */
export function withQuery(target: string, params: Record<string, string | undefined>): string {
  const base = target.startsWith('/') ? new URL(target, 'http://relative.invalid') : new URL(target);
  for (const [name, value] of Object.entries(params)) if (value !== undefined) base.searchParams.set(name, value);
  return target.startsWith('/') ? `${base.pathname}${base.search}${base.hash}` : base.toString();
}

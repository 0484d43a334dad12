/**
 * What a mock on a developer's machine must refuse from web pages the developer happens to visit, decided at
 * the edge before anything else:
 *
 * - DNS rebinding: a page on evil.example re-points its own name at 127.0.0.1 and then reads the mock as if
 *   same-origin. A server bound to loopback therefore answers only requests whose Host names a loopback
 *   address (localhost, *.localhost, 127.x.x.x, [::1]) or a host listed with --allowed-host, as webpack's and
 *   Vite's dev servers do. A server bound to another address (0.0.0.0 in a container) checks Host only when
 *   --allowed-host lists names.
 * - Cross-site writes to the admin API: without an admin token, a simple cross-site POST (a form, or fetch
 *   with mode no-cors) reset every session. A POST, PUT, PATCH or DELETE under /__admin that a browser marks
 *   as coming from another origin (Origin, Sec-Fetch-Site) is refused unless that origin is the server's own
 *   (the dashboard) or listed with --admin-origin. Clients that are not browsers send neither header.
 */
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { forbidden, type MockError } from '../engine/errors.js';
import { compileGlob, type GlobMatcher } from '../engine/glob.js';

export interface GuardOptions {
  /** The address the server binds (config.host). */
  bindHost: string;
  /** Host names (or `*.example.test` patterns) answered besides loopback ones. */
  allowedHosts: string[];
  /** Origins (or patterns, `*` for any run of characters) whose pages may change state through the admin API. */
  adminOrigins: string[];
  adminPrefix: string;
}

export type RequestGuard = (req: IncomingMessage, path: string) => MockError | undefined;

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function requestGuard(options: GuardOptions): RequestGuard {
  const checkHost = hostCheck(options);
  const checkAdmin = adminOriginCheck(options);
  return (req, path) => checkHost(req) ?? checkAdmin(req, path);
}

/** Whether a host name (no port, IPv6 without brackets) is a loopback name or address. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}

function hostCheck(options: GuardOptions): (req: IncomingMessage) => MockError | undefined {
  const bindHost = options.bindHost.replace(/^\[|\]$/g, '').toLowerCase();
  const loopbackBound = isLoopbackHost(bindHost);
  if (!loopbackBound && options.allowedHosts.length === 0) return () => undefined;
  const allowed = options.allowedHosts.map((h) => compileGlob(h.trim().toLowerCase(), { caseInsensitive: true }));
  // A server bound to a specific non-loopback address also answers that address as a Host.
  const isAllowed = (host: string) =>
    isLoopbackHost(host) || host === bindHost || allowed.some((matches: GlobMatcher) => matches(host));
  return (req) => {
    const header = req.headers.host;
    // HTTP/1.0 requests may carry no Host at all; a browser always sends one.
    if (header === undefined) return undefined;
    const host = hostName(header);
    if (host !== undefined && isAllowed(host)) return undefined;
    const shown = JSON.stringify(host ?? header).slice(0, 200);
    return forbidden(
      `host ${shown} is not allowed: this mockgate ${loopbackBound ? `listens on ${options.bindHost} and answers loopback names only` : 'answers the hosts of --allowed-host only'}; ` +
        `start it with --allowed-host ${host ?? '<name>'} to allow it (see "On a network" in the README)`,
    );
  };
}

/** The host name of a Host header value: the port removed, IPv6 brackets removed, lower case. */
function hostName(header: string): string | undefined {
  const value = header.trim().toLowerCase();
  if (value.startsWith('[')) {
    const close = value.indexOf(']');
    return close > 0 ? value.slice(1, close) : undefined;
  }
  const colon = value.indexOf(':');
  const host = colon < 0 ? value : value.slice(0, colon);
  return host === '' ? undefined : host;
}

function adminOriginCheck(options: GuardOptions): (req: IncomingMessage, path: string) => MockError | undefined {
  const folder = `${options.adminPrefix}/`;
  const listed = options.adminOrigins.map((o) => compileGlob(o.trim().toLowerCase(), { caseInsensitive: true }));
  return (req, path) => {
    if (!UNSAFE_METHODS.has(req.method ?? '') || !(path === options.adminPrefix || path.startsWith(folder))) return undefined;
    const origin = header(req, 'origin');
    const site = header(req, 'sec-fetch-site');
    const fromBrowserElsewhere = origin !== undefined || (site !== undefined && site !== 'same-origin' && site !== 'none');
    if (!fromBrowserElsewhere) return undefined;
    if (origin !== undefined) {
      const own = `${(req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http'}://${req.headers.host ?? ''}`.toLowerCase();
      if (origin.toLowerCase() === own || listed.some((matches) => matches(origin.toLowerCase()))) return undefined;
    }
    return forbidden(
      `cross-site request refused: the admin API changes state only for its own pages or an origin listed with --admin-origin ` +
        `(this one came from ${origin === undefined ? `a ${site} page` : JSON.stringify(origin).slice(0, 200)})`,
    );
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The token mailbox behind `lakectl login` (lakeFS v1.73–v1.80; Enterprise only, 501 in open source, and from 1.81 not
 * served at all in open source):
 *
 *   GET /auth/get-token/start                           → 303, Location: the sign-in page, X-LakeFS-Mailbox: secret
 *   (the browser signs in on /mockgate/lakefs/login, which calls:)
 *   GET /auth/get-token/release-token/{loginRequestToken}   authenticated → 204, a token for the caller in the mailbox;
 *                                                       anonymous → 307 to the lakeFS UI's /auth/login, back here after
 *   GET /auth/get-token/mailboxes/{mailbox}             → 404 until released, then 200 once, then 404
 *
 * Login request tokens and mailboxes are random base64url ids (lakeFS's request token is a JWT; nothing
 * reads inside it). A value that cannot be one of ours is 400; one that is unknown, used or expired is 404.
 */
import type { Handler } from '../../../../engine/types.js';
import { currentUser } from '../../authorize.js';
import { routeNotFound } from '../../../../engine/errors.js';
import { lakefsErrors, notImplementedIn, versionBefore } from '../../errors.js';
import { issueLoginToken } from '../../jwt.js';
import { empty, json } from '../../reply.js';
import type { LakefsOptions, LakefsState } from '../../state.js';
import { lookup, put, remove } from '../../table.js';
import { isCommunity, nowSeconds } from '../options.js';
import { flowsOf, type LoginFlows, type LoginRequest } from '../state.js';
import { secretId } from '../web.js';

type LoginHandler = Handler<LakefsState, LakefsOptions>;

export const LOGIN_PAGE_PATH = '/mockgate/lakefs/login';
export const RELEASE_PATH = '/api/v1/auth/get-token/release-token/';
const LOGIN_REQUEST_TOKEN = /^[A-Za-z0-9_-]{32}$/;
const MAILBOX = /^[A-Za-z0-9_-]{43}$/;

export const getTokenRedirect: LoginHandler = (ctx) => {
  const { options } = ctx;
  servedIn(ctx);
  if (isCommunity(options)) throw notImplementedIn(options);
  const flows = flowsOf(ctx.state);
  const now = nowSeconds(ctx.now);
  pruneExpired(flows, now);
  const loginRequestToken = secretId(24);
  const mailbox = secretId(32);
  const expiresAt = now + options.tokenMailboxLifetimeSeconds;
  put(flows.loginRequests, loginRequestToken, { mailbox, expiresAt });
  put(flows.mailboxes, mailbox, { expiresAt });
  ctx.stateChanged();
  return empty(ctx, 303, {
    Location: `${LOGIN_PAGE_PATH}?request=${loginRequestToken}`,
    'X-LakeFS-Mailbox': mailbox,
  });
};

export const releaseTokenToMailbox: LoginHandler = async (ctx) => {
  const { options } = ctx;
  servedIn(ctx);
  // A browser not signed in is sent to the UI's sign-in page, which comes back here; before the 501 of open
  // source (recorded from the real 1.80.0). Bad credentials never get here (401).
  if (!ctx.principal) return empty(ctx, 307, { Location: `/auth/login?next=${goQueryEscape(requestUri(ctx.request))}&redirected=true` });
  if (isCommunity(options)) throw notImplementedIn(options);
  const user = currentUser(ctx);
  // Signed (asynchronously) before the checks, so that checking and releasing happen in one step: a second
  // release of the same request cannot slip in between.
  const token = await issueLoginToken(user.id, options.jwtSecret, ctx.now, options.loginTokenLifetimeSeconds);
  const flows = flowsOf(ctx.state);
  const loginRequestToken = String(ctx.request.params.loginRequestToken);
  const request = openLoginRequest(flows, loginRequestToken, ctx.now);
  const mailbox = lookup(flows.mailboxes, request.mailbox);
  if (!mailbox || mailbox.token) throw lakefsErrors.notFound();
  mailbox.token = token;
  remove(flows.loginRequests, loginRequestToken);
  ctx.stateChanged();
  return empty(ctx, 204);
};

export const getTokenFromMailbox: LoginHandler = (ctx) => {
  const { options } = ctx;
  servedIn(ctx);
  if (isCommunity(options)) throw notImplementedIn(options);
  const id = String(ctx.request.params.mailbox);
  if (!MAILBOX.test(id)) throw lakefsErrors.badRequest('invalid mailbox');
  const flows = flowsOf(ctx.state);
  const mailbox = lookup(flows.mailboxes, id);
  if (!mailbox || mailbox.expiresAt < nowSeconds(ctx.now) || !mailbox.token) throw lakefsErrors.notFound();
  remove(flows.mailboxes, id);
  ctx.stateChanged();
  return json(ctx, 200, mailbox.token);
};

/** The open login request behind a token, or 400 (not one of ours) / 404 (unknown, released or expired). */
export function openLoginRequest(flows: LoginFlows, token: string, now: Date): LoginRequest {
  if (!LOGIN_REQUEST_TOKEN.test(token)) throw lakefsErrors.badRequest('invalid login request token');
  const request = lookup(flows.loginRequests, token);
  if (!request || request.expiresAt < nowSeconds(now)) throw lakefsErrors.notFound();
  return request;
}

/** Requests and mailboxes nobody finished, so a long-running session does not accumulate them. */
function pruneExpired(flows: LoginFlows, now: number): void {
  for (const [token, request] of Object.entries(flows.loginRequests)) if (request.expiresAt < now) remove(flows.loginRequests, token);
  for (const [id, mailbox] of Object.entries(flows.mailboxes)) if (mailbox.expiresAt < now) remove(flows.mailboxes, id);
}

/** The request's path and query as received (Go's r.URL.String() on a server request). */
function requestUri(request: { path: string; rawQuery: Record<string, string | string[]> }): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(request.rawQuery)) for (const v of Array.isArray(value) ? value : [value]) query.append(name, v);
  const text = query.toString();
  return text ? `${request.path}?${text}` : request.path;
}

/** Go's url.QueryEscape: space as `+`, every byte but letters, digits and `-_.~` percent-encoded. */
function goQueryEscape(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`).replace(/%20/g, '+');
}

/**
 * Open-source lakeFS dropped the mailbox routes in 1.81.0: from then on they are its 404 catch-all (recorded from the
 * real 1.84.0, test/fidelity). RBAC mode (lakeFS Enterprise) keeps serving them at every version: the seeds
 * describe them, and nothing recorded says Enterprise dropped them.
 */
function servedIn(ctx: Parameters<LoginHandler>[0]): void {
  if (isCommunity(ctx.options) && !versionBefore(ctx.options.lakefsVersion, [1, 81, 0])) throw routeNotFound(ctx.request.method, ctx.request.path);
}

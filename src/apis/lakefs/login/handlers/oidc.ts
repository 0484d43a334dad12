/**
 * The OpenID Connect browser flow, with mockgate standing in for the identity provider:
 *
 *   GET  /mockgate/lakefs/oidc/authorize?redirect_uri&state   a page listing the seeded identities
 *   POST /mockgate/lakefs/oidc/authorize  (sub, redirect_uri, state)   → 302 redirect_uri?code&state
 *   GET  /api/v1/oidc/callback?code&state   → user found by external id (or created), oidc_auth_session
 *        cookie, 302 into the application
 *
 * Codes are single-use and short-lived. Open-source lakeFS has no provider: its callback answers 200 with
 * no body. A code that cannot be redeemed answers 401 with no body, as the upstream document declares it.
 */
import type { Handler, Reply } from '../../../../engine/types.js';
import { lakefsErrors } from '../../errors.js';
import { empty } from '../../reply.js';
import type { LakefsContext, LakefsOptions, LakefsState } from '../../state.js';
import { addTo, has, lookup, put, remove } from '../../table.js';
import { isCommunity, nowSeconds } from '../options.js';
import { flowsOf, type LoginFlows, type OidcIdentity } from '../state.js';
import { userByExternalId } from '../users.js';
import { COOKIE_NAMES, escapeHtml, page, safeRedirectTarget, secretId, ssoCookie, withQuery } from '../web.js';

type LoginHandler = Handler<LakefsState, LakefsOptions>;

export const AUTHORIZE_PATH = '/mockgate/lakefs/oidc/authorize';
export const DEFAULT_CALLBACK = '/api/v1/oidc/callback';

export const oauthCallback: LoginHandler = (ctx) => {
  const { options } = ctx;
  if (isCommunity(options)) return { status: 200, headers: { 'X-Request-ID': ctx.requestId } };
  const flows = flowsOf(ctx.state);
  // Read from the raw query: upstream's spec declares no parameters here, and a user may mount it.
  const { code, state, error } = firstValues(ctx.request.rawQuery);
  if (error !== undefined || !code) return refused(ctx);
  const entry = lookup(flows.oidcCodes, code);
  if (!entry || entry.expiresAt < nowSeconds(ctx.now) || (entry.state !== undefined && entry.state !== state)) return refused(ctx);
  const identity = flows.oidcIdentities.find((known) => known.sub === entry.sub);
  if (!identity) return refused(ctx);

  const existing = userByExternalId(ctx.state, identity.sub);
  // A new user is named after the e-mail, or the subject when the e-mail is missing or already someone's.
  const newId = existing ? undefined : [identity.email, identity.sub].find((id) => id && !has(ctx.state.users, id));
  if (!existing && !newId) return refused(ctx);

  remove(flows.oidcCodes, code);
  const userId = existing?.id ?? createUser(ctx, identity, newId!, options.oidcDefaultGroups);
  const sessionId = secretId();
  put(flows.oidcSessions, sessionId, { userId, claims: claimsOf(identity) });
  ctx.stateChanged();
  return empty(ctx, 302, {
    Location: options.oidcRedirect,
    'Set-Cookie': ssoCookie(COOKIE_NAMES.oidc, sessionId, ctx.request.origin),
  });
};

export const mockgateOidcAuthorizePage: LoginHandler = (ctx) => {
  const redirectUri = redirectTarget(ctx.request.query.redirect_uri);
  const state = ctx.request.query.state as string | undefined;
  const identities = flowsOf(ctx.state).oidcIdentities;
  const hidden =
    `<input type="hidden" name="redirect_uri" value="${escapeHtml(redirectUri)}">` +
    (state !== undefined ? `<input type="hidden" name="state" value="${escapeHtml(state)}">` : '');
  const buttons = identities.map(
    (identity) =>
      `<form method="post" action="${AUTHORIZE_PATH}"><input type="hidden" name="sub" value="${escapeHtml(identity.sub)}">${hidden}` +
      `<button class="identity" type="submit" data-sub="${escapeHtml(identity.sub)}">${escapeHtml(describe(identity))}</button></form>`,
  );
  const body = identities.length
    ? `<p>Choose who signs in. The browser then returns to <code>${escapeHtml(redirectUri)}</code>.</p>\n${buttons.join('\n')}`
    : '<p>The scenario seeds no identities (<code>apis.lakefs.sso.oidcIdentities</code>), so nobody can sign in here.</p>';
  return page(ctx, 200, 'Sign in with the mock identity provider', body);
};

interface AuthorizeForm {
  sub: string;
  redirect_uri?: string;
  state?: string;
}

export const mockgateOidcAuthorize: LoginHandler = (ctx) => {
  const form = ctx.request.body as AuthorizeForm;
  const redirectUri = redirectTarget(form.redirect_uri);
  const flows = flowsOf(ctx.state);
  const identity = flows.oidcIdentities.find((known) => known.sub === form.sub);
  if (!identity) throw lakefsErrors.notFound('identity not found');
  const { options } = ctx;
  const now = nowSeconds(ctx.now);
  pruneCodes(flows, now);
  const code = secretId(24);
  put(flows.oidcCodes, code, {
    sub: identity.sub,
    redirectUri,
    ...(form.state !== undefined && { state: form.state }),
    expiresAt: now + options.oidcCodeLifetimeSeconds,
  });
  return empty(ctx, 302, { Location: withQuery(redirectUri, { code, state: form.state }) });
};

function redirectTarget(given: unknown): string {
  const target = typeof given === 'string' && given !== '' ? given : DEFAULT_CALLBACK;
  if (!safeRedirectTarget(target)) throw lakefsErrors.badRequest('invalid redirect_uri: use a path on this server or an http(s) URL');
  return target;
}

/** No body: the upstream document declares this 401 without content. */
function refused(ctx: LakefsContext): Reply {
  return { status: 401, headers: { 'X-Request-ID': ctx.requestId } };
}

function createUser(ctx: LakefsContext, identity: OidcIdentity, id: string, defaultGroups: string[]): string {
  put(ctx.state.users, id, {
    id,
    creationDate: nowSeconds(ctx.now),
    externalId: identity.sub,
    ...(identity.name !== undefined && { friendlyName: identity.name }),
    ...(identity.email !== undefined && { email: identity.email }),
  });
  // Groups the store does not have are skipped, as lakeFS skips initial groups it cannot add.
  for (const group of identity.groups ?? defaultGroups) if (has(ctx.state.groups, group)) addTo(ctx.state.groupMembers, group, id);
  return id;
}

function claimsOf(identity: OidcIdentity): Record<string, string> {
  return {
    sub: identity.sub,
    ...(identity.email !== undefined && { email: identity.email }),
    ...(identity.name !== undefined && { name: identity.name }),
  };
}

function describe(identity: OidcIdentity): string {
  const who = identity.name ?? identity.email ?? identity.sub;
  const extra = [identity.email !== who ? identity.email : undefined, `sub ${identity.sub}`].filter(Boolean).join(', ');
  return `${who} (${extra})`;
}

function pruneCodes(flows: LoginFlows, now: number): void {
  for (const [code, entry] of Object.entries(flows.oidcCodes)) if (entry.expiresAt < now) remove(flows.oidcCodes, code);
}

function firstValues(query: Record<string, string | string[]>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(query).map(([name, value]) => [name, Array.isArray(value) ? value[0] : value]));
}

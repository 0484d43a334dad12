/**
 * The sign-in page of a token-mailbox login (where getTokenRedirect's Location points), standing in for a
 * lakeFS Enterprise sign-in page:
 *
 *   GET  /mockgate/lakefs/login?request=…   the form: an access key pair, or "continue as <user>" when the
 *                                           browser already has a session cookie
 *   POST /mockgate/lakefs/login             signs in (the key pair sets internal_auth_session, as
 *                                           POST /api/v1/auth/login does) and answers a page whose script
 *                                           calls releaseTokenToMailbox for the request with that session
 *
 * A plain HTTP client does the same: POST the form, then GET the release URL with the cookie it was given.
 * Without `request` the page only signs the browser in.
 */
import type { Handler, Reply } from '../../../../engine/types.js';
import { isMockError } from '../../../../engine/errors.js';
import { issueLoginToken, verifyLoginToken } from '../../jwt.js';
import type { LakefsContext, LakefsOptions, LakefsState } from '../../state.js';
import { has } from '../../table.js';
import { flowsOf, ssoSessionUser } from '../state.js';
import { userForKeyPair } from '../users.js';
import { COOKIE_NAMES, escapeHtml, loginCookie, page, scriptValue, tokenOfSessionCookie } from '../web.js';
import { LOGIN_PAGE_PATH, openLoginRequest, RELEASE_PATH } from './mailbox.js';

type LoginHandler = Handler<LakefsState, LakefsOptions>;

const TITLE = 'Sign in to lakeFS';

export const mockgateLoginPage: LoginHandler = async (ctx) => {
  const request = ctx.request.query.request as string | undefined;
  const gone = unknownRequest(ctx, request);
  if (gone) return gone;
  return form(ctx, 200, request, await sessionUser(ctx));
};

interface LoginForm {
  request?: string;
  access_key_id?: string;
  secret_access_key?: string;
}

export const mockgateLogin: LoginHandler = async (ctx) => {
  const fields = ctx.request.body as LoginForm;
  const request = fields.request || undefined;
  const gone = unknownRequest(ctx, request);
  if (gone) return gone;

  let userId: string | undefined;
  const headers: Record<string, string> = {};
  if (fields.access_key_id || fields.secret_access_key) {
    try {
      userId = userForKeyPair(ctx, fields.access_key_id ?? '', fields.secret_access_key ?? '');
    } catch (err) {
      if (!isMockError(err)) throw err;
      return form(ctx, 401, request, await sessionUser(ctx), 'Wrong access key ID or secret access key.');
    }
    const { options } = ctx;
    const issued = await issueLoginToken(userId, options.jwtSecret, ctx.now, options.loginTokenLifetimeSeconds);
    headers['Set-Cookie'] = loginCookie(issued.token, ctx.options.jwtSecret, ctx.now, ctx.request.origin);
  } else {
    userId = await sessionUser(ctx);
    if (!userId) return form(ctx, 401, request, undefined, 'Enter an access key pair: this browser has no lakeFS session.');
  }

  if (request === undefined) {
    return page(ctx, 200, 'Signed in', `<p>Signed in to lakeFS as <strong>${escapeHtml(userId)}</strong>.</p>`, headers);
  }
  const releaseUrl = RELEASE_PATH + encodeURIComponent(request);
  const body =
    `<p>Signed in as <strong>${escapeHtml(userId)}</strong>.</p>\n` +
    `<p id="release-status" data-state="pending">Handing the token to the waiting client…</p>\n` +
    `<noscript><p><a href="${escapeHtml(releaseUrl)}">Release the token</a> (the page stays blank once it is done).</p></noscript>\n` +
    `<script>(function(){var s=document.getElementById('release-status');` +
    `fetch(${scriptValue(releaseUrl)},{credentials:'same-origin'}).then(function(r){` +
    `if(r.status===204){s.dataset.state='released';s.textContent='Done: the client has its token. You can close this window.';}` +
    `else{s.dataset.state='failed';s.className='error';s.textContent='The token could not be released (HTTP '+r.status+').';}` +
    `},function(e){s.dataset.state='failed';s.className='error';s.textContent='The token could not be released: '+e;});})();</script>`;
  return page(ctx, 200, 'Signed in', body, headers);
};

/** A 404 page for a request token that is not open (the API answers 400 for malformed ones; the page says the same thing). */
function unknownRequest(ctx: LakefsContext, request: string | undefined): Reply | undefined {
  if (request === undefined || request === '') return undefined;
  try {
    openLoginRequest(flowsOf(ctx.state), request, ctx.now);
    return undefined;
  } catch (err) {
    if (!isMockError(err)) throw err;
    return page(ctx, 404, 'Sign-in link expired', '<p>This sign-in link is unknown, already used or expired. Start again from the client (for example <code>lakectl login</code>).</p>');
  }
}

/** The user of a valid session cookie of any of the three kinds, if the browser has one. */
async function sessionUser(ctx: LakefsContext): Promise<string | undefined> {
  const cookies = ctx.request.cookies;
  const token = tokenOfSessionCookie(cookies[COOKIE_NAMES.internal] ?? '', ctx.options.jwtSecret);
  if (token) {
    try {
      const userId = await verifyLoginToken(token, ctx.options.jwtSecret, ctx.now);
      if (has(ctx.state.users, userId)) return userId;
    } catch (err) {
      if (!isMockError(err)) throw err;
    }
  }
  for (const kind of ['oidc', 'saml'] as const) {
    const value = cookies[COOKIE_NAMES[kind]];
    const userId = value ? ssoSessionUser(ctx.state.login, kind, value, ctx.now) : undefined;
    if (userId && has(ctx.state.users, userId)) return userId;
  }
  return undefined;
}

function form(ctx: LakefsContext, status: number, request: string | undefined, signedIn: string | undefined, problem?: string): Reply {
  const hidden = request !== undefined ? `<input type="hidden" name="request" value="${escapeHtml(request)}">` : '';
  const purpose = request !== undefined ? '<p>A client (such as <code>lakectl login</code>) is waiting for a token. Sign in to hand it one.</p>' : '';
  const error = problem ? `<p class="error" role="alert">${escapeHtml(problem)}</p>` : '';
  const resume = signedIn
    ? `<form method="post" action="${LOGIN_PAGE_PATH}" id="continue">${hidden}` +
      `<button type="submit">Continue as ${escapeHtml(signedIn)}</button></form>\n<p>or sign in as someone else:</p>`
    : '';
  const credentials =
    `<form method="post" action="${LOGIN_PAGE_PATH}" id="credentials">${hidden}` +
    '<label for="access_key_id">Access key ID</label><input id="access_key_id" name="access_key_id" autocomplete="username" required>' +
    '<label for="secret_access_key">Secret access key</label>' +
    '<input id="secret_access_key" name="secret_access_key" type="password" autocomplete="current-password" required>' +
    '<button type="submit">Sign in</button></form>';
  return page(ctx, status, TITLE, `${purpose}${error}\n${resume}\n${credentials}`);
}

/**
 * POST /auth/login and GET /logout: the key-pair sign-in that sets lakeFS's session cookie, and the sign-out
 * that clears every session cookie. lakeFS's cookie holds a gorilla-securecookie blob; the mock's holds the
 * login token itself, which security.ts reads back as cookie_auth.
 */
import type { Handler } from '../../../../engine/types.js';
import { lakefsErrors } from '../../errors.js';
import { issueLoginToken } from '../../jwt.js';
import { empty, json } from '../../reply.js';
import type { LakefsOptions, LakefsState } from '../../state.js';
import { userForKeyPair } from '../users.js';
import { clearedCookie, COOKIE_NAMES, loginCookie } from '../web.js';

type LoginHandler = Handler<LakefsState, LakefsOptions>;

interface LoginInformation {
  access_key_id: string;
  secret_access_key: string;
}

/** Works in every mode. No body at all is refused like an unknown key (the validator requires both fields of a body). */
export const login: LoginHandler = async (ctx) => {
  const body = ctx.request.body as LoginInformation | undefined;
  if (body === undefined) throw lakefsErrors.authenticating('missing');
  const userId = userForKeyPair(ctx, body.access_key_id, body.secret_access_key);
  const { options } = ctx;
  const issued = await issueLoginToken(userId, options.jwtSecret, ctx.now, options.loginTokenLifetimeSeconds);
  return json(ctx, 200, issued, { 'Set-Cookie': loginCookie(issued.token, ctx.options.jwtSecret, ctx.now, ctx.request.origin) });
};

/** Tokens already issued stay valid until they expire, as with lakeFS's stateless signed cookies. */
export const logout: LoginHandler = (ctx) => {
  const { options } = ctx;
  return empty(ctx, 307, {
    Location: options.logoutRedirect,
    'Set-Cookie': Object.values(COOKIE_NAMES).map((name) => clearedCookie(name, ctx.request.origin)),
  });
};

/**
 * Who is calling (lakeFS pkg/api/auth_middleware.go). The engine tries the operation's schemes in the spec's
 * order — jwt_token, basic_auth, cookie_auth, oidc_auth, saml_auth, as upstream — and the first scheme whose
 * credential is present decides: a bad Bearer token is 401 even next to good basic credentials, as upstream
 * tries the JWT first and aborts on any error. No credential at all is not an error here: the request goes on
 * unauthenticated and each handler's authorize() answers 401 (GET /user answers the empty user instead).
 *
 * Nor is a header lakeFS cannot read as a credential (checkSecurityRequirements skips it and tries the next
 * scheme): an Authorization that is not exactly `Bearer <token>`, a Basic header that is not base64 of
 * `key:secret`, an internal_auth_session cookie that does not decode. Those verifiers answer undefined (recorded
 * from the real 1.80.0 in test/fidelity: `GET /user` then answers the empty user).
 */
import type { PresentedCredential, Principal, Verifier } from '../../engine/types.js';
import { lakefsErrors } from './errors.js';
import { verifyLoginToken } from './jwt.js';
import { ssoSessionUser } from './login/state.js';
import { tokenOfSessionCookie } from './login/web.js';
import type { LakefsOptions, LakefsSecurityContext, LakefsState } from './state.js';
import { has } from './table.js';
import { credentialOrCached, userOrCached } from './caches.js';

type LakefsVerifier = Verifier<LakefsState, LakefsOptions>;

/**
 * A token's user must still exist: a token of a deleted user is refused (UserByToken calls GetUser) — once the
 * auth cache, when on, no longer holds it (caches.ts).
 */
async function tokenPrincipal(token: string, scheme: string, ctx: LakefsSecurityContext): Promise<Principal> {
  const userId = await verifyLoginToken(token, ctx.options.jwtSecret, ctx.now);
  if (!userOrCached(ctx.state, userId, ctx.now)) throw lakefsErrors.authenticating('revoked');
  return { id: userId, scheme };
}

/** strings.Fields of the header must be exactly `Bearer` and one token. */
const jwtToken: LakefsVerifier = (credential, ctx) => {
  const token = credential.value ?? '';
  if (token === '' || /\s/.test(token)) return undefined;
  return tokenPrincipal(token, 'jwt_token', ctx);
};

/** The access key pair of the credential store (BuiltinAuthenticator): unknown key or wrong secret → 401. */
const basicAuth: LakefsVerifier = (credential, ctx) => {
  if (!readableBasic(credential)) return undefined;
  // Through the auth cache, when on: a deleted user's key works until it expires.
  const stored = credentialOrCached(ctx.state, credential.username ?? '', ctx.now);
  if (!stored || !sameSecret(stored.secretAccessKey, credential.password ?? '')) throw lakefsErrors.authenticating('invalid');
  if (!userOrCached(ctx.state, stored.userId, ctx.now)) throw lakefsErrors.authenticating('revoked');
  return { id: stored.userId, scheme: 'basic_auth' };
};

/**
 * The `internal_auth_session` cookie set by login: a session this server signed, holding the login token
 * (login/web.ts). One that does not decode — garbage, a bare token, another server's — is no session, and the
 * caller goes on without it, as lakeFS does; a session whose token fails (expired, of a deleted user) is 401.
 */
const cookieAuth: LakefsVerifier = (credential, ctx) => {
  const token = tokenOfSessionCookie(credential.value ?? '', ctx.options.jwtSecret);
  if (token === undefined) return undefined;
  return tokenPrincipal(token, 'cookie_auth', ctx);
};

const ssoCookie =
  (kind: 'oidc' | 'saml', scheme: string): LakefsVerifier =>
  (credential: PresentedCredential, ctx) => {
    const userId = ssoSessionUser(ctx.state.login, kind, credential.value ?? '', ctx.now);
    if (!userId || !has(ctx.state.users, userId)) throw lakefsErrors.authenticating('invalid');
    return { id: userId, scheme };
  };

export const verifiers: Record<string, LakefsVerifier> = {
  jwt_token: jwtToken,
  basic_auth: basicAuth,
  cookie_auth: cookieAuth,
  oidc_auth: ssoCookie('oidc', 'oidc_auth'),
  saml_auth: ssoCookie('saml', 'saml_auth'),
};

/**
 * No credential under any scheme's name. The Python SDK's `api_key={"cookie_auth": V}` sends `Cookie: V` —
 * the bare value with no cookie name — so a bare login token in the Cookie header is read as cookie_auth.
 * Anything else leaves the caller anonymous.
 */
export async function anonymous(ctx: LakefsSecurityContext): Promise<Principal | undefined> {
  const raw = ctx.request.headers.cookie;
  const cookie = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (!cookie || cookie.includes('=') || cookie.split('.').length !== 3) return undefined;
  return tokenPrincipal(cookie, 'cookie_auth', ctx);
}

/** Go's Request.BasicAuth: standard base64 (padded), and a colon in what it decodes to. */
function readableBasic(credential: PresentedCredential): boolean {
  return credential.padded === true && credential.separated === true;
}

/**
 * Plain equality: the secrets a mock holds are test fixtures, so a constant-time compare (two Buffers and
 * timingSafeEqual on every request) protects nothing.
 */
function sameSecret(stored: string, given: string): boolean {
  return stored === given;
}

/**
 * lakeFS's login tokens (pkg/auth/token.go): HS256 JWTs signed with `auth.encrypt.secret_key`, claims
 * `{jti, iss: "auth", sub: <username>, aud: "login", iat, exp}`. Verification is golang-jwt's as lakeFS sets it
 * up: any HMAC algorithm (HS256/384/512; `none` and public-key algorithms are refused), `exp` required and
 * valid strictly before it (jose's rule too), an `aud` of "login" or none.
 */
import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { hmacKey } from '../shared/hmac-keys.js';
import { lakefsErrors } from './errors.js';
import { unixSeconds } from './state.js';

const HMAC_ALGORITHMS = ['HS256', 'HS384', 'HS512'];

export interface IssuedToken {
  token: string;
  /** Unix seconds: the AuthenticationToken's `token_expiration`. */
  token_expiration: number;
}

export async function issueLoginToken(userId: string, secret: string, now: Date, lifetimeSeconds: number): Promise<IssuedToken> {
  const iat = unixSeconds(now);
  const exp = iat + lifetimeSeconds;
  // The claims in lakeFS's order, set in one object: jose writes them as given.
  const token = await new SignJWT({ jti: randomUUID(), iss: 'auth', sub: userId, aud: 'login', iat, exp })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .sign(await hmacKey(secret, 'HS256'));
  return { token, token_expiration: exp };
}

/** The username a valid login token names; rejects with 401 `error authenticating request` otherwise. */
export async function verifyLoginToken(token: string, secret: string, now: Date): Promise<string> {
  let claims: JWTPayload;
  try {
    // The key for the algorithm the token names (jose refuses any other than HMAC_ALGORITHMS first).
    ({ payload: claims } = await jwtVerify(token, (header) => hmacKey(secret, header.alg), { algorithms: HMAC_ALGORITHMS, requiredClaims: ['exp'], currentDate: now }));
  } catch (err) {
    if (!(err instanceof errors.JOSEError)) throw err;
    throw lakefsErrors.authenticating(err instanceof errors.JWTExpired ? 'expired' : 'invalid');
  }
  // jose's audience option would require the claim; lakeFS also takes a token without one.
  const audience = Array.isArray(claims.aud) ? claims.aud : claims.aud === undefined ? [] : [claims.aud];
  if (audience.length > 0 && !audience.includes('login')) throw lakefsErrors.authenticating('invalid');
  if (typeof claims.sub !== 'string' || claims.sub === '') throw lakefsErrors.authenticating('invalid');
  return claims.sub;
}

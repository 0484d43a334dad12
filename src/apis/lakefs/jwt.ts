/**
 * lakeFS's login tokens (pkg/auth/token.go): HS256 JWTs signed with `auth.encrypt.secret_key`, claims
 * `{jti, iss: "auth", sub: <username>, aud: "login", iat, exp}`. Verification accepts HS256/384/512, requires
 * `exp`, and accepts an `aud` of "login" or none. Verifiers are synchronous while jose's verification is async
 * (WebCrypto), so jose only parses and node:crypto checks the HMAC.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import { lakefsErrors } from './errors.js';
import { unixSeconds } from './state.js';

const hashes: Record<string, string> = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

export interface IssuedToken {
  token: string;
  /** Unix seconds: the AuthenticationToken's `token_expiration`. */
  token_expiration: number;
}

export function issueLoginToken(userId: string, secret: string, now: Date, lifetimeSeconds: number): IssuedToken {
  const iat = unixSeconds(now);
  const exp = iat + lifetimeSeconds;
  const claims = { jti: randomUUID(), iss: 'auth', sub: userId, aud: 'login', iat, exp };
  const header = base64url({ alg: 'HS256', typ: 'JWT' });
  const body = base64url(claims);
  const signature = createHmac('sha256', secret).update(`${header}.${body}`).digest('base64url');
  return { token: `${header}.${body}.${signature}`, token_expiration: exp };
}

/** The username a valid login token names; throws 401 `error authenticating request` otherwise. */
export function verifyLoginToken(token: string, secret: string, now: Date): string {
  let alg: string | undefined;
  let claims: JWTPayload;
  try {
    alg = decodeProtectedHeader(token).alg;
    claims = decodeJwt(token);
  } catch {
    throw lakefsErrors.authenticating('invalid');
  }
  const hash = alg ? hashes[alg] : undefined;
  const [header, body, signature] = token.split('.');
  if (!hash || header === undefined || body === undefined || signature === undefined) throw lakefsErrors.authenticating('invalid');
  const expected = createHmac(hash, secret).update(`${header}.${body}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw lakefsErrors.authenticating('invalid');
  if (typeof claims.exp !== 'number') throw lakefsErrors.authenticating('invalid');
  if (claims.exp < unixSeconds(now)) throw lakefsErrors.authenticating('expired');
  const audience = Array.isArray(claims.aud) ? claims.aud : claims.aud === undefined ? [] : [claims.aud];
  if (audience.length > 0 && !audience.includes('login')) throw lakefsErrors.authenticating('invalid');
  if (typeof claims.sub !== 'string' || claims.sub === '') throw lakefsErrors.authenticating('invalid');
  return claims.sub;
}

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

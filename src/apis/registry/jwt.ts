/**
 * JWT checks as the service's Keycloak dependency makes them (python-jose `jwt.decode` with the audience
 * check off, exp enforced, no leeway), with HS256 and a scenario secret standing in for Keycloak's RS256
 * realm key so tests can mint tokens. Verifiers are synchronous and jose's verification is async (WebCrypto),
 * so jose parses and node:crypto checks the HMAC.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, type JWTPayload } from 'jose';
import { unauthorized } from '../../engine/errors.js';

export function looksLikeJwt(token: string): boolean {
  return token.split('.').length === 3;
}

export function verifyJwt(token: string, secret: string | undefined, verifySignature: boolean, now: Date): JWTPayload {
  let alg: string | undefined;
  let payload: JWTPayload;
  try {
    alg = decodeProtectedHeader(token).alg;
    payload = decodeJwt(token);
  } catch {
    throw unauthorized('malformed', 'the token is not a decodable JWT');
  }
  if (verifySignature) {
    if (!secret) throw unauthorized('invalid', 'no jwtSecret is configured, so no JWT can verify');
    if (alg !== 'HS256') throw unauthorized('invalid', `JWT algorithm ${alg} is not accepted`);
    const [header, body, signature] = token.split('.') as [string, string, string];
    const expected = createHmac('sha256', secret).update(`${header}.${body}`).digest();
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw unauthorized('invalid', 'JWT signature does not verify');
    }
  }
  checkRegisteredClaims(payload, Math.floor(now.getTime() / 1000));
  return payload;
}

/** python-jose's claim checks: time claims must be integers (int() accepts numeric strings); exp < now is expired. */
function checkRegisteredClaims(payload: JWTPayload, nowSeconds: number): void {
  const exp = integerClaim(payload, 'exp');
  if (exp !== undefined && exp < nowSeconds) throw unauthorized('expired', 'JWT has expired');
  const nbf = integerClaim(payload, 'nbf');
  if (nbf !== undefined && nbf > nowSeconds) throw unauthorized('invalid', 'JWT is not valid yet (nbf)');
  integerClaim(payload, 'iat');
  for (const name of ['sub', 'jti'] as const) {
    if (payload[name] !== undefined && typeof payload[name] !== 'string') throw unauthorized('invalid', `JWT claim ${name} must be a string`);
  }
}

function integerClaim(payload: JWTPayload, name: string): number | undefined {
  const value = payload[name];
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) return Number.parseInt(value, 10);
  throw unauthorized('invalid', `JWT claim ${name} must be an integer`);
}

/**
 * JWT checks as the service's Keycloak dependency makes them (python-jose `jwt.decode` with the audience
 * check off, exp enforced, no leeway), with HS256 and a scenario secret standing in for Keycloak's RS256
 * realm key so tests can mint tokens.
 *
 * jose checks the signature at the JWS level (compactVerify, HS256 only: `alg: none` and RS256 tokens are
 * refused). The claims are checked here, by python-jose's rules, which jose's JWT layer (jwtVerify) would
 * contradict: python-jose takes a token through its `exp` second where jose refuses it at that second, and
 * takes time claims written as numeric strings (it calls int() on them) where jose refuses them; and the
 * service's test mode, which skips the signature, checks the claims all the same. So the request's clock
 * decides expiry, and jose reads no clock at all.
 */
import { compactVerify, decodeJwt, decodeProtectedHeader, errors, type JWTPayload } from 'jose';
import { unauthorized } from '../../engine/errors.js';
import { hmacKey } from '../shared/hmac-keys.js';

export function looksLikeJwt(token: string): boolean {
  return token.split('.').length === 3;
}

export async function verifyJwt(token: string, secret: string | undefined, verifySignature: boolean, now: Date): Promise<JWTPayload> {
  let alg: string | undefined;
  let payload: JWTPayload;
  try {
    // python-jose reads the header even when it does not check the signature: an unreadable one is refused.
    alg = decodeProtectedHeader(token).alg;
    payload = decodeJwt(token);
  } catch {
    throw unauthorized('malformed', 'the token is not a decodable JWT');
  }
  if (verifySignature) await checkSignature(token, alg, secret);
  checkRegisteredClaims(payload, Math.floor(now.getTime() / 1000));
  return payload;
}

async function checkSignature(token: string, alg: string | undefined, secret: string | undefined): Promise<void> {
  if (!secret) throw unauthorized('invalid', 'no jwtSecret is configured, so no JWT can verify');
  try {
    await compactVerify(token, await hmacKey(secret, 'HS256'), { algorithms: ['HS256'] });
  } catch (err) {
    if (err instanceof errors.JOSEAlgNotAllowed) throw unauthorized('invalid', `JWT algorithm ${alg} is not accepted`);
    if (err instanceof errors.JWSSignatureVerificationFailed) throw unauthorized('invalid', 'JWT signature does not verify');
    if (err instanceof errors.JOSEError) throw unauthorized('invalid', `JWT does not verify: ${err.message}`);
    throw err;
  }
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

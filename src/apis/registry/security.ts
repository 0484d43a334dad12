/**
 * The OAuth2PasswordBearer verifier. The service chains three FastAPI dependencies, and each has its own
 * 401 text: the token must decode (else "Could not validate credentials"), carry `realm_access.roles`
 * (else "Token had incorrect structure."), and hold every role the route needs (else "You are not
 * authorised …"). Role failures are 401 too, never 403. Texts are chosen in errors.ts from the failure kind.
 */
import { MockError, ErrorCode, unauthorized } from '../../engine/errors.js';
import type { Principal, Verifier } from '../../engine/types.js';
import { looksLikeJwt, verifyJwt } from './jwt.js';
import { READ_OPERATION, WRITE_OPERATION } from './model.js';
import type { RegistryState, ResolvedOptions } from './state.js';

/** Marks the "incorrect structure" failure, which shares authFailure 'malformed' with undecodable tokens. */
export const INCORRECT_STRUCTURE = 'incorrect-structure';

interface User {
  username: string;
  email?: string;
  roles: string[];
  source: 'seeded' | 'jwt';
}

export const verifyBearer: Verifier<RegistryState, ResolvedOptions> = async (credential, ctx) => {
  const { options } = ctx;
  const user = await identify(credential.value ?? '', ctx.state, options, ctx.now);
  const missing = requiredRoles(ctx.operationId, options).filter((role) => !user.roles.includes(role));
  if (missing.length) throw unauthorized('insufficient-role', `missing role(s) ${missing.join(', ')}`);
  const principal: Principal = { id: user.username, username: user.username, roles: user.roles, tokenSource: user.source };
  if (user.email !== undefined) principal.email = user.email;
  return principal;
};

/** Read needs the read role; write needs read and write (the service's "all of" role dependency). */
function requiredRoles(operationId: string, options: ResolvedOptions): string[] {
  if (operationId === READ_OPERATION) return [options.readRole];
  if (operationId === WRITE_OPERATION) return [options.readRole, options.writeRole];
  return [];
}

async function identify(token: string, state: RegistryState, options: ResolvedOptions, now: Date): Promise<User> {
  // Seeded opaque tokens first, so a scenario can seed a value that happens to contain dots.
  const seeded = state.tokens.find((t) => t.token === token);
  if (seeded) {
    if (seeded.revoked) throw unauthorized('revoked', 'token has been revoked');
    if (seeded.expiresAt !== undefined && Date.parse(seeded.expiresAt) <= now.getTime()) throw unauthorized('expired', 'token has expired');
    if (!seeded.roles) throw incorrectStructure('seeded token has no roles');
    return { username: seeded.username, email: seeded.email, roles: seeded.roles, source: 'seeded' };
  }
  if (!looksLikeJwt(token)) throw unauthorized('invalid', 'unknown token');
  const claims = await verifyJwt(token, options.jwtSecret, options.verifyJwtSignature, now);
  return userFromClaims(claims);
}

/**
 * The service reads `realm_access.roles` inside a try block, so a missing or non-object realm_access gives
 * "incorrect structure". A missing roles list or username makes its own User model fail outside that block
 * (a 500 there); the mock answers "incorrect structure" for those too rather than an undocumented 500.
 */
function userFromClaims(claims: Record<string, unknown>): User {
  const realmAccess = claims.realm_access;
  const roles = isObject(realmAccess) ? realmAccess.roles : undefined;
  if (!Array.isArray(roles) || !roles.every(isScalar)) throw incorrectStructure('realm_access.roles is missing or not a list of strings');
  const username = claims.preferred_username;
  if (!isScalar(username)) throw incorrectStructure('preferred_username is missing');
  const email = claims.email;
  return {
    username: String(username),
    email: isScalar(email) ? String(email) : undefined,
    roles: roles.map(String),
    source: 'jwt',
  };
}

function incorrectStructure(reason: string): MockError {
  return new MockError(ErrorCode.Unauthenticated, 401, { authFailure: 'malformed', message: reason, detail: { reason: INCORRECT_STRUCTURE } });
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
// pydantic's str fields take numbers too; anything else would fail the service's User model.
const isScalar = (v: unknown): v is string | number => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v));

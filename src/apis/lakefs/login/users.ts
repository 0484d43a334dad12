/**
 * How the sign-in flows find — and for SSO and directory logins, create — the lakeFS user behind an
 * identity: key pairs from the credential store, then the directory (lakeFS's ChainAuthenticator); SSO
 * identities by external id (the `sub` claim), as lakeFS's GetUserByExternalID does.
 */
import { timingSafeEqual } from 'node:crypto';
import { lakefsErrors } from '../errors.js';
import type { LakefsContext, LakefsState, UserRecord } from '../state.js';
import { addTo, has, idsWhere, lookup, put } from '../table.js';
import { nowSeconds } from './options.js';
import { credentialOrCached, userOrCached } from '../caches.js';
import { flowsOf } from './state.js';

export function userByExternalId(state: LakefsState, externalId: string): UserRecord | undefined {
  const [first] = idsWhere(state.users, 'externalId', externalId);
  return first === undefined ? undefined : lookup(state.users, first);
}

/**
 * The user an access key pair signs in: the credential store first, then the directory accounts of
 * `sso.ldapUsers` (username / password), whose first sign-in creates the lakeFS user — id = username,
 * external id = the DN — in the default group. Anything else is 401 `error authenticating request`.
 */
export function userForKeyPair(ctx: LakefsContext, accessKeyId: string, secret: string): string {
  // Through the auth cache, when on (caches.ts): a deleted user's key pair still signs in until it expires.
  const stored = credentialOrCached(ctx.state, accessKeyId, ctx.now);
  if (stored && sameSecret(stored.secretAccessKey, secret) && userOrCached(ctx.state, stored.userId, ctx.now)) return stored.userId;

  const account = lookup(flowsOf(ctx.state).ldapUsers, accessKeyId);
  if (!account || !sameSecret(account.password, secret)) throw lakefsErrors.authenticating('invalid');
  const externalId = account.dn ?? account.username;
  const known = userByExternalId(ctx.state, externalId);
  if (known) return known.id;
  const sameName = lookup(ctx.state.users, account.username);
  // A user of that name from elsewhere is taken to be this person unless it is bound to another identity.
  if (sameName) {
    if (sameName.externalId !== undefined) throw lakefsErrors.authenticating('invalid');
    return sameName.id;
  }
  put(ctx.state.users, account.username, {
    id: account.username,
    creationDate: nowSeconds(ctx.now),
    friendlyName: account.username,
    externalId,
  });
  const defaultGroup = ctx.options.ldapDefaultGroup;
  if (has(ctx.state.groups, defaultGroup)) addTo(ctx.state.groupMembers, defaultGroup, account.username);
  return account.username;
}

export function sameSecret(stored: string, given: string): boolean {
  const a = Buffer.from(stored);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

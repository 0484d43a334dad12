/**
 * Users and the current user. Deleting a user takes everything hanging off it with it: access keys, group
 * memberships, direct policy attachments and external principals (a login token of the user stops working too,
 * as the verifiers look the user up).
 */
import { arn } from '../arn.js';
import { authorize, effectivePolicies } from '../authorize.js';
import { lakefsErrors, messages, notImplementedIn } from '../errors.js';
import { paginateTable } from '../pagination.js';
import { empty, json } from '../reply.js';
import { unixSeconds, type LakefsState } from '../state.js';
import { has, holdersOf, idsWhere, lookup, put, remove, removeFrom, rows, size } from '../table.js';
import { isCommunity, pageQuery, parseEmailAddress, refusePercent, validateEntityId, type AuthContext } from './common.js';
import { userBody } from './present.js';
import { cacheDeletedUser, cachedUserEntry, cachedUsers, userOrCached } from '../caches.js';

/** GET /user: no authorization; an anonymous caller gets the empty user rather than a 401. */
export function getCurrentUser(ctx: AuthContext) {
  const user = ctx.principal ? userOrCached(ctx.state, ctx.principal.id, ctx.now) : undefined;
  if (!user) return json(ctx, 200, { user: { creation_date: 0, id: '' } });
  return json(ctx, 200, {
    user: {
      id: user.id,
      creation_date: user.creationDate,
      friendly_name: user.friendlyName ?? user.id,
      ...(user.email !== undefined && { email: user.email }),
    },
  });
}

export function listUsers(ctx: AuthContext) {
  authorize(ctx, 'auth:ListUsers', arn.all);
  if (isCommunity(ctx)) {
    // Its one user is read through the auth cache's single entry (caches.ts): a deleted user is listed until that
    // expires, even when another was created meanwhile (recorded from the real 1.80.0).
    const cached = cachedUsers(ctx.state, ctx.now);
    const users = cached.length > 0 ? cached : rows(ctx.state.users);
    // The single-user service ignores paging and answers its one user (upstream BasicAuthService.ListUsers).
    return json(ctx, 200, { pagination: { has_more: false, next_offset: '', results: users.length, max_per_page: 0 }, results: users.map(userBody) });
  }
  const page = paginateTable(ctx.state.users, pageQuery(ctx));
  return json(ctx, 200, { pagination: page.pagination, results: page.results.map(userBody) });
}

export function createUser(ctx: AuthContext) {
  const body = (ctx.request.body ?? {}) as { id?: string; invite_user?: boolean };
  const requested = body.id ?? '';
  refusePercent(requested, 'User');
  const invite = body.invite_user === true;
  let username = requested;
  let address: string | undefined;
  if (invite) {
    address = parseEmailAddress(requested);
    if (!address) throw lakefsErrors.badRequest('Invalid email format');
    username = address.toLowerCase();
  }
  authorize(ctx, 'auth:CreateUser', arn.user(username));
  if (invite) {
    // The single-user service has no e-mail inviter.
    if (isCommunity(ctx)) throw notImplementedIn(ctx.options);
    validateEntityId(ctx, username);
    if (has(ctx.state.users, username)) throw lakefsErrors.alreadyExists();
    put(ctx.state.users, username, { id: username, creationDate: unixSeconds(ctx.now), email: address });
    // lakeFS answers an invitation with the address as parsed and a zero creation date.
    return json(ctx, 201, { id: address, creation_date: 0 });
  }
  validateEntityId(ctx, username);
  // Community mode holds exactly one user: any second one already "exists".
  if (has(ctx.state.users, username) || (isCommunity(ctx) && size(ctx.state.users) > 0)) throw lakefsErrors.alreadyExists();
  const user = { id: username, creationDate: unixSeconds(ctx.now) };
  put(ctx.state.users, username, user);
  return json(ctx, 201, { id: user.id, creation_date: user.creationDate });
}

export function getUser(ctx: AuthContext) {
  const userId: string = ctx.request.params.userId;
  authorize(ctx, 'auth:ReadUser', arn.user(userId));
  // Community mode reads its one user through the auth cache (caches.ts); RBAC's GetUser does too.
  const user = userOrCached(ctx.state, userId, ctx.now);
  if (!user) throw lakefsErrors.notFound(messages.userNotFound);
  return json(ctx, 200, userBody(user));
}

export function deleteUser(ctx: AuthContext) {
  const userId: string = ctx.request.params.userId;
  authorize(ctx, 'auth:DeleteUser', arn.user(userId));
  const user = lookup(ctx.state.users, userId);
  // Community mode finds its user through the auth cache: deleting a deleted one again is 204 while that holds it
  // (recorded from the real 1.80.0). There is nothing left to delete.
  if (!user && isCommunity(ctx) && cachedUserEntry(ctx.state, userId, ctx.now)) return empty(ctx, 204);
  if (!user) throw lakefsErrors.notFound(messages.userNotFound);
  const credentials = [...idsWhere(ctx.state.credentials, 'userId', userId)].map((key) => lookup(ctx.state.credentials, key)!);
  const policyIds = effectivePolicies(ctx.state, userId).map((policy) => policy.id);
  cacheDeletedUser(ctx.state, ctx.options.caches, user, credentials, policyIds, ctx.now);
  removeUserEverywhere(ctx.state, userId);
  return empty(ctx, 204);
}

function removeUserEverywhere(state: LakefsState, userId: string): void {
  remove(state.users, userId);
  remove(state.userPolicies, userId);
  // Copies: removing updates the very index sets being read.
  for (const groupId of [...holdersOf(state.groupMembers, userId)]) removeFrom(state.groupMembers, groupId, userId);
  for (const key of [...idsWhere(state.credentials, 'userId', userId)]) remove(state.credentials, key);
  for (const id of [...idsWhere(state.externalPrincipals, 'userId', userId)]) remove(state.externalPrincipals, id);
}

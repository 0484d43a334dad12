/**
 * Access keys. The secret is returned once, by createCredentials; reads never carry it. Community mode's
 * single-user service lists, reads and deletes no keys (501) and holds at most one key per user, so creating
 * another answers 400 `exceeded number of allowed credentials: invalid request`.
 */
import { arn } from '../arn.js';
import { authorize } from '../authorize.js';
import { lakefsErrors, messages } from '../errors.js';
import { newAccessKeyId, newSecretAccessKey } from '../keys.js';
import { paginate } from '../pagination.js';
import { empty, json } from '../reply.js';
import { unixSeconds, type CredentialRecord } from '../state.js';
import { has, idsWhere, lookup, put, remove } from '../table.js';
import { isCommunity, pageQuery, rejectInCommunity, type AuthContext } from './common.js';
import { existingUser } from './groups.js';
import { credentialsBody } from './present.js';
import { credentialOrCached, userOrCached } from '../caches.js';

const keysOf = (ctx: AuthContext, userId: string) => [...idsWhere(ctx.state.credentials, 'userId', userId)].map((key) => lookup(ctx.state.credentials, key)!);

export function listUserCredentials(ctx: AuthContext) {
  const userId: string = ctx.request.params.userId;
  authorize(ctx, 'auth:ListCredentials', arn.user(userId));
  rejectInCommunity(ctx);
  existingUser(ctx, userId);
  const page = paginate(keysOf(ctx, userId), (c) => c.accessKeyId, pageQuery(ctx));
  return json(ctx, 200, { pagination: page.pagination, results: page.results.map(credentialsBody) });
}

export function createCredentials(ctx: AuthContext) {
  const userId: string = ctx.request.params.userId;
  authorize(ctx, 'auth:CreateCredentials', arn.user(userId));
  existingUser(ctx, userId);
  if (isCommunity(ctx) && keysOf(ctx, userId).length >= 1) throw lakefsErrors.badRequest('exceeded number of allowed credentials: invalid request');
  let accessKeyId = newAccessKeyId(ctx.faker);
  while (has(ctx.state.credentials, accessKeyId)) accessKeyId = newAccessKeyId(ctx.faker);
  const credential: CredentialRecord = {
    accessKeyId,
    secretAccessKey: newSecretAccessKey(ctx.faker),
    userId,
    creationDate: unixSeconds(ctx.now),
  };
  put(ctx.state.credentials, accessKeyId, credential);
  return json(ctx, 201, {
    access_key_id: credential.accessKeyId,
    secret_access_key: credential.secretAccessKey,
    creation_date: credential.creationDate,
  });
}

/** A key of another user is as unknown as a key that does not exist. */
function ownKey(ctx: AuthContext, userId: string, accessKeyId: string): CredentialRecord {
  // Through the auth cache, when on (caches.ts): lakeFS reads a key by its id, and the user, through it.
  const credential = credentialOrCached(ctx.state, accessKeyId, ctx.now);
  if (!userOrCached(ctx.state, userId, ctx.now) || !credential || credential.userId !== userId) throw lakefsErrors.notFound(messages.credentialsNotFound);
  return credential;
}

export function getCredentials(ctx: AuthContext) {
  const { userId, accessKeyId } = ctx.request.params as { userId: string; accessKeyId: string };
  authorize(ctx, 'auth:ReadCredentials', arn.user(userId));
  // Community lakeFS reads a key (the real 1.80.0 answers 200, or 404 `credentials not found`); it only lacks
  // listing and deleting them.
  return json(ctx, 200, credentialsBody(ownKey(ctx, userId, accessKeyId)));
}

export function deleteCredentials(ctx: AuthContext) {
  const { userId, accessKeyId } = ctx.request.params as { userId: string; accessKeyId: string };
  authorize(ctx, 'auth:DeleteCredentials', arn.user(userId));
  rejectInCommunity(ctx);
  ownKey(ctx, userId, accessKeyId);
  remove(ctx.state.credentials, accessKeyId);
  return empty(ctx, 204);
}

/**
 * External principals: identities from outside lakeFS (an AWS IAM role ARN, say) that sign in as a lakeFS user.
 * A principal belongs to one user at most. lakeFS answers 501 before anything else when the feature is off —
 * always in community mode, and with `externalPrincipals: false` in the scenario. The creation body's settings
 * are not kept, as lakeFS's controller ignores them.
 */
import { arn } from '../arn.js';
import { authorize } from '../authorize.js';
import { lakefsErrors, messages } from '../errors.js';
import { paginate } from '../pagination.js';
import { empty, json } from '../reply.js';
import { has, idsWhere, lookup, put, remove } from '../table.js';
import { pageQuery, requireExternalPrincipals, type AuthContext } from './common.js';
import { existingUser } from './groups.js';
import { principalBody } from './present.js';

const principalIdOf = (ctx: AuthContext): string => String(ctx.request.query.principalId ?? '');

export function createUserExternalPrincipal(ctx: AuthContext) {
  requireExternalPrincipals(ctx);
  const userId: string = ctx.request.params.userId;
  const principalId = principalIdOf(ctx);
  authorize(ctx, 'auth:CreateUserExternalPrincipal', arn.user(userId));
  existingUser(ctx, userId);
  if (principalId === '') throw lakefsErrors.badRequest(messages.invalidRequest);
  if (has(ctx.state.externalPrincipals, principalId)) throw lakefsErrors.alreadyExists();
  put(ctx.state.externalPrincipals, principalId, { id: principalId, userId });
  return empty(ctx, 201);
}

export function deleteUserExternalPrincipal(ctx: AuthContext) {
  requireExternalPrincipals(ctx);
  const userId: string = ctx.request.params.userId;
  const principalId = principalIdOf(ctx);
  authorize(ctx, 'auth:DeleteUserExternalPrincipal', arn.user(userId));
  existingUser(ctx, userId);
  const principal = lookup(ctx.state.externalPrincipals, principalId);
  if (!principal || principal.userId !== userId) throw lakefsErrors.notFound();
  remove(ctx.state.externalPrincipals, principalId);
  return empty(ctx, 204);
}

export function getExternalPrincipal(ctx: AuthContext) {
  requireExternalPrincipals(ctx);
  const principalId = principalIdOf(ctx);
  authorize(ctx, 'auth:ReadExternalPrincipal', arn.externalPrincipal(principalId));
  const principal = lookup(ctx.state.externalPrincipals, principalId);
  if (!principal) throw lakefsErrors.notFound();
  return json(ctx, 200, principalBody(principal));
}

export function listUserExternalPrincipals(ctx: AuthContext) {
  requireExternalPrincipals(ctx);
  const userId: string = ctx.request.params.userId;
  authorize(ctx, 'auth:ReadUser', arn.user(userId));
  existingUser(ctx, userId);
  const principals = [...idsWhere(ctx.state.externalPrincipals, 'userId', userId)].map((id) => lookup(ctx.state.externalPrincipals, id)!);
  const page = paginate(principals, (p) => p.id, pageQuery(ctx));
  return json(ctx, 200, { pagination: page.pagination, results: page.results.map(principalBody) });
}

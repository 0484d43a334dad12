/**
 * Policies and their attachment to users. A policy's creation date is the server's clock, also on update
 * (lakeFS rebuilds the policy with the time of the write). Community mode has no policies: 501 after
 * authorization.
 */
import { arn } from '../arn.js';
import { authorize, effectivePolicies } from '../authorize.js';
import { lakefsErrors, messages } from '../errors.js';
import { paginate, paginateTable } from '../pagination.js';
import { empty, json } from '../reply.js';
import { unixSeconds, type PolicyRecord, type PolicyStatement } from '../state.js';
import { addTo, has, holdersOf, lookup, put, remove, removeFrom } from '../table.js';
import { pageQuery, refusePercent, rejectInCommunity, validateEntityId, type AuthContext } from './common.js';
import { attachedPolicies, existingPolicy, existingUser } from './groups.js';
import { policyBody } from './present.js';

interface PolicyInput {
  id: string;
  statement: PolicyStatement[];
}

/** The statements as sent (the schema has checked them), keeping only the keys lakeFS stores. */
function statementsOf(body: PolicyInput): PolicyStatement[] {
  return body.statement.map((s) => ({
    effect: s.effect,
    action: [...s.action],
    resource: s.resource,
    ...(s.condition !== undefined && { condition: s.condition }),
  }));
}

export function listPolicies(ctx: AuthContext) {
  authorize(ctx, 'auth:ListPolicies', arn.all);
  rejectInCommunity(ctx);
  const page = paginateTable(ctx.state.policies, pageQuery(ctx));
  return json(ctx, 200, { pagination: page.pagination, results: page.results.map((p) => policyBody(p)) });
}

export function createPolicy(ctx: AuthContext) {
  const body = ctx.request.body as PolicyInput;
  authorize(ctx, 'auth:CreatePolicy', arn.policy(body.id));
  refusePercent(body.id, 'Policy');
  rejectInCommunity(ctx);
  validateEntityId(ctx, body.id);
  if (has(ctx.state.policies, body.id)) throw lakefsErrors.alreadyExists();
  const policy: PolicyRecord = { id: body.id, creationDate: unixSeconds(ctx.now), statement: statementsOf(body) };
  put(ctx.state.policies, policy.id, policy);
  return json(ctx, 201, policyBody(policy));
}

export function getPolicy(ctx: AuthContext) {
  const policyId: string = ctx.request.params.policyId;
  authorize(ctx, 'auth:ReadPolicy', arn.policy(policyId));
  rejectInCommunity(ctx);
  const policy = lookup(ctx.state.policies, policyId);
  if (!policy) throw lakefsErrors.notFound(messages.policyNotFound);
  return json(ctx, 200, policyBody(policy));
}

export function updatePolicy(ctx: AuthContext) {
  const policyId: string = ctx.request.params.policyId;
  const body = ctx.request.body as PolicyInput;
  authorize(ctx, 'auth:UpdatePolicy', arn.policy(policyId));
  if (body.id !== policyId) throw lakefsErrors.badRequest("can't update policy id");
  rejectInCommunity(ctx);
  // An update writes only over an existing policy; the remote service's miss reads `not found`.
  if (!has(ctx.state.policies, policyId)) throw lakefsErrors.notFound();
  const policy: PolicyRecord = { id: policyId, creationDate: unixSeconds(ctx.now), statement: statementsOf(body) };
  put(ctx.state.policies, policyId, policy);
  return json(ctx, 200, policyBody(policy));
}

export function deletePolicy(ctx: AuthContext) {
  const policyId: string = ctx.request.params.policyId;
  authorize(ctx, 'auth:DeletePolicy', arn.policy(policyId));
  rejectInCommunity(ctx);
  if (!has(ctx.state.policies, policyId)) throw lakefsErrors.notFound(messages.policyNotFound);
  remove(ctx.state.policies, policyId);
  // Copies: removing updates the very index sets being read.
  for (const userId of [...holdersOf(ctx.state.userPolicies, policyId)]) removeFrom(ctx.state.userPolicies, userId, policyId);
  for (const groupId of [...holdersOf(ctx.state.groupPolicies, policyId)]) removeFrom(ctx.state.groupPolicies, groupId, policyId);
  return empty(ctx, 204);
}

/** `effective=true`: every distinct policy of the user, directly attached or through its groups. */
export function listUserPolicies(ctx: AuthContext) {
  const userId: string = ctx.request.params.userId;
  authorize(ctx, 'auth:ReadUser', arn.user(userId));
  rejectInCommunity(ctx);
  existingUser(ctx, userId);
  const policies =
    ctx.request.query.effective === true ? effectivePolicies(ctx.state, userId) : attachedPolicies(ctx, lookup(ctx.state.userPolicies, userId));
  const page = paginate(policies, (p) => p.id, pageQuery(ctx));
  return json(ctx, 200, { pagination: page.pagination, results: page.results.map((p) => policyBody(p)) });
}

export function attachPolicyToUser(ctx: AuthContext) {
  const { userId, policyId } = ctx.request.params as { userId: string; policyId: string };
  authorize(ctx, 'auth:AttachPolicy', arn.user(userId));
  rejectInCommunity(ctx);
  existingUser(ctx, userId);
  existingPolicy(ctx, policyId);
  if ((lookup(ctx.state.userPolicies, userId) ?? []).includes(policyId)) throw lakefsErrors.alreadyExists();
  addTo(ctx.state.userPolicies, userId, policyId);
  return empty(ctx, 201);
}

export function detachPolicyFromUser(ctx: AuthContext) {
  const { userId, policyId } = ctx.request.params as { userId: string; policyId: string };
  authorize(ctx, 'auth:DetachPolicy', arn.user(userId));
  rejectInCommunity(ctx);
  existingUser(ctx, userId);
  existingPolicy(ctx, policyId);
  removeFrom(ctx.state.userPolicies, userId, policyId);
  return empty(ctx, 204);
}

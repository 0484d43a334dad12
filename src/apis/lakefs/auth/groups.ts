/**
 * Groups, their members and the policies attached to them. In lakeFS's reference backends a group's id is its
 * display name. Community mode has no groups: every operation here answers 501 once the caller is authorized.
 * Adding a member twice, or attaching a policy twice, is 409; taking away a membership or attachment that is not
 * there succeeds, as in lakeFS's reference backend (it deletes a key that does not exist).
 */
import { arn } from '../arn.js';
import { authorize } from '../authorize.js';
import { lakefsErrors, messages, notImplementedIn } from '../errors.js';
import { paginate, paginateTable } from '../pagination.js';
import { empty, json } from '../reply.js';
import { unixSeconds, type GroupRecord, type PolicyRecord, type UserRecord } from '../state.js';
import { addTo, has, holdersOf, lookup, put, remove, removeFrom } from '../table.js';
import { pageQuery, refusePercent, rejectInCommunity, validateEntityId, type AuthContext } from './common.js';
import { groupBody, groupListItem, policyBody, userBody, userGroupItem } from './present.js';

export function listGroups(ctx: AuthContext) {
  authorize(ctx, 'auth:ListGroups', arn.all);
  rejectInCommunity(ctx);
  const page = paginateTable(ctx.state.groups, pageQuery(ctx));
  return json(ctx, 200, { pagination: page.pagination, results: page.results.map(groupListItem) });
}

export function createGroup(ctx: AuthContext) {
  const body = (ctx.request.body ?? {}) as { id?: string; description?: string };
  const id = body.id ?? '';
  authorize(ctx, 'auth:CreateGroup', arn.group(id));
  refusePercent(id, 'Group');
  rejectInCommunity(ctx);
  validateEntityId(ctx, id);
  if (has(ctx.state.groups, id)) throw lakefsErrors.alreadyExists();
  const group: GroupRecord = {
    id,
    name: id,
    ...(body.description !== undefined && { description: body.description }),
    creationDate: unixSeconds(ctx.now),
  };
  put(ctx.state.groups, id, group);
  return json(ctx, 201, groupListItem(group));
}

export function getGroup(ctx: AuthContext) {
  const groupId: string = ctx.request.params.groupId;
  authorize(ctx, 'auth:ReadGroup', arn.group(groupId));
  rejectInCommunity(ctx);
  const group = lookup(ctx.state.groups, groupId);
  if (!group) throw lakefsErrors.notFound(messages.groupNotFound);
  return json(ctx, 200, groupBody(group));
}

export function deleteGroup(ctx: AuthContext) {
  const groupId: string = ctx.request.params.groupId;
  authorize(ctx, 'auth:DeleteGroup', arn.group(groupId));
  rejectInCommunity(ctx);
  if (!has(ctx.state.groups, groupId)) throw lakefsErrors.notFound(messages.groupNotFound);
  remove(ctx.state.groups, groupId);
  remove(ctx.state.groupMembers, groupId);
  remove(ctx.state.groupPolicies, groupId);
  return empty(ctx, 204);
}

export function listGroupMembers(ctx: AuthContext) {
  const groupId: string = ctx.request.params.groupId;
  authorize(ctx, 'auth:ReadGroup', arn.group(groupId));
  rejectInCommunity(ctx);
  existingGroup(ctx, groupId);
  const members = (lookup(ctx.state.groupMembers, groupId) ?? [])
    .map((id) => lookup(ctx.state.users, id))
    .filter((u): u is UserRecord => u !== undefined);
  const page = paginate(members, (u) => u.id, pageQuery(ctx));
  return json(ctx, 200, { pagination: page.pagination, results: page.results.map(userBody) });
}

export function addGroupMembership(ctx: AuthContext) {
  const { groupId, userId } = ctx.request.params as { groupId: string; userId: string };
  authorize(ctx, 'auth:AddGroupMember', arn.group(groupId));
  rejectInCommunity(ctx);
  existingUser(ctx, userId);
  existingGroup(ctx, groupId);
  if ((lookup(ctx.state.groupMembers, groupId) ?? []).includes(userId)) throw lakefsErrors.alreadyExists();
  addTo(ctx.state.groupMembers, groupId, userId);
  return empty(ctx, 201);
}

export function deleteGroupMembership(ctx: AuthContext) {
  const { groupId, userId } = ctx.request.params as { groupId: string; userId: string };
  authorize(ctx, 'auth:RemoveGroupMember', arn.group(groupId));
  rejectInCommunity(ctx);
  existingUser(ctx, userId);
  existingGroup(ctx, groupId);
  removeFrom(ctx.state.groupMembers, groupId, userId);
  return empty(ctx, 204);
}

export function listGroupPolicies(ctx: AuthContext) {
  const groupId: string = ctx.request.params.groupId;
  authorize(ctx, 'auth:ReadGroup', arn.group(groupId));
  rejectInCommunity(ctx);
  existingGroup(ctx, groupId);
  const page = paginate(attachedPolicies(ctx, lookup(ctx.state.groupPolicies, groupId)), (p) => p.id, pageQuery(ctx));
  return json(ctx, 200, { pagination: page.pagination, results: page.results.map((p) => policyBody(p)) });
}

export function attachPolicyToGroup(ctx: AuthContext) {
  const { groupId, policyId } = ctx.request.params as { groupId: string; policyId: string };
  authorize(ctx, 'auth:AttachPolicy', arn.group(groupId));
  rejectInCommunity(ctx);
  existingGroup(ctx, groupId);
  existingPolicy(ctx, policyId);
  if ((lookup(ctx.state.groupPolicies, groupId) ?? []).includes(policyId)) throw lakefsErrors.alreadyExists();
  addTo(ctx.state.groupPolicies, groupId, policyId);
  return empty(ctx, 201);
}

export function detachPolicyFromGroup(ctx: AuthContext) {
  const { groupId, policyId } = ctx.request.params as { groupId: string; policyId: string };
  authorize(ctx, 'auth:DetachPolicy', arn.group(groupId));
  rejectInCommunity(ctx);
  existingGroup(ctx, groupId);
  existingPolicy(ctx, policyId);
  removeFrom(ctx.state.groupPolicies, groupId, policyId);
  return empty(ctx, 204);
}

export function listUserGroups(ctx: AuthContext) {
  const userId: string = ctx.request.params.userId;
  authorize(ctx, 'auth:ReadUser', arn.user(userId));
  rejectInCommunity(ctx);
  existingUser(ctx, userId);
  const groups = [...holdersOf(ctx.state.groupMembers, userId)]
    .map((groupId) => lookup(ctx.state.groups, groupId))
    .filter((g): g is GroupRecord => g !== undefined);
  const page = paginate(groups, (g) => g.id, pageQuery(ctx));
  return json(ctx, 200, { pagination: page.pagination, results: page.results.map(userGroupItem) });
}

/** Relations name entities that must exist; lakeFS reports a missing one with the bare `not found`. */
export function existingUser(ctx: AuthContext, userId: string): UserRecord {
  const user = lookup(ctx.state.users, userId);
  if (!user) throw lakefsErrors.notFound();
  return user;
}

export function existingGroup(ctx: AuthContext, groupId: string): GroupRecord {
  const group = lookup(ctx.state.groups, groupId);
  if (!group) throw lakefsErrors.notFound();
  return group;
}

export function existingPolicy(ctx: AuthContext, policyId: string): PolicyRecord {
  const policy = lookup(ctx.state.policies, policyId);
  if (!policy) throw lakefsErrors.notFound();
  return policy;
}

export function attachedPolicies(ctx: AuthContext, ids: string[] | undefined): PolicyRecord[] {
  return (ids ?? []).map((id) => lookup(ctx.state.policies, id)).filter((p): p is PolicyRecord => p !== undefined);
}

/**
 * Group ACLs belong to lakeFS's simplified ("acl") authorization, which mockgate does not emulate: Community mode
 * answers 501 once the caller is authorized (recorded from the real 1.80.0), and so does RBAC mode here.
 */
export function getGroupACL(ctx: AuthContext): never {
  authorize(ctx, 'auth:ReadGroup', arn.group(String(ctx.request.params.groupId)));
  throw notImplementedIn(ctx.options);
}

export function setGroupACL(ctx: AuthContext): never {
  authorize(ctx, 'auth:AttachPolicy', arn.group(String(ctx.request.params.groupId)));
  throw notImplementedIn(ctx.options);
}

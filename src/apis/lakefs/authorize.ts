/**
 * lakeFS RBAC (pkg/auth/service.go CheckPermissions, notes §8.5): the caller's effective policies — attached
 * to the user directly or through its groups — are evaluated statement by statement. A statement whose
 * condition fails is skipped; a condition that cannot be evaluated denies. A matching `deny` wins at once;
 * otherwise any matching `allow` allows; otherwise the caller is "not allowed". Denial is HTTP 401
 * `insufficient permissions: …`. Community mode allows every call of the (single) user.
 */
import { BlockList, isIP } from 'node:net';
import { arnMatch } from './arn.js';
import { lakefsErrors } from './errors.js';
import type { LakefsContext, LakefsState, PolicyRecord, PolicyStatement, UserRecord } from './state.js';
import { forReading, holdersOf, lookup } from './table.js';
import { wildcardMatch } from './wildcard.js';
import { cachedUserEntry, userOrCached } from './caches.js';

/**
 * The authenticated user (a deleted one the auth cache still holds included, caches.ts), or 401 `error
 * authenticating request` for an anonymous caller.
 */
export function currentUser(ctx: LakefsContext): UserRecord {
  const user = ctx.principal ? userOrCached(ctx.state, ctx.principal.id, ctx.now) : undefined;
  if (!user) throw lakefsErrors.authenticating('missing');
  return user;
}

/** Checks `action` on `resource` for the caller; returns the caller's user record. */
export function authorize(ctx: LakefsContext, action: string, resource: string): UserRecord {
  const user = currentUser(ctx);
  if (ctx.options.mode === 'community') return user;
  // A deleted user the auth cache still holds is checked against its policies as cached with it.
  const cached = cachedUserEntry(ctx.state, user.id, ctx.now);
  // The check only reads: it walks the state itself rather than the request's recording view.
  const state = forReading(ctx.state);
  const policies = cached ? policiesById(state, cached.policyIds) : effectivePolicies(state, user.id);
  const decision = evaluate(policies, { action, resource, username: user.id, sourceIp: ctx.request.clientAddress });
  if (decision !== 'allow') throw lakefsErrors.insufficientPermissions(action, decision === 'deny');
  return user;
}

/** Distinct policies attached to the user or to any of its groups, user's first (listUserPolicies?effective=true). */
export function effectivePolicies(state: LakefsState, userId: string): PolicyRecord[] {
  const ids = new Set(lookup(state.userPolicies, userId) ?? []);
  for (const groupId of holdersOf(state.groupMembers, userId)) for (const id of lookup(state.groupPolicies, groupId) ?? []) ids.add(id);
  return policiesById(state, [...ids]);
}

/** The policies of those ids that exist. */
export function policiesById(state: LakefsState, ids: string[]): PolicyRecord[] {
  return ids.map((id) => lookup(state.policies, id)).filter((p): p is PolicyRecord => p !== undefined);
}

export interface AccessRequest {
  action: string;
  resource: string;
  username: string;
  sourceIp: string;
}

export type Decision = 'allow' | 'deny' | 'neutral';

export function evaluate(policies: PolicyRecord[], request: AccessRequest): Decision {
  let allowed = false;
  for (const policy of policies) {
    for (const statement of policy.statement) {
      const applies = conditionHolds(statement, request);
      if (applies === 'error') return 'deny';
      if (!applies) continue;
      if (!statement.action.some((pattern) => wildcardMatch(pattern, request.action))) continue;
      if (!resourceMatches(statement, request)) continue;
      if (statement.effect === 'deny') return 'deny';
      allowed = true;
    }
  }
  return allowed ? 'allow' : 'neutral';
}

/** Whether any of the statement's resources matches the requested one. */
function resourceMatches(statement: PolicyStatement, request: AccessRequest): boolean {
  const { resource } = statement;
  // The common statement, one ARN without `${user}`, is matched as it is: no list is built per request.
  if (!resource.includes('${user}') && !resource.trim().startsWith('[')) return arnMatch(resource, request.resource);
  return resourcesOf(statement, request.username).some((pattern) => arnMatch(pattern, request.resource));
}

/** One ARN, or a JSON array of ARNs encoded as a string; `${user}` becomes the caller's username. */
function resourcesOf(statement: PolicyStatement, username: string): string[] {
  let resources = [statement.resource];
  if (statement.resource.trim().startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(statement.resource);
      if (Array.isArray(parsed)) resources = parsed.map(String);
    } catch {
      // not a list after all: lakeFS then matches the text as one ARN
    }
  }
  return resources.map((r) => r.replaceAll('${user}', username));
}

/** lakeFS condition operators (pkg/auth/condition.go): IpAddress / NotIpAddress on SourceIp, StringLike / StringNotLike. */
function conditionHolds(statement: PolicyStatement, request: AccessRequest): boolean | 'error' {
  if (!statement.condition) return true;
  const fields: Record<string, string> = { SourceIp: normaliseIp(request.sourceIp), Username: request.username };
  for (const [operator, tests] of Object.entries(statement.condition)) {
    for (const [field, patterns] of Object.entries(tests)) {
      const value = fields[field];
      if (value === undefined) return 'error';
      let holds: boolean | 'error';
      switch (operator) {
        case 'IpAddress':
          holds = inAnyCidr(value, patterns);
          break;
        case 'NotIpAddress': {
          const inside = inAnyCidr(value, patterns);
          holds = inside === 'error' ? 'error' : !inside;
          break;
        }
        case 'StringLike':
          holds = patterns.some((p) => wildcardMatch(p, value));
          break;
        case 'StringNotLike':
          holds = !patterns.some((p) => wildcardMatch(p, value));
          break;
        default:
          return 'error';
      }
      if (holds !== true) return holds;
    }
  }
  return true;
}

function inAnyCidr(address: string, cidrs: string[]): boolean | 'error' {
  const family = isIP(address);
  if (family === 0) return 'error';
  const list = new BlockList();
  for (const cidr of cidrs) {
    const [net, bits] = cidr.includes('/') ? cidr.split('/') : [cidr, undefined];
    const netFamily = isIP(net ?? '');
    if (netFamily === 0) return 'error';
    const prefix = bits === undefined ? (netFamily === 4 ? 32 : 128) : Number(bits);
    if (!Number.isInteger(prefix)) return 'error';
    list.addSubnet(net!, prefix, netFamily === 4 ? 'ipv4' : 'ipv6');
  }
  return list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Node reports IPv4 clients on a dual-stack socket as `::ffff:a.b.c.d`; policies name them as IPv4. */
function normaliseIp(address: string): string {
  return address.startsWith('::ffff:') && isIP(address.slice(7)) === 4 ? address.slice(7) : address;
}

/**
 * Builds a session's lakeFS state from `apis.lakefs` of its scenario. References are checked here, naming the
 * offending entry, because the schema cannot see across lists.
 */
import type { StateFactoryContext } from '../../engine/types.js';
import { newSecretAccessKey } from './keys.js';
import { createLoginState } from './login/index.js';
import { createRepoState } from './repos/index.js';
import { unixSeconds, type LakefsState, type PolicyStatement } from './state.js';
import { has, lookup, put, type Table } from './table.js';

export function createState(seed: Record<string, any> | undefined, ctx: StateFactoryContext): LakefsState {
  const input = seed ?? {};
  const now = unixSeconds(ctx.now);
  const state: LakefsState = {
    users: {},
    groups: {},
    policies: {},
    credentials: {},
    groupMembers: {},
    userPolicies: {},
    groupPolicies: {},
    externalPrincipals: {},
    login: { oidcSessions: {}, samlSessions: {} },
    repos: { repositories: {}, uploads: {} },
  };

  // Memberships and attachments are deduplicated through sets while seeding: addTo's scan of the list made a
  // group of 40 000 members take 25 s per new session.
  const relation = linkSeeder();

  (input.policies ?? []).forEach((p: any, i: number) => {
    const where = `policies[${i}]`;
    if (has(state.policies, p.id)) fail(where, `policy "${p.id}" is defined twice`);
    put(state.policies, p.id, { id: p.id, creationDate: p.creationDate ?? now, statement: p.statement.map(toStoredStatement) });
  });

  (input.groups ?? []).forEach((g: any, i: number) => {
    const where = `groups[${i}]`;
    if (has(state.groups, g.id)) fail(where, `group "${g.id}" is defined twice`);
    put(state.groups, g.id, { id: g.id, name: g.id, description: g.description, creationDate: g.creationDate ?? now });
    for (const policyId of g.policies ?? []) {
      if (!has(state.policies, policyId)) fail(`${where}.policies`, `policy "${policyId}" is not among apis.lakefs.policies`);
      relation(state.groupPolicies, 'groupPolicies', g.id, policyId);
    }
  });

  (input.users ?? []).forEach((u: any, i: number) => {
    const where = `users[${i}]`;
    if (has(state.users, u.id)) fail(where, `user "${u.id}" is defined twice`);
    put(state.users, u.id, {
      id: u.id,
      creationDate: u.creationDate ?? now,
      ...(u.friendlyName !== undefined && { friendlyName: u.friendlyName }),
      ...(u.email !== undefined && { email: u.email }),
      ...(u.externalId !== undefined && { externalId: u.externalId }),
    });
    for (const groupId of u.groups ?? []) {
      if (!has(state.groups, groupId)) fail(`${where}.groups`, `group "${groupId}" is not among apis.lakefs.groups`);
      relation(state.groupMembers, 'groupMembers', groupId, u.id);
    }
    for (const policyId of u.policies ?? []) {
      if (!has(state.policies, policyId)) fail(`${where}.policies`, `policy "${policyId}" is not among apis.lakefs.policies`);
      relation(state.userPolicies, 'userPolicies', u.id, policyId);
    }
    (u.credentials ?? []).forEach((c: any, j: number) => {
      if (has(state.credentials, c.accessKeyId)) fail(`${where}.credentials[${j}]`, `access key "${c.accessKeyId}" is used twice`);
      put(state.credentials, c.accessKeyId, {
        accessKeyId: c.accessKeyId,
        secretAccessKey: c.secretAccessKey ?? newSecretAccessKey(ctx.faker),
        userId: u.id,
        creationDate: c.creationDate ?? now,
      });
    });
    (u.externalPrincipals ?? []).forEach((p: any, j: number) => {
      if (has(state.externalPrincipals, p.id)) fail(`${where}.externalPrincipals[${j}]`, `external principal "${p.id}" is used twice`);
      put(state.externalPrincipals, p.id, {
        id: p.id,
        userId: u.id,
        ...(p.identity !== undefined && { identity: p.identity }),
        ...(p.expired !== undefined && { expired: p.expired }),
      });
    });
  });

  state.login = createLoginState(input, state, ctx);
  state.repos = createRepoState(input, state, ctx);
  return state;
}

/** Adds `item` to the list under `id` unless it is there, in constant time (one set of pairs per relation). */
function linkSeeder(): (table: Table<string[]>, name: string, id: string, item: string) => void {
  const seen = new Set<string>();
  return (table, name, id, item) => {
    const pair = `${name}\u0000${id}\u0000${item}`;
    if (seen.has(pair)) return;
    seen.add(pair);
    const list = lookup(table, id);
    if (list) list.push(item);
    else put(table, id, [item]);
  };
}

/** A list of resources is stored as lakeFS stores it: the JSON text of the list. */
function toStoredStatement(s: any): PolicyStatement {
  return {
    effect: s.effect,
    action: s.action,
    resource: Array.isArray(s.resource) ? JSON.stringify(s.resource) : s.resource,
    ...(s.condition !== undefined && { condition: s.condition }),
  };
}

export function fail(where: string, problem: string): never {
  throw new Error(`apis.lakefs.${where}: ${problem}`);
}

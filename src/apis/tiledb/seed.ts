/**
 * Builds a session's state from `apis.tiledb` of a scenario. References are resolved to ids here, once,
 * and every seeded credential goes through the rules a create request would meet, so a scenario cannot
 * hold a state the API itself could never reach.
 */
import type { StateFactoryContext } from '../../engine/types.js';
import { newId, workspaceIdInToken } from './ids.js';
import { materialToStore } from './material.js';
import {
  emptyState,
  type ApiToken,
  type StoredCredential,
  type TiledbState,
  type User,
  type Workspace,
} from './state.js';
import { fieldName, materialIssues, nameIssues, providerIssues } from './validation.js';

type Seed = Record<string, any>;

/**
 * What seeding looks up, indexed once: workspaces by id or name (the first one listed wins, as a scan would),
 * and the names and provider defaults already taken per scope. Scans per entry made seeding quadratic.
 */
interface SeedIndex {
  workspaces: Map<string, Workspace>;
  names: Set<string>;
  defaults: Set<string>;
}

export function createState(seed: Seed | undefined, ctx: StateFactoryContext): TiledbState {
  const state = emptyState();
  if (!seed) return state;
  state.workspaces = (seed.workspaces ?? []).map((w: Seed) => seedWorkspace(w, ctx));
  const index: SeedIndex = { workspaces: new Map(), names: new Set(), defaults: new Set() };
  for (const w of state.workspaces) {
    if (!index.workspaces.has(w.id)) index.workspaces.set(w.id, w);
    if (!index.workspaces.has(w.name)) index.workspaces.set(w.name, w);
  }
  state.users = (seed.users ?? []).map((u: Seed, i: number) => seedUser(u, index, `users[${i}]`, ctx));
  state.tokens = (seed.tokens ?? []).map((t: Seed, i: number) => seedToken(t, index, `tokens[${i}]`));
  (seed.credentials ?? []).forEach((c: Seed, i: number) => {
    state.credentials.push(seedCredential(c, index, `credentials[${i}]`, ctx));
  });
  return state;
}

function seedWorkspace(w: Seed, ctx: StateFactoryContext): Workspace {
  return {
    id: w.id ?? newId('ws', ctx.faker),
    name: w.name,
    teamspaces: (w.teamspaces ?? []).map((t: Seed) => ({ id: t.id ?? newId('ts', ctx.faker), name: t.name })),
  };
}

function seedUser(u: Seed, index: SeedIndex, where: string, ctx: StateFactoryContext): User {
  const workspaces = (u.workspaces ?? []).map((ref: string) => workspaceByRef(index, ref, where).id);
  return { id: u.id ?? newId('usr', ctx.faker), username: u.username, password: u.password, workspaces };
}

function seedToken(t: Seed, index: SeedIndex, where: string): ApiToken {
  const embedded = workspaceIdInToken(t.token);
  const ref = t.workspace ?? embedded;
  if (!ref) fail(where, 'names no workspace and carries no ws_ id; add `workspace`');
  const workspace = workspaceByRef(index, ref, where);
  // TileDB clients read the workspace out of the token itself: a mismatch would send them elsewhere.
  if (embedded && embedded !== workspace.id) fail(where, `carries ${embedded} but is seeded for ${workspace.id}`);
  const token: ApiToken = { token: t.token, workspace: workspace.id, revoked: t.revoked ?? false };
  if (t.user !== undefined) token.user = t.user;
  if (t.expiresAt !== undefined) {
    if (Number.isNaN(Date.parse(t.expiresAt))) fail(where, `expiresAt "${t.expiresAt}" is not a date-time`);
    token.expiresAt = new Date(t.expiresAt).toISOString();
  }
  return token;
}

function seedCredential(c: Seed, index: SeedIndex, where: string, ctx: StateFactoryContext): StoredCredential {
  const workspace = workspaceByRef(index, c.workspace, where);
  const teamspace =
    c.teamspace === undefined ? undefined : workspace.teamspaces.find((t) => t.id === c.teamspace || t.name === c.teamspace);
  if (c.teamspace !== undefined && !teamspace) fail(where, `teamspace "${c.teamspace}" is not in workspace ${workspace.name}`);
  const issues = [...nameIssues(c.name), ...providerIssues(c.provider), ...materialIssues(c, c.provider, 'exactly-one')];
  if (issues.length) fail(where, issues.map((i) => `${fieldName(i.path, 'entry')} ${i.message}`).join('; '));
  const scope = `${workspace.id}\u0000${teamspace?.id ?? ''}`;
  if (index.names.has(`${scope}\u0000${c.name}`)) fail(where, `name "${c.name}" is used twice in the same scope`);
  index.names.add(`${scope}\u0000${c.name}`);
  if (c.provider_default) {
    if (index.defaults.has(`${scope}\u0000${c.provider}`)) fail(where, `a second provider_default for ${c.provider} in the same scope`);
    index.defaults.add(`${scope}\u0000${c.provider}`);
  }
  const credential: StoredCredential = {
    id: c.id ?? newId('cred', ctx.faker),
    workspace_id: workspace.id,
    teamspace_id: teamspace?.id ?? null,
    name: c.name,
    provider: c.provider,
    provider_default: c.provider_default ?? false,
    allowed_in_tasks: c.allowed_in_tasks ?? false,
    created_at: isoOr(c.created_at, ctx.now, where),
    ...materialToStore(c),
  };
  if (c.updated_at !== undefined) credential.updated_at = isoOr(c.updated_at, ctx.now, where);
  return credential;
}

function workspaceByRef(index: SeedIndex, ref: string, where: string): Workspace {
  const workspace = index.workspaces.get(ref);
  if (!workspace) fail(where, `workspace "${ref}" is not among apis.tiledb.workspaces`);
  return workspace;
}

function isoOr(value: unknown, fallback: Date, where: string): string {
  if (value === undefined) return fallback.toISOString();
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) fail(where, `"${String(value)}" is not a date-time`);
  return new Date(value).toISOString();
}

function fail(where: string, problem: string): never {
  throw new Error(`apis.tiledb.${where}: ${problem}`);
}

/**
 * lakeFS's caches, as an opt-in scenario option (`caches`, off by default): the real server answers some reads
 * from in-memory caches, so for a few seconds after a change it still shows what was there before. Measured on
 * the real lakeFS 1.80.0 (Community, local KV) with its default configuration:
 *
 * - the repository cache (`graveler.repository_cache`, expiry 5 s + up to 2 s jitter): a deleted repository is
 *   still read — GET answers it, its branch and tag lists are empty, its branches are `branch not found`, and
 *   creating one of the same name is 409 `not unique` — until its entry expires. Listing repositories, reading its
 *   metadata and deleting it again do not use the cache.
 * - the auth cache (`auth.cache`, ttl 20 s + up to 3 s jitter): a deleted user's access key, login tokens and
 *   session cookies keep authenticating, a new login with its key pair succeeds, and (Community mode, whose single
 *   user is read through the cache) it is still listed and read, with its credentials.
 * - the settings cache (3 s + up to 3 s jitter, not configurable): new branch protection rules are enforced once
 *   the rules read by an earlier write expire.
 *
 * lakeFS fills an entry on a read and counts its lifetime from there, so the real window after a change is
 * anywhere from nothing (nothing read it before) to the full lifetime (read just before). mockgate models the
 * full lifetime, without the jitter: whatever is deleted stays for exactly that long after the deletion, new
 * protection rules apply exactly that long after they are set. Requests' clock (`ctx.now`) decides, so a test
 * with a fixed clock steps over the window. The leftovers are plain JSON in the state, expiring at Unix
 * milliseconds, and pruned by the next write of their kind once expired.
 */
import type { CredentialRecord, LakefsState, UserRecord } from './state.js';
import { lookup, put, remove, rows, scan, type Table } from './table.js';
import type { RepositoryRecord } from './repos/state.js';

/** How long each cache keeps an entry, in seconds; 0: that cache is off. */
export interface CacheSeconds {
  /** `graveler.repository_cache.expiry` (lakeFS: 5 s, 0 with `graveler.repository_cache.size: 0`). */
  repositorySeconds: number;
  /** `auth.cache.ttl` (lakeFS: 20 s, 0 with `auth.cache.enabled: false`). */
  authSeconds: number;
  /** The repository settings cache (lakeFS: 3 s, fixed). */
  settingsSeconds: number;
}

/** lakeFS 1.80.0's defaults (pkg/config/defaults.go, pkg/graveler/settings/manager.go), without their jitter. */
export const LAKEFS_DEFAULT_CACHES: CacheSeconds = { repositorySeconds: 5, authSeconds: 20, settingsSeconds: 3 };
export const NO_CACHES: CacheSeconds = { repositorySeconds: 0, authSeconds: 0, settingsSeconds: 0 };

/**
 * The scenario's `caches`: absent or `off`, none (the default); `lakefs-defaults`, all three at lakeFS's
 * defaults; an object, lakeFS's defaults with the keys it sets (0 turns one off).
 */
export function resolveCaches(given: unknown): CacheSeconds {
  if (given === undefined || given === 'off' || given === false) return { ...NO_CACHES };
  if (given === 'lakefs-defaults' || given === true) return { ...LAKEFS_DEFAULT_CACHES };
  if (typeof given === 'object' && given !== null) {
    const set = given as Partial<Record<keyof CacheSeconds, unknown>>;
    const pick = (key: keyof CacheSeconds) => {
      const value = set[key];
      if (value === undefined) return LAKEFS_DEFAULT_CACHES[key];
      if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
      throw new Error(`lakeFS option caches.${key}: expected seconds (a number, 0 or more), got ${JSON.stringify(value)}`);
    };
    return { repositorySeconds: pick('repositorySeconds'), authSeconds: pick('authSeconds'), settingsSeconds: pick('settingsSeconds') };
  }
  throw new Error(`lakeFS option caches: expected off, lakefs-defaults or an object of seconds, got ${JSON.stringify(given)}`);
}

const live = (untilMs: number, now: Date) => now.getTime() < untilMs;

// ---- repositories ---------------------------------------------------------------------------------------------

/** A deleted repository as the repository cache still holds it: its record, with no branches, tags or commits. */
export interface CachedRepository {
  repository: RepositoryRecord;
  untilMs: number;
}

/** Keeps `repo` (being deleted) readable for the repository cache's lifetime, when that cache is on. */
export function cacheDeletedRepository(state: LakefsState, caches: CacheSeconds, repo: RepositoryRecord, now: Date): void {
  const table = (state.repos.cachedRepositories ??= {});
  pruneExpired(table, now);
  if (caches.repositorySeconds <= 0) return;
  // What lakeFS's cache holds is the record; the branches, tags and commits it points at are gone from the store.
  const { metadata: _metadata, protectionRules: _rules, protectionCache: _cache, gcRules: _gc, ...record } = repo;
  put(table, repo.id, { repository: { ...record, branches: {}, tags: {}, commits: {} }, untilMs: now.getTime() + caches.repositorySeconds * 1000 });
}

/** The deleted repository the cache still answers for `name`, if any. */
export function cachedRepository(state: LakefsState, name: string, now: Date): RepositoryRecord | undefined {
  const entry = state.repos.cachedRepositories ? lookup(state.repos.cachedRepositories, name) : undefined;
  return entry && live(entry.untilMs, now) ? entry.repository : undefined;
}

// ---- users and credentials ----------------------------------------------------------------------------------

export interface CachedUser {
  user: UserRecord;
  /** The user's effective policy ids when it was deleted (lakeFS caches a user's policies beside it). */
  policyIds: string[];
  untilMs: number;
}

export interface CachedCredential {
  credential: CredentialRecord;
  untilMs: number;
}

/** The auth cache's leftovers of deleted users (by user id) and of their credentials (by access key id). */
export interface AuthCacheState {
  users: Table<CachedUser>;
  credentials: Table<CachedCredential>;
}

/** Keeps a user being deleted, with its credentials and policies, for the auth cache's lifetime, when on. */
export function cacheDeletedUser(
  state: LakefsState,
  caches: CacheSeconds,
  user: UserRecord,
  credentials: CredentialRecord[],
  policyIds: string[],
  now: Date,
): void {
  const cache = (state.authCache ??= { users: {}, credentials: {} });
  pruneExpired(cache.users, now);
  pruneExpired(cache.credentials, now);
  if (caches.authSeconds <= 0) return;
  const untilMs = now.getTime() + caches.authSeconds * 1000;
  put(cache.users, user.id, { user: { ...user }, policyIds: [...policyIds], untilMs });
  for (const credential of credentials) put(cache.credentials, credential.accessKeyId, { credential: { ...credential }, untilMs });
}

/** The user `userId`: the live one, else a deleted one the auth cache still holds. */
export function userOrCached(state: LakefsState, userId: string, now: Date): UserRecord | undefined {
  return lookup(state.users, userId) ?? cachedUserEntry(state, userId, now)?.user;
}

/** The cache's entry for a deleted user (none while a user of that id exists). */
export function cachedUserEntry(state: LakefsState, userId: string, now: Date): CachedUser | undefined {
  if (lookup(state.users, userId)) return undefined;
  const entry = state.authCache ? lookup(state.authCache.users, userId) : undefined;
  return entry && live(entry.untilMs, now) ? entry : undefined;
}

/** The credential `accessKeyId`: the live one, else a deleted one the auth cache still holds. */
export function credentialOrCached(state: LakefsState, accessKeyId: string, now: Date): CredentialRecord | undefined {
  const stored = lookup(state.credentials, accessKeyId);
  if (stored) return stored;
  const entry = state.authCache ? lookup(state.authCache.credentials, accessKeyId) : undefined;
  return entry && live(entry.untilMs, now) ? entry.credential : undefined;
}

/** Deleted users the auth cache still holds, for the listings that read through it. */
export function cachedUsers(state: LakefsState, now: Date): UserRecord[] {
  if (!state.authCache) return [];
  return rows(state.authCache.users)
    .filter((entry) => live(entry.untilMs, now) && !lookup(state.users, entry.user.id))
    .map((entry) => entry.user);
}

// ---- repository settings ------------------------------------------------------------------------------------

/** The protection rules the settings cache still serves after a change, until `untilMs`. */
export interface ProtectionCache {
  /** As `RepositoryRecord.protectionRules` was before the change (undefined: none were ever stored). */
  rules?: string[];
  untilMs: number;
}

/**
 * Called before a repository's protection rules change: with the settings cache on, the rules in force so far
 * stay in force for its lifetime (a change within that time leaves the first ones cached).
 */
export function cacheProtectionRules(repo: RepositoryRecord, caches: CacheSeconds, now: Date): void {
  if (repo.protectionCache && live(repo.protectionCache.untilMs, now)) return;
  delete repo.protectionCache;
  if (caches.settingsSeconds <= 0) return;
  repo.protectionCache = {
    ...(repo.protectionRules !== undefined && { rules: [...repo.protectionRules] }),
    untilMs: now.getTime() + caches.settingsSeconds * 1000,
  };
}

/** The protection rules writes are checked against at `now`: the cached ones while the cache holds them. */
export function rulesInForce(repo: RepositoryRecord, now: Date): { rules: string[] | undefined } {
  if (repo.protectionCache && live(repo.protectionCache.untilMs, now)) return { rules: repo.protectionCache.rules };
  return { rules: repo.protectionRules };
}

function pruneExpired(table: Table<{ untilMs: number }>, now: Date): void {
  const expired = [...scan(table)].filter(([, entry]) => !live(entry.untilMs, now)).map(([id]) => id);
  for (const id of expired) remove(table, id);
}

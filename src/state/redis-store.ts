/**
 * `--store redis://host:port/db`: session state in Redis, shared by every mockgate process pointed at it, so
 * several replicas behind a load balancer serve the same sessions. Each replica keeps a warm cache of the
 * sessions it served (the same in-memory objects the handlers work on with a single process) and Redis is the
 * source of truth:
 *
 * - **Version check per request** (one HGET): each session carries a version token; a request asks Redis for the
 *   session's token and, when it differs from the one this replica's cache is at (another replica wrote), for the
 *   entries of the session's change log written since the cache's token (one EVALSHA). Tokens are
 *   random (a UUID per commit), not counters: a Redis restarted from an older dump, or a session reset and
 *   written again, can never bring back a token a cache was at (ABA).
 * - **Catch-up from the change log**: every commit also appends its change set to a capped per-session log (a
 *   list, `mockgate:l:<session>`, the last CHANGE_LOG_LENGTH commits), in the commit's own script, so a commit
 *   and its entry are written together or not at all. An entry names the token it was written on top of and the
 *   token it made: a replica applies the chain of entries that leads from its token to the current one to its
 *   cached objects in place (O(what changed)). Because a token names one state and the script lets only one
 *   commit be written on top of a token, an entry written on top of the cache's token is exactly the change from
 *   the state the cache holds. When no such chain exists (the log was trimmed past it, Redis restarted or lost
 *   it, the session was reset, an entry does not read, or a whole-session write left a barrier) the replica
 *   reloads the session whole (HGETALL, O(state)), as before the log existed.
 * - **Optimistic commit** (one EVALSHA): a request's change set is written by a Lua script that first checks the
 *   version is still the one the cache is at, and sets a new token; on a mismatch nothing is written, the script
 *   answers the log's entries since the cache's token, the cache catches up with them, and the request is re-run
 *   on that state (StateConflict; the pipeline re-runs it, bounded). So two replicas never both create the same
 *   id. Seeding a session on first use is part of its first commit (expected version: none), so it is atomic as
 *   well; a session only read is seeded in the cache alone.
 * - Commits of one session from one replica go one after the other (a lane), each against the token the one
 *   before it left, so concurrent requests of one replica do not conflict with each other. The cache holds the
 *   changes of requests whose commits are queued in the lane; catching up in place first undoes them (their
 *   Transactions' compare-and-undo, newest first), and every catch-up or reload starts a new generation of the
 *   cache: a request whose view was of an older one is re-run (its commit would be refused anyway).
 * - Admin writes (reset, restore, scenario switch) write through unconditionally.
 *
 * Layout (why: a commit costs O(size of its change), not O(state)): one hash per session,
 * `mockgate:s:<session>`, with field `v` (the version token) and one field per path, the path JSON-encoded
 * (unambiguous whatever the names hold):
 *
 *     ["lakefs"]                   "{}"       the API's state is an object (its members follow)
 *     ["lakefs","users"]           "{}"       a top-level table (an object: its entries follow)
 *     ["lakefs","users","alice"]   {…}        one entry of a table, as JSON
 *     ["lakefs","settings"]        […]        a top-level value that is not an object: whole, as JSON
 *
 * A create of one user writes one field; a change deep inside an entry rewrites that entry. A top-level value
 * that is not an object (an array) is rewritten whole when it changes, and a wholesale write (seeding, restore,
 * a handler that replaces a whole table) deletes the fields under its path first, which scans the session's
 * field names (HKEYS) inside the script. `mockgate:l:<session>` holds the change log (entries
 * "<from token>\n<to token>\n<the fields written, as JSON>"; an empty change set is a barrier), and
 * `mockgate:sessions` the set of session names (for a reset of all).
 */
import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { invalidateDerived, resync } from '../engine/collection.js';
import { nullPrototypeTable, type CommitOf, type SessionState, type SessionStore } from './store.js';
import { StateConflict, StoreError, StoreUnavailableError } from './store-errors.js';
import type { ChangeOp } from './transaction.js';

export { StateConflict, StoreError, StoreUnavailableError };

const KEY_PREFIX = 'mockgate:';
/** A session's state hash, and its change log (exported: the replicas' session lifetime expires both). */
export const sessionKey = (session: string) => `${KEY_PREFIX}s:${session}`;
export const logKey = (session: string) => `${KEY_PREFIX}l:${session}`;
const SESSIONS_KEY = `${KEY_PREFIX}sessions`;

/** How many commits each session's change log keeps: a replica further behind than that reloads the session. */
export const CHANGE_LOG_LENGTH = 256;
/** A commit whose change set is larger than this is logged as a barrier (replicas reload): the log stays small. */
const CHANGE_LOG_ENTRY_MAX = 64 * 1024;

/**
 * The entries of a session's change log from the one written on top of version `known` to the newest, or nil when
 * the log holds none (trimmed, a reset, a Redis that lost it). Each entry is "<from>\n<to>\n<change set>"; the
 * newest is at the tail, and a replica is rarely more than a few behind, so the scan starts there.
 */
const SINCE_LUA = `
local function since(log, known)
  if known == '' then return nil end
  local mark = known .. '\\n'
  local n = redis.call('LLEN', log)
  for i = 1, n do
    local entry = redis.call('LINDEX', log, -i)
    if string.sub(entry, 1, #mark) == mark then return redis.call('LRANGE', log, -i, -1) end
  end
  return nil
end
`;

/**
 * KEYS: the session's hash, the set of sessions, the session's change log. ARGV: expected version ('' none, '*'
 * any), session name, new version, mode ('keep' | 'wipe' | 'gone'), the change set as logged ('' = a barrier),
 * then the counted lists: wholesale paths (exact field, prefix of the fields under it), fields to delete, and field
 * / value pairs to set. Returns {1, new version}, or on a version mismatch {0, current version, the log's entries
 * since the expected version…} (what the caller needs to catch up without another round trip).
 */
const COMMIT_LUA = `${SINCE_LUA}
local cur = redis.call('HGET', KEYS[1], 'v') or ''
if ARGV[1] ~= '*' and cur ~= ARGV[1] then
  local out = {0, cur}
  for _, entry in ipairs(since(KEYS[3], ARGV[1]) or {}) do out[#out + 1] = entry end
  return out
end
if ARGV[4] == 'gone' then
  redis.call('DEL', KEYS[1], KEYS[3])
  redis.call('SREM', KEYS[2], ARGV[2])
  return {1, ''}
end
if ARGV[4] == 'wipe' then redis.call('DEL', KEYS[1]) end
-- A session that starts (again) starts a new log: no entry may lead from an old version into it.
if cur == '' then redis.call('DEL', KEYS[3]) end
local i = 6
local n = tonumber(ARGV[i]); i = i + 1
if n > 0 then
  local fields = redis.call('HKEYS', KEYS[1])
  for j = 1, n do
    local exact, prefix = ARGV[i], ARGV[i + 1]; i = i + 2
    for _, f in ipairs(fields) do
      if f == exact or string.sub(f, 1, #prefix) == prefix then redis.call('HDEL', KEYS[1], f) end
    end
  end
end
n = tonumber(ARGV[i]); i = i + 1
for j = 1, n do redis.call('HDEL', KEYS[1], ARGV[i]); i = i + 1 end
n = tonumber(ARGV[i]); i = i + 1
for j = 1, n do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]); i = i + 2 end
redis.call('HSET', KEYS[1], 'v', ARGV[3])
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('RPUSH', KEYS[3], cur .. '\\n' .. ARGV[3] .. '\\n' .. ARGV[5])
redis.call('LTRIM', KEYS[3], -${CHANGE_LOG_LENGTH}, -1)
return {1, ARGV[3]}
`;

/** KEYS: the session's hash, its change log. ARGV: the version the cache is at. Returns {current version, entries since…}. */
const CATCH_UP_LUA = `${SINCE_LUA}
local cur = redis.call('HGET', KEYS[1], 'v') or ''
local out = {cur}
if cur == ARGV[1] then return out end
for _, entry in ipairs(since(KEYS[2], ARGV[1]) or {}) do out[#out + 1] = entry end
return out
`;

/** KEYS: the set of sessions. Deletes every session's hash and change log, and the set. */
const CLEAR_LUA = `
for _, name in ipairs(redis.call('SMEMBERS', KEYS[1])) do redis.call('DEL', ARGV[1] .. name, ARGV[2] .. name) end
redis.call('DEL', KEYS[1])
return 1
`;

interface StoreCommands {
  mockgateCommit(sessionKey: string, sessionsKey: string, logKey: string, ...args: string[]): Promise<[number, string, ...string[]]>;
  mockgateCatchUp(sessionKey: string, logKey: string, known: string): Promise<[string, ...string[]]>;
  mockgateClear(sessionsKey: string, sessionPrefix: string, logPrefix: string): Promise<number>;
}

/** What one commit writes to one session's hash. */
interface Plan {
  mode: 'keep' | 'wipe' | 'gone';
  wholesale: Array<[string, string]>;
  deletes: string[];
  sets: Array<[string, string]>;
}

/**
 * How every connection to the store's Redis is made (the store's, and the replicas' shared one): the URL's target,
 * connected explicitly, and a request never waits for a Redis that is down — it fails at once, in the API's shape,
 * and Redis is reconnected to in the background.
 */
export function clientOptions(url: string): RedisOptions {
  return {
    ...parseStoreUrl(url),
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    commandTimeout: 5000,
    retryStrategy: (times) => Math.min(100 * times, 1000),
  };
}

/** A `--store` value: `redis://[user:password@]host[:port][/db]`. */
export function parseStoreUrl(url: string): { host: string; port: number; db: number; username?: string; password?: string } {
  const fix = `--store ${url}: expected redis://host:port/db (e.g. redis://127.0.0.1:6379/0)`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StoreError(`${fix}; it is not a URL`);
  }
  if (parsed.protocol !== 'redis:') throw new StoreError(`${fix}; only redis:// is supported, not ${parsed.protocol}//`);
  if (!parsed.hostname) throw new StoreError(`${fix}; the host is missing`);
  const dbText = parsed.pathname.replace(/^\//, '');
  if (dbText !== '' && !/^\d{1,5}$/.test(dbText)) throw new StoreError(`${fix}; the database "${dbText}" is not a number`);
  if (parsed.search || parsed.hash) throw new StoreError(`${fix}; it takes no query or fragment`);
  const hostname = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  return {
    host: hostname,
    port: parsed.port ? Number(parsed.port) : 6379,
    db: dbText ? Number(dbText) : 0,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
  };
}

export interface RedisStoreOptions {
  /** Told when the connection to Redis is lost and when it is back (once each, not per retry). */
  onConnection?: (event: 'lost' | 'back', detail?: string) => void;
}

export class RedisStateStore implements SessionStore {
  readonly persistent = true;
  readonly shared = true;
  /** The cache: sessions this replica has loaded or seeded (null-prototype: client-chosen names). */
  private readonly sessions = nullPrototypeTable<SessionState>();
  /** The version each cached session is at ('' = not in Redis yet: seeded here, not committed). */
  private readonly known = new Map<string, string>();
  /**
   * Per session, the versions its cache has been at since it was loaded (the latest ones): a version check whose
   * answer is one of them is not news. A request's HGET can be answered before the commit sent just ahead of it
   * is acknowledged here, and it then sees a version this replica has already moved past; without this, 16
   * concurrent creates on one replica reloaded the whole session once every two requests.
   */
  private readonly passed = new Map<string, Set<string>>();
  /** Bumped whenever a session's cached objects are replaced or dropped: a request on older ones is re-run. */
  private readonly generations = new Map<string, number>();
  /** Paths changed wholesale (seeding, restore, reset) per session, written with its next commit. */
  private readonly pending = new Map<string, string[][]>();
  private clearPending = false;
  /**
   * Sessions an admin operation changed (reset, restore): persist() without a commit writes them whatever their
   * version. A session merely seeded here waits for its first commit, which checks that no other process seeded it.
   */
  private readonly forced = new Set<string>();
  /**
   * Per session: this replica's request commits not yet written (queued in the lane). Their requests' changes are
   * in the cached objects; catching the cache up in place first takes them back out (CommitOf.undo), newest first.
   * The flag: the commit carries wholesale changes (a seed) that no undo takes out, so the session is reloaded instead.
   */
  private readonly queued = new Map<string, Map<CommitOf, boolean>>();
  /** Per session: the commits and reloads of this replica, one after the other. */
  private readonly lanes = new Map<string, Promise<void>>();
  private nextGeneration = 1;
  /** Set by close(): the connection's end is then no outage to report. */
  closing = false;

  private constructor(
    private readonly redis: Redis & StoreCommands,
    readonly url: string,
  ) {}

  /** Connects, or refuses with one line naming --store and the fix (malformed URL, Redis unreachable). */
  static async connect(url: string, options: RedisStoreOptions = {}): Promise<RedisStateStore> {
    const target = parseStoreUrl(url);
    const redis = new Redis(clientOptions(url)) as Redis & StoreCommands;
    redis.defineCommand('mockgateCommit', { numberOfKeys: 3, lua: COMMIT_LUA });
    redis.defineCommand('mockgateCatchUp', { numberOfKeys: 2, lua: CATCH_UP_LUA });
    redis.defineCommand('mockgateClear', { numberOfKeys: 1, lua: CLEAR_LUA });
    let up = false;
    let initial = true;
    // ioredis reports every failed reconnection as an 'error' event: said once per outage, not per retry.
    redis.on('error', () => {});
    const made: { store?: RedisStateStore } = {};
    redis.on('close', () => {
      // The cache is trusted only while the connection that vouched for it lives: a Redis that restarts may come
      // back from an older dump, with versions this replica has already moved past.
      made.store?.dropAll();
      if (up && !made.store?.closing) options.onConnection?.('lost', `${target.host}:${target.port}`);
      up = false;
    });
    redis.on('ready', () => {
      if (!up && initial === false) options.onConnection?.('back', `${target.host}:${target.port}`);
      up = true;
    });
    try {
      await redis.connect();
      await redis.ping();
    } catch (err) {
      redis.disconnect();
      throw new StoreError(`--store ${url}: cannot reach Redis (${(err as Error).message}); start Redis there, or fix the URL`);
    }
    up = true;
    initial = false;
    made.store = new RedisStateStore(redis, url);
    return made.store;
  }

  get(session: string): SessionState | undefined {
    return Object.hasOwn(this.sessions, session) ? this.sessions[session] : undefined;
  }

  set(session: string, state: SessionState, restored = false): void {
    Object.defineProperty(this.sessions, session, { value: state, writable: true, enumerable: true, configurable: true });
    this.changed([session]);
    if (restored) this.forced.add(session);
  }

  /** A reset (an admin write): written through by the admin operation's persist(). */
  delete(session: string): void {
    this.drop(session);
    this.pending.delete(session);
    this.changed([session]);
    this.forced.add(session);
  }

  clear(): void {
    for (const name of Object.keys(this.sessions)) this.drop(name);
    this.pending.clear();
    this.forced.clear();
    this.clearPending = true;
  }

  /** Forgets the cached copy only (the caps evicting it): Redis keeps the session for every replica. */
  evict(session: string): void {
    this.drop(session);
    this.pending.delete(session);
    this.forced.delete(session);
  }

  sessionNames(): string[] {
    return Object.keys(this.sessions);
  }

  changed(path: string[]): void {
    const session = path[0]!;
    let paths = this.pending.get(session);
    if (!paths) this.pending.set(session, (paths = []));
    paths.push(path);
  }

  /** The generation of the session's cached objects (what a request's view was taken from). */
  generation(session: string): number {
    return this.generations.get(session) ?? 0;
  }

  /**
   * Brings the cached session up to Redis's version: one HGET of the version (the common case: the cache is
   * current); when it differs, the change log's entries since the cache's version (one EVALSHA), applied in place,
   * and a full reload (HGETALL) only when the log no longer holds them. Rejects with StoreUnavailableError when
   * Redis does not answer. Why not the catch-up script alone, which answers the version too: a script call costs
   * Redis and ioredis more than an HGET, and reads were measured slower with it (getUser over 16 sessions on three
   * replicas, npm run bench -- --only replicas: 8 600–9 900/s with the HGET, 4 600–6 400/s with the script).
   */
  async refresh(session: string): Promise<void> {
    const version = (await this.call(() => this.redis.hget(sessionKey(session), 'v'))) ?? '';
    if (this.current(session, version)) return;
    await this.lane(session, async () => {
      // A commit or reload queued before this one may have brought the cache to that version already.
      if (this.current(session, version)) return;
      await this.catchUp(session);
    });
  }

  /**
   * Catches the cached session up (in the lane): asks for the change log's entries from the cache's version to the
   * current one and applies them in place, or, when that cannot be done, reloads the session whole.
   */
  private async catchUp(session: string): Promise<void> {
    const known = this.known.get(session) ?? '';
    const [version, ...entries] = await this.call(() => this.redis.mockgateCatchUp(sessionKey(session), logKey(session), known));
    if (this.current(session, version)) return;
    if (!this.applyEntries(session, known, version, entries)) await this.reload(session);
  }

  /**
   * Applies change-log entries to the cached session in place, if they lead from the cache's version `known` to
   * `version` without a gap or a barrier, and nothing in the cache would be lost or left behind: the requests of
   * this replica whose commits are queued (stale now: they ran on the state before these entries) are undone
   * first, and a session with wholesale changes pending (seeded here, not written) is reloaded instead. Returns
   * whether it applied them; when not, the cache is untouched and the caller reloads.
   *
   * Why this is safe (ABA): a version token names one state, never reused (a UUID per commit), and only one commit
   * can ever be written on top of a given version (the commit script checks it). So an entry written on top of the
   * cache's version describes exactly the change from the state the cache holds, and a chain of them leads to the
   * state at `version`, whatever Redis restarted, reset or trimmed meanwhile (a chain broken by any of those is
   * not applied).
   */
  private applyEntries(session: string, known: string, version: string, entries: string[], undoFirst?: () => void): boolean {
    const root = this.get(session);
    if (!root || known === '' || entries.length === 0 || this.pending.get(session)?.length) return false;
    const changes: LoggedChange[] = [];
    let at = known;
    for (const entry of entries) {
      const parsed = parseEntry(entry);
      if (!parsed || parsed.from !== at || parsed.change === undefined) return false;
      changes.push(parsed.change);
      at = parsed.to;
    }
    if (at !== version) return false;
    const queued = [...(this.queued.get(session) ?? [])];
    if (queued.some(([commit, wholesale]) => wholesale || !commit.undo)) return false;
    for (const [commit] of queued.reverse()) commit.undo!();
    undoFirst?.();
    for (const change of changes) applyLogged(root, change);
    // Derived indexes of the tables (engine/collection.ts) followed key by key; secondary ones are rebuilt.
    invalidateDerived();
    // Requests that ran on the cache before these entries are re-run (their commits would be refused anyway).
    this.generations.set(session, this.nextGeneration++);
    this.advance(session, version);
    return true;
  }

  /** Whether the cache holds the session as of `version`, or later (its own commits after it). */
  private current(session: string, version: string): boolean {
    if (!this.known.has(session)) return false;
    return this.known.get(session) === version || (version !== '' && this.passed.get(session)?.has(version) === true);
  }

  /** The cache is now at `version`. */
  private advance(session: string, version: string): void {
    this.known.set(session, version);
    let passed = this.passed.get(session);
    if (!passed) this.passed.set(session, (passed = new Set()));
    passed.add(version);
    if (passed.size > 256) passed.delete(passed.values().next().value!);
  }

  /**
   * Writes the wholesale changes pending and, for a request's commit, its change set, atomically and only if the
   * session is still at the version its view was loaded from (else StateConflict). Without `commit` (the admin
   * API's reset, restore, scenario switch) every pending change is written unconditionally.
   */
  persist(ops: ChangeOp[] = [], commit?: CommitOf): Promise<void> {
    if (!commit) return this.flushAll();
    const { session, generation } = commit;
    const taken = this.pending.get(session) ?? [];
    this.pending.delete(session);
    this.forced.delete(session);
    // Planned now, from the values as this request left them (later requests may change the cache meanwhile).
    const plan = this.plan(session, [...taken.map((p) => this.opAt(p)), ...ops]);
    let queued = this.queued.get(session);
    if (!queued) this.queued.set(session, (queued = new Map()));
    queued.set(commit, taken.length > 0);
    return this.lane(session, async () => {
      this.unqueue(session, commit);
      if (this.generation(session) !== generation) throw new StateConflict(session);
      const expected = this.known.get(session) ?? '';
      const [ok, version, ...entries] = await this.write(session, expected, plan);
      if (!ok) {
        // Another replica wrote first: the cache catches up with what it wrote (this request's changes taken back
        // out first), and the pipeline re-runs the request on it. Wholesale changes pending here were part of
        // this commit: the session is reloaded instead (they are seeded again).
        if (taken.length || !commit.undo || !this.applyEntries(session, expected, version, entries, commit.undo)) this.drop(session);
        throw new StateConflict(session);
      }
      this.advance(session, version);
    }).catch((err: unknown) => {
      this.unqueue(session, commit);
      // Not written: what was taken is pending again, unless the cache it described was dropped.
      if (!(err instanceof StateConflict) && this.generation(session) === generation && taken.length) {
        this.pending.set(session, [...taken, ...(this.pending.get(session) ?? [])]);
      }
      if (err instanceof StoreUnavailableError) this.drop(session);
      throw err;
    });
  }

  private unqueue(session: string, commit: CommitOf): void {
    const queued = this.queued.get(session);
    if (!queued) return;
    queued.delete(commit);
    if (queued.size === 0) this.queued.delete(session);
  }

  async compact(): Promise<void> {}

  async close(): Promise<void> {
    this.closing = true;
    try {
      await this.flushAll();
    } finally {
      this.redis.disconnect();
    }
  }

  /** Every pending wholesale change, written whatever the sessions' versions (admin writes). */
  private async flushAll(): Promise<void> {
    if (this.clearPending) {
      await this.call(() => this.redis.mockgateClear(SESSIONS_KEY, `${KEY_PREFIX}s:`, `${KEY_PREFIX}l:`));
      this.clearPending = false;
    }
    for (const session of [...this.forced]) {
      const paths = this.pending.get(session) ?? [];
      this.pending.delete(session);
      this.forced.delete(session);
      const plan = this.plan(session, paths.map((p) => this.opAt(p)));
      await this.lane(session, async () => {
        const [, version] = await this.write(session, '*', plan);
        if (version === '') this.drop(session);
        else this.advance(session, version);
      });
    }
  }

  private async write(session: string, expected: string, plan: Plan): Promise<[number, string, ...string[]]> {
    const args = [expected, session, plan.mode === 'gone' ? '' : randomUUID(), plan.mode, logged(plan), String(plan.wholesale.length)];
    for (const [exact, prefix] of plan.wholesale) args.push(exact, prefix);
    args.push(String(plan.deletes.length), ...plan.deletes, String(plan.sets.length));
    for (const [field, value] of plan.sets) args.push(field, value);
    // Not connected: refused before anything is sent, so certainly not written. Once sent, a failure leaves the
    // commit in doubt (Redis may have run it and the answer been lost with the connection).
    if (this.redis.status !== 'ready') throw this.unavailable('it is not connected');
    try {
      return await this.redis.mockgateCommit(sessionKey(session), SESSIONS_KEY, logKey(session), ...args);
    } catch (err) {
      throw this.unavailable((err as Error).message, true);
    }
  }

  private async reload(session: string): Promise<void> {
    const fields = await this.call(() => this.redis.hgetall(sessionKey(session)));
    const version = fields.v ?? '';
    if (this.known.get(session) === version) return;
    this.drop(session);
    this.pending.delete(session);
    if (version !== '') {
      Object.defineProperty(this.sessions, session, { value: decodeSession(fields), writable: true, enumerable: true, configurable: true });
    }
    this.advance(session, version);
  }

  /** Drops every cached session (the connection to Redis was lost). Seeds not yet written are dropped too. */
  private dropAll(): void {
    for (const session of new Set([...Object.keys(this.sessions), ...this.known.keys()])) this.drop(session);
    this.pending.clear();
    this.forced.clear();
  }

  /** Drops the cached session: the next request of it reloads it from Redis. */
  private drop(session: string): void {
    delete this.sessions[session];
    this.known.delete(session);
    this.passed.delete(session);
    this.generations.set(session, this.nextGeneration++);
  }

  private lane<T>(session: string, task: () => Promise<T>): Promise<T> {
    const run = (this.lanes.get(session) ?? Promise.resolve()).then(task);
    const tail = run.then(
      () => {},
      () => {},
    );
    this.lanes.set(session, tail);
    void tail.then(() => {
      if (this.lanes.get(session) === tail) this.lanes.delete(session);
    });
    return run;
  }

  private async call<T>(command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (err) {
      throw this.unavailable((err as Error).message);
    }
  }

  private unavailable(reason: string, inDoubt = false): StoreUnavailableError {
    return new StoreUnavailableError(`the session store (Redis, --store ${this.url}) did not answer: ${reason}`, inDoubt);
  }

  /** The operation that makes `path` what the cache holds now. */
  private opAt(p: string[]): ChangeOp {
    const value = valueAt(this.sessions, p);
    return value === undefined ? { p } : { p, v: value };
  }

  /** The fields a set of changes to one session writes (see the layout above). */
  private plan(session: string, ops: ChangeOp[]): Plan {
    const plan: Plan = { mode: 'keep', wholesale: [], deletes: [], sets: [] };
    for (const op of ops) {
      const rest = op.p.slice(1);
      if (op.p.length === 0 || rest.length === 0) {
        // The whole session: what came before in this plan is superseded.
        plan.wholesale = [];
        plan.deletes = [];
        plan.sets = [];
        if ('v' in op && op.v !== undefined) {
          plan.mode = 'wipe';
          for (const [api, value] of Object.entries(op.v as SessionState)) encode([api], value, plan.sets);
        } else plan.mode = 'gone';
        continue;
      }
      if (plan.mode === 'gone') plan.mode = 'wipe';
      if (rest.length <= 2) {
        plan.wholesale.push([field(rest), prefixOf(rest)]);
        if ('v' in op && op.v !== undefined) encode(rest, op.v, plan.sets);
        continue;
      }
      // Inside a top-level value: one table entry if the value is an object, else the value whole.
      const top = rest.slice(0, 2);
      const topValue = valueAt(this.sessions, [session, ...top]);
      if (isPlainObject(topValue)) {
        const entry = rest.slice(0, 3);
        const value = rest.length === 3 ? ('v' in op ? op.v : undefined) : valueAt(this.sessions, [session, ...entry]);
        if (value === undefined) plan.deletes.push(field(entry));
        else plan.sets.push([field(entry), JSON.stringify(value)]);
      } else if (topValue === undefined) {
        plan.wholesale.push([field(top), prefixOf(top)]);
      } else {
        plan.sets.push([field(top), JSON.stringify(topValue)]);
      }
    }
    return plan;
  }
}

/** Fields for `value` at `path` (an API's state, or a top-level value, is split into its members). */
function encode(path: string[], value: unknown, sets: Array<[string, string]>): void {
  if (value === undefined) return;
  if (path.length <= 2 && isPlainObject(value)) {
    sets.push([field(path), '{}']);
    for (const [key, member] of Object.entries(value)) {
      if (path.length === 1) encode([...path, key], member, sets);
      else if (member !== undefined) sets.push([field([...path, key]), JSON.stringify(member)]);
    }
    return;
  }
  sets.push([field(path), JSON.stringify(value)]);
}

/** A session's state from its hash's fields. */
export function decodeSession(fields: Record<string, string>): SessionState {
  const state: SessionState = {};
  const entries: Array<[string[], unknown]> = [];
  for (const [name, text] of Object.entries(fields)) {
    if (name === 'v') continue;
    entries.push([JSON.parse(name) as string[], JSON.parse(text)]);
  }
  // Parents before their members.
  entries.sort((a, b) => a[0].length - b[0].length);
  for (const [path, value] of entries) {
    const parent = valueAt(state, path.slice(0, -1));
    if (!isPlainObject(parent)) continue;
    Object.defineProperty(parent, path[path.length - 1]!, { value, writable: true, enumerable: true, configurable: true });
  }
  return state;
}

const field = (path: string[]) => JSON.stringify(path);
/** What every field under `path` starts with: its JSON array, still open. */
const prefixOf = (path: string[]) => `${JSON.stringify(path).slice(0, -1)},`;

function valueAt(node: unknown, path: readonly string[]): unknown {
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** One commit as its session's change log holds it: the same fields the commit wrote, for a replica to apply. */
interface LoggedChange {
  /** Paths written wholesale: everything under them was deleted first. */
  w: string[];
  /** Fields deleted. */
  d: string[];
  /** Fields set, with their values as JSON. */
  s: Array<[string, string]>;
}

/**
 * The change set a commit logs: '' (a barrier: replicas behind it reload) for a whole-session write, and for one too
 * large to be worth keeping (a restore of a large state) — the log stays a few hundred small entries per session.
 */
function logged(plan: Plan): string {
  if (plan.mode !== 'keep') return '';
  const text = JSON.stringify({ w: plan.wholesale.map(([exact]) => exact), d: plan.deletes, s: plan.sets } satisfies LoggedChange);
  return text.length > CHANGE_LOG_ENTRY_MAX ? '' : text;
}

/** "<from>\n<to>\n<change set>" read back; `change` undefined for a barrier; undefined when not an entry at all. */
function parseEntry(entry: string): { from: string; to: string; change?: LoggedChange } | undefined {
  const first = entry.indexOf('\n');
  const second = first < 0 ? -1 : entry.indexOf('\n', first + 1);
  if (second < 0) return undefined;
  const from = entry.slice(0, first);
  const to = entry.slice(first + 1, second);
  const text = entry.slice(second + 1);
  if (text === '') return { from, to };
  try {
    return { from, to, change: JSON.parse(text) as LoggedChange };
  } catch {
    return undefined;
  }
}

/**
 * Applies a logged change to a cached session as the commit script applied it to the hash (decodeSession reads the
 * same fields the same way): wholesale paths and deleted fields are removed first, then fields are set, parents
 * before their members, each only where its parent is an object.
 */
function applyLogged(root: SessionState, change: LoggedChange): void {
  for (const text of [...change.w, ...change.d]) {
    const path = JSON.parse(text) as string[];
    const parent = valueAt(root, path.slice(0, -1));
    const key = path[path.length - 1]!;
    if (parent === null || typeof parent !== 'object' || !Object.hasOwn(parent, key)) continue;
    delete (parent as Record<string, unknown>)[key];
    resync(parent, key);
  }
  const sets = change.s.map(([text, value]) => [JSON.parse(text) as string[], value] as const).sort((a, b) => a[0].length - b[0].length);
  for (const [path, value] of sets) {
    const parent = valueAt(root, path.slice(0, -1));
    if (!isPlainObject(parent)) continue;
    const key = path[path.length - 1]!;
    Object.defineProperty(parent, key, { value: JSON.parse(value), writable: true, enumerable: true, configurable: true });
    resync(parent, key);
  }
}

/**
 * `--store redis://host:port/db`: session state in Redis, shared by every mockgate process pointed at it, so
 * several replicas behind a load balancer serve the same sessions. Each replica keeps a warm cache of the
 * sessions it served (the same in-memory objects the handlers work on with a single process) and Redis is the
 * source of truth:
 *
 * - **Version check per request** (one HGET): each session carries a version token; a request reloads the
 *   session from Redis only when the token differs from the one this replica's cache is at (another replica
 *   wrote, a reset, a Redis restart). Tokens are random (a UUID per commit), not counters: a Redis restarted from
 *   an older dump, or a session reset and written again, can never bring back a token a cache was at (ABA).
 * - **Optimistic commit** (one EVALSHA): a request's change set is written by a Lua script that first checks the
 *   version is still the one the cache is at, and sets a new token; on a mismatch nothing is written, the cache
 *   is dropped, and the request is re-run on the state reloaded (StateConflict; the pipeline re-runs it, bounded).
 *   So two replicas never both create the same id. Seeding a session on first use is part of its first commit
 *   (expected version: none), so it is atomic as well; a session only read is seeded in the cache alone.
 * - Commits of one session from one replica go one after the other (a lane), each against the token the one
 *   before it left, so concurrent requests of one replica do not conflict with each other; a request whose
 *   session was reloaded while it ran is re-run (its view was of the old objects).
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
 * field names (HKEYS) inside the script. A reload reads the whole session (HGETALL): it is O(state), paid only
 * when another replica wrote the session since this one last saw it. `mockgate:sessions` is the set of session
 * names (for a reset of all).
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { nullPrototypeTable, type SessionState, type SessionStore } from './store.js';
import { StateConflict, StoreError, StoreUnavailableError } from './store-errors.js';
import type { ChangeOp } from './transaction.js';

export { StateConflict, StoreError, StoreUnavailableError };

const KEY_PREFIX = 'mockgate:';
const sessionKey = (session: string) => `${KEY_PREFIX}s:${session}`;
const SESSIONS_KEY = `${KEY_PREFIX}sessions`;

/**
 * KEYS: the session's hash, the set of sessions. ARGV: expected version ('' none, '*' any), session name, new
 * version, mode ('keep' | 'wipe' | 'gone'), then the counted lists: wholesale paths (exact field, prefix of the
 * fields under it), fields to delete, and field / value pairs to set.
 */
const COMMIT_LUA = `
local cur = redis.call('HGET', KEYS[1], 'v') or ''
if ARGV[1] ~= '*' and cur ~= ARGV[1] then return {0, cur} end
if ARGV[4] == 'gone' then
  redis.call('DEL', KEYS[1])
  redis.call('SREM', KEYS[2], ARGV[2])
  return {1, ''}
end
if ARGV[4] == 'wipe' then redis.call('DEL', KEYS[1]) end
local i = 5
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
return {1, ARGV[3]}
`;

/** KEYS: the set of sessions. Deletes every session's hash, and the set. */
const CLEAR_LUA = `
for _, name in ipairs(redis.call('SMEMBERS', KEYS[1])) do redis.call('DEL', ARGV[1] .. name) end
redis.call('DEL', KEYS[1])
return 1
`;

interface StoreCommands {
  mockgateCommit(sessionKey: string, sessionsKey: string, ...args: string[]): Promise<[number, string]>;
  mockgateClear(sessionsKey: string, prefix: string): Promise<number>;
}

/** What one commit writes to one session's hash. */
interface Plan {
  mode: 'keep' | 'wipe' | 'gone';
  wholesale: Array<[string, string]>;
  deletes: string[];
  sets: Array<[string, string]>;
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
    const redis = new Redis({
      ...target,
      lazyConnect: true,
      // A request never waits for a Redis that is down: it fails at once, in the API's shape, and Redis is
      // reconnected to in the background.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      connectTimeout: 2000,
      commandTimeout: 5000,
      retryStrategy: (times) => Math.min(100 * times, 1000),
    }) as Redis & StoreCommands;
    redis.defineCommand('mockgateCommit', { numberOfKeys: 2, lua: COMMIT_LUA });
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
   * Brings the cached session up to Redis's version: one HGET, and a reload (HGETALL) only when it differs.
   * Rejects with StoreUnavailableError when Redis does not answer.
   */
  async refresh(session: string): Promise<void> {
    const version = (await this.call(() => this.redis.hget(sessionKey(session), 'v'))) ?? '';
    if (this.current(session, version)) return;
    await this.lane(session, async () => {
      // A commit or reload queued before this one may have brought the cache to that version already.
      if (this.current(session, version)) return;
      await this.reload(session);
    });
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
  persist(ops: ChangeOp[] = [], commit?: { session: string; generation: number }): Promise<void> {
    if (!commit) return this.flushAll();
    const { session, generation } = commit;
    const taken = this.pending.get(session) ?? [];
    this.pending.delete(session);
    this.forced.delete(session);
    // Planned now, from the values as this request left them (later requests may change the cache meanwhile).
    const plan = this.plan(session, [...taken.map((p) => this.opAt(p)), ...ops]);
    return this.lane(session, async () => {
      if (this.generation(session) !== generation) throw new StateConflict(session);
      const expected = this.known.get(session) ?? '';
      const [ok, version] = await this.write(session, expected, plan);
      if (!ok) {
        this.drop(session);
        throw new StateConflict(session);
      }
      this.advance(session, version);
    }).catch((err: unknown) => {
      // Not written: what was taken is pending again, unless the cache it described was dropped.
      if (!(err instanceof StateConflict) && this.generation(session) === generation && taken.length) {
        this.pending.set(session, [...taken, ...(this.pending.get(session) ?? [])]);
      }
      if (err instanceof StoreUnavailableError) this.drop(session);
      throw err;
    });
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
      await this.call(() => this.redis.mockgateClear(SESSIONS_KEY, `${KEY_PREFIX}s:`));
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

  private async write(session: string, expected: string, plan: Plan): Promise<[number, string]> {
    const args = [expected, session, plan.mode === 'gone' ? '' : randomUUID(), plan.mode, String(plan.wholesale.length)];
    for (const [exact, prefix] of plan.wholesale) args.push(exact, prefix);
    args.push(String(plan.deletes.length), ...plan.deletes, String(plan.sets.length));
    for (const [field, value] of plan.sets) args.push(field, value);
    return this.call(() => this.redis.mockgateCommit(sessionKey(session), SESSIONS_KEY, ...args));
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
      throw new StoreUnavailableError(`the session store (Redis, --store ${this.url}) did not answer: ${(err as Error).message}`);
    }
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

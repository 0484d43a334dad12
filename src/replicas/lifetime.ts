/**
 * Session lifetime across replicas (--store redis://). `mockgate:seen` is a sorted set: session → epoch ms of its
 * last use by any replica. `--session-idle` is a TTL on each of the session's keys (its state hash, faults,
 * counters, journal stream, coverage hash, own scenario): a session no replica used for that long is gone from
 * Redis, and the next request of it starts again from its scenario's seed. The default session never expires.
 *
 * The TTLs and the last use are refreshed after a request's answer (its commit has then created what it writes),
 * at most once per TOUCH_INTERVAL per session per replica, and not waited for: a busy session costs one
 * background write every few seconds, not a round trip per request. `GET /__admin/sessions` lists the sessions
 * any replica used within the idle time, with the memory their state takes in Redis.
 */
import { logKey, sessionKey } from '../state/redis-store.js';
import { DEFAULT_SESSION, type SessionInfo } from '../state/sessions.js';
import { SHARED_PREFIX, type SharedRedis } from './connection.js';
import { coverageKey } from './coverage.js';
import { journalKey } from './journal.js';
import { countersKey, faultsKey } from './rules.js';
import { scenarioDocKey } from './scenarios.js';

const SEEN_KEY = `${SHARED_PREFIX}seen`;
/**
 * The keys that live as long as the session (rate limiters expire with their own window). The store's state hash
 * and its change log go together: a log left behind would only waste memory (a broken chain makes a reload).
 */
const sessionKeys = (session: string) => [sessionKey(session), logKey(session), faultsKey(session), countersKey(session), `${SHARED_PREFIX}rls:${session}`, journalKey(session), coverageKey(session), scenarioDocKey(session)];

/** At most this often per session and replica, the last use and the TTLs are refreshed. */
export const TOUCH_INTERVAL_MS = 5000;
/** Sessions whose last refresh this replica remembers (beyond, the oldest are refreshed again sooner). */
const MAX_TRACKED = 10_000;

/** KEYS: the seen set. ARGV: session, now (ms), ttl (ms, 0: none), then the session's keys. */
const TOUCH_LUA = `
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
if tonumber(ARGV[3]) > 0 then
  for i = 4, #ARGV do redis.call('PEXPIRE', ARGV[i], ARGV[3]) end
end
return 1
`;

/**
 * KEYS: the seen set. ARGV: cutoff (ms: sessions last used before are gone), state key prefix. Answers, per session
 * used since, its name, last use and the bytes its state takes in Redis (MEMORY USAGE, which samples a large hash:
 * summing the fields' lengths would read every session's whole state inside Redis, blocking it meanwhile).
 */
const LIST_LUA = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[1])
local out = {}
local seen = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
for i = 1, #seen, 2 do
  out[#out + 1] = {seen[i], seen[i + 1], redis.call('MEMORY', 'USAGE', ARGV[2] .. seen[i]) or 0}
end
return out
`;

export class SharedLifetime {
  /** Per session, when this replica last refreshed it. */
  private readonly touched = new Map<string, number>();
  private readonly touchScript;
  private readonly listScript;
  /** How often a session is refreshed at most: TOUCH_INTERVAL_MS, or less under a short idle time. */
  private readonly intervalMs: number;

  constructor(
    private readonly shared: SharedRedis,
    /** --session-idle (ms; Infinity: never). */
    private readonly idleMs: number,
    private readonly nowMs: () => number,
  ) {
    this.touchScript = shared.script('mockgateTouch', 1, TOUCH_LUA);
    this.listScript = shared.script('mockgateListSessions', 1, LIST_LUA);
    this.intervalMs = Math.min(TOUCH_INTERVAL_MS, idleMs / 4);
  }

  /** The session was used (a request answered): refreshed in Redis unless this replica did so moments ago. */
  touch(session: string): void {
    const now = this.nowMs();
    const last = this.touched.get(session);
    if (last !== undefined && now - last < this.intervalMs) return;
    this.touched.delete(session);
    if (this.touched.size >= MAX_TRACKED) this.touched.delete(this.touched.keys().next().value!);
    this.touched.set(session, now);
    // Idle time plus the refresh interval: a use just after a refresh (not refreshed itself) still counts in full.
    const ttl = session === DEFAULT_SESSION || !Number.isFinite(this.idleMs) ? '0' : String(Math.ceil(this.idleMs + this.intervalMs));
    this.shared.queue((pipeline) => this.touchScript(pipeline, SEEN_KEY, session, String(now), ttl, ...sessionKeys(session)));
  }

  /** Sessions any replica used within the idle time, least recently used first. */
  async list(): Promise<SessionInfo[]> {
    await this.shared.flush();
    const cutoff = Number.isFinite(this.idleMs) ? this.nowMs() - this.idleMs : 0;
    const rows = (await this.shared.call((redis) => this.listScript(redis, SEEN_KEY, String(cutoff), sessionKey('')))) as Array<[string, string, number]>;
    return rows.map(([name, lastUsed, bytes]) => ({ name, lastUsedMs: Number(lastUsed), stateBytes: bytes }));
  }

  /** A reset: the session (or every one) is no longer in use; the caps dropping it from this replica's cache are not. */
  forgetSession(session: string | undefined, reason?: 'reset' | 'evicted'): void {
    if (reason === 'evicted') return;
    if (session === undefined) {
      this.touched.clear();
      this.shared.background((redis) => redis.del(SEEN_KEY));
    } else {
      this.touched.delete(session);
      this.shared.background((redis) => redis.zrem(SEEN_KEY, session));
    }
  }
}

/**
 * Contract coverage aggregated across replicas (--store redis://): one hash per session, `mockgate:c:<session>`,
 * field `<api>\0<operationId>\0<status or fault>` → times served, counted with HINCRBY (one script with the
 * set's SADD and the TTL, queued with the exchange's other writes: the answer does not wait for it). `/__admin/coverage` and the coverage
 * gate on any replica read the union; a read first waits for the counts this replica has sent. `mockgate:cs` is the
 * set of sessions with counts. The hashes expire with their session (--session-idle).
 */
import { statusCovers, type CoverageCounter, type CoverageOperation, type CoverageRow } from '../journal/coverage.js';
import { clearPerSessionLua, SHARED_PREFIX, type SharedRedis } from './connection.js';

export const coverageKey = (session: string) => `${SHARED_PREFIX}c:${session}`;
const SESSIONS_KEY = `${SHARED_PREFIX}cs`;

/** KEYS: the session's hash, the sessions set. ARGV: field, session, ttl (ms, 0: none). */
const RECORD_LUA = `
redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
redis.call('SADD', KEYS[2], ARGV[2])
if tonumber(ARGV[3]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return 1
`;

const CLEAR_LUA = clearPerSessionLua('c');

export class SharedCoverage implements CoverageCounter {
  private readonly recordScript;
  private readonly clearScript;

  constructor(
    private readonly shared: SharedRedis,
    private readonly operations: CoverageOperation[],
    /** Session idle expiry (ms; Infinity: none): the hash's TTL. */
    private readonly idleMs: number,
  ) {
    this.recordScript = shared.script('mockgateCoverageRecord', 2, RECORD_LUA);
    this.clearScript = shared.script('mockgateCoverageClear', 1, CLEAR_LUA);
  }

  record(session: string, api: string, operationId: string, status: number | string): void {
    const ttl = Number.isFinite(this.idleMs) ? String(this.idleMs) : '0';
    this.shared.queue((pipeline) => this.recordScript(pipeline, coverageKey(session), SESSIONS_KEY, `${api}\u0000${operationId}\u0000${status}`, session, ttl));
  }

  async report(session?: string): Promise<CoverageRow[]> {
    await this.shared.flush();
    const sessions = session !== undefined ? [session] : await this.shared.call((redis) => redis.smembers(SESSIONS_KEY));
    const hashes = await Promise.all(sessions.map((s) => this.shared.call((redis) => redis.hgetall(coverageKey(s)))));
    // Hashes gone with their session's idle time leave its name in the set: dropped as they are met.
    const gone = sessions.filter((_, i) => Object.keys(hashes[i]!).length === 0);
    if (session === undefined && gone.length) this.shared.background((redis) => redis.srem(SESSIONS_KEY, ...gone));
    // "api operationId" → status → times, summed over the sessions.
    const served = new Map<string, Record<string, number>>();
    for (const hash of hashes) {
      for (const [field, count] of Object.entries(hash)) {
        const [api, operationId, status] = field.split('\u0000');
        const key = `${api} ${operationId}`;
        let byStatus = served.get(key);
        if (!byStatus) served.set(key, (byStatus = {}));
        byStatus[status!] = (byStatus[status!] ?? 0) + Number(count);
      }
    }
    return this.operations.map((op) => {
      const counts = served.get(`${op.api} ${op.operationId}`) ?? {};
      // Transport faults cover no declared status.
      const statuses = Object.keys(counts).map(Number).filter(Number.isInteger);
      const missing = op.declared.filter((d) => !statuses.some((s) => statusCovers(d, s)));
      return { ...op, served: counts, missing };
    });
  }

  clear(session?: string): Promise<void> {
    return this.shared.flush().then(() => this.shared.call((redis) => this.clearScript(redis, SESSIONS_KEY, session ?? '', SHARED_PREFIX)).then(() => {}));
  }

  /** A reset forgets the session's coverage for every replica; the caps dropping it from this replica's cache do not. */
  forgetSession(session: string | undefined, reason?: 'reset' | 'evicted'): void {
    if (reason === 'evicted') return;
    this.shared.background((redis) => this.clearScript(redis, SESSIONS_KEY, session ?? '', SHARED_PREFIX));
  }
}

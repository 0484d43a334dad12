/**
 * The request journal shared by replicas (--store redis://): one capped Redis stream per session,
 * `mockgate:j:<session>` (XADD MAXLEN ~ the per-session limit, --journal-limit), so `/__admin/requests` on any
 * replica shows what all of them served. Entries carry a number from one counter (`mockgate:jid`), so the journal
 * of all sessions reads newest first across replicas; `mockgate:js` is the set of sessions with a stream.
 *
 * Recording stays off the answer's path: the XADD (one script with the counter) is queued with the exchange's other
 * writes, sent before the answer goes out and not waited for. An admin read on this replica first waits for the writes it has sent (SharedRedis.flush),
 * so every entry it has answered is read back. The approximate trim (~) keeps a little more than the limit in Redis
 * (a whole macro node): a read takes the newest `limit` entries of a stream, so exactly as many are shown as in one
 * process. Streams expire with their session (--session-idle).
 *
 * Entries are presented (secrets redacted, bodies parsed, times formatted) by the in-memory journal's presentEntry:
 * the redaction rules stay in one place (src/journal/journal.ts).
 */
import type { ValidationIssue } from '../engine/errors.js';
import type { Exposure } from '../engine/exposure.js';
import { tooLongHeader } from '../journal/entry-codec.js';
import { matchesFilter, presentEntry, type JournalEntry, type JournalFilter, type RecordedExchange, type RequestJournal } from '../journal/journal.js';
import { clearPerSessionLua, SHARED_PREFIX, type SharedRedis } from './connection.js';

export const journalKey = (session: string) => `${SHARED_PREFIX}j:${session}`;
const ID_KEY = `${SHARED_PREFIX}jid`;
const SESSIONS_KEY = `${SHARED_PREFIX}js`;

/** KEYS: the stream, the id counter, the sessions set. ARGV: limit, entry (JSON), session, ttl (ms, 0: none). */
const APPEND_LUA = `
local id = redis.call('INCR', KEYS[2])
redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', 'id', id, 'e', ARGV[2])
redis.call('SADD', KEYS[3], ARGV[3])
if tonumber(ARGV[4]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
return id
`;

const CLEAR_LUA = clearPerSessionLua('j');

type Violation = { operationId?: string; status: number; issues: ValidationIssue[] };

export class SharedJournal implements RequestJournal {
  /** This replica's own: contract violations in answers it chose itself, since it started. */
  private violationLog: Violation[] = [];
  private readonly appendScript;
  private readonly clearScript;

  constructor(
    private readonly shared: SharedRedis,
    private readonly limitPerSession: number,
    private readonly secrets: Pick<Exposure, 'secretHeaders' | 'isSecretField'>,
    /** Session idle expiry (ms; Infinity: none): the stream's TTL, refreshed by each entry. */
    private readonly idleMs: number,
  ) {
    this.appendScript = shared.script('mockgateJournalAppend', 3, APPEND_LUA);
    this.clearScript = shared.script('mockgateJournalClear', 1, CLEAR_LUA);
  }

  record(entry: RecordedExchange): void {
    if (this.limitPerSession <= 0) return;
    if (entry.responseValid === false && !entry.explicit) {
      if (this.violationLog.length >= this.limitPerSession) this.violationLog.shift();
      this.violationLog.push({ operationId: entry.operationId, status: entry.status, issues: entry.responseIssues ?? [] });
    }
    const text = JSON.stringify({ ...entry, request: { ...entry.request, headers: boundedHeaders(entry.request.headers) } });
    const ttl = Number.isFinite(this.idleMs) ? String(this.idleMs) : '0';
    this.shared.queue((pipeline) => this.appendScript(pipeline, journalKey(entry.session), ID_KEY, SESSIONS_KEY, String(this.limitPerSession), text, entry.session, ttl));
  }

  /** Entries matching the filter across replicas, newest first, secrets redacted. */
  async list(filter: JournalFilter = {}): Promise<JournalEntry[]> {
    await this.shared.flush();
    const sessions = filter.session !== undefined ? [filter.session] : await this.shared.call((redis) => redis.smembers(SESSIONS_KEY));
    const streams = await Promise.all(
      sessions.map((session) => this.shared.call((redis) => redis.xrevrange(journalKey(session), '+', '-', 'COUNT', this.limitPerSession))),
    );
    // Streams gone with their session's idle time leave its name in the set: dropped as they are met.
    const gone = sessions.filter((_, i) => streams[i]!.length === 0);
    if (filter.session === undefined && gone.length) this.shared.background((redis) => redis.srem(SESSIONS_KEY, ...gone));
    const stored: Array<RecordedExchange & { id: number }> = [];
    for (const stream of streams) {
      for (const [, fields] of stream) {
        const entry = JSON.parse(valueOf(fields, 'e')) as RecordedExchange & { id: number };
        entry.id = Number(valueOf(fields, 'id'));
        if (matchesFilter(entry, filter)) stored.push(entry);
      }
    }
    stored.sort((a, b) => b.id - a.id);
    // At most as many as one process keeps in all (the newest): the read is bounded like the in-memory one.
    const kept = Math.max(10_000, 10 * this.limitPerSession);
    return stored.slice(0, filter.limit ? Math.min(filter.limit, kept) : kept).map((entry) => presentEntry(entry, this.secrets));
  }

  clear(session?: string): Promise<void> {
    return this.shared.flush().then(() => this.shared.call((redis) => this.clearScript(redis, SESSIONS_KEY, session ?? '', SHARED_PREFIX)).then(() => {}));
  }

  /** A reset forgets the session's journal for every replica; the caps dropping it from this replica's cache do not. */
  forgetSession(session: string | undefined, reason?: 'reset' | 'evicted'): void {
    if (reason === 'evicted') return;
    if (session === undefined) this.violationLog = [];
    this.shared.background((redis) => this.clearScript(redis, SESSIONS_KEY, session ?? '', SHARED_PREFIX));
  }

  violations(): Violation[] {
    return [...this.violationLog];
  }
}

/** A stream entry's field value (fields come as a flat name, value list). */
function valueOf(fields: string[], name: string): string {
  for (let i = 0; i < fields.length; i += 2) if (fields[i] === name) return fields[i + 1]!;
  throw new Error(`journal entry without "${name}"`);
}

/** Header values too long to keep replaced by the in-memory journal's placeholder (a request may send ~96 KB). */
function boundedHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const [name, value] of Object.entries(headers)) {
    const placeholder = tooLongHeader(value);
    if (placeholder === undefined) continue;
    out ??= { ...headers };
    out[name] = placeholder;
  }
  return out ?? headers;
}

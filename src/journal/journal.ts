/**
 * The request journal: what each session asked and got, with the contract verdicts, newest last. Bounded
 * so a million-request soak keeps memory flat: a ring per session (config.journalLimit entries, 1000 by
 * default), at most `maxEntries` entries in all (the oldest entries of the least recently written session go
 * first), at most `maxBytes` of buffers, and as many rings as there are sessions — the session cap decides, and
 * tells the journal (forgetSession) when a session is forgotten. Recording is on the hot path and reading is
 * rare, so an entry is encoded into its session's byte ring outside the V8 heap (entry-codec.ts says why) and
 * decoded, with secrets redacted, only when the journal is read.
 */
import type { ValidationIssue } from '../engine/errors.js';
import { exposureOf, type Exposure } from '../engine/exposure.js';
import type { TransportFault } from '../engine/types.js';
import { ByteRing } from './byte-ring.js';
import { decodeEntry, EntryEncoder, type DecodedExchange } from './entry-codec.js';

export type AnswerSource = 'handler' | 'mock' | 'rule' | 'prefer' | 'validation' | 'security' | 'router' | 'error';

/** A transport fault as the journal shows it: its action and settings (garbage: how many bytes were sent). */
export interface AppliedFault {
  action: TransportFault['action'];
  ms?: number;
  bytes?: number;
  chunks?: number;
}

/** The journal's view of a transport fault (no Buffer: entries are JSON). */
export function appliedFault(fault: TransportFault): AppliedFault {
  return fault.action === 'garbage' ? { action: 'garbage', bytes: fault.bytes.length } : { ...fault };
}

export interface JournalEntry {
  id: number;
  time: string;
  session: string;
  requestId: string;
  api?: string;
  operationId?: string;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  status: number;
  durationMs: number;
  /** Which stage produced the answer. */
  source: AnswerSource;
  /** Rules that fired (delays, rate limits, faults). */
  rules: string[];
  /** The transport fault the request got, if a rule gave it one (status is 0 when nothing was answered). */
  fault?: AppliedFault;
  /** The session had been forgotten by the caps since its client's previous request: why, and when. */
  sessionForgotten?: { cause: string; at: string };
  requestValid?: boolean;
  requestIssues?: ValidationIssue[];
  responseValid?: boolean;
  responseIssues?: ValidationIssue[];
  /** The answer was asked for (rule, fault, Prefer): a contract break there is the test's choice, not the mock's. */
  explicit: boolean;
  request: { headers: Record<string, unknown>; body?: unknown };
  response: { headers: Record<string, unknown>; body?: unknown };
}

/**
 * What the pipeline records: the time as epoch milliseconds (formatted when read), and bodies as the text that
 * crossed the wire (JSON text, or undefined).
 */
export interface RecordedExchange extends Omit<JournalEntry, 'id' | 'time' | 'request' | 'response'> {
  timeMs: number;
  request: { headers: Record<string, unknown>; bodyText?: string; bodyBytes: number };
  response: { headers: Record<string, unknown>; bodyText?: string; bodyBytes: number };
}

type StoredEntry = DecodedExchange;

/** A session's buffer starts this small (a few dozen entries) and doubles as it fills. */
const RING_START_BYTES = 64 * 1024;

export interface JournalFilter {
  session?: string;
  operationId?: string;
  status?: number;
  api?: string;
  limit?: number;
}

/** Whether an entry is one the filter asks for (its session aside: the callers read only the sessions asked for). */
export function matchesFilter(entry: Pick<RecordedExchange, 'operationId' | 'status' | 'api'>, filter: JournalFilter): boolean {
  return (
    (filter.operationId === undefined || entry.operationId === filter.operationId) &&
    (filter.status === undefined || entry.status === filter.status) &&
    (filter.api === undefined || entry.api === filter.api)
  );
}

const MAX_BODY_CHARS = 4096;

export interface JournalBounds {
  /** Entries kept at most across all sessions (default 10 × the per-session limit, at least 10 000). */
  maxEntries?: number;
  /**
   * Bytes the sessions' buffers may hold in all (default 64 MiB). A session's buffer starts at 64 KiB and
   * doubles while it holds fewer than the per-session limit; once this budget is spent, a session keeps fewer
   * entries (its oldest go) rather than grow.
   */
  maxBytes?: number;
  /** What is redacted when the journal is read (default: what every API shares, see engine/exposure.ts). */
  secrets?: Pick<Exposure, 'secretHeaders' | 'isSecretField'>;
}

/**
 * What the observers and the admin API use of a journal: the in-memory Journal below, or the one replicas share
 * through Redis (src/replicas/journal.ts), whose reads are promises.
 */
export interface RequestJournal {
  record(entry: RecordedExchange): void;
  list(filter?: JournalFilter): JournalEntry[] | Promise<JournalEntry[]>;
  clear(session?: string): void | Promise<void>;
  forgetSession(session: string | undefined, reason?: 'reset' | 'evicted'): void;
  violations(): Array<{ operationId?: string; status: number; issues: ValidationIssue[] }>;
}

export class Journal {
  /** Rings by session, least recently written first. */
  private readonly rings = new Map<string, ByteRing>();
  private lastSession?: string;
  private total = 0;
  private nextId = 1;
  private violationLog: Array<{ operationId?: string; status: number; issues: ValidationIssue[] }> = [];
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  /** Bytes the rings' buffers hold, used or not. */
  private bytes = 0;
  private readonly encoder = new EntryEncoder();
  private readonly secrets: Pick<Exposure, 'secretHeaders' | 'isSecretField'>;
  private readonly mayGrow = (from: number, to: number): boolean => {
    if (this.bytes - from + to > this.maxBytes) return false;
    this.bytes += to - from;
    return true;
  };

  constructor(
    private readonly limitPerSession: number,
    bounds: JournalBounds = {},
  ) {
    this.maxEntries = Math.max(1, bounds.maxEntries ?? Math.max(10_000, 10 * limitPerSession));
    this.maxBytes = Math.max(RING_START_BYTES, bounds.maxBytes ?? 64 * 1024 * 1024);
    this.secrets = bounds.secrets ?? exposureOf([]);
  }

  /** Keeps a copy of the entry, as bytes (the entry itself is not retained). */
  record(entry: RecordedExchange): void {
    if (this.limitPerSession <= 0) return;
    const bytes = this.encoder.encode(this.nextId++, entry);
    const ring = this.ringFor(entry.session);
    const before = ring.size;
    ring.push(bytes);
    this.total += ring.size - before;
    while (this.total > this.maxEntries) this.dropOldest();
    if (entry.responseValid === false && !entry.explicit) {
      if (this.violationLog.length >= this.limitPerSession) this.violationLog.shift();
      this.violationLog.push({ operationId: entry.operationId, status: entry.status, issues: entry.responseIssues ?? [] });
    }
  }

  /** Entries matching the filter, newest first, secrets redacted. */
  list(filter: JournalFilter = {}): JournalEntry[] {
    const sessions = filter.session !== undefined ? [filter.session] : [...this.rings.keys()];
    const entries: StoredEntry[] = [];
    for (const session of sessions) {
      for (const bytes of this.rings.get(session)?.records() ?? []) {
        const e = decodeEntry(bytes);
        if (matchesFilter(e, filter)) entries.push(e);
      }
    }
    entries.sort((a, b) => b.id - a.id);
    return (filter.limit ? entries.slice(0, filter.limit) : entries).map((entry) => presentEntry(entry, this.secrets));
  }

  /** A session is forgotten (the session cap, a reset): so is its journal. */
  forgetSession(session: string | undefined): void {
    this.clear(session);
  }

  clear(session?: string): void {
    if (session === undefined) {
      this.rings.clear();
      this.total = 0;
      this.bytes = 0;
      this.violationLog = [];
    } else {
      this.deleteRing(session);
    }
    this.lastSession = undefined;
  }

  /** Entries held, across sessions. */
  get size(): number {
    return this.total;
  }

  /** The session's ring, made the most recently written; a new ring may push out the least recent one. */
  private ringFor(session: string): ByteRing {
    let ring = this.rings.get(session);
    if (ring) {
      if (this.lastSession !== session) {
        this.rings.delete(session);
        this.rings.set(session, ring);
      }
    } else {
      ring = new ByteRing(this.limitPerSession, RING_START_BYTES, this.mayGrow);
      this.bytes += ring.capacity;
      this.rings.set(session, ring);
    }
    this.lastSession = session;
    return ring;
  }

  private deleteRing(session: string): void {
    const ring = this.rings.get(session);
    if (!ring) return;
    this.total -= ring.size;
    this.bytes -= ring.capacity;
    this.rings.delete(session);
  }

  /** Drops the oldest entry of the least recently written session. */
  private dropOldest(): void {
    const [session, ring] = this.rings.entries().next().value!;
    ring.shift();
    this.total--;
    if (ring.size === 0 && session !== this.lastSession) this.deleteRing(session);
  }

  /** Contract violations in answers the mock chose itself, since start (the test suite asserts none). */
  violations(): Array<{ operationId?: string; status: number; issues: ValidationIssue[] }> {
    return [...this.violationLog];
  }
}

type Secrets = Pick<Exposure, 'secretHeaders' | 'isSecretField'>;

/**
 * A stored entry as the admin API shows it: secrets redacted, bodies parsed, the time formatted (also used by the
 * replicas' shared journal, src/replicas/journal.ts, so the rules stay in one place).
 */
export function presentEntry(entry: RecordedExchange & { id: number }, secrets: Secrets): JournalEntry {
  const { request, response, timeMs, ...rest } = entry;
  return {
    ...rest,
    time: new Date(timeMs).toISOString(),
    request: { headers: redactHeaders(request.headers, secrets), body: redactBody(request.bodyText, request.bodyBytes, secrets) },
    response: { headers: redactHeaders(response.headers, secrets), body: redactBody(response.bodyText, response.bodyBytes, secrets) },
  };
}

function redactHeaders(headers: Record<string, unknown>, secrets: Secrets): Record<string, unknown> {
  // Null-prototype: header names are the client's.
  const out: Record<string, unknown> = Object.create(null);
  for (const [name, value] of Object.entries(headers)) {
    out[name] = secrets.secretHeaders.has(name.toLowerCase()) ? '[redacted]' : value;
  }
  return out;
}

/** The body as JSON with secret fields replaced; a placeholder for large or non-JSON bodies. */
function redactBody(text: string | undefined, bytes: number, secrets: Secrets): unknown {
  if (bytes === 0) return undefined;
  if (text === undefined || text.length > MAX_BODY_CHARS) return `[${bytes} bytes, not kept]`;
  try {
    return JSON.parse(text, (key, value) => (key && secrets.isSecretField(key) && typeof value === 'string' ? '[redacted]' : value));
  } catch {
    return `[${bytes} bytes, not JSON]`;
  }
}

/** The part of a body worth keeping: JSON-looking text small enough to show. */
export function keptBodyText(body: Buffer | string | undefined): string | undefined {
  if (body === undefined || body.length > MAX_BODY_CHARS) return undefined;
  return typeof body === 'string' ? body : body.toString('utf8');
}

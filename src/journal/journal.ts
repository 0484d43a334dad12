/**
 * The request journal: what each session asked and got, with the contract verdicts, newest last. Bounded
 * so a million-request soak keeps memory flat: a ring per session (config.journalLimit entries, 1000 by default), at most
 * `maxEntries` entries in all (the oldest entries of the least recently written session go first), and as many
 * rings as there are sessions — the session cap decides, and tells the journal (forgetSession) when a session
 * is forgotten. Recording is on the hot path and
 * reading is rare, so an entry keeps the request's own header map and the body texts that crossed the wire,
 * and secrets are redacted when the journal is read.
 */
import type { ValidationIssue } from '../engine/errors.js';
import { exposureOf, type Exposure } from '../engine/exposure.js';
import type { TransportFault } from '../engine/types.js';

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

type StoredEntry = RecordedExchange & { id: number };

export interface JournalFilter {
  session?: string;
  operationId?: string;
  status?: number;
  api?: string;
  limit?: number;
}

const MAX_BODY_CHARS = 4096;

/** A bounded FIFO: pushing onto a full ring drops the oldest item. */
class Ring<T> {
  private readonly items: T[] = [];
  private start = 0;
  private count = 0;
  constructor(private readonly capacity: number) {}
  get size(): number {
    return this.count;
  }
  /** Adds an item; returns true when the ring was full and its oldest item was dropped. */
  push(item: T): boolean {
    if (this.count < this.capacity) {
      this.items[(this.start + this.count) % this.capacity] = item;
      this.count++;
      return false;
    }
    this.items[this.start] = item;
    this.start = (this.start + 1) % this.capacity;
    return true;
  }
  /** Drops the oldest item. */
  shift(): void {
    if (this.count === 0) return;
    this.items[this.start] = undefined as T;
    this.start = (this.start + 1) % this.capacity;
    this.count--;
  }
  toArray(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.items[(this.start + i) % this.capacity]!);
    return out;
  }
}

export interface JournalBounds {
  /** Entries kept at most across all sessions (default 10 × the per-session limit, at least 10 000). */
  maxEntries?: number;
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
  private readonly rings = new Map<string, Ring<StoredEntry>>();
  private lastSession?: string;
  private total = 0;
  private nextId = 1;
  private violationLog: Array<{ operationId?: string; status: number; issues: ValidationIssue[] }> = [];
  private readonly maxEntries: number;
  private readonly secrets: Pick<Exposure, 'secretHeaders' | 'isSecretField'>;

  constructor(
    private readonly limitPerSession: number,
    bounds: JournalBounds = {},
  ) {
    this.maxEntries = Math.max(1, bounds.maxEntries ?? Math.max(10_000, 10 * limitPerSession));
    this.secrets = bounds.secrets ?? exposureOf([]);
  }

  /** Takes ownership of the entry (it is stored as is, with its id added). */
  record(entry: RecordedExchange): void {
    if (this.limitPerSession <= 0) return;
    const stored = entry as StoredEntry;
    stored.id = this.nextId++;
    stored.request.headers = boundedHeaders(stored.request.headers);
    const ring = this.ringFor(entry.session);
    if (!ring.push(stored)) this.total++;
    while (this.total > this.maxEntries) this.dropOldest();
    if (entry.responseValid === false && !entry.explicit) {
      if (this.violationLog.length >= this.limitPerSession) this.violationLog.shift();
      this.violationLog.push({ operationId: entry.operationId, status: entry.status, issues: entry.responseIssues ?? [] });
    }
  }

  /** Entries matching the filter, newest first, secrets redacted. */
  list(filter: JournalFilter = {}): JournalEntry[] {
    const sessions = filter.session !== undefined ? [filter.session] : [...this.rings.keys()];
    const entries = sessions
      .flatMap((s) => this.rings.get(s)?.toArray() ?? [])
      .filter(
        (e) =>
          (filter.operationId === undefined || e.operationId === filter.operationId) &&
          (filter.status === undefined || e.status === filter.status) &&
          (filter.api === undefined || e.api === filter.api),
      )
      .sort((a, b) => b.id - a.id);
    return (filter.limit ? entries.slice(0, filter.limit) : entries).map((entry) => present(entry, this.secrets));
  }

  /** A session is forgotten (the session cap, a reset): so is its journal. */
  forgetSession(session: string | undefined): void {
    this.clear(session);
  }

  clear(session?: string): void {
    if (session === undefined) {
      this.rings.clear();
      this.total = 0;
      this.violationLog = [];
    } else {
      this.total -= this.rings.get(session)?.size ?? 0;
      this.rings.delete(session);
    }
    this.lastSession = undefined;
  }

  /** Entries held, across sessions. */
  get size(): number {
    return this.total;
  }

  /** The session's ring, made the most recently written; a new ring may push out the least recent one. */
  private ringFor(session: string): Ring<StoredEntry> {
    let ring = this.rings.get(session);
    if (ring) {
      if (this.lastSession !== session) {
        this.rings.delete(session);
        this.rings.set(session, ring);
      }
    } else {
      ring = new Ring(this.limitPerSession);
      this.rings.set(session, ring);
    }
    this.lastSession = session;
    return ring;
  }

  /** Drops the oldest entry of the least recently written session. */
  private dropOldest(): void {
    const [session, ring] = this.rings.entries().next().value!;
    ring.shift();
    this.total--;
    if (ring.size === 0 && session !== this.lastSession) this.rings.delete(session);
  }

  /** Contract violations in answers the mock chose itself, since start (the test suite asserts none). */
  violations(): Array<{ operationId?: string; status: number; issues: ValidationIssue[] }> {
    return [...this.violationLog];
  }
}

type Secrets = Pick<Exposure, 'secretHeaders' | 'isSecretField'>;

function present(entry: StoredEntry, secrets: Secrets): JournalEntry {
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

/**
 * The header map as kept: the request's own object (no copy) unless a value is longer than MAX_BODY_CHARS,
 * which is replaced by a placeholder (servers accept headers of up to ~96 KB; ten thousand of them must not
 * stay in memory).
 */
function boundedHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  for (const name in headers) {
    const value = headers[name];
    if (typeof value === 'string' ? value.length > MAX_BODY_CHARS : Array.isArray(value) && value.join('').length > MAX_BODY_CHARS) {
      const out: Record<string, unknown> = Object.create(null);
      for (const [n, v] of Object.entries(headers)) {
        const length = typeof v === 'string' ? v.length : Array.isArray(v) ? v.join(', ').length : 0;
        out[n] = length > MAX_BODY_CHARS ? `[${length} characters, not kept]` : v;
      }
      return out;
    }
  }
  return headers;
}

/** The part of a body worth keeping: JSON-looking text small enough to show. */
export function keptBodyText(body: Buffer | string | undefined): string | undefined {
  if (body === undefined || body.length > MAX_BODY_CHARS) return undefined;
  return typeof body === 'string' ? body : body.toString('utf8');
}

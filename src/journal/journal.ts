/**
 * The request journal: what each session asked and got, with the contract verdicts, newest last. A ring
 * per session bounded by --journal-limit, so a million-request soak keeps memory flat. Recording is on the
 * hot path and reading is rare, so bodies are kept as the text that crossed the wire and secrets are
 * redacted when the journal is read.
 */
import type { ValidationIssue } from '../engine/errors.js';

export type AnswerSource = 'handler' | 'mock' | 'rule' | 'prefer' | 'validation' | 'security' | 'router' | 'error';

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
  requestValid?: boolean;
  requestIssues?: ValidationIssue[];
  responseValid?: boolean;
  responseIssues?: ValidationIssue[];
  /** The answer was asked for (rule, fault, Prefer): a contract break there is the test's choice, not the mock's. */
  explicit: boolean;
  request: { headers: Record<string, unknown>; body?: unknown };
  response: { headers: Record<string, unknown>; body?: unknown };
}

/** What the pipeline records: bodies as the text that crossed the wire (JSON text, or undefined). */
export interface RecordedExchange extends Omit<JournalEntry, 'id' | 'request' | 'response'> {
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

const SECRET_HEADERS = new Set(['authorization', 'cookie', 'set-cookie', 'x-tiledb-rest-api-key', 'x-api-key', 'proxy-authorization']);
const SECRET_KEYS = /secret|password|passwd|token|key_text|external_id|sas_token|account_key/i;
const MAX_BODY_CHARS = 4096;

class Ring<T> {
  private readonly items: T[] = [];
  private start = 0;
  constructor(private readonly capacity: number) {}
  push(item: T): void {
    if (this.items.length < this.capacity) this.items.push(item);
    else {
      this.items[this.start] = item;
      this.start = (this.start + 1) % this.capacity;
    }
  }
  toArray(): T[] {
    return [...this.items.slice(this.start), ...this.items.slice(0, this.start)];
  }
}

export class Journal {
  private readonly rings = new Map<string, Ring<StoredEntry>>();
  private nextId = 1;
  private violationLog: Array<{ operationId?: string; status: number; issues: ValidationIssue[] }> = [];

  constructor(private readonly limitPerSession: number) {}

  record(entry: RecordedExchange): void {
    let ring = this.rings.get(entry.session);
    if (!ring) {
      ring = new Ring(this.limitPerSession);
      this.rings.set(entry.session, ring);
    }
    ring.push({ ...entry, id: this.nextId++ });
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
    return (filter.limit ? entries.slice(0, filter.limit) : entries).map(present);
  }

  clear(session?: string): void {
    if (session === undefined) {
      this.rings.clear();
      this.violationLog = [];
    } else this.rings.delete(session);
  }

  /** Contract violations in answers the mock chose itself, since start (the test suite asserts none). */
  violations(): Array<{ operationId?: string; status: number; issues: ValidationIssue[] }> {
    return [...this.violationLog];
  }
}

function present(entry: StoredEntry): JournalEntry {
  const { request, response, ...rest } = entry;
  return {
    ...rest,
    request: { headers: redactHeaders(request.headers), body: redactBody(request.bodyText, request.bodyBytes) },
    response: { headers: redactHeaders(response.headers), body: redactBody(response.bodyText, response.bodyBytes) },
  };
}

function redactHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? '[redacted]' : value;
  }
  return out;
}

/** The body as JSON with secret-looking fields replaced; a placeholder for large or non-JSON bodies. */
function redactBody(text: string | undefined, bytes: number): unknown {
  if (bytes === 0) return undefined;
  if (text === undefined || text.length > MAX_BODY_CHARS) return `[${bytes} bytes, not kept]`;
  try {
    return JSON.parse(text, (key, value) => (key && SECRET_KEYS.test(key) && typeof value === 'string' ? '[redacted]' : value));
  } catch {
    return `[${bytes} bytes, not JSON]`;
  }
}

/** The part of a body worth keeping: JSON-looking text small enough to show. */
export function keptBodyText(body: Buffer | string | undefined): string | undefined {
  if (body === undefined || body.length > MAX_BODY_CHARS) return undefined;
  return typeof body === 'string' ? body : body.toString('utf8');
}

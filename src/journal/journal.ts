/**
 * The request journal: what each session asked and got, with the contract verdicts, newest last. A ring
 * per session bounded by --journal-limit, so a million-request soak keeps memory flat. Secrets are redacted
 * before anything is stored.
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
  private readonly rings = new Map<string, Ring<JournalEntry>>();
  private nextId = 1;
  private violationLog: Array<{ operationId?: string; status: number; issues: ValidationIssue[] }> = [];

  constructor(private readonly limitPerSession: number) {}

  record(entry: Omit<JournalEntry, 'id'>): void {
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

  /** Entries matching the filter, newest first. */
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
    return filter.limit ? entries.slice(0, filter.limit) : entries;
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

export function redactHeaders(headers: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? '[redacted]' : value;
  }
  return out;
}

/** Copies a JSON body with secret-looking fields replaced, cut down when large. */
export function redactBody(body: unknown): unknown {
  if (body === undefined || body === null) return body;
  if (Buffer.isBuffer(body)) return `[${body.length} bytes]`;
  const text = JSON.stringify(body, (key, value) => (key && SECRET_KEYS.test(key) && typeof value === 'string' ? '[redacted]' : value));
  if (text === undefined) return undefined;
  if (text.length > MAX_BODY_CHARS) return `[${text.length} characters of JSON, not kept]`;
  return JSON.parse(text);
}

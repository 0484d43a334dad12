/**
 * A journal entry as bytes. The journal keeps the last thousand exchanges of every session; kept as objects,
 * each entry (its header map, query, strings) outlives two scavenges, is promoted, and refills the old
 * generation every couple of seconds under load — that, not throughput, set mockgate's p99 and RSS (issue 17,
 * bench/REPORT.md). Encoded into a buffer outside the V8 heap, an entry costs one copy and nothing for the
 * garbage collector to trace or move; it is decoded back into objects only when the journal is read, which is
 * rare.
 *
 * Layout, little-endian: id (f64), timeMs (f64), durationMs (f64), status (u16), source (u8), flags (u8: explicit,
 * requestValid, responseValid as tri-states), then length-prefixed UTF-8 texts: session, requestId, api,
 * operationId, method, path, the request's and the response's kept body texts; their byte counts (f64); and the
 * rarely-present structured fields (query, rules, fault, sessionForgotten, issues) as JSON texts, each empty when
 * absent. Header maps are a count and name/value texts (a value that is not a string is kept as JSON).
 */
import type { AnswerSource, RecordedExchange } from './journal.js';

const SOURCES: readonly AnswerSource[] = ['handler', 'mock', 'rule', 'prefer', 'validation', 'security', 'router', 'error'];
const SOURCE_INDEX = new Map(SOURCES.map((s, i) => [s, i]));

const MAX_HEADER_CHARS = 4096;

/** A text that is absent (undefined) rather than empty. */
const ABSENT = 0xffffffff;

/** The encoded entry of a stored exchange, with the id the journal gave it. */
export type DecodedExchange = RecordedExchange & { id: number };

/**
 * Encodes entries into one reusable scratch buffer, which grows when an entry needs it; the caller copies the
 * bytes out (encode returns a view of the scratch buffer, valid until the next encode).
 */
export class EntryEncoder {
  private buf = Buffer.allocUnsafeSlow(16 * 1024);
  private at = 0;

  encode(id: number, e: RecordedExchange): Buffer {
    this.at = 0;
    this.f64(id);
    this.f64(e.timeMs);
    this.f64(e.durationMs);
    this.room(4);
    this.buf.writeUInt16LE(e.status, this.at);
    this.buf[this.at + 2] = SOURCE_INDEX.get(e.source) ?? 0;
    this.buf[this.at + 3] = (e.explicit ? 1 : 0) | (tri(e.requestValid) << 1) | (tri(e.responseValid) << 3);
    this.at += 4;
    this.text(e.session);
    this.text(e.requestId);
    this.text(e.api);
    this.text(e.operationId);
    this.text(e.method);
    this.text(e.path);
    this.headers(e.request.headers);
    this.text(e.request.bodyText);
    this.f64(e.request.bodyBytes);
    this.headers(e.response.headers);
    this.text(e.response.bodyText);
    this.f64(e.response.bodyBytes);
    this.json(hasKeys(e.query) ? e.query : undefined);
    this.json(e.rules.length ? e.rules : undefined);
    this.json(e.fault);
    this.json(e.sessionForgotten);
    this.json(e.requestIssues);
    this.json(e.responseIssues);
    return this.buf.subarray(0, this.at);
  }

  private room(bytes: number): void {
    if (this.at + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.at + bytes));
    this.buf.copy(grown, 0, 0, this.at);
    this.buf = grown;
  }

  private f64(value: number): void {
    this.room(8);
    this.buf.writeDoubleLE(value, this.at);
    this.at += 8;
  }

  private text(value: string | undefined): void {
    if (value === undefined) {
      this.room(4);
      this.buf.writeUInt32LE(ABSENT, this.at);
      this.at += 4;
      return;
    }
    // UTF-8 takes at most three bytes per UTF-16 unit.
    this.room(4 + value.length * 3);
    const written = this.buf.write(value, this.at + 4, 'utf8');
    this.buf.writeUInt32LE(written, this.at);
    this.at += 4 + written;
  }

  private json(value: unknown): void {
    this.text(value === undefined ? undefined : JSON.stringify(value));
  }

  private headers(headers: Record<string, unknown>): void {
    this.room(4);
    const countAt = this.at;
    this.at += 4;
    let count = 0;
    for (const name in headers) {
      const value = headers[name];
      if (value === undefined) continue;
      this.text(name);
      this.text(headerText(value));
      count++;
    }
    this.buf.writeUInt32LE(count, countAt);
  }
}

/** Reads back what EntryEncoder wrote. */
export function decodeEntry(bytes: Buffer): DecodedExchange {
  let at = 0;
  const f64 = () => {
    const value = bytes.readDoubleLE(at);
    at += 8;
    return value;
  };
  const text = (): string | undefined => {
    const length = bytes.readUInt32LE(at);
    at += 4;
    if (length === ABSENT) return undefined;
    const value = bytes.toString('utf8', at, at + length);
    at += length;
    return value;
  };
  const json = (): unknown => {
    const value = text();
    return value === undefined ? undefined : JSON.parse(value);
  };
  const headers = (): Record<string, unknown> => {
    const count = bytes.readUInt32LE(at);
    at += 4;
    // Null-prototype: header names are the client's.
    const out: Record<string, unknown> = Object.create(null);
    for (let i = 0; i < count; i++) {
      const name = text()!;
      const value = text()!;
      out[name] = value.startsWith('\0') ? JSON.parse(value.slice(1)) : value;
    }
    return out;
  };
  const id = f64();
  const timeMs = f64();
  const durationMs = f64();
  const status = bytes.readUInt16LE(at);
  const source = SOURCES[bytes[at + 2]!]!;
  const flags = bytes[at + 3]!;
  at += 4;
  const session = text()!;
  const requestId = text()!;
  const api = text();
  const operationId = text();
  const method = text()!;
  const path = text()!;
  const requestHeaders = headers();
  const requestBodyText = text();
  const requestBodyBytes = f64();
  const responseHeaders = headers();
  const responseBodyText = text();
  const responseBodyBytes = f64();
  const query = (json() ?? {}) as RecordedExchange['query'];
  const rules = (json() ?? []) as string[];
  const fault = json() as RecordedExchange['fault'];
  const sessionForgotten = json() as RecordedExchange['sessionForgotten'];
  const requestIssues = json() as RecordedExchange['requestIssues'];
  const responseIssues = json() as RecordedExchange['responseIssues'];
  return {
    id,
    timeMs,
    session,
    requestId,
    api,
    operationId,
    method,
    path,
    query,
    status,
    durationMs,
    source,
    rules,
    fault,
    sessionForgotten,
    requestValid: untri(flags >> 1),
    requestIssues,
    responseValid: untri(flags >> 3),
    responseIssues,
    explicit: (flags & 1) === 1,
    request: { headers: requestHeaders, bodyText: requestBodyText, bodyBytes: requestBodyBytes },
    response: { headers: responseHeaders, bodyText: responseBodyText, bodyBytes: responseBodyBytes },
  };
}

/**
 * A header value as kept. Values are strings but for a few (set-cookie lists, numbers a handler set): those go
 * as JSON, marked by a leading NUL no header text can hold. A value longer than MAX_HEADER_CHARS is replaced by a
 * placeholder: servers accept headers of up to ~96 KB, and ten thousand of them must not stay in memory.
 */
function headerText(value: unknown): string {
  return tooLongHeader(value) ?? (typeof value === 'string' ? value : `\0${JSON.stringify(value)}`);
}

/** The placeholder kept for a header value longer than MAX_HEADER_CHARS, or undefined when the value is kept. */
export function tooLongHeader(value: unknown): string | undefined {
  const length = typeof value === 'string' ? value.length : Array.isArray(value) ? value.join(', ').length : 0;
  return length > MAX_HEADER_CHARS ? `[${length} characters, not kept]` : undefined;
}

/** undefined / false / true as 0 / 1 / 2 (two bits). */
function tri(value: boolean | undefined): number {
  return value === undefined ? 0 : value ? 2 : 1;
}

function untri(bits: number): boolean | undefined {
  const value = bits & 3;
  return value === 0 ? undefined : value === 2;
}

function hasKeys(object: object): boolean {
  for (const _ in object) return true;
  return false;
}

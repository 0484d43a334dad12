/**
 * Reading the body the way the real servers do: JSON is parsed when the client says it is JSON (a parse
 * failure is always the first error reported), form bodies become objects, and a body of a type the
 * operation does not accept is an unsupported media type — reported at the validation stage.
 *
 * Two bounds protect everything downstream (validation, handlers, state snapshots, the journal): a JSON
 * body must be UTF-8 (RFC 8259 §8.1), and may nest at most MAX_JSON_DEPTH arrays / objects. Both are
 * refused as malformed bodies, so they answer 400 (in each API's own shape) before anything else runs.
 */
import { isUtf8 } from 'node:buffer';
import { malformedBody, unsupportedMediaType, type MockError } from './errors.js';
import type { Operation } from './spec.js';
import type { HeaderMap } from './types.js';

export interface ReadBody {
  body: unknown;
  /** False when the request had no body or the operation takes none. */
  hasBody: boolean;
  /** Set when the body's content type is not one the operation accepts. */
  mediaTypeError?: MockError;
  /** True for bodies the schema validator can check (JSON and forms). */
  validatable: boolean;
}

export function mediaTypeOf(headers: HeaderMap): string {
  const raw = headers['content-type'];
  const value = String((Array.isArray(raw) ? raw[0] : raw) ?? '');
  const semicolon = value.indexOf(';');
  return (semicolon < 0 ? value : value.slice(0, semicolon)).trim().toLowerCase();
}

const isJsonType = (t: string) => t === 'application/json' || /^application\/[^;]+\+json$/.test(t);

/**
 * What an operation's declared request bodies say about a media type, worked out once per operation and type
 * rather than on every request (lower-casing the declared types, matching wildcards, finding the schema).
 */
interface BodyTypes {
  /** The declared media types, lower-cased. */
  declared: string[];
  /** A body sent without a Content-Type is read as JSON: the operation takes JSON. */
  takesJson: boolean;
  /** Per media type sent: whether the operation accepts it, and takes it as raw bytes. */
  verdicts: Map<string, { accepted: boolean; bytes: boolean }>;
}

const bodyTypes = new WeakMap<Operation, BodyTypes>();
/** Media types remembered per operation: a client can send any string, so the memory is bounded. */
const MAX_REMEMBERED_TYPES = 32;

function verdictFor(operation: Operation, types: BodyTypes, mediaType: string): { accepted: boolean; bytes: boolean } {
  let verdict = types.verdicts.get(mediaType);
  if (!verdict) {
    const accepted = types.declared.some((d) => d === mediaType || d === '*/*' || (d.endsWith('/*') && mediaType.startsWith(d.slice(0, -1))));
    verdict = { accepted, bytes: accepted && takesBytes(operation, mediaType) };
    if (types.verdicts.size < MAX_REMEMBERED_TYPES) types.verdicts.set(mediaType, verdict);
  }
  return verdict;
}

function typesOf(operation: Operation): BodyTypes {
  let types = bodyTypes.get(operation);
  if (!types) {
    const declared = Object.keys(operation.requestBody?.content ?? {}).map((t) => t.toLowerCase());
    types = { declared, takesJson: declared.some(isJsonType), verdicts: new Map() };
    bodyTypes.set(operation, types);
  }
  return types;
}

export function readBody(operation: Operation, rawBody: Buffer | undefined, headers: HeaderMap): ReadBody {
  if (!rawBody || rawBody.length === 0 || !operation.requestBody) return { body: undefined, hasBody: false, validatable: true };
  // A body sent with no Content-Type to an operation that takes JSON is read as JSON, as FastAPI, Go's
  // encoding/json handlers and most servers do.
  const types = typesOf(operation);
  const mediaType = mediaTypeOf(headers) || (types.takesJson ? 'application/json' : '');
  const { accepted, bytes } = verdictFor(operation, types, mediaType);
  // Bytes an operation takes as they are (an object store's upload: any type, JSON included) stay bytes.
  if (bytes) return { body: rawBody, hasBody: true, validatable: false };
  if (isJsonType(mediaType)) {
    const body = parseJson(rawBody);
    return accepted ? { body, hasBody: true, validatable: true } : { body, hasBody: true, validatable: false, mediaTypeError: unsupportedMediaType(mediaType) };
  }
  if (!accepted) return { body: rawBody, hasBody: true, validatable: false, mediaTypeError: unsupportedMediaType(mediaType) };
  if (mediaType === 'application/x-www-form-urlencoded') {
    return { body: Object.fromEntries(new URLSearchParams(rawBody.toString('utf8'))), hasBody: true, validatable: true };
  }
  if (mediaType.startsWith('text/')) return { body: rawBody.toString('utf8'), hasBody: true, validatable: false };
  return { body: rawBody, hasBody: true, validatable: false };
}

/**
 * Whether the declared media type that takes this body (the exact one, else the closest wildcard) says "any
 * bytes": a `type: string, format: binary` schema. Such a body is never parsed, whatever its Content-Type.
 */
function takesBytes(operation: Operation, mediaType: string): boolean {
  const content = operation.requestBody?.content ?? {};
  const entries = Object.entries(content).map(([type, media]) => [type.toLowerCase(), media] as const);
  const [, media] =
    entries.find(([type]) => type === mediaType) ??
    entries.find(([type]) => type !== '*/*' && type.endsWith('/*') && mediaType.startsWith(type.slice(0, -1))) ??
    entries.find(([type]) => type === '*/*') ??
    [];
  const schema = media?.schema;
  return schema?.type === 'string' && schema?.format === 'binary';
}

/**
 * The deepest nesting of arrays and objects a JSON body may have. Go's encoding/json stops at 10000 and
 * Python's json module at its recursion limit (about 1000); V8's structuredClone and JSON.stringify, which
 * state snapshots and persistence use, overflow the stack at a few thousand. 1000 is far beyond any real
 * client and leaves them room.
 */
export const MAX_JSON_DEPTH = 1000;

function parseJson(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  if (!isUtf8(raw)) {
    const at = firstInvalidUtf8(raw);
    throw malformedBody(`invalid UTF-8 in request body at byte ${at}`, text.length - raw.subarray(at).toString('utf8').length, text, 'invalid-utf8');
  }
  // Only a text longer than the limit can nest deeper than it; short bodies skip the scan.
  const tooDeepAt = text.length > MAX_JSON_DEPTH ? depthExceededAt(text, MAX_JSON_DEPTH) : undefined;
  let value: unknown;
  try {
    value = JSON.parse(INT64_EDGE_DIGITS.some((d) => text.includes(d)) ? moveOffInt64Edge(text) : text);
  } catch (err) {
    const message = (err as Error).message;
    const found = /position (\d+)/.exec(message)?.[1];
    // Whichever problem comes first in the text is the one reported, as a streaming parser would.
    if (tooDeepAt !== undefined && tooDeepAt < (found === undefined ? text.length : Number(found))) throw tooDeep(tooDeepAt, text);
    throw malformedBody(message, Number(found ?? 0), text);
  }
  if (tooDeepAt !== undefined) throw tooDeep(tooDeepAt, text);
  return value;
}

/**
 * Integer literals just past int64 (2^63 up to 2^63 + 1024, and as much below −2^63) parse to the same
 * double as the int64 bounds themselves, so a schema's int64 check cannot tell them apart; Go's decoder
 * refuses them. They all start with these digits (cheap to look for before scanning).
 */
const INT64_EDGE_DIGITS = ['92233720368547758', '92233720368547759', '92233720368547760', '92233720368547761'];
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
/** The nearest doubles beyond the bounds: what such a literal is read as instead. */
const PAST_INT64 = '9223372036854777856';

/** The text with each integer literal that rounds onto an int64 bound but lies beyond it moved past it. */
function moveOffInt64Edge(text: string): string {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      continue;
    }
    if (c !== 0x2d && (c < 0x30 || c > 0x39)) continue;
    // A number token: an optional minus, digits, and maybe a fraction or exponent (left as they are).
    let end = i + 1;
    while (end < text.length && /[0-9.eE+-]/.test(text[end]!)) end++;
    const token = text.slice(i, end);
    if (/^-?\d{19}$/.test(token)) {
      const exact = BigInt(token);
      if (exact > INT64_MAX || exact < INT64_MIN) {
        out += text.slice(last, i) + (exact < 0n ? `-${PAST_INT64}` : PAST_INT64);
        last = end;
      }
    }
    i = end - 1;
  }
  return last === 0 ? text : out + text.slice(last);
}

const tooDeep = (position: number, text: string) =>
  malformedBody(`exceeded max depth: JSON nested deeper than ${MAX_JSON_DEPTH} levels at position ${position}`, position, text, 'too-deep');

/**
 * Where nesting first goes past the limit (the index of the opening bracket), or undefined. Brackets inside
 * strings do not count. Meaningful up to the first syntax error, which JSON.parse reports.
 */
function depthExceededAt(text: string, limit: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > limit) return i;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return undefined;
}

/** Byte offset of the first byte that does not start or continue a valid UTF-8 sequence (error path only). */
function firstInvalidUtf8(raw: Buffer): number {
  let i = 0;
  while (i < raw.length) {
    const b = raw[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    if (need > 0 && !isUtf8(raw.subarray(i, i + need + 1))) return i;
    i += need + 1;
  }
  return raw.length;
}

export function parseCookies(header: string | string[] | undefined): Record<string, string> {
  // Null-prototype: cookie names are the client's (`constructor=x` must not read as already set).
  const cookies: Record<string, string> = Object.create(null);
  const text = Array.isArray(header) ? header.join('; ') : header;
  if (!text) return cookies;
  for (const part of text.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
    try {
      value = decodeURIComponent(value);
    } catch {
      // keep the raw value: a cookie that is not valid percent-encoding is still a value
    }
    if (name && !(name in cookies)) cookies[name] = value;
  }
  return cookies;
}

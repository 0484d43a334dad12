/**
 * One step's two answers compared, aspect by aspect:
 *
 *   status       the status codes are equal
 *   text         when either status is >= 400: the error text fields (the script's `errorText`, e.g. message,
 *                detail) are equal after normalisation; a body that is not JSON is compared as a whole
 *   shape        the JSON bodies have the same keys and value types, recursively (null ≠ string; a list's items
 *                by the union of their shapes); a non-JSON body is "text" or "empty"
 *   contentType  the media type and its charset parameter
 *   headers      Location (after normalisation, with each server's own origin dropped), WWW-Authenticate (after
 *                normalisation), Retry-After's presence, and Set-Cookie: the cookies' names and attributes
 *                (Path, Domain, HttpOnly, Secure, SameSite, presence of Max-Age / Expires), never their values
 *
 * Each aspect's verdict is agree / differ (with a one-line reason) / not compared.
 */
import { parseJson } from './capture.js';
import { cookieName, type Answer } from './http.js';
import { IGNORED, type Normalizer } from './normalize.js';
import type { Aspect } from './script.js';

export interface Verdict {
  /** null: not compared (the step's `expect` leaves it out, or it does not apply, as error text on two successes). */
  agree: boolean | null;
  detail?: string;
}

export type Verdicts = Record<Aspect, Verdict>;

export interface CompareOptions {
  errorText: string[];
  normalizer: Normalizer;
  /** Lower-case names of the headers not compared. */
  ignoreHeaders: Set<string>;
  /** The aspects to compare. */
  aspects: ReadonlySet<Aspect>;
  /** Each server's origin (`http://host:port`), dropped from the start of a Location. */
  referenceOrigin?: string;
  mockOrigin?: string;
}

const MAX_SHOWN = 100;

/** A value for a one-line message: JSON, cut to a readable length. */
export function show(value: unknown): string {
  const text = typeof value === 'string' ? JSON.stringify(value) : value === undefined ? '(none)' : JSON.stringify(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

/**
 * Two differing texts for a one-line message: when they share a long beginning, both are shown from a little
 * before where they part, so the difference is in view ("…Error at \"/id\": …" rather than the common prefix).
 */
export function showPair(a: string | undefined, b: string | undefined): [string, string] {
  if (a === undefined || b === undefined) return [show(a), show(b)];
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  const CONTEXT = 20;
  if (common <= CONTEXT || (a.length <= MAX_SHOWN && b.length <= MAX_SHOWN)) return [show(a), show(b)];
  const from = common - CONTEXT;
  return [`…${show(a.slice(from))}`, `…${show(b.slice(from))}`];
}

export function compareAnswers(reference: Answer, mock: Answer, options: CompareOptions): Verdicts {
  const only = (aspect: Aspect, verdict: () => Verdict): Verdict => (options.aspects.has(aspect) ? verdict() : { agree: null });
  return {
    status: only('status', () =>
      reference.status === mock.status ? { agree: true } : { agree: false, detail: `status: reference ${reference.status}, mock ${mock.status}` },
    ),
    text: only('text', () => compareText(reference, mock, options)),
    shape: only('shape', () => compareShape(reference, mock)),
    contentType: only('contentType', () => {
      const [r, m] = [mediaType(reference), mediaType(mock)];
      return r === m ? { agree: true } : { agree: false, detail: `Content-Type: reference ${r}, mock ${m}` };
    }),
    headers: only('headers', () => compareHeaders(reference, mock, options)),
  };
}

/** Every aspect differs for the same reason: one side has no answer to compare. */
export function unanswered(reason: string, aspects: ReadonlySet<Aspect>): Verdicts {
  const verdict = (aspect: Aspect): Verdict => (aspects.has(aspect) ? { agree: false, detail: reason } : { agree: null });
  return { status: verdict('status'), text: verdict('text'), shape: verdict('shape'), contentType: verdict('contentType'), headers: verdict('headers') };
}

// ---- error text

/** The error text of an answer: [field, normalised value] pairs, or the whole body when it is not a JSON object. */
function errorTexts(answer: Answer, options: CompareOptions): Map<string, string> {
  const body = parseJson(answer.bodyText);
  const texts = new Map<string, string>();
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    for (const field of options.errorText) {
      if (!Object.hasOwn(body, field)) continue;
      const value = options.normalizer.ignores(field) ? IGNORED : options.normalizer.value((body as Record<string, unknown>)[field]);
      texts.set(field, typeof value === 'string' ? value : JSON.stringify(value));
    }
    return texts;
  }
  const whole = body === undefined ? answer.bodyText.trim() : JSON.stringify(options.normalizer.value(body));
  if (whole !== '') texts.set('(body)', body === undefined ? options.normalizer.text(whole) : whole);
  return texts;
}

function compareText(reference: Answer, mock: Answer, options: CompareOptions): Verdict {
  if (reference.status < 400 && mock.status < 400) return { agree: null };
  const [r, m] = [errorTexts(reference, options), errorTexts(mock, options)];
  for (const field of new Set([...r.keys(), ...m.keys()])) {
    const [a, b] = [r.get(field), m.get(field)];
    if (a === b) continue;
    if (a === undefined) return { agree: false, detail: `error text ${field}: only the mock has one (${show(b)})` };
    if (b === undefined) return { agree: false, detail: `error text ${field}: the mock has none (reference ${show(a)})` };
    const [x, y] = showPair(a, b);
    return { agree: false, detail: `error text ${field}: reference ${x}, mock ${y}` };
  }
  return { agree: true };
}

// ---- shape

type JsonType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object';

/** The keys and value types of a JSON value; a list's items are described by the union of their shapes. */
export interface Shape {
  types: Set<JsonType>;
  keys?: Map<string, Shape>;
  /** Undefined for an empty list: it says nothing about its items. */
  items?: Shape;
}

export function shapeOf(value: unknown): Shape {
  if (value === null) return { types: new Set(['null']) };
  if (Array.isArray(value)) {
    const items = value.map(shapeOf).reduce<Shape | undefined>((acc, s) => (acc ? mergeShapes(acc, s) : s), undefined);
    return { types: new Set(['array']), ...(items ? { items } : {}) };
  }
  if (typeof value === 'object') return { types: new Set(['object']), keys: new Map(Object.entries(value).map(([k, v]) => [k, shapeOf(v)])) };
  return { types: new Set([typeof value as JsonType]) };
}

function mergeShapes(a: Shape, b: Shape): Shape {
  const merged: Shape = { types: new Set([...a.types, ...b.types]) };
  if (a.keys || b.keys) {
    merged.keys = new Map(a.keys);
    for (const [k, s] of b.keys ?? []) merged.keys.set(k, merged.keys.has(k) ? mergeShapes(merged.keys.get(k)!, s) : s);
  }
  if (a.items || b.items) merged.items = a.items && b.items ? mergeShapes(a.items, b.items) : (a.items ?? b.items);
  return merged;
}

const typeNames = (types: Set<JsonType>) => [...types].sort().join(' | ');

/** Every difference between two shapes, as `<where>: <what>` (where: body.a.b, body.list[].c). */
export function shapeDifferences(reference: Shape, mock: Shape, where = 'body'): string[] {
  const out: string[] = [];
  if (typeNames(reference.types) !== typeNames(mock.types)) out.push(`${where}: reference ${typeNames(reference.types)}, mock ${typeNames(mock.types)}`);
  if (reference.keys && mock.keys) {
    for (const [k, s] of reference.keys) {
      if (!mock.keys.has(k)) out.push(`${where}.${k}: missing in the mock`);
      else out.push(...shapeDifferences(s, mock.keys.get(k)!, `${where}.${k}`));
    }
    for (const k of mock.keys.keys()) if (!reference.keys.has(k)) out.push(`${where}.${k}: only in the mock`);
  }
  if (reference.items && mock.items) out.push(...shapeDifferences(reference.items, mock.items, `${where}[]`));
  return out;
}

function bodyKind(answer: Answer): { kind: 'json'; value: unknown } | { kind: 'text' | 'empty' } {
  if (answer.bodyText.trim() === '') return { kind: 'empty' };
  const value = parseJson(answer.bodyText);
  return value === undefined ? { kind: 'text' } : { kind: 'json', value };
}

function compareShape(reference: Answer, mock: Answer): Verdict {
  const [r, m] = [bodyKind(reference), bodyKind(mock)];
  if (r.kind !== 'json' || m.kind !== 'json') {
    return r.kind === m.kind ? { agree: true } : { agree: false, detail: `body: reference ${r.kind === 'json' ? 'JSON' : r.kind}, mock ${m.kind === 'json' ? 'JSON' : m.kind}` };
  }
  const differences = shapeDifferences(shapeOf(r.value), shapeOf(m.value));
  if (differences.length === 0) return { agree: true };
  const more = differences.length > 1 ? ` (+${differences.length - 1} more: ${differences.slice(1, 3).join('; ')}${differences.length > 3 ? '; …' : ''})` : '';
  return { agree: false, detail: `shape ${differences[0]}${more}` };
}

// ---- Content-Type

/** `type/subtype` and its charset, lower-case; "(none)" without a Content-Type. */
export function mediaType(answer: Answer): string {
  const raw = answer.headers['content-type'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value) return '(none)';
  const [type, ...params] = value.split(';');
  const charset = params.map((p) => p.trim().toLowerCase()).find((p) => p.startsWith('charset='));
  return `${type!.trim().toLowerCase()}${charset ? `; ${charset.replace(/"/g, '')}` : ''}`;
}

// ---- headers

function header(answer: Answer, name: string): string | undefined {
  const value = answer.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

/** A Set-Cookie line's attributes that matter, values left out (Max-Age and Expires by presence only). */
export function cookieAttributes(line: string): string {
  const attributes: string[] = [];
  for (const part of line.split(';').slice(1)) {
    const eq = part.indexOf('=');
    const name = (eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (name === 'path') attributes.push(`Path=${value}`);
    else if (name === 'samesite') attributes.push(`SameSite=${value.toLowerCase()}`);
    else if (name === 'httponly') attributes.push('HttpOnly');
    else if (name === 'secure') attributes.push('Secure');
    else if (name === 'max-age') attributes.push('Max-Age');
    else if (name === 'expires') attributes.push('Expires');
    else if (name === 'domain') attributes.push('Domain');
    else if (name === 'partitioned') attributes.push('Partitioned');
  }
  return attributes.sort().join('; ');
}

function cookies(answer: Answer): Map<string, string> {
  const lines = answer.headers['set-cookie'];
  return new Map((Array.isArray(lines) ? lines : lines ? [lines] : []).map((line) => [cookieName(line), cookieAttributes(line)]));
}

function withoutOrigin(location: string, origin: string | undefined): string {
  return origin && location.startsWith(origin) ? location.slice(origin.length) || '/' : location;
}

function compareHeaders(reference: Answer, mock: Answer, options: CompareOptions): Verdict {
  const ignored = options.ignoreHeaders;
  const n = options.normalizer.text;
  if (!ignored.has('location')) {
    const [r, m] = [header(reference, 'location'), header(mock, 'location')];
    const [a, b] = [r === undefined ? undefined : n(withoutOrigin(r, options.referenceOrigin)), m === undefined ? undefined : n(withoutOrigin(m, options.mockOrigin))];
    if (a !== b) return { agree: false, detail: `Location: reference ${showPair(a, b).join(', mock ')}` };
  }
  if (!ignored.has('www-authenticate')) {
    const [r, m] = [header(reference, 'www-authenticate'), header(mock, 'www-authenticate')];
    const [a, b] = [r === undefined ? undefined : n(r), m === undefined ? undefined : n(m)];
    if (a !== b) return { agree: false, detail: `WWW-Authenticate: reference ${showPair(a, b).join(', mock ')}` };
  }
  if (!ignored.has('retry-after')) {
    const [r, m] = [header(reference, 'retry-after') !== undefined, header(mock, 'retry-after') !== undefined];
    if (r !== m) return { agree: false, detail: `Retry-After: ${r ? 'the mock sends none' : 'only the mock sends one'}` };
  }
  if (!ignored.has('set-cookie')) {
    const [r, m] = [cookies(reference), cookies(mock)];
    for (const [name, attributes] of r) {
      if (!m.has(name)) return { agree: false, detail: `Set-Cookie ${name}: the mock sets no such cookie` };
      if (m.get(name) !== attributes) return { agree: false, detail: `Set-Cookie ${name}: reference ${attributes || '(no attributes)'}, mock ${m.get(name) || '(no attributes)'}` };
    }
    for (const name of m.keys()) if (!r.has(name)) return { agree: false, detail: `Set-Cookie ${name}: only the mock sets it` };
  }
  return { agree: true };
}

/**
 * Reading the body the way the real servers do: JSON is parsed when the client says it is JSON (a parse
 * failure is always the first error reported), form bodies become objects, and a body of a type the
 * operation does not accept is an unsupported media type — reported at the validation stage.
 */
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
  return String((Array.isArray(raw) ? raw[0] : raw) ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
}

const isJsonType = (t: string) => t === 'application/json' || /^application\/[^;]+\+json$/.test(t);

export function readBody(operation: Operation, rawBody: Buffer | undefined, headers: HeaderMap): ReadBody {
  if (!rawBody || rawBody.length === 0 || !operation.requestBody) return { body: undefined, hasBody: false, validatable: true };
  const declared = Object.keys(operation.requestBody.content ?? {}).map((t) => t.toLowerCase());
  // A body sent with no Content-Type to an operation that takes JSON is read as JSON, as FastAPI, Go's
  // encoding/json handlers and most servers do.
  const mediaType = mediaTypeOf(headers) || (declared.some(isJsonType) ? 'application/json' : '');
  const accepted = declared.some((d) => d === mediaType || d === '*/*' || (d.endsWith('/*') && mediaType.startsWith(d.slice(0, -1))));
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

function parseJson(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message;
    const position = Number(/position (\d+)/.exec(message)?.[1] ?? 0);
    throw malformedBody(message, position, text);
  }
}

export function parseCookies(header: string | string[] | undefined): Record<string, string> {
  const cookies: Record<string, string> = {};
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

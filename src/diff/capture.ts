/**
 * Capture expressions: where in an answer a value is taken from for later steps.
 *
 *   body                  the whole body (a JSON value; text when it is not JSON)
 *   body.token            a field; body.results[0].id   a list item's field; body["a.b"]   a key with dots
 *   header.Location       a response header (case-insensitive)
 *   cookie.internal_auth_session   the value a Set-Cookie gives that cookie
 *   status                the status code
 *
 * Hand-written rather than a JSONPath library: a capture names exactly one value (JSONPath queries return lists,
 * and jsonpath-plus evaluates script expressions), the syntax is four forms, and parsing it at load lets a typo be
 * reported with the script's line and column before anything is sent.
 */
import { cookieName, type Answer } from './http.js';

export type CapturePath =
  | { source: 'body'; steps: Array<string | number> }
  | { source: 'header'; name: string }
  | { source: 'cookie'; name: string }
  | { source: 'status' };

export class CapturePathError extends Error {}

const USAGE = 'write body, body.a.b[0], body["a.b"], header.<Name>, cookie.<name> or status';

export function parseCapturePath(expression: string): CapturePath {
  const text = expression.trim();
  if (text === 'status') return { source: 'status' };
  for (const source of ['header', 'cookie'] as const) {
    if (text.startsWith(`${source}.`)) {
      const name = text.slice(source.length + 1);
      if (name === '' || /[\s;,=]/.test(name)) throw new CapturePathError(`"${expression}": "${name}" is not a ${source} name; ${USAGE}`);
      return { source, name };
    }
  }
  if (!text.startsWith('body')) throw new CapturePathError(`"${expression}" does not start with body, header, cookie or status; ${USAGE}`);
  const steps: Array<string | number> = [];
  let i = 4;
  while (i < text.length) {
    const c = text[i];
    if (c === '.') {
      let end = i + 1;
      while (end < text.length && text[end] !== '.' && text[end] !== '[') end++;
      const key = text.slice(i + 1, end);
      if (key === '') throw new CapturePathError(`"${expression}": an empty field name at character ${i + 1}; ${USAGE}`);
      steps.push(key);
      i = end;
    } else if (c === '[') {
      const close = text.indexOf(']', i);
      if (close < 0) throw new CapturePathError(`"${expression}": "[" is never closed; ${USAGE}`);
      const inner = text.slice(i + 1, close);
      if (/^\d+$/.test(inner)) steps.push(Number(inner));
      else if (inner.length >= 2 && (inner[0] === '"' || inner[0] === "'") && inner.at(-1) === inner[0]) steps.push(inner.slice(1, -1));
      else throw new CapturePathError(`"${expression}": [${inner}] is neither a list index nor a quoted key; ${USAGE}`);
      i = close + 1;
    } else {
      throw new CapturePathError(`"${expression}": unexpected "${c}" at character ${i + 1}; ${USAGE}`);
    }
  }
  return { source: 'body', steps };
}

/** The captured value as the text later steps substitute, or undefined when the answer has no such value. */
export function capture(path: CapturePath, answer: Answer): string | undefined {
  switch (path.source) {
    case 'status':
      return String(answer.status);
    case 'header': {
      const value = answer.headers[path.name.toLowerCase()];
      return Array.isArray(value) ? value[0] : value;
    }
    case 'cookie': {
      const cookies = answer.headers['set-cookie'];
      for (const line of Array.isArray(cookies) ? cookies : cookies ? [cookies] : []) {
        if (cookieName(line) !== path.name) continue;
        const pair = line.split(';', 1)[0]!;
        return pair.slice(pair.indexOf('=') + 1).trim();
      }
      return undefined;
    }
    case 'body': {
      let value: unknown = parseJson(answer.bodyText);
      if (value === undefined) return path.steps.length === 0 && answer.bodyText !== '' ? answer.bodyText : undefined;
      for (const step of path.steps) {
        if (value === null || typeof value !== 'object') return undefined;
        if (typeof step === 'number' ? !Array.isArray(value) : Array.isArray(value) || !Object.hasOwn(value, step)) return undefined;
        value = (value as Record<string | number, unknown>)[step];
      }
      if (value === undefined) return undefined;
      return typeof value === 'string' ? value : JSON.stringify(value);
    }
  }
}

/** The body as JSON, or undefined when it is empty or not JSON. */
export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Where and why Python's json.loads (the C scanner FastAPI ends up in) rejects a document. FastAPI reports
 * a malformed body as `loc: ["body", <pos>]` with Python's message, and V8's JSON.parse neither words its
 * errors the same way nor always gives a position, so the mock re-scans the text the way Python does.
 * Positions count code points, as Python strings do.
 */

export interface PythonJsonError {
  /** Python's message without the location suffix, e.g. "Expecting value". */
  msg: string;
  pos: number;
  lineno: number;
  colno: number;
  /**
   * Python gave up with a RecursionError instead (nesting deeper than its recursion limit): not a
   * JSONDecodeError, so FastAPI answers 400 "There was an error parsing the body" rather than a 422.
   */
  recursion?: true;
}

/**
 * How deep Python's json scanner nests before its RecursionError. CPython's default recursion limit is 1000
 * frames, shared with the frames already on the stack, so the real depth is a little lower and varies with
 * the Python version; the engine refuses deeper bodies at the same depth.
 */
export const PYTHON_MAX_DEPTH = 1000;

class TooDeep {
  constructor(readonly pos: number) {}
}

class Fail {
  constructor(
    readonly msg: string,
    readonly pos: number,
  ) {}
}

const WS = new Set([' ', '\t', '\n', '\r']);
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);
const HEX = /^[0-9a-fA-F]{4}$/;

/** The error Python would raise for this text, or undefined when Python accepts it (NaN, Infinity, …). */
export function pythonJsonError(doc: string): PythonJsonError | undefined {
  const s = Array.from(doc);
  try {
    const end = skip(s, scanValue(s, skip(s, 0), 0));
    if (end !== s.length) throw new Fail('Extra data', end);
    return undefined;
  } catch (err) {
    if (err instanceof TooDeep) return { ...locate(s, 'maximum recursion depth exceeded while decoding a JSON document', err.pos), recursion: true };
    if (!(err instanceof Fail)) throw err;
    return locate(s, err.msg, err.pos);
  }
}

/** Python's JSONDecodeError fields: line and column are 1-based, counted in code points. */
export function locate(s: string[], msg: string, pos: number): PythonJsonError {
  let lineno = 1;
  let lastNewline = -1;
  for (let i = 0; i < pos && i < s.length; i++) {
    if (s[i] === '\n') {
      lineno++;
      lastNewline = i;
    }
  }
  return { msg, pos, lineno, colno: pos - lastNewline };
}

/** Python's full message: "Expecting value: line 1 column 1 (char 0)". */
export function formatPythonJsonError(e: PythonJsonError): string {
  return `${e.msg}: line ${e.lineno} column ${e.colno} (char ${e.pos})`;
}

function skip(s: string[], i: number): number {
  while (i < s.length && WS.has(s[i]!)) i++;
  return i;
}

/** scan_once: a missing value is StopIteration(idx), which json.loads reports as "Expecting value". */
function scanValue(s: string[], i: number, depth: number): number {
  if (i >= s.length) throw new Fail('Expecting value', i);
  const c = s[i];
  if (c === '"') return scanString(s, i + 1);
  if ((c === '{' || c === '[') && depth >= PYTHON_MAX_DEPTH) throw new TooDeep(i);
  if (c === '{') return scanObject(s, i + 1, depth + 1);
  if (c === '[') return scanArray(s, i + 1, depth + 1);
  for (const word of ['null', 'true', 'false', 'NaN', 'Infinity', '-Infinity']) {
    if (s.slice(i, i + word.length).join('') === word) return i + word.length;
  }
  return scanNumber(s, i);
}

function scanNumber(s: string[], start: number): number {
  let i = start;
  const digit = (k: number) => k < s.length && s[k]! >= '0' && s[k]! <= '9';
  if (s[i] === '-') i++;
  if (digit(i) && s[i] !== '0') {
    while (digit(i)) i++;
  } else if (s[i] === '0') {
    i++;
  } else {
    throw new Fail('Expecting value', start);
  }
  if (s[i] === '.' && digit(i + 1)) {
    i += 2;
    while (digit(i)) i++;
  }
  if (s[i] === 'e' || s[i] === 'E') {
    let k = i + 1;
    if (s[k] === '+' || s[k] === '-') k++;
    if (digit(k)) {
      while (digit(k)) k++;
      i = k;
    }
  }
  return i;
}

/** scanstring with strict=True: control characters are refused; errors point at the opening quote or the escape. */
function scanString(s: string[], i: number): number {
  const begin = i - 1;
  for (;;) {
    while (i < s.length && s[i] !== '"' && s[i] !== '\\') {
      if (s[i]!.codePointAt(0)! <= 0x1f) throw new Fail('Invalid control character at', i);
      i++;
    }
    if (i >= s.length) throw new Fail('Unterminated string starting at', begin);
    if (s[i] === '"') return i + 1;
    i++; // past the backslash
    if (i >= s.length) throw new Fail('Unterminated string starting at', begin);
    if (s[i] !== 'u') {
      if (!ESCAPES.has(s[i]!)) throw new Fail('Invalid \\escape', i - 1);
      i++;
      continue;
    }
    i++;
    if (i + 4 >= s.length) throw new Fail('Invalid \\uXXXX escape', i - 1);
    if (!HEX.test(s.slice(i, i + 4).join(''))) throw new Fail('Invalid \\uXXXX escape', i - 1);
    const high = Number.parseInt(s.slice(i, i + 4).join(''), 16);
    i += 4;
    // A high surrogate followed by \uXXXX takes the pair; bad hex in the second half is an error too.
    if (high >= 0xd800 && high <= 0xdbff && i + 6 < s.length && s[i] === '\\' && s[i + 1] === 'u') {
      if (!HEX.test(s.slice(i + 2, i + 6).join(''))) throw new Fail('Invalid \\uXXXX escape', i + 1);
      const low = Number.parseInt(s.slice(i + 2, i + 6).join(''), 16);
      if (low >= 0xdc00 && low <= 0xdfff) i += 6;
    }
  }
}

function scanObject(s: string[], i: number, depth: number): number {
  i = skip(s, i);
  if (s[i] === '}') return i + 1;
  for (;;) {
    if (s[i] !== '"') throw new Fail('Expecting property name enclosed in double quotes', i);
    i = skip(s, scanString(s, i + 1));
    if (s[i] !== ':') throw new Fail("Expecting ':' delimiter", i);
    i = skip(s, scanValue(s, skip(s, i + 1), depth));
    if (s[i] === '}') return i + 1;
    if (s[i] !== ',') throw new Fail("Expecting ',' delimiter", i);
    i = skip(s, i + 1);
  }
}

function scanArray(s: string[], i: number, depth: number): number {
  i = skip(s, i);
  if (s[i] === ']') return i + 1;
  for (;;) {
    i = skip(s, scanValue(s, i, depth));
    if (s[i] === ']') return i + 1;
    if (s[i] !== ',') throw new Fail("Expecting ',' delimiter", i);
    i = skip(s, i + 1);
  }
}

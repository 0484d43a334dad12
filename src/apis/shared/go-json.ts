/**
 * Go's encoding/json wording for a request body that is not JSON. lakeFS and its external authentication
 * service are Go servers: their kin-openapi validator decodes the body with encoding/json and reports the
 * decoder's error (`request body has an error: failed to decode request body: <this text>`, see
 * kin-openapi.ts). That wording depends on the text alone, so this module scans the body as Go's scanner
 * (encoding/json/scanner.go) does and names the first byte it refuses, with Go's context ("looking for
 * beginning of value", "after object key", …), or says `unexpected end of JSON input` — json.Unmarshal's
 * text for a document cut short, which the authentication service's tests pin.
 *
 * It reads the body text the engine hands over (MockError.detail.doc), never the engine's message: V8's
 * JSON.parse words and places errors its own way.
 */
import type { MockError } from '../../engine/errors.js';
import { MAX_JSON_DEPTH } from '../../engine/request-body.js';

/**
 * The text Go would give for the body of a MalformedBody error. A body Go would read (the engine also refuses
 * bytes that are not UTF-8, which Go's decoder lets through) keeps the engine's own account of the refusal.
 */
export function goJsonDecodeError(error: MockError): string {
  const doc = typeof error.detail.doc === 'string' ? error.detail.doc : '';
  return goJsonSyntaxError(doc) ?? error.message;
}

type Step = (c: number) => string | undefined;
/** What the scanner is inside of: Go's parseObjectKey, parseObjectValue and parseArrayValue. */
type Container = 'object-key' | 'object-value' | 'array';

/**
 * The SyntaxError text Go's json.Unmarshal reports for `text`, or undefined when Go reads it. The nesting bound
 * is the engine's (Go's own is 10000 and words the refusal the same way), so a body the engine refuses as too
 * deep reads like Go's `exceeded max depth`, at the same bracket.
 */
export function goJsonSyntaxError(text: string): string | undefined {
  const open: Container[] = [];
  let step: Step;
  /** Go's endTop: the top-level value is complete, and only spaces may follow it. */
  let topValueEnded = false;

  const refuse = (c: number, context: string) => `invalid character ${quoteChar(c)} ${context}`;
  const enter = (c: number, container: Container, next: Step) => {
    open.push(container);
    if (open.length > MAX_JSON_DEPTH) return refuse(c, 'exceeded max depth');
    step = next;
    return undefined;
  };

  const beginValue: Step = (c) => {
    if (isSpace(c)) return undefined;
    if (c === 0x7b /* { */) return enter(c, 'object-key', beginKeyOrEmpty);
    if (c === 0x5b /* [ */) return enter(c, 'array', beginValueOrEmpty);
    if (c === 0x22 /* " */) step = inString;
    else if (c === 0x2d /* - */) step = minus;
    else if (c === 0x30 /* 0 */) step = afterIntegerPart;
    else if (isDigit(c)) step = integerDigits;
    else if (c === 0x74 /* t */) step = literal('true', 1);
    else if (c === 0x66 /* f */) step = literal('false', 1);
    else if (c === 0x6e /* n */) step = literal('null', 1);
    else return refuse(c, 'looking for beginning of value');
    return undefined;
  };
  const beginValueOrEmpty: Step = (c) => {
    if (isSpace(c)) return undefined;
    return c === 0x5d /* ] */ ? endValue(c) : beginValue(c);
  };
  const beginKeyOrEmpty: Step = (c) => {
    if (isSpace(c)) return undefined;
    if (c !== 0x7d /* } */) return beginKey(c);
    open[open.length - 1] = 'object-value';
    return endValue(c);
  };
  const beginKey: Step = (c) => {
    if (isSpace(c)) return undefined;
    if (c !== 0x22) return refuse(c, 'looking for beginning of object key string');
    step = inString;
    return undefined;
  };
  const endValue: Step = (c) => {
    const top = open.length - 1;
    if (top < 0) {
      topValueEnded = true;
      step = endTop;
      return endTop(c);
    }
    if (isSpace(c)) {
      step = endValue;
      return undefined;
    }
    switch (open[top]) {
      case 'object-key':
        if (c !== 0x3a /* : */) return refuse(c, 'after object key');
        open[top] = 'object-value';
        step = beginValue;
        return undefined;
      case 'object-value':
        if (c === 0x2c /* , */) {
          open[top] = 'object-key';
          step = beginKey;
          return undefined;
        }
        if (c !== 0x7d) return refuse(c, 'after object key:value pair');
        break;
      case 'array':
        if (c === 0x2c) {
          step = beginValue;
          return undefined;
        }
        if (c !== 0x5d) return refuse(c, 'after array element');
        break;
    }
    open.pop();
    step = endValue;
    return undefined;
  };
  const endTop: Step = (c) => (isSpace(c) ? undefined : refuse(c, 'after top-level value'));

  const inString: Step = (c) => {
    if (c === 0x22) step = endValue;
    else if (c === 0x5c /* \ */) step = inEscape;
    else if (c < 0x20) return refuse(c, 'in string literal');
    return undefined;
  };
  const inEscape: Step = (c) => {
    if (c === 0x75 /* u */) step = hexEscape(4);
    else if ('bfnrt\\/"'.includes(String.fromCharCode(c))) step = inString;
    else return refuse(c, 'in string escape code');
    return undefined;
  };
  const hexEscape =
    (left: number): Step =>
    (c) => {
      if (!isHexDigit(c)) return refuse(c, 'in \\u hexadecimal character escape');
      step = left > 1 ? hexEscape(left - 1) : inString;
      return undefined;
    };

  const minus: Step = (c) => {
    if (c === 0x30) step = afterIntegerPart;
    else if (isDigit(c)) step = integerDigits;
    else return refuse(c, 'in numeric literal');
    return undefined;
  };
  const integerDigits: Step = (c) => (isDigit(c) ? undefined : afterIntegerPart(c));
  const afterIntegerPart: Step = (c) => {
    if (c === 0x2e /* . */) step = afterDot;
    else if (c === 0x65 || c === 0x45 /* e E */) step = exponentSign;
    else return endValue(c);
    return undefined;
  };
  const afterDot: Step = (c) => {
    if (!isDigit(c)) return refuse(c, 'after decimal point in numeric literal');
    step = fractionDigits;
    return undefined;
  };
  const fractionDigits: Step = (c) => {
    if (isDigit(c)) return undefined;
    if (c !== 0x65 && c !== 0x45) return endValue(c);
    step = exponentSign;
    return undefined;
  };
  const exponentSign: Step = (c) => {
    if (c !== 0x2b && c !== 0x2d /* + - */) return exponentFirstDigit(c);
    step = exponentFirstDigit;
    return undefined;
  };
  const exponentFirstDigit: Step = (c) => {
    if (!isDigit(c)) return refuse(c, 'in exponent of numeric literal');
    step = exponentDigits;
    return undefined;
  };
  const exponentDigits: Step = (c) => (isDigit(c) ? undefined : endValue(c));

  const literal =
    (word: string, at: number): Step =>
    (c) => {
      if (c !== word.charCodeAt(at)) return refuse(c, `in literal ${word} (expecting ${quoteChar(word.charCodeAt(at))})`);
      step = at + 1 < word.length ? literal(word, at + 1) : endValue;
      return undefined;
    };

  step = beginValue;
  for (const c of new TextEncoder().encode(text)) {
    const refused = step(c);
    if (refused !== undefined) return refused;
  }
  // Go's eof() steps one space past the end: that completes a trailing number, and is itself refused inside a
  // literal or a number cut short (`tru` → "invalid character ' ' in literal true (expecting 'e')", as in Go).
  if (topValueEnded) return undefined;
  const refused = step(0x20);
  if (topValueEnded) return undefined;
  return refused ?? 'unexpected end of JSON input';
}

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHexDigit = (c: number) => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

/**
 * Go's quoteChar: the byte between single quotes, escaped as strconv.Quote escapes string(rune(c)) — so a byte
 * of a multi-byte UTF-8 sequence reads as the Latin-1 character of the same number, as it does in Go.
 */
function quoteChar(c: number): string {
  if (c === 0x27) return `'\\''`;
  if (c === 0x22) return `'"'`;
  return `'${goQuotedRune(c)}'`;
}

const namedEscapes: Record<number, string> = { 0x07: '\\a', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x0b: '\\v', 0x5c: '\\\\' };

function goQuotedRune(c: number): string {
  const named = namedEscapes[c];
  if (named !== undefined) return named;
  const hex = c.toString(16).padStart(2, '0');
  if (c < 0x20 || c === 0x7f) return `\\x${hex}`;
  // Not printable to Go: the C1 controls, the no-break space (a separator) and the soft hyphen (a format character).
  if ((c >= 0x80 && c <= 0xa0) || c === 0xad) return `\\u00${hex}`;
  return String.fromCharCode(c);
}

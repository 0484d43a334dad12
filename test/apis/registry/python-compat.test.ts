/**
 * The helpers that reproduce Python-side behaviour, checked against outputs recorded from CPython 3.11
 * (json.loads errors, str() of floats, urllib.parse.quote_plus).
 */
import { describe, expect, it } from 'vitest';
import { MockError, ErrorCode } from '../../../src/engine/errors.js';
import { prepareRequest, pythonNumberText } from '../../../src/apis/registry/coerce.js';
import { READ_OPERATION } from '../../../src/apis/registry/model.js';
import { quotePlus } from '../../../src/apis/registry/credentials.js';
import { renderError } from '../../../src/apis/registry/errors.js';
import { formatPythonJsonError, pythonJsonError } from '../../../src/apis/registry/python-json.js';

describe('Python json.loads error emulation', () => {
  it.each([
    ['', 'Expecting value: line 1 column 1 (char 0)'],
    ['  ', 'Expecting value: line 1 column 3 (char 2)'],
    ['not json', 'Expecting value: line 1 column 1 (char 0)'],
    ['nul', 'Expecting value: line 1 column 1 (char 0)'],
    ['{"a":}', 'Expecting value: line 1 column 6 (char 5)'],
    ['{"a":1', "Expecting ',' delimiter: line 1 column 7 (char 6)"],
    ["{'a':1}", 'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)'],
    ['{"a":1,}', 'Expecting property name enclosed in double quotes: line 1 column 8 (char 7)'],
    ['[1,]', 'Expecting value: line 1 column 4 (char 3)'],
    ['[1 2]', "Expecting ',' delimiter: line 1 column 4 (char 3)"],
    ['{"a":1} x', 'Extra data: line 1 column 9 (char 8)'],
    ['{"a" 1}', "Expecting ':' delimiter: line 1 column 6 (char 5)"],
    ['"abc', 'Unterminated string starting at: line 1 column 1 (char 0)'],
    ['"a\\qb"', 'Invalid \\escape: line 1 column 3 (char 2)'],
    ['"\\u12"', 'Invalid \\uXXXX escape: line 1 column 3 (char 2)'],
    ['"\\u12zz"', 'Invalid \\uXXXX escape: line 1 column 3 (char 2)'],
    ['"a\tb"', 'Invalid control character at: line 1 column 3 (char 2)'],
    ['{"a":-}', 'Expecting value: line 1 column 6 (char 5)'],
    ['{"a":01}', "Expecting ',' delimiter: line 1 column 7 (char 6)"],
    ['1.', 'Extra data: line 1 column 2 (char 1)'],
    ['{\n  "s3_location": {\n    "path": x\n  }\n}', 'Expecting value: line 3 column 13 (char 33)'],
    ['{"é":"ü", x}', 'Expecting property name enclosed in double quotes: line 1 column 11 (char 10)'],
    ['{"😀": 1,}', 'Expecting property name enclosed in double quotes: line 1 column 9 (char 8)'],
    ['"\\ud800\\uzzzz"', 'Invalid \\uXXXX escape: line 1 column 9 (char 8)'],
    ['{"a":1e}', "Expecting ',' delimiter: line 1 column 7 (char 6)"],
    ['{"a":"b"', "Expecting ',' delimiter: line 1 column 9 (char 8)"],
    ['{"a"', "Expecting ':' delimiter: line 1 column 5 (char 4)"],
    ['{', 'Expecting property name enclosed in double quotes: line 1 column 2 (char 1)'],
    ['[', 'Expecting value: line 1 column 2 (char 1)'],
  ])('rejects %j with %s', (doc, message) => {
    const error = pythonJsonError(doc);
    expect(error && formatPythonJsonError(error)).toBe(message);
  });

  it.each(['NaN', '[Infinity, -Infinity]', '{"a": "\\ud83d\\ude00"}', ' {"a": [1, 2.5e3, true, null]} '])('accepts %j as Python does', (doc) => {
    expect(pythonJsonError(doc)).toBeUndefined();
  });

  it('renders a malformed body the engine passes with its text as FastAPI does, ctx included', () => {
    const doc = '{"s3_location": }';
    const error = new MockError(ErrorCode.MalformedBody, 400, { message: 'bad json', position: 0, detail: { doc } });
    expect(renderError(error, { requestId: 'r' })).toEqual({
      status: 422,
      headers: {},
      body: {
        detail: [
          {
            loc: ['body', 16],
            msg: 'Expecting value: line 1 column 17 (char 16)',
            type: 'value_error.jsondecode',
            ctx: { msg: 'Expecting value', doc, pos: 16, lineno: 1, colno: 17 },
          },
        ],
      },
    });
  });

  it('falls back on the engine position when the body text is not available', () => {
    const reply = renderError(new MockError(ErrorCode.MalformedBody, 400, { message: 'Unexpected token', position: 7 }), { requestId: 'r' });
    expect(reply.body).toEqual({ detail: [{ loc: ['body', 7], msg: 'Expecting value: line 1 column 8 (char 7)', type: 'value_error.jsondecode' }] });
  });
});

describe("Python's str() of a JSON number", () => {
  it.each([
    [5, '5'],
    [-3, '-3'],
    [0, '0'],
    [1.5, '1.5'],
    [0.1, '0.1'],
    [0.0001, '0.0001'],
    [1e-5, '1e-05'],
    [123.456, '123.456'],
    [1000000000000000.5, '1000000000000000.5'],
    [1e16, '1e+16'],
    [1.2345678901234568e20, '1.2345678901234568e+20'],
    [1e21, '1e+21'],
    [-2.5e-7, '-2.5e-07'],
    [1e300, '1e+300'],
    [9007199254740992, '9007199254740992.0'],
  ])('prints %d as %s', (n, text) => {
    expect(pythonNumberText(n)).toBe(text);
  });
});

describe("Python's quote_plus", () => {
  it('encodes like urllib.parse.quote_plus, keeping only letters, digits and _.-~', () => {
    expect(quotePlus('https://s3.console.aws.amazon.com/s3/buckets/b?prefix=a b/ü!*()~&region=x')).toBe(
      'https%3A%2F%2Fs3.console.aws.amazon.com%2Fs3%2Fbuckets%2Fb%3Fprefix%3Da+b%2F%C3%BC%21%2A%28%29~%26region%3Dx',
    );
  });

  it('does not throw on a lone surrogate', () => {
    expect(quotePlus('\ud800')).toBe('%EF%BF%BD');
  });
});

describe('the pydantic coercion hook', () => {
  const prepare = (body: unknown, operationId = READ_OPERATION) => {
    const request = { operationId, query: {}, body };
    prepareRequest(request);
    return request.body;
  };

  it.each([
    ['a JSON null body becomes no body (FastAPI: field required)', null, undefined],
    ['an empty list becomes an empty object, as dict([]) does', [], {}],
    ['a list of pairs becomes an object', [['console_session_required', 'yes']], { console_session_required: true }],
    ['two-character strings count as pairs', { s3_location: ['ab'] }, { s3_location: { a: 'b' } }],
    ['other lists stay lists', [1, 2], [1, 2]],
    ['strings stay strings', 'x', 'x'],
    ['nested values are coerced by field kind', { s3_location: { bucket_name: 7, path: false, s3_uri: null }, console_session_required: 'OFF' },
      { s3_location: { bucket_name: '7', path: 'False', s3_uri: null }, console_session_required: false }],
  ])('%s', (_name, body, expected) => {
    expect(prepare(body)).toEqual(expected);
  });

  it('keeps a "__proto__" pair as plain data', () => {
    const result = prepare({ s3_location: [['__proto__', 'x']] }) as { s3_location: object };
    expect(Object.getPrototypeOf(result.s3_location)).toBe(Object.prototype);
    expect(Object.keys(result.s3_location)).toEqual(['__proto__']);
  });

  it('leaves operations without a body model alone', () => {
    expect(prepare(null, 'root__get')).toBeNull();
  });
});

/**
 * The Go server knowledge in src/apis/shared/ that both lakeFS mocks answer with: Go's encoding/json texts for a
 * body that is not JSON, kin-openapi's request-error texts built from typed validation issues, and the AWS
 * identity token both external principal logins read. The HTTP tests of each folder pin the texts they meet;
 * these cover the rest of each module.
 */
import { describe, expect, it } from 'vitest';
import type { ValidationIssue } from '../../../src/engine/errors.js';
import { decodeAwsIdentityToken } from '../../../src/apis/shared/aws-identity-token.js';
import { goJsonSyntaxError } from '../../../src/apis/shared/go-json.js';
import { requestErrorText } from '../../../src/apis/shared/kin-openapi.js';
import { kinEmptyValueError, kinRequestError, parseGoInt } from '../../../src/apis/shared/kin-openapi-visit.js';
import { identityToken } from '../../support/aws-identity.js';

describe('goJsonSyntaxError: what json.Unmarshal says', () => {
  it.each([
    ['', 'unexpected end of JSON input'],
    ['  \n', 'unexpected end of JSON input'],
    ['{"a": "b"', 'unexpected end of JSON input'],
    ['{"a": x}', "invalid character 'x' looking for beginning of value"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a": 1 "b": 2}', "invalid character '\"' after object key:value pair"],
    ['[1 2]', "invalid character '2' after array element"],
    ["{'a': 1}", "invalid character '\\'' looking for beginning of object key string"],
    ['{"a": 1,}', "invalid character '}' looking for beginning of object key string"],
    ['{"a": [1,]}', "invalid character ']' looking for beginning of value"],
    ['{"a": 1} {"b": 2}', "invalid character '{' after top-level value"],
    ['01', "invalid character '1' after top-level value"],
    ['"a\tb"', "invalid character '\\t' in string literal"],
    ['"\\q"', "invalid character 'q' in string escape code"],
    ['"\\u12G4"', "invalid character 'G' in \\u hexadecimal character escape"],
    ['-x', "invalid character 'x' in numeric literal"],
    ['1.x', "invalid character 'x' after decimal point in numeric literal"],
    ['1ex', "invalid character 'x' in exponent of numeric literal"],
    ['nul', "invalid character ' ' in literal null (expecting 'l')"],
    ['falsy', "invalid character 'y' in literal false (expecting 'e')"],
    ['NaN', "invalid character 'N' looking for beginning of value"],
    ['\ufeff{}', "invalid character 'ï' looking for beginning of value"],
    ['['.repeat(1001), "invalid character '[' exceeded max depth"],
  ])('%j → %s', (text, message) => {
    expect(goJsonSyntaxError(text)).toBe(message);
  });

  it.each(['{}', '[]', ' {"a": [1, -2.5e+3, true, false, null, "\\u00e9"]} ', '0', '"x"'])('reads %j', (text) => {
    expect(goJsonSyntaxError(text)).toBeUndefined();
  });
});

describe('requestErrorText: kin-openapi from typed fields', () => {
  const body = (keyword: string, path: Array<string | number>, fields: Partial<ValidationIssue> = {}): ValidationIssue =>
    ({ in: 'body', path, keyword, message: 'the engine’s own words, never shown', ...fields });
  const lakefs = { locateRootBodyErrors: true, truncatedBody: 'unexpected EOF' as const };
  const service = { locateRootBodyErrors: false, truncatedBody: 'unexpected end of JSON input' as const };

  it.each([
    [body('maximum', ['n'], { limit: 1000 }), 'Error at "/n": number must be at most 1000'],
    [body('minimum', ['n'], { limit: -1 }), 'Error at "/n": number must be at least -1'],
    [body('maximum', ['n'], { limit: 1e6 }), 'Error at "/n": number must be at most 1e+06'],
    [body('exclusiveMinimum', ['n'], { limit: 0.5 }), 'Error at "/n": number must be more than 0.5'],
    [body('maxLength', ['s'], { limit: 1024 }), 'Error at "/s": maximum string length is 1024'],
    [body('minItems', ['statement'], { limit: 1 }), 'Error at "/statement": minimum number of items is 1'],
    [body('enum', ['effect'], { allowedValues: ['allow', 'deny'] }), 'Error at "/effect": value is not one of the allowed values ["allow","deny"]'],
    [body('pattern', ['name'], { pattern: '^[a-z]+$' }), 'Error at "/name": string doesn\'t match the regular expression "^[a-z]+$"'],
    [body('format', ['size'], { format: 'int64', received: 1e20 }), 'Error at "/size": number must be an int64'],
    [body('format', ['when'], { format: 'date-time', received: 'soon' }), 'Error at "/when": string doesn\'t match the format "date-time"'],
    [body('additionalProperties', ['statement', 0, 'extra']), 'Error at "/statement/0": property "extra" is unsupported'],
    [body('type', ['x', 2], { expectedType: 'integer' }), 'Error at "/x/2": value must be an integer'],
  ])('%j', (issue, reason) => {
    expect(requestErrorText(issue, lakefs)).toBe(`request body has an error: doesn't match schema: ${reason}`);
    expect(requestErrorText(issue, service)).toBe(`request body has an error: doesn't match schema: ${reason}`);
  });

  it('locates a problem at the root of the body for lakeFS only', () => {
    const missing = body('required', ['id']);
    expect(requestErrorText(missing, lakefs)).toBe('request body has an error: doesn\'t match schema: Error at "/": property "id" is missing');
    expect(requestErrorText(missing, service)).toBe('request body has an error: doesn\'t match schema: property "id" is missing');
  });

  it('names the parameter, and locates only what is inside its value', () => {
    const param = (path: Array<string | number>, keyword: string, fields: Partial<ValidationIssue> = {}): ValidationIssue =>
      ({ in: 'query', path, keyword, message: '', ...fields });
    expect(requestErrorText(param(['amount'], 'maximum', { limit: 1000 }), lakefs)).toBe('parameter "amount" in query has an error: number must be at most 1000');
    expect(requestErrorText(param(['path'], 'required'), lakefs)).toBe('parameter "path" in query has an error: value is required but missing');
    expect(requestErrorText(param(['filter', 'kind'], 'required'), lakefs)).toBe('parameter "filter" in query has an error: property "kind" is missing');
    expect(requestErrorText(param(['filter', 'size'], 'type', { expectedType: 'number' }), lakefs)).toBe(
      'parameter "filter" in query has an error: Error at "/size": value must be a number',
    );
  });

  it('words a scalar that does not parse as strconv does (the real lakeFS 1.80.0, test/fidelity)', () => {
    const param = (name: string, expectedType: string, received: string): ValidationIssue => ({ in: 'query', path: [name], keyword: 'type', message: '', expectedType, received });
    expect(requestErrorText(param('amount', 'integer', 'abc'), lakefs)).toBe('parameter "amount" in query has an error: value abc: an invalid integer: invalid syntax');
    expect(requestErrorText(param('amount', 'integer', '1.5'), lakefs)).toBe('parameter "amount" in query has an error: value 1.5: an invalid integer: invalid syntax');
    expect(requestErrorText(param('force', 'boolean', 'maybe'), lakefs)).toBe('parameter "force" in query has an error: value maybe: an invalid boolean: invalid syntax');
  });
});

describe('decodeAwsIdentityToken', () => {
  it('reads the access key, session token and the end of the presigned request', () => {
    const token = decodeAwsIdentityToken(identityToken({ date: '20240501T095930Z', expiration_duration: '60' }));
    expect(token).toMatchObject({ accessKeyId: 'ASIAQEXAMPLEALICE001', securityToken: 'alice-session-token', validUntil: new Date('2024-05-01T10:00:30Z') });
    expect(token?.fields.action).toBe('GetCallerIdentity');
  });

  it('takes the URL-safe alphabet, no padding, and surrounding spaces', () => {
    const urlSafe = identityToken({ security_token: '>>>???' }).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    expect(decodeAwsIdentityToken(` ${urlSafe}\n`)?.securityToken).toBe('>>>???');
  });

  it.each([
    ['not a string', 42],
    ['empty', ''],
    ['outside the alphabet', '%%%not-base64%%%'],
    ['a length no base64 text has', 'eyJhIjoxfQ'.slice(0, 9)],
    ['base64 of text that is not JSON', Buffer.from('hello').toString('base64')],
    ['base64 of a JSON list', Buffer.from('[1]').toString('base64')],
  ])('reads nothing from %s', (_, token) => {
    expect(decodeAwsIdentityToken(token)).toBeUndefined();
  });
});

describe('kinRequestError: kin-openapi\'s first problem and its dump', () => {
  const Rule = { type: 'object', required: ['name'], properties: { name: { type: 'string' }, size: { type: 'integer', default: 3 } } };
  const definition = { components: { schemas: { Rule } } };
  const op = (schema: unknown, parameters: unknown[] = []) =>
    ({ operationId: 'op', method: 'post', pathTemplate: '/x', parameters, requestBody: { content: { 'application/json': { schema } } }, responses: {}, security: [] }) as never;
  const body = (schema: unknown, value: unknown, issues: ValidationIssue[] = []) =>
    kinRequestError({ spec: { definition }, operation: op(schema), params: {}, query: {}, headers: {}, body: value, hasBody: true, issues })?.text;

  it('names a component body schema, locates a missing property at its own pointer, and dumps the defaults it wrote', () => {
    expect(body(Rule, { note: '<b>' })).toBe(
      'request body has an error: doesn\'t match schema #/components/schemas/Rule: Error at "/name": property "name" is missing\n' +
        'Schema:\n  {\n    "properties": {\n      "name": {\n        "type": "string"\n      },\n      "size": {\n        "default": 3,\n        "type": "integer"\n      }\n    },\n    "required": [\n      "name"\n    ],\n    "type": "object"\n  }\n\n' +
        'Value:\n  {\n    "note": "\\u003cb\\u003e",\n    "size": 3\n  }\n',
    );
  });

  it('checks present properties (by sorted name) before required ones, and prints nested components as $refs', () => {
    const list = { type: 'array', items: Rule };
    expect(body(list, [{ name: 5 }])).toMatch(/^request body has an error: doesn't match schema: Error at "\/0\/name": value must be a string\nSchema:\n {2}\{\n {4}"type": "string"\n {2}\}\n\nValue:\n {2}5\n$/);
    expect(body(list, {})).toContain('value must be an array\nSchema:\n  {\n    "items": {\n      "$ref": "#/components/schemas/Rule"\n    },');
    expect(body({ type: 'object', required: ['a'], properties: { a: { type: 'string' }, b: { type: 'string' } } }, { b: null })).toContain('Error at "/b": Value is not nullable');
  });

  it('takes pattern failures from the schema validation\'s issues', () => {
    const schema = { type: 'object', properties: { id: { type: 'string', pattern: '^[a-z]+$' } } };
    const issue: ValidationIssue = { in: 'body', path: ['id'], keyword: 'pattern', message: '' };
    expect(body(schema, { id: 'A' }, [issue])).toContain('Error at "/id": string doesn\'t match the regular expression "^[a-z]+$"');
    expect(body(schema, { id: 'a' })).toBeUndefined();
  });

  it('parses a query integer as strconv.ParseInt(s, 0, 64) does', () => {
    expect([parseGoInt('010', 64), parseGoInt('0x1f', 64), parseGoInt('0b101', 64), parseGoInt('0o17', 64), parseGoInt('0x_1f', 64)]).toEqual([8, 31, 5, 15, 31]);
    expect([parseGoInt('1_000', 64), parseGoInt('1.5', 64), parseGoInt('', 64), parseGoInt('0x', 64)]).toEqual(['invalid syntax', 'invalid syntax', 'invalid syntax', 'invalid syntax']);
    expect([parseGoInt('9223372036854775808', 64), parseGoInt('-9223372036854775808', 64), parseGoInt('2147483648', 32)]).toEqual(['value out of range', -9223372036854775808, 'value out of range']);
  });

  it('refuses an empty query value unless the parameter has a default or allows it', () => {
    const params = [
      { name: 'path', in: 'query', required: true, schema: { type: 'string' } },
      { name: 'amount', in: 'query', schema: { type: 'integer', default: 100 } },
    ];
    const check = (query: Record<string, string>, allowsEmpty?: () => boolean) =>
      kinRequestError({ spec: { definition }, operation: op(undefined, params), params: {}, query, headers: {}, body: undefined, hasBody: false, issues: [], allowsEmpty })?.text;
    expect(check({ path: '' })).toBe('parameter "path" in query has an error: empty value is not allowed');
    expect(check({ path: 'a', amount: '' })).toBeUndefined();
    expect(check({ path: '' }, () => true)).toBeUndefined();
    expect(check({})).toBe('parameter "path" in query has an error: value is required but missing');
    // The check run on requests the schemas accept looks at empty values only.
    const empty = (query: Record<string, string>) =>
      kinEmptyValueError({ spec: { definition }, operation: op(undefined, params), params: {}, query, headers: {}, body: undefined, hasBody: false, issues: [] })?.text;
    expect(empty({ path: '' })).toBe('parameter "path" in query has an error: empty value is not allowed');
    expect([empty({ path: 'a', amount: '' }), empty({})]).toEqual([undefined, undefined]);
  });
});

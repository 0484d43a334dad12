/**
 * Comparing two answers, aspect by aspect: each aspect agrees when it should and names the first difference in one
 * line when it does not; volatile values are made equal by the script's normalize rules only.
 */
import { describe, expect, it } from 'vitest';
import { cookieAttributes, compareAnswers, mediaType, shapeDifferences, shapeOf, type CompareOptions } from '../../src/diff/compare.js';
import type { Answer } from '../../src/diff/http.js';
import { normalizer } from '../../src/diff/normalize.js';
import { ASPECTS, type NormalizeRule } from '../../src/diff/script.js';

const answer = (status: number, body: unknown, headers: Record<string, string | string[]> = {}): Answer => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  bodyText: typeof body === 'string' ? body : JSON.stringify(body),
});

const options = (rules: NormalizeRule[] = [], more: Partial<CompareOptions> = {}): CompareOptions => ({
  errorText: ['message', 'detail'],
  normalizer: normalizer(rules),
  ignoreHeaders: new Set(),
  aspects: new Set(ASPECTS),
  ...more,
});

const compare = (a: Answer, b: Answer, o = options()) => compareAnswers(a, b, o);

describe('status', () => {
  it('differs on another code', () => {
    expect(compare(answer(401, { message: 'x' }), answer(403, { message: 'x' })).status).toEqual({ agree: false, detail: 'status: reference 401, mock 403' });
    expect(compare(answer(200, {}), answer(200, {})).status).toEqual({ agree: true });
  });
});

describe('error text', () => {
  it('is compared only when a status is an error', () => {
    expect(compare(answer(200, { message: 'a' }), answer(200, { message: 'b' })).text).toEqual({ agree: null });
  });

  it('compares the errorText fields, and says which differs', () => {
    expect(compare(answer(409, { message: 'Already exists' }), answer(409, { message: 'already exists' })).text).toEqual({
      agree: false,
      detail: 'error text message: reference "Already exists", mock "already exists"',
    });
    expect(compare(answer(422, { detail: [{ loc: ['body', 'id'], msg: 'field required' }] }), answer(422, { detail: [{ loc: ['body', 'id'], msg: 'field required' }] })).text).toEqual({ agree: true });
    expect(compare(answer(401, { message: 'no' }), answer(401, { code: 7 })).text.detail).toBe('error text message: the mock has none (reference "no")');
    expect(compare(answer(200, { id: 1 }), answer(404, { message: 'gone' })).text.detail).toBe('error text message: only the mock has one ("gone")');
  });

  it('compares a body that is not JSON as a whole', () => {
    expect(compare(answer(404, 'Not Found\n', { 'content-type': 'text/plain' }), answer(404, 'not found', { 'content-type': 'text/plain' })).text.detail).toBe(
      'error text (body): reference "Not Found", mock "not found"',
    );
  });

  it('is equal after the normalize patterns; a normalize field is ignored', () => {
    const ref = answer(404, { message: 'repository 3f1c2a9e-0b1d-4c2e-9f00-1a2b3c4d5e6f not found', request_id: 'r-1' });
    const mock = answer(404, { message: 'repository 0a0b0c0d-1111-2222-3333-444455556666 not found', request_id: 'r-2' });
    expect(compare(ref, mock).text.agree).toBe(false);
    const uuid = { pattern: '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', replace: '<uuid>' };
    expect(compare(ref, mock, options([uuid])).text).toEqual({ agree: true });
    const withRequestId = options([], { errorText: ['message', 'request_id'] });
    expect(compare(answer(500, { message: 'x', request_id: 'a' }), answer(500, { message: 'x', request_id: 'b' }), withRequestId).text.agree).toBe(false);
    expect(compare(answer(500, { message: 'x', request_id: 'a' }), answer(500, { message: 'x', request_id: 'b' }), { ...withRequestId, normalizer: normalizer([{ field: 'request_id' }]) }).text.agree).toBe(true);
  });
});

describe('shape', () => {
  it('compares keys and value types recursively, listing extra and missing keys', () => {
    const ref = answer(200, { user: { id: 'a', creation_date: 1, email: null }, extra: true });
    const mock = answer(200, { user: { id: 'b', creation_date: '1', email: 'e@x' }, more: 1 });
    expect(shapeDifferences(shapeOf(JSON.parse(ref.bodyText)), shapeOf(JSON.parse(mock.bodyText)))).toEqual([
      'body.user.creation_date: reference number, mock string',
      'body.user.email: reference null, mock string',
      'body.extra: missing in the mock',
      'body.more: only in the mock',
    ]);
    expect(compare(ref, mock).shape).toEqual({
      agree: false,
      detail: 'shape body.user.creation_date: reference number, mock string (+3 more: body.user.email: reference null, mock string; body.extra: missing in the mock; …)',
    });
  });

  it('ignores values: ids, dates and tokens that differ are the same shape', () => {
    expect(compare(answer(200, { id: 'x', token: 'abc', at: 1 }), answer(200, { id: 'y', token: 'def', at: 2 })).shape).toEqual({ agree: true });
  });

  it('compares list items by the union of their shapes; an empty list says nothing of its items', () => {
    const ref = answer(200, { results: [{ id: 'a' }, { id: 'b', friendly_name: 'B' }] });
    expect(compare(ref, answer(200, { results: [{ id: 'c', friendly_name: 'C' }] })).shape).toEqual({ agree: true });
    expect(compare(ref, answer(200, { results: [] })).shape).toEqual({ agree: true });
    expect(compare(ref, answer(200, { results: [{ id: 1 }] })).shape.detail).toBe('shape body.results[].id: reference string, mock number (+1 more: body.results[].friendly_name: missing in the mock)');
  });

  it('tells JSON from text and from an empty body', () => {
    expect(compare(answer(204, ''), answer(204, '')).shape).toEqual({ agree: true });
    expect(compare(answer(201, ''), answer(201, { id: 'x' })).shape.detail).toBe('body: reference empty, mock JSON');
    expect(compare(answer(400, 'oops'), answer(400, { message: 'oops' })).shape.detail).toBe('body: reference text, mock JSON');
  });
});

describe('Content-Type', () => {
  it('compares the media type and charset, not parameter order or case', () => {
    const ct = (value?: string): Answer => ({ status: 200, headers: value ? { 'content-type': value } : {}, bodyText: '' });
    expect(mediaType(ct('Application/JSON; charset=UTF-8'))).toBe('application/json; charset=utf-8');
    expect(compare(ct('application/json; charset=utf-8'), ct('application/json;charset="UTF-8"')).contentType).toEqual({ agree: true });
    expect(compare(ct('application/json'), ct('application/json; charset=utf-8')).contentType.detail).toBe('Content-Type: reference application/json, mock application/json; charset=utf-8');
    expect(compare(ct('application/problem+json'), ct('application/json')).contentType.agree).toBe(false);
    expect(compare(ct(), ct('text/plain')).contentType.detail).toBe('Content-Type: reference (none), mock text/plain');
  });
});

describe('headers', () => {
  const h = (headers: Record<string, string | string[]>, status = 200) => answer(status, {}, headers);

  it('compares Location after normalisation, each server\'s own origin left out', () => {
    const o = options([{ pattern: 'state=[^&]*', replace: 'state=<s>' }], { referenceOrigin: 'https://lakefs.example', mockOrigin: 'http://127.0.0.1:4010' });
    expect(compare(h({ location: 'https://lakefs.example/auth/login?state=abc' }, 302), h({ location: 'http://127.0.0.1:4010/auth/login?state=def' }, 302), o).headers).toEqual({ agree: true });
    expect(compare(h({ location: '/a' }, 302), h({ location: '/b' }, 302), o).headers.detail).toBe('Location: reference "/a", mock "/b"');
    expect(compare(h({ location: '/a' }, 302), h({}, 302), o).headers.detail).toBe('Location: reference "/a", mock (none)');
  });

  it('compares WWW-Authenticate and the presence of Retry-After', () => {
    expect(compare(h({ 'www-authenticate': 'Bearer' }, 401), h({}, 401)).headers.detail).toBe('WWW-Authenticate: reference "Bearer", mock (none)');
    expect(compare(h({ 'retry-after': '30' }, 429), h({ 'retry-after': '2' }, 429)).headers).toEqual({ agree: true });
    expect(compare(h({ 'retry-after': '30' }, 429), h({}, 429)).headers.detail).toBe('Retry-After: the mock sends none');
  });

  it('compares Set-Cookie names and attributes, never values (Max-Age and Expires by presence)', () => {
    expect(cookieAttributes('s=1; Path=/; Expires=Sat, 02 Jan 2027 09:18:29 GMT; Max-Age=60; HttpOnly; SameSite=Lax')).toBe('Expires; HttpOnly; Max-Age; Path=/; SameSite=lax');
    const ref = h({ 'set-cookie': ['internal_auth_session=abc; Path=/; Max-Age=100; HttpOnly; SameSite=Lax'] });
    expect(compare(ref, h({ 'set-cookie': ['internal_auth_session=xyz; Path=/; Max-Age=5; HttpOnly; SameSite=Lax'] })).headers).toEqual({ agree: true });
    expect(compare(ref, h({ 'set-cookie': ['internal_auth_session=xyz; Path=/; Max-Age=5; SameSite=Lax'] })).headers.detail).toBe(
      'Set-Cookie internal_auth_session: reference HttpOnly; Max-Age; Path=/; SameSite=lax, mock Max-Age; Path=/; SameSite=lax',
    );
    expect(compare(ref, h({})).headers.detail).toBe('Set-Cookie internal_auth_session: the mock sets no such cookie');
    expect(compare(h({}), ref).headers.detail).toBe('Set-Cookie internal_auth_session: only the mock sets it');
  });

  it('leaves out the ignored headers', () => {
    const o = options([], { ignoreHeaders: new Set(['www-authenticate', 'set-cookie']) });
    expect(compare(h({ 'www-authenticate': 'Basic', 'set-cookie': ['a=1'] }, 401), h({}, 401), o).headers).toEqual({ agree: true });
  });
});

describe('expect', () => {
  it('compares only the aspects a step lists', () => {
    const verdicts = compare(answer(200, { a: 1 }), answer(200, { b: 1 }, { 'content-type': 'text/plain' }), options([], { aspects: new Set(['status']) }));
    expect(verdicts).toEqual({ status: { agree: true }, text: { agree: null }, shape: { agree: null }, contentType: { agree: null }, headers: { agree: null } });
  });
});

describe('one-line explanations', () => {
  it('show two long texts from a little before where they part', () => {
    const prefix = 'request body has an error: doesn\'t match schema #/components/schemas/UserCreation: ';
    const detail = compare(answer(400, { message: `${prefix}Error at "/id": property "id" is missing` }), answer(400, { message: `${prefix}Error at "/": property "id" is missing` })).text.detail!;
    expect(detail).toBe('error text message: reference …"reation: Error at \\"/id\\": property \\"id\\" is missing", mock …"reation: Error at \\"/\\": property \\"id\\" is missing"');
  });
});

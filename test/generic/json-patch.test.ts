/**
 * JSON Patch (RFC 6902) on a user's spec's items (src/generic/json-patch.ts): a PATCH sent as
 * application/json-patch+json applies its operations in order, all or none; the result is checked against the item's
 * schema; a malformed patch answers 400 and one that cannot apply (a failed `test`, a path the item lacks, a result
 * the schema refuses) 422 — or the nearest declared 4xx — and the stored item is unchanged. Under --strict.
 */
import { describe, expect, it } from 'vitest';
import { applyJsonPatch, isJsonPatch } from '../../src/generic/json-patch.js';
import { fixturePath, useTestApp } from '../support/test-app.js';

const JSON_PATCH = { 'Content-Type': 'application/json-patch+json' };

describe('PATCH with application/json-patch+json', () => {
  const t = useTestApp({ specs: [{ file: fixturePath('generic', 'json-patch.yaml') }] });
  const session = (name: string) => ({ 'X-Mock-Session': name });
  const create = async (name: string, path = '/v1/notes') =>
    (await t.http.post(path).set(session(name)).send({ text: 'first', tags: ['a'], done: false }).expect(201)).body as { id: number };
  const patch = (name: string, id: number, ops: unknown, path = '/v1/notes') => t.http.patch(`${path}/${id}`).set(session(name)).set(JSON_PATCH).send(JSON.stringify(ops));
  const read = async (name: string, id: number, path = '/v1/notes') => (await t.http.get(`${path}/${id}`).set(session(name)).expect(200)).body;

  it('applies every operation in order (test, replace, add to an array, remove, copy, move) and stores the result', async () => {
    const { id } = await create('apply');
    const ops = [
      { op: 'test', path: '/text', value: 'first' },
      { op: 'replace', path: '/text', value: 'second' },
      { op: 'add', path: '/tags/-', value: 'b' },
      { op: 'remove', path: '/done' },
      { op: 'copy', from: '/tags/0', path: '/tags/-' },
      { op: 'move', from: '/tags/2', path: '/tags/0' },
    ];
    const { body } = await patch('apply', id, ops).expect(200);
    expect(body).toEqual({ id, text: 'second', tags: ['a', 'a', 'b'] });
    expect(await read('apply', id)).toEqual(body);
  });

  it('a failed test: 422 saying which operation, and nothing of the patch is applied', async () => {
    const { id } = await create('test');
    const before = await read('test', id);
    const { body } = await patch('test', id, [{ op: 'replace', path: '/text', value: 'changed' }, { op: 'test', path: '/done', value: true }]).expect(422);
    expect(body).toEqual({ code: 422, message: 'operation 1 (test "/done"): the test failed, the value differs; nothing was changed' });
    expect(await read('test', id)).toEqual(before);
  });

  it.each([
    ['a path the item does not have', [{ op: 'replace', path: '/missing/deeper', value: 1 }], 422, 'operation 0 (replace "/missing/deeper"): Cannot perform the operation at a path that does not exist; nothing was changed'],
    ['a remove of what is not there', [{ op: 'remove', path: '/nothing' }], 422, 'operation 0 (remove "/nothing"): Cannot perform the operation at a path that does not exist; nothing was changed'],
    ['an unknown op', [{ op: 'frobnicate', path: '/text' }], 422, 'operation 0 (frobnicate "/text"): Operation `op` property is not one of operations defined in RFC-6902; nothing was changed'],
    ['a path that is not a JSON Pointer', [{ op: 'replace', path: 'text', value: 'x' }], 422, 'operation 0 (replace "text"): Operation `path` property must start with "/"; nothing was changed'],
    ['a result the item schema refuses', [{ op: 'remove', path: '/text' }], 422, 'the patched notes item is not valid: /text: is required; nothing was changed'],
    ['a result of the wrong type', [{ op: 'replace', path: '/done', value: 'yes' }], 422, 'the patched notes item is not valid: /done: must be boolean; nothing was changed'],
  ])('%s: refused, the item unchanged', async (_, ops, status, message) => {
    const name = `refused-${status}-${message.length}`;
    const { id } = await create(name);
    const before = await read(name, id);
    const { body } = await patch(name, id, ops).expect(status);
    expect(body).toEqual({ code: status, message });
    expect(await read(name, id)).toEqual(before);
  });

  it('a patch of an item that is not there is 404, as a merge patch', async () => {
    const { body } = await patch('missing', 99, [{ op: 'replace', path: '/text', value: 'x' }]).expect(404);
    expect(body).toEqual({ code: 404, message: 'notes 99 not found' });
  });

  it('the id stays the path\'s, whatever the patch does to it', async () => {
    const { id } = await create('id');
    expect((await patch('id', id, [{ op: 'replace', path: '/id', value: 500 }]).expect(200)).body.id).toBe(id);
  });

  it('a merge patch on the same operation is still a merge patch', async () => {
    const { id } = await create('merge');
    const { body } = await t.http.patch(`/v1/notes/${id}`).set(session('merge')).set('Content-Type', 'application/merge-patch+json').send(JSON.stringify({ done: true, tags: null })).expect(200);
    expect(body).toEqual({ id, text: 'first', done: true });
  });

  it('an operation that declares no 4xx still refuses a patch that cannot apply, as problem+json (never a strict 500)', async () => {
    const { id } = await create('drafts', '/v1/drafts');
    const before = await read('drafts', id, '/v1/drafts');
    const res = await patch('drafts', id, [{ op: 'test', path: '/text', value: 'other' }], '/v1/drafts').expect(422);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.body).toEqual({ type: 'about:blank', title: 'Unprocessable Entity', status: 422, detail: 'operation 0 (test "/text"): the test failed, the value differs; nothing was changed' });
    expect(await read('drafts', id, '/v1/drafts')).toEqual(before);
  });
});

describe('applyJsonPatch', () => {
  it('a patch that is not an array is malformed: 400', () => {
    expect(applyJsonPatch({ a: 1 }, { op: 'add' })).toEqual({ status: 400, message: 'a JSON Patch must be an array of operations (RFC 6902)' });
  });

  it.each([
    ['a missing value', [{ op: 'add', path: '/b' }]],
    ['a missing from', [{ op: 'move', path: '/b' }]],
    ['an operation that is not an object', [42]],
  ])('%s is malformed: 400', (_, patch) => {
    expect(applyJsonPatch({ a: 1 }, patch)).toMatchObject({ status: 400 });
  });

  it('never reaches the prototype, and never changes the item it is given', () => {
    const item = { a: 1 };
    expect(applyJsonPatch(item, [{ op: 'add', path: '/__proto__/polluted', value: true }])).toMatchObject({ status: 400 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(applyJsonPatch(item, [{ op: 'replace', path: '/a', value: 2 }])).toEqual({ item: { a: 2 } });
    expect(item).toEqual({ a: 1 });
  });

  it.each([
    ['application/json-patch+json', true],
    ['Application/JSON-Patch+JSON; charset=utf-8', true],
    ['application/merge-patch+json', false],
    [undefined, false],
  ])('%s is JSON Patch: %s', (type, expected) => {
    expect(isJsonPatch(type)).toBe(expected);
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { ALICE, createWidgetsApp, WIDGETS } from '../support/widgets-app.js';

const t = await createWidgetsApp();
afterAll(() => t.close());

describe('request validation', () => {
  it('reports every problem of a body at once, not just the first', async () => {
    const res = await t.http.post(`${WIDGETS}/widgets`).set(ALICE).send({ name: 5, color: 'pink', extra: true });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: 'body', path: ['name'], keyword: 'type' }),
        expect.objectContaining({ in: 'body', path: ['color'], keyword: 'enum' }),
        expect.objectContaining({ in: 'body', path: ['extra'], keyword: 'additionalProperties' }),
      ]),
    );
  });

  it('checks formats (ajv-formats)', async () => {
    const res = await t.http.post(`${WIDGETS}/widgets`).set(ALICE).send({ name: 'w1', color: 'red', contact: 'not-an-email' });
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([expect.objectContaining({ path: ['contact'], keyword: 'format' })]);
  });

  it('coerces and checks query parameters against their schema', async () => {
    await t.http.get(`${WIDGETS}/widgets?limit=1`).set(ALICE).expect(200);
    const res = await t.http.get(`${WIDGETS}/widgets?limit=0`).set(ALICE);
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([expect.objectContaining({ in: 'query', path: ['limit'], keyword: 'minimum' })]);
    const nan = await t.http.get(`${WIDGETS}/widgets?limit=many`).set(ALICE);
    expect(nan.body.issues).toEqual([expect.objectContaining({ in: 'query', path: ['limit'], keyword: 'type' })]);
  });

  it('ignores query parameters the operation does not declare, as real servers do', async () => {
    await t.http.get(`${WIDGETS}/widgets?utm_source=x`).set(ALICE).expect(200);
  });

  it('checks path parameter schemas', async () => {
    const res = await t.http.get(`${WIDGETS}/widgets/${'x'.repeat(65)}`).set(ALICE);
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([expect.objectContaining({ in: 'path', path: ['name'], keyword: 'maxLength' })]);
  });

  it('answers malformed JSON with 400 in the API shape', async () => {
    const res = await t.http.post(`${WIDGETS}/widgets`).set(ALICE).set('Content-Type', 'application/json').send('{"name": ');
    expect(res.status).toBe(400);
    expect(res.body.issues[0]).toMatchObject({ in: 'body', keyword: 'parse' });
  });

  it('answers a body of an undeclared content type with 415', async () => {
    const res = await t.http.post(`${WIDGETS}/widgets`).set(ALICE).set('Content-Type', 'text/plain').send('name=w');
    expect(res.status).toBe(415);
    expect(res.body.message).toBe('unsupported content type: text/plain');
  });

  it('requires a required body', async () => {
    const res = await t.http.post(`${WIDGETS}/widgets`).set(ALICE);
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([expect.objectContaining({ in: 'body', path: [], message: 'request body is required' })]);
  });

  it('validates before authenticating when the API says so (400 wins over 401)', async () => {
    const res = await t.http.post(`${WIDGETS}/widgets`).send({ name: 5, color: 'red' });
    expect(res.status).toBe(400);
  });

  it('answers an oversize body with 413 in the API shape', async () => {
    const small = await createWidgetsApp({ bodyLimitBytes: 1024 });
    const res = await small.http.post(`${WIDGETS}/widgets`).set(ALICE).send({ name: 'x'.repeat(2000), color: 'red' });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ message: 'request body exceeds 1024 bytes' });
    await small.close();
  });

  it('loses nothing from state when a request fails', async () => {
    const before = (await t.http.get('/__admin/state')).body;
    await t.http.post(`${WIDGETS}/widgets`).set(ALICE).send({ name: 'sprocket', color: 'blue' }).expect(409);
    await t.http.post(`${WIDGETS}/widgets`).set(ALICE).send({ name: 'w', color: 'pink' }).expect(400);
    expect((await t.http.get('/__admin/state')).body).toEqual(before);
  });

  it('never recorded a response that breaks the spec', () => {
    expect(t.violations()).toEqual([]);
  });
});

describe('bodies the edge cannot read', () => {
  it.each([
    ['a gzip body that is not gzip', { 'Content-Encoding': 'gzip' }, 400, 'could not read the request body: incorrect header check'],
    ['an unknown content encoding', { 'Content-Encoding': 'br2' }, 415, 'unsupported content encoding "br2"'],
  ])('answers %s in the API shape', async (_label, headers, status, message) => {
    const res = await t.http.post(`${WIDGETS}/widgets`).set(ALICE).set(headers).set('Content-Type', 'application/json').send('{"name":"w"}');
    expect(res.status).toBe(status);
    expect(res.body).toEqual({ message });
  });
});

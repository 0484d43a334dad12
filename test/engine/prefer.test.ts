import { afterAll, describe, expect, it } from 'vitest';
import { ALICE, createWidgetsApp, WIDGETS } from '../support/widgets-app.js';

const t = await createWidgetsApp();
afterAll(() => t.close());

describe('Prefer header (Prism-compatible)', () => {
  it('answers the declared status with its named example: Prefer: code=409, example=taken', async () => {
    const res = await t.http.post(`${WIDGETS}/widgets`).set(ALICE).set('Prefer', 'code=409, example=taken').send({ name: 'free', color: 'red' });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ message: 'widget name taken' });
    // the handler did not run: the name is still free
    await t.http.get(`${WIDGETS}/widgets/free`).set(ALICE).expect(404);
  });

  it('answers 404 when the operation does not declare the status, as Prism does', async () => {
    const res = await t.http.get(`${WIDGETS}/widgets`).set(ALICE).set('Prefer', 'code=418');
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('Requested status code 418 is not defined in the document.');
  });

  it('accepts the __code query fallback', async () => {
    await t.http.get(`${WIDGETS}/widgets?__code=503`).set(ALICE).expect(503);
  });

  it('ignores unknown keys', async () => {
    await t.http.get(`${WIDGETS}/widgets`).set(ALICE).set('Prefer', 'return=minimal, handling=lenient').expect(200);
  });

  it('still validates and authenticates first', async () => {
    await t.http.get(`${WIDGETS}/widgets`).set('Prefer', 'code=503').expect(401);
    await t.http.get(`${WIDGETS}/widgets?limit=0`).set(ALICE).set('Prefer', 'code=503').expect(400);
  });

  it('delays the answer with delay=<ms>', async () => {
    const started = Date.now();
    await t.http.get(`${WIDGETS}/public/ping`).set('Prefer', 'delay=120').expect(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });
});

describe('operations without a handler', () => {
  it('answer from the schema, valid against it, and the journal says so', async () => {
    const res = await t.http.get(`${WIDGETS}/gadgets/g1`).set(ALICE).expect(200);
    expect(res.body).toEqual({ id: expect.any(String), serial: expect.any(Number), created: expect.any(String), owner: expect.stringContaining('@') });
    const [entry] = (await t.http.get('/__admin/requests?operationId=getGadget&limit=1')).body.requests;
    expect(entry).toMatchObject({ source: 'mock', responseValid: true, status: 200 });
  });

  it('answer the same data every time with --seed', async () => {
    const first = await t.http.get(`${WIDGETS}/gadgets/g1`).set(ALICE);
    const second = await t.http.get(`${WIDGETS}/gadgets/g2`).set(ALICE);
    expect(second.body).toEqual(first.body);
  });

  it('answer fresh data with Prefer: dynamic=true', async () => {
    await t.http.get(`${WIDGETS}/public/ping`).set('Prefer', 'dynamic=true').expect(200);
  });

  it('answer 404 for an example name the response does not declare, in Prism\'s words (not the first example)', async () => {
    const res = await t.http.get(`${WIDGETS}/public/ping`).set('Prefer', 'example=anything');
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('Response for contentType: application/json and exampleKey: anything does not exist.');
    const missing = await t.http.post(`${WIDGETS}/widgets`).set(ALICE).set('Prefer', 'code=409, example=nope').send({ name: 'free', color: 'red' });
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('Response for contentType: application/json and exampleKey: nope does not exist.');
  });
});

it('never recorded a response that breaks the spec', () => {
  expect(t.violations()).toEqual([]);
});

import { afterAll, describe, expect, it } from 'vitest';
import { ALICE, BOB, createWidgetsApp, fakeClock, WIDGETS } from '../support/widgets-app.js';

const clock = fakeClock();
const t = await createWidgetsApp({}, { now: clock.now });
afterAll(() => t.close());

const fault = (session: string, rule: object) => t.http.post(`/__admin/faults?session=${session}`).send(rule).expect(201);

describe('one-shot faults', () => {
  it('fire exactly `times` times, then the real handler answers again', async () => {
    await fault('f1', { match: { operationId: 'listWidgets' }, status: 503, times: 2 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await t.http.get(`${WIDGETS}/widgets`).set(ALICE).set('X-Mock-Session', 'f1')).status);
    expect(statuses).toEqual([503, 503, 200, 200]);
    expect((await t.http.get('/__admin/faults?session=f1')).body).toEqual({ faults: [] });
  });

  it('default to one shot and render the status in the API\'s error shape', async () => {
    await fault('f2', { match: { operationId: 'getWidget' }, status: 503 });
    const res = await t.http.get(`${WIDGETS}/widgets/sprocket`).set(ALICE).set('X-Mock-Session', 'f2');
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ message: 'Service Unavailable' });
    await t.http.get(`${WIDGETS}/widgets/sprocket`).set(ALICE).set('X-Mock-Session', 'f2').expect(200);
  });

  it('send the rule\'s own body and headers when given', async () => {
    await fault('f3', { match: { method: 'post', path: `${WIDGETS}/*` }, status: 409, body: { message: 'taken (scripted)' }, headers: { 'X-Why': 'fault' } });
    const res = await t.http.post(`${WIDGETS}/widgets`).set(ALICE).set('X-Mock-Session', 'f3').send({ name: 'new', color: 'red' });
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ message: 'taken (scripted)' });
    expect(res.headers['x-why']).toBe('fault');
  });

  it('fire from the Nth matching call on with `after`', async () => {
    await fault('f4', { match: { operationId: 'listWidgets' }, status: 503, after: 3, times: 1 });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await t.http.get(`${WIDGETS}/widgets`).set(ALICE).set('X-Mock-Session', 'f4')).status);
    expect(statuses).toEqual([200, 200, 503, 200]);
  });

  it('only affect the session they were added to', async () => {
    await fault('f5', { match: { operationId: 'listWidgets' }, status: 503 });
    await t.http.get(`${WIDGETS}/widgets`).set(ALICE).set('X-Mock-Session', 'other').expect(200);
    await t.http.get(`${WIDGETS}/widgets`).set(ALICE).set('X-Mock-Session', 'f5').expect(503);
  });

  it('are refused with 400 when they do nothing', async () => {
    const res = await t.http.post('/__admin/faults').send({ match: { operationId: 'listWidgets' } });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/delay, rateLimit, truncate, dribble, status, reset, empty, garbage or stall/);
  });

  it('are refused with 400 and a suggestion when they name an operation or API the app does not mount', async () => {
    const misspelt = await t.http.post('/__admin/faults?session=f7').send({ match: { operationId: 'getWidgt' }, status: 503 });
    expect(misspelt.status).toBe(400);
    expect(misspelt.body.message).toMatch(/getWidgt.*did you mean "getWidget"\?/);
    const unknownApi = await t.http.post('/__admin/faults?session=f7').send({ match: { api: 'widget' }, status: 503 });
    expect(unknownApi.status).toBe(400);
    expect(unknownApi.body.message).toMatch(/did you mean "widgets"\?/);
    // An unknown key is refused too (the grammar has no "tims"): a misspelling never fires once instead of twice.
    await t.http.post('/__admin/faults?session=f7').send({ match: { operationId: 'getWidget' }, status: 503, tims: 2 }).expect(400);
  });

  it('delay the answer when they carry a delay', async () => {
    await fault('f6', { match: { operationId: 'ping' }, delay: '150ms' });
    const started = Date.now();
    await t.http.get(`${WIDGETS}/public/ping`).set('X-Mock-Session', 'f6').expect(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe('rate limits from the scenario (3 per 10 s per credential, for bob)', () => {
  const list = (session: string) => t.http.get(`${WIDGETS}/widgets`).set(BOB).set('X-Mock-Session', session);

  it('count RateLimit-Remaining down, then answer 429 with Retry-After', async () => {
    const answers = [];
    for (let i = 0; i < 4; i++) {
      const res = await list('rl1');
      answers.push([res.status, res.headers['ratelimit-limit'], res.headers['ratelimit-remaining'], res.headers['retry-after']]);
    }
    expect(answers).toEqual([
      [200, '3', '2', undefined],
      [200, '3', '1', undefined],
      [200, '3', '0', undefined],
      [429, '3', '0', '10'],
    ]);
  });

  it('reset when the window has passed', async () => {
    for (let i = 0; i < 3; i++) await list('rl2').expect(200);
    clock.advance(4_000);
    const blocked = await list('rl2').expect(429);
    expect(blocked.headers['retry-after']).toBe('6');
    expect(blocked.headers['ratelimit-reset']).toBe('6');
    clock.advance(6_000);
    const again = await list('rl2').expect(200);
    expect(again.headers['ratelimit-remaining']).toBe('2');
  });

  it('count per credential: alice is not limited by bob\'s calls', async () => {
    for (let i = 0; i < 3; i++) await list('rl3').expect(200);
    await list('rl3').expect(429);
    await t.http.get(`${WIDGETS}/widgets`).set(ALICE).set('X-Mock-Session', 'rl3').expect(200);
  });

  it('apply a token bucket when asked, refilling continuously', async () => {
    await fault('tb', { match: { operationId: 'getWidget' }, rateLimit: { limit: 2, window: '2s', algorithm: 'token-bucket', status: 420 }, times: 100 });
    const get = () => t.http.get(`${WIDGETS}/widgets/sprocket`).set(ALICE).set('X-Mock-Session', 'tb');
    await get().expect(200);
    await get().expect(200);
    const blocked = await get().expect(420);
    expect(blocked.headers['retry-after']).toBe('1');
    clock.advance(1_000);
    await get().expect(200);
  });
});

it('never recorded a response that breaks the spec', () => {
  // Faults answer undeclared statuses on purpose (getWidget declares no 503 or 420): not counted as the mock's violations.
  expect(t.violations()).toEqual([]);
});

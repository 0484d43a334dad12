import { afterAll, describe, expect, it } from 'vitest';
import { ALICE, createWidgetsApp, WIDGETS } from '../support/widgets-app.js';

const t = await createWidgetsApp();
afterAll(() => t.close());

describe('security dispatch', () => {
  it.each([
    ['no credentials', {}, 401, 'authentication required'],
    ['an unknown API key', { 'X-Widget-Key': 'nope' }, 401, 'unknown key'],
    ['a known API key', ALICE, 200, undefined],
    ['basic auth with a bad password', { Authorization: `Basic ${Buffer.from('u:wrong').toString('base64')}` }, 401, 'bad password'],
    ['basic auth with the right password', { Authorization: `Basic ${Buffer.from('u:secret').toString('base64')}` }, 200, undefined],
    ['a bearer token the spec has no scheme for', { Authorization: 'Bearer abc' }, 401, 'authentication required'],
  ])('answers %s with %i', async (_label, headers, status, message) => {
    const res = await t.http.get(`${WIDGETS}/widgets`).set(headers as Record<string, string>);
    expect(res.status).toBe(status);
    if (message) expect(res.body.message).toBe(message);
  });

  it('lets operations with empty security through without credentials', async () => {
    await t.http.get(`${WIDGETS}/public/ping`).expect(200, { pong: true });
  });

  it('reads state of the caller\'s session: a key seeded nowhere else is unknown', async () => {
    // keys come from the scenario; a session restored without them rejects the same key
    await t.http.put('/__admin/state?session=empty').send({ session: 'empty', apis: { widgets: { keys: [], widgets: {} } } }).expect(200);
    await t.http.get(`${WIDGETS}/widgets`).set(ALICE).set('X-Mock-Session', 'empty').expect(401);
  });

  it('never recorded a response that breaks the spec', () => {
    expect(t.violations()).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fixturePath, type TestApp } from '../../support/test-app.js';
import { NOW, READ, WRITE, bearer, body } from './support.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ scenario: fixturePath('registry', 'rate-limited.yaml') }, { now: () => NOW });
});
afterAll(() => t.close());

describe('rate limiting (rule registry-read-limit: 2 read calls a minute per token)', () => {
  it('answers 429 {"detail": "Too Many Requests"} with Retry-After once a token has used its budget', async () => {
    const session = 'registry-limit-a';
    for (let i = 0; i < 2; i++) {
      const ok = await t.http.post(READ).set(bearer('reg-read-token')).set('X-Mock-Session', session).send(body());
      expect(ok.status).toBe(200);
    }
    const res = await t.http.post(READ).set(bearer('reg-read-token')).set('X-Mock-Session', session).send(body());
    expect(res.status).toBe(429);
    expect(res.body).toEqual({ detail: 'Too Many Requests' });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('counts per token: another token still gets read credentials', async () => {
    const session = 'registry-limit-b';
    for (let i = 0; i < 3; i++) await t.http.post(READ).set(bearer('reg-read-token')).set('X-Mock-Session', session).send(body());
    const res = await t.http.post(READ).set(bearer('reg-write-token')).set('X-Mock-Session', session).send(body());
    expect(res.status).toBe(200);
  });

  it('leaves the write endpoint unlimited', async () => {
    const session = 'registry-limit-c';
    for (let i = 0; i < 3; i++) {
      const res = await t.http.post(WRITE).set(bearer('reg-write-token')).set('X-Mock-Session', session).send(body());
      expect(res.status).toBe(200);
    }
  });

  it('kept every answer within the spec', () => {
    expect(t.violations()).toEqual([]);
  });
});

/**
 * Throttling comes from scenario rules (lakeFS itself has no rate limiter): 429 with an empty body, as the spec
 * declares it, with Retry-After and RateLimit-* headers from a rateLimit rule and without them from a plain
 * status rule — the lakeFS Python SDK retries GET / PUT / DELETE by itself only when Retry-After is present.
 */
import { expect, it } from 'vitest';
import { expectNoBody } from '../support.js';
import { as, client, useAuthApp } from './helpers.js';

const t = useAuthApp('rate-limited.yaml');

it('answers 429 with Retry-After once a key has listed users twice in the window', async () => {
  const c = client(t, as('admin'));
  expect((await c.get('/auth/users')).status).toBe(200);
  expect((await c.get('/auth/users')).status).toBe(200);
  const res = await c.get('/auth/users');
  expectNoBody(res, 429);
  expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  expect(res.headers['x-request-id']).toBeTruthy();
  // Another access key has its own counter.
  expect((await c.as(as('restrained')).get('/auth/users')).status).toBe(200);
});

it('answers a bare 429 (no Retry-After) to user creation from the 2nd call on, creating nothing', async () => {
  const c = client(t, as('admin'));
  expect((await c.post('/auth/users', { id: 'first' })).status).toBe(201);
  const res = await c.post('/auth/users', { id: 'second' });
  expectNoBody(res, 429);
  expect(res.headers['retry-after']).toBeUndefined();
  expect((await c.get('/auth/users/second')).status).toBe(404);
});

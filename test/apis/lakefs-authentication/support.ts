/** Shared set-up for the external authentication service tests: a fixed clock, identity tokens, a session per test. */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Response } from 'supertest';
import { lakefsAuthentication } from '../../../src/apis/lakefs-authentication/index.js';
import type { AuthServiceState } from '../../../src/apis/lakefs-authentication/state.js';
import type { AppConfig } from '../../../src/config.js';
import { createTestApp, fixturePath, type TestApp } from '../../support/test-app.js';

export const PREFIX = '/authentication/api/v1';
export const NOW = new Date('2024-05-01T10:00:00Z');
export const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);

/** An app serving only this API (so work in progress elsewhere cannot break these tests), on a fixed clock. */
export function authApp(fixture: string, overrides: Partial<AppConfig> = {}): Promise<TestApp> {
  return createTestApp({ scenario: fixturePath('lakefs-authentication', fixture), ...overrides }, { apis: [lakefsAuthentication], now: () => NOW });
}

export const stateOf = (t: TestApp, session: string) => t.app.sessions.apiState(session, 'lakefs-authentication') as AuthServiceState;

/** Requests under the mount, all in one fresh session (fresh seeded state, fresh rule counters). */
export function client(t: TestApp, session = randomUUID()) {
  return {
    session,
    get: (path: string) => t.http.get(`${PREFIX}${path}`).set('X-Mock-Session', session),
    post: (path: string, body?: unknown) => t.http.post(`${PREFIX}${path}`).set('X-Mock-Session', session).send(body as object),
    postRaw: (path: string, text: string, contentType = 'application/json') =>
      t.http.post(`${PREFIX}${path}`).set('X-Mock-Session', session).set('Content-Type', contentType).send(text),
  };
}

export { identityToken } from '../../support/aws-identity.js';

/** Every error is Go's `{"message"}` with nosniff. */
export function expectError(res: Response, status: number, message?: string | RegExp): void {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(Object.keys(res.body)).toEqual(['message']);
  if (typeof message === 'string') expect(res.body.message).toBe(message);
  else if (message) expect(res.body.message).toMatch(message);
}

/** A status declared without content: nothing in the body, no content type. */
export function expectEmpty(res: Response, status: number): void {
  expect(res.status).toBe(status);
  expect(res.text ?? '').toBe('');
  expect(res.headers['content-type']).toBeUndefined();
}

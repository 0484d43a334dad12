/** Shared by the repos tests: the app, a client per session and user, the seeded ids of the fixture. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import type { Test } from 'supertest';
import { fixturePath, type TestApp } from '../../../support/test-app.js';
import { API, basicAuth, lakefsApp, lakefsState } from '../support.js';
import { repoSpecs } from '../../../../src/apis/lakefs/repos/index.js';
import type { RepoState } from '../../../../src/apis/lakefs/repos/state.js';

export const NOW = new Date('2024-05-01T10:00:00Z');
export const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);

/** Seeded commits of example-repo (basic.yaml). */
export const C1 = 'a1'.repeat(32);
export const C2 = 'b2'.repeat(32);

export const users = {
  admin: basicAuth('AKIAJADMIN222222222Q', 'admin-secret'),
  developer: basicAuth('AKIAJDEVELOPER22222Q', 'developer-secret'),
  viewer: basicAuth('AKIAJVIEWER22222222Q', 'viewer-secret'),
  nobody: basicAuth('AKIAJNOBODY22222222Q', 'nobody-secret'),
  throttled: basicAuth('AKIAJTHROTTLED22222Q', 'throttled-secret'),
  anonymous: {},
};
export type Who = keyof typeof users;

/**
 * One app per file on the basic fixture (or another), serving only this folder's specs, closed afterwards,
 * with the no-violation check.
 */
export function useReposApp(fixture = 'basic.yaml'): TestApp {
  const handle = {} as TestApp;
  beforeAll(async () => {
    Object.assign(handle, await lakefsApp({ scenario: fixturePath('lakefs', 'repos', fixture) }, NOW, repoSpecs));
  });
  afterAll(async () => {
    expect(handle.violations()).toEqual([]);
    await handle.close();
  });
  return handle;
}

/** Requests under /api/v1 as one user, in one session (a fresh seeded state unless a session is given). */
export function client(t: TestApp, who: Who = 'admin', session: string = randomUUID()) {
  const as = (req: Test) => req.set('X-Mock-Session', session).set(users[who]);
  return {
    session,
    as: (other: Who) => client(t, other, session),
    get: (path: string) => as(t.http.get(`${API}${path}`)),
    delete: (path: string, body?: unknown) => (body === undefined ? as(t.http.delete(`${API}${path}`)) : as(t.http.delete(`${API}${path}`)).send(body as object)),
    post: (path: string, body?: unknown) => (body === undefined ? as(t.http.post(`${API}${path}`)) : as(t.http.post(`${API}${path}`)).send(body as object)),
    put: (path: string, body?: unknown) => (body === undefined ? as(t.http.put(`${API}${path}`)) : as(t.http.put(`${API}${path}`)).send(body as object)),
    state: () => lakefsState(t, session).repos as RepoState,
  };
}

export type Client = ReturnType<typeof client>;

/** The path and query of an absolute part URL, for supertest on the same app. */
export function pathOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.pathname}${parsed.search}`;
}

/** The auth tests' fixture people and a client that keeps one fresh mock session per test. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect } from 'vitest';
import { authSpecs } from '../../../../src/apis/lakefs/auth/index.js';
import { issueLoginToken } from '../../../../src/apis/lakefs/jwt.js';
import type { AppConfig } from '../../../../src/config.js';
import { fixturePath, type TestApp } from '../../../support/test-app.js';
import { API, basicAuth, bearerAuth, lakefsApp } from '../support.js';

export const NOW = new Date('2024-05-01T10:00:00Z');
export const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);
export const JWT_SECRET = 'auth-test-secret';

export const KEYS = {
  admin: ['AKIAJADMIN222222222Q', 'admin-secret'],
  developer: ['AKIAJDEVELOPER22222Q', 'developer-secret'],
  nobody: ['AKIAJNOBODY22222222Q', 'nobody-secret'],
  restrained: ['AKIAJRESTRAINED2222Q', 'restrained-secret'],
  teamLead: ['AKIAJTEAMLEAD222222Q', 'team-lead-secret'],
  localOperator: ['AKIAJLOCALOP2222222Q', 'local-secret'],
  remoteOperator: ['AKIAJREMOTEOP222222Q', 'remote-secret'],
  fencedOperator: ['AKIAJFENCEDOP222222Q', 'fenced-secret'],
} as const;

export type Person = keyof typeof KEYS;
export const as = (who: Person) => basicAuth(KEYS[who][0], KEYS[who][1]);
export const tokenOf = async (userId: string, lifetimeSeconds = 3600) => (await issueLoginToken(userId, JWT_SECRET, NOW, lifetimeSeconds)).token;
export const withToken = async (userId: string) => bearerAuth(await tokenOf(userId));

/** Only specs/lakefs/auth.yaml is mounted: the login and repository specs are other folders' business. */
export const authApp = (fixture: string, overrides: Partial<AppConfig> = {}) =>
  lakefsApp({ scenario: fixturePath('lakefs', 'auth', fixture), ...overrides }, NOW, authSpecs);

type Headers = Record<string, string>;

/** Requests under /api/v1 in one session (fresh seeded state), with the given auth headers. */
export function client(t: TestApp, headers: Headers = as('admin'), session: string = randomUUID()) {
  const prepare = <R extends { set(name: string, value: string): R }>(req: R): R => {
    for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
    return req.set('X-Mock-Session', session);
  };
  return {
    session,
    get: (path: string) => prepare(t.http.get(`${API}${path}`)),
    post: (path: string, body?: unknown) => (body === undefined ? prepare(t.http.post(`${API}${path}`)) : prepare(t.http.post(`${API}${path}`)).send(body as object)),
    put: (path: string, body?: unknown) => (body === undefined ? prepare(t.http.put(`${API}${path}`)) : prepare(t.http.put(`${API}${path}`)).send(body as object)),
    delete: (path: string) => prepare(t.http.delete(`${API}${path}`)),
    /** Same session, other credentials. */
    as: (other: Headers) => client(t, other, session),
  };
}

export type Client = ReturnType<typeof client>;

export const enc = encodeURIComponent;

/** One app for the file, closed afterwards, with a check that nothing it answered broke the spec. */
export function useAuthApp(fixture = 'basic.yaml', overrides: Partial<AppConfig> = {}): TestApp {
  const handle = {} as TestApp;
  beforeAll(async () => {
    Object.assign(handle, await authApp(fixture, overrides));
  });
  afterAll(async () => {
    if (!handle.app) return; // the set-up failed, and said why
    expect(handle.violations()).toEqual([]);
    await handle.close();
  });
  return handle;
}

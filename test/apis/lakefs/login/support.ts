/**
 * Set-up for the login-flow tests: an app serving only lakeFS on a clock the tests can move, one fresh
 * session per test (so seeded state and rule counters start clean), and ways to ask who a credential
 * signs in as.
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Response, Test } from 'supertest';
import { lakefs } from '../../../../src/apis/lakefs/index.js';
import { authSpecs } from '../../../../src/apis/lakefs/auth/index.js';
import { flowsOf, type LoginFlows } from '../../../../src/apis/lakefs/login/state.js';
import type { LakefsState } from '../../../../src/apis/lakefs/state.js';
import { createTestApp, fixturePath, type TestApp } from '../../../support/test-app.js';
import { basicAuth } from '../support.js';

export { API, basicAuth, bearerAuth, expectLakefsError, expectNoBody, kinText } from '../support.js';

export const START = new Date('2024-05-01T10:00:00Z');
export const START_SECONDS = START.getTime() / 1000;
export const SECRET = 'login-test-secret';
export const QUICKSTART = { access_key_id: 'AKIAIOSFOLQUICKSTART', secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
export const quickstartBasic = () => basicAuth(QUICKSTART.access_key_id, QUICKSTART.secret_access_key);

/** A clock a test may move forward; every app of this folder reads it. */
export const clock = {
  now: START,
  reset() {
    this.now = START;
  },
  advance(seconds: number) {
    this.now = new Date(this.now.getTime() + seconds * 1000);
  },
};

export function loginApp(fixture = 'basic.yaml'): Promise<TestApp> {
  return createTestApp({ scenario: fixturePath('lakefs', 'login', fixture) }, { apis: [lakefs], now: () => clock.now });
}

export const stateOf = (t: TestApp, session: string) => t.app.sessions.apiState(session, 'lakefs') as LakefsState;
export const flows = (t: TestApp, session: string): LoginFlows => flowsOf(stateOf(t, session));

/** Requests in one session of their own. */
export function client(t: TestApp, session: string = randomUUID()) {
  const inSession = (req: Test) => req.set('X-Mock-Session', session);
  return {
    session,
    get: (path: string) => inSession(t.http.get(path)),
    post: (path: string, body?: unknown) => (body === undefined ? inSession(t.http.post(path)) : inSession(t.http.post(path)).send(body as object)),
    /** A browser form post. */
    form: (path: string, fields: Record<string, string>) =>
      inSession(t.http.post(path)).type('form').send(new URLSearchParams(fields).toString()),
  };
}
export type Client = ReturnType<typeof client>;

/** The claims of a login token (no signature check: the server's acceptance is tested through calls). */
export function claimsOf(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

/** `name=value` of a Set-Cookie header, ready for a Cookie header. */
export function cookiePair(res: Response, name: string): string {
  const line = setCookies(res).find((c) => c.startsWith(`${name}=`));
  expect(line, `Set-Cookie ${name}`).toBeDefined();
  return line!.split(';')[0]!;
}

export function setCookies(res: Response): string[] {
  const raw = res.headers['set-cookie'] as unknown;
  return Array.isArray(raw) ? raw : raw ? [String(raw)] : [];
}

/**
 * Who a request with these headers is signed in as: GET /api/v1/user when the auth operations are served
 * (empty id for nobody), and otherwise the token mailbox (start → release with these headers → the token's
 * `sub`). Throws on any other status, so a test sees what went wrong.
 */
export async function whoAmI(c: Client, headers: Record<string, string>): Promise<{ status: number; user?: string }> {
  if (authSpecs.length > 0) {
    const res = await c.get('/api/v1/user').set(headers);
    return res.status === 200 ? { status: 200, user: res.body.user.id || undefined } : { status: res.status };
  }
  const start = await c.get('/api/v1/auth/get-token/start');
  if (start.status !== 303) return { status: start.status };
  const request = new URL(start.headers.location, 'http://x').searchParams.get('request')!;
  const release = await c.get(`/api/v1/auth/get-token/release-token/${request}`).set(headers);
  if (release.status !== 204) return { status: release.status };
  const box = await c.get(`/api/v1/auth/get-token/mailboxes/${start.headers['x-lakefs-mailbox']}`);
  return { status: 200, user: claimsOf(box.body.token).sub };
}

/** Opens a token-mailbox login: the login request token (from Location) and the secret mailbox. */
export async function startMailbox(c: Client): Promise<{ request: string; mailbox: string; location: string }> {
  const res = await c.get('/api/v1/auth/get-token/start');
  expect(res.status).toBe(303);
  const location = res.headers.location as string;
  return { request: new URL(location, 'http://x').searchParams.get('request')!, mailbox: res.headers['x-lakefs-mailbox'] as string, location };
}

/** An HTML answer of the mock's pages. */
export function expectPage(res: Response, status: number, contains?: string | RegExp): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(res.headers['cache-control']).toBe('no-store');
  expect(res.text.startsWith('<!doctype html>')).toBe(true);
  if (typeof contains === 'string') expect(res.text).toContain(contains);
  else if (contains) expect(res.text).toMatch(contains);
}

export { identityToken } from '../../../support/aws-identity.js';

/**
 * The `caches` option (src/apis/lakefs/caches.ts): lakeFS's repository, auth and settings caches, off by default.
 * What they keep was measured on the real lakeFS 1.80.0 (Community, local KV, default caches): after a delete, the
 * repository answered GET for about 5.5 s, the admin's key, token, cookie and new logins for up to 20 s; new
 * protection rules were enforced 3.9–4.6 s after a write had read the old ones. The clock here is fixed and stepped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resolveCaches } from '../../../src/apis/lakefs/caches.js';
import { fixturePath, type TestApp } from '../../support/test-app.js';
import { API, basicAuth, bearerAuth, expectLakefsError, expectNoBody, lakefsApp, lakefsState } from './support.js';

const KEY = 'AKIAIOSFOLQUICKSTART';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const ADMIN = basicAuth(KEY, SECRET);
const START = Date.parse('2026-03-02T10:00:00Z');

let app: TestApp | undefined;
afterEach(async () => {
  await app?.close();
  app = undefined;
});

/** An app on `scenario` whose clock the test moves with `at(seconds after START)`. */
async function open(scenario: string) {
  const clock = new Date(START);
  app = await lakefsApp({ scenario }, clock);
  const t = app;
  const session = `caches-${Math.random().toString(36).slice(2)}`;
  const call = (method: 'get' | 'post' | 'put' | 'delete', path: string, headers: Record<string, string> = ADMIN) =>
    t.http[method](`${API}${path}`).set({ 'X-Mock-Session': session, ...headers });
  const at = (seconds: number) => {
    clock.setTime(START + seconds * 1000);
  };
  return { t, session, call, at };
}

const withCaches = fixturePath('lakefs', 'caches', 'lakefs-defaults.yaml');
const shippedCommunity = fixturePath('lakefs', 'caches', 'community.yaml');

async function createRepository(call: Awaited<ReturnType<typeof open>>['call'], name: string) {
  const res = await call('post', '/repositories').send({ name, storage_namespace: `local://${name}`, default_branch: 'main' });
  expect(res.status, res.text).toBe(201);
}

describe('caches option: format', () => {
  it('is off unless set; lakefs-defaults is lakeFS 1.80.0\'s defaults; an object tunes them', () => {
    expect(resolveCaches(undefined)).toEqual({ repositorySeconds: 0, authSeconds: 0, settingsSeconds: 0 });
    expect(resolveCaches('off')).toEqual({ repositorySeconds: 0, authSeconds: 0, settingsSeconds: 0 });
    expect(resolveCaches('lakefs-defaults')).toEqual({ repositorySeconds: 5, authSeconds: 20, settingsSeconds: 3 });
    expect(resolveCaches({ authSeconds: 2, settingsSeconds: 0 })).toEqual({ repositorySeconds: 5, authSeconds: 2, settingsSeconds: 0 });
    expect(() => resolveCaches('sometimes')).toThrow(/caches/);
    expect(() => resolveCaches({ authSeconds: -1 })).toThrow(/caches.authSeconds/);
  });
});

describe('repository cache', () => {
  it('keeps a deleted repository readable for 5 s, as lakeFS\'s repository cache does, with nothing under it', async () => {
    const { call, at } = await open(withCaches);
    await createRepository(call, 'cached-repo');
    at(1);
    expectNoBody(await call('delete', '/repositories/cached-repo'), 204);

    at(5.9);
    const got = await call('get', '/repositories/cached-repo');
    expect(got.status, got.text).toBe(200);
    expect(got.body).toMatchObject({ id: 'cached-repo', default_branch: 'main', storage_namespace: 'local://cached-repo' });
    // Recorded from the real 1.80.0 inside the window: empty lists, no branch, no metadata, no second delete.
    const branches = await call('get', '/repositories/cached-repo/branches');
    expect(branches.status).toBe(200);
    expect(branches.body.results).toEqual([]);
    expect((await call('get', '/repositories/cached-repo/tags')).body.results).toEqual([]);
    expectLakefsError(await call('get', '/repositories/cached-repo/branches/main'), 404, 'branch not found');
    expectLakefsError(await call('get', '/repositories/cached-repo/metadata'), 404, 'repository not found');
    expectLakefsError(await call('delete', '/repositories/cached-repo'), 404, 'repository not found');
    expectLakefsError(await call('get', '/repositories/cached-repo/refs/main/commits'), 404, 'ref: not found');
    expectLakefsError(await call('get', '/repositories/cached-repo/refs/main/objects/ls'), 404, 'not found');
    expectLakefsError(await call('post', '/repositories/cached-repo/branches').send({ name: 'b1', source: 'main' }), 404, "source reference 'main': not found");
    const rules = await call('get', '/repositories/cached-repo/settings/branch_protection');
    expect(rules.status).toBe(200);
    expect(rules.body).toEqual([]);
    expect((await call('get', '/repositories')).body.results).toEqual([]);
    const again = await call('post', '/repositories').send({ name: 'cached-repo', storage_namespace: 'local://other', default_branch: 'main' });
    expectLakefsError(again, 409, 'error creating repository: not unique');

    at(6);
    expectLakefsError(await call('get', '/repositories/cached-repo'), 404, 'repository not found');
    expectLakefsError(await call('get', '/repositories/cached-repo/branches'), 404, 'repository not found');
    const created = await call('post', '/repositories').send({ name: 'cached-repo', storage_namespace: 'local://other', default_branch: 'main' });
    expect(created.status, created.text).toBe(201);
  });

  it('prunes expired entries on the next delete, so the state does not grow', async () => {
    const { t, session, call, at } = await open(withCaches);
    await createRepository(call, 'first-repo');
    await createRepository(call, 'second-repo');
    expectNoBody(await call('delete', '/repositories/first-repo'), 204);
    expect(Object.keys(lakefsState(t, session).repos.cachedRepositories ?? {})).toEqual(['first-repo']);
    at(10);
    expectNoBody(await call('delete', '/repositories/second-repo'), 204);
    expect(Object.keys(lakefsState(t, session).repos.cachedRepositories ?? {})).toEqual(['second-repo']);
  });

  it('is off by default: a deleted repository is gone at once', async () => {
    const { call } = await open(shippedCommunity);
    await createRepository(call, 'plain-repo');
    expectNoBody(await call('delete', '/repositories/plain-repo'), 204);
    expectLakefsError(await call('get', '/repositories/plain-repo'), 404, 'repository not found');
  });
});

describe('auth cache', () => {
  async function login(call: Awaited<ReturnType<typeof open>>['call']) {
    const res = await call('post', '/auth/login', {}).send({ access_key_id: KEY, secret_access_key: SECRET });
    expect(res.status, res.text).toBe(200);
    const cookie = String(res.headers['set-cookie']?.[0] ?? '').split(';')[0];
    return { token: res.body.token as string, cookie };
  }

  it('keeps a deleted user\'s key, token, cookie and logins working for 20 s, and (Community) lists it', async () => {
    const { call, at } = await open(withCaches);
    const { token, cookie } = await login(call);
    at(2);
    expectNoBody(await call('delete', '/auth/users/admin'), 204);

    at(21.9);
    expect((await call('get', '/user')).body.user.id).toBe('admin');
    expect((await call('get', '/user', bearerAuth(token))).body.user.id).toBe('admin');
    expect((await call('get', '/user', { Cookie: cookie })).body.user.id).toBe('admin');
    expect((await call('post', '/auth/login', {}).send({ access_key_id: KEY, secret_access_key: SECRET })).status).toBe(200);
    expect((await call('get', '/auth/users')).body.results.map((u: { id: string }) => u.id)).toEqual(['admin']);
    expect((await call('get', '/auth/users/admin')).status).toBe(200);
    expect((await call('get', `/auth/users/admin/credentials/${KEY}`)).status).toBe(200);
    // Repository calls authorize as the cached user too.
    expect((await call('get', '/repositories')).status).toBe(200);
    // Recorded from the real 1.80.0 inside the window: a second delete finds the cached user (204); a new user can be
    // created, but the single-user listing still answers the cached one.
    expectNoBody(await call('delete', '/auth/users/admin'), 204);
    expect((await call('post', '/auth/users').send({ id: 'second' })).status).toBe(201);
    expect((await call('get', '/auth/users')).body.results.map((u: { id: string }) => u.id)).toEqual(['admin']);

    at(22);
    expectLakefsError(await call('get', '/auth/users'), 401, 'error authenticating request');
    expectLakefsError(await call('delete', '/auth/users/admin'), 401, 'error authenticating request');
    expectLakefsError(await call('get', '/user', bearerAuth(token)), 401, 'error authenticating request');
    expectLakefsError(await call('get', '/user', { Cookie: cookie }), 401, 'error authenticating request');
    expectLakefsError(await call('post', '/auth/login', {}).send({ access_key_id: KEY, secret_access_key: SECRET }), 401, 'error authenticating request');
    expect((await call('get', '/user', {})).body).toEqual({ user: { creation_date: 0, id: '' } });
  });

  it('is off by default: a deleted user\'s key is refused at once', async () => {
    const { call } = await open(shippedCommunity);
    expectNoBody(await call('delete', '/auth/users/admin'), 204);
    expectLakefsError(await call('get', '/auth/users'), 401, 'error authenticating request');
    expectLakefsError(await call('post', '/auth/login', {}).send({ access_key_id: KEY, secret_access_key: SECRET }), 401, 'error authenticating request');
  });

  it('in RBAC mode, authorizes a cached user by the policies it had, for the tuned lifetime', async () => {
    const { call, at } = await open(fixturePath('lakefs', 'caches', 'rbac.yaml'));
    const admin = basicAuth('AKIAJADMIN222222222Q', 'admin-secret');
    const developer = basicAuth('AKIAJDEVELOPER22222Q', 'developer-secret');
    // The developer reads its own key through its group's policy, which deleting the user detaches.
    const ownKey = '/auth/users/developer/credentials/AKIAJDEVELOPER22222Q';
    expect((await call('get', ownKey, developer)).status).toBe(200);
    expectNoBody(await call('delete', '/auth/users/developer', admin), 204);
    at(9.5);
    const during = await call('get', ownKey, developer);
    expect(during.status, during.text).toBe(200);
    expect(during.body).toMatchObject({ access_key_id: 'AKIAJDEVELOPER22222Q' });
    expect((await call('get', '/user', developer)).body.user.id).toBe('developer');
    // The user list reads the store in RBAC mode.
    expect((await call('get', '/auth/users', admin)).body.results.map((u: { id: string }) => u.id)).not.toContain('developer');
    at(10);
    expectLakefsError(await call('get', '/user', developer), 401, 'error authenticating request');
  });
});

describe('settings cache', () => {
  it('enforces new branch protection rules 3 s after they are set', async () => {
    const { call, at } = await open(withCaches);
    await createRepository(call, 'guarded-repo');
    const upload = (path: string) =>
      call('post', `/repositories/guarded-repo/branches/main/objects?path=${path}`).attach('content', Buffer.from('x'), 'x');
    expect((await upload('a')).status).toBe(201);
    expectNoBody(await call('put', '/repositories/guarded-repo/settings/branch_protection').send([{ pattern: 'main' }]), 204);
    // The rules read back at once; the writes see them once the cache expires.
    expect((await call('get', '/repositories/guarded-repo/settings/branch_protection')).body).toEqual([{ pattern: 'main' }]);
    at(2.9);
    expect((await upload('b')).status).toBe(201);
    at(3);
    expectLakefsError(await upload('c'), 403, 'cannot write to protected branch');
  });

  it('is off by default: rules apply at once', async () => {
    const { call } = await open(shippedCommunity);
    await createRepository(call, 'guarded-repo');
    expectNoBody(await call('put', '/repositories/guarded-repo/settings/branch_protection').send([{ pattern: 'main' }]), 204);
    const res = await call('post', '/repositories/guarded-repo/branches/main/objects?path=a').attach('content', Buffer.from('x'), 'x');
    expectLakefsError(res, 403, 'cannot write to protected branch');
  });
});

/**
 * The bundled scenarios, as a CI pipeline or a frontend developer starts them: what the auth operations answer
 * with default.yaml, lakefs-rbac.yaml, lakefs-community.yaml and lakefs-rate-limited.yaml, on the real clock.
 */
import { afterEach, expect, it } from 'vitest';
import { apis } from '../../../../src/apis/index.js';
import { authSpecs } from '../../../../src/apis/lakefs/auth/index.js';
import { createTestApp, scenarioPath, type TestApp } from '../../../support/test-app.js';
import { basicAuth, expectLakefsError, expectNoBody } from '../support.js';
import { client } from './helpers.js';

const QUICKSTART = basicAuth('AKIAIOSFOLQUICKSTART', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
const DEVELOPER = basicAuth('AKIAJDEVELOPER22222Q', 'developer/secret/key/0000000000000000000000');
const VIEWER = basicAuth('AKIAJVIEWER22222222Q', 'viewer/secret/key/000000000000000000000000');

let t: TestApp | undefined;
/** Every registered API (the scenarios seed them all), with lakeFS narrowed to this folder's spec. */
const open = async (name: string) =>
  (t = await createTestApp({ scenario: scenarioPath(name) }, { apis: apis.map((a) => (a.name === 'lakefs' ? { ...a, specs: authSpecs } : a)) }));
afterEach(async () => {
  expect(t?.violations()).toEqual([]);
  await t?.close();
  t = undefined;
});

it('default: the quickstart admin manages users, groups, policies and keys', async () => {
  const c = client(await open('default'), QUICKSTART);
  expect((await c.get('/user')).body.user).toMatchObject({ id: 'quickstart', friendly_name: 'quickstart' });
  expect((await c.get('/auth/groups')).body.results.map((g: { id: string }) => g.id)).toEqual(['Admins', 'Developers', 'SuperUsers', 'Viewers']);
  expect((await c.post('/auth/users', { id: 'alice' })).status).toBe(201);
  expectNoBody(await c.put('/auth/groups/Developers/members/alice'), 201);
  const key = await c.post('/auth/users/alice/credentials');
  expect(key.status).toBe(201);
  const alice = c.as(basicAuth(key.body.access_key_id, key.body.secret_access_key));
  expect((await alice.get('/auth/users/alice/credentials')).body.results).toHaveLength(1);
  expectLakefsError(await alice.get('/auth/users'), 401, 'insufficient permissions: not allowed to auth:ListUsers');
});

it('lakefs-rbac: developers and viewers manage only their own keys', async () => {
  const c = client(await open('lakefs-rbac'), DEVELOPER);
  expect((await c.get('/auth/users/developer/credentials')).status).toBe(200);
  expectLakefsError(await c.get('/auth/users/viewer/credentials'), 401, 'insufficient permissions: not allowed to auth:ListCredentials');
  const viewer = c.as(VIEWER);
  expect((await viewer.post('/auth/users/viewer/credentials')).status).toBe(201);
  expectLakefsError(await viewer.get('/auth/users'), 401, 'insufficient permissions: not allowed to auth:ListUsers');
  expect((await c.as(QUICKSTART).get('/auth/users')).body.results.map((u: { id: string }) => u.id)).toEqual(['developer', 'quickstart', 'viewer']);
});

it('lakefs-community: one admin, 409 for a second user, 501 for groups and policies', async () => {
  const c = client(await open('lakefs-community'), QUICKSTART);
  expect((await c.get('/user')).body.user.id).toBe('admin');
  expectLakefsError(await c.post('/auth/users', { id: 'second' }), 409, 'Already exists');
  expectLakefsError(await c.get('/auth/groups'), 501, 'Not Implemented');
  expectLakefsError(await c.get('/auth/policies'), 501, 'Not Implemented');
  expectLakefsError(await c.post('/auth/users/admin/credentials'), 400, 'exceeded number of allowed credentials: invalid request');
});

it('lakefs-rate-limited: the 6th listing in a minute answers 429 with Retry-After, the 4th creation a bare 429', async () => {
  const c = client(await open('lakefs-rate-limited'), QUICKSTART);
  for (let i = 0; i < 5; i++) expect((await c.get('/auth/users')).status).toBe(200);
  const limited = await c.get('/auth/users');
  expectNoBody(limited, 429);
  expect(limited.headers['retry-after']).toBeDefined();
  for (let i = 0; i < 3; i++) expect((await c.post('/auth/users', { id: `u${i}` })).status).toBe(201);
  const throttled = await c.post('/auth/users', { id: 'u3' });
  expectNoBody(throttled, 429);
  expect(throttled.headers['retry-after']).toBeUndefined();
});

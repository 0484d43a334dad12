/**
 * The blocks proposed for the shipped scenarios (default.yaml, lakefs-sso.yaml), on the real clock: what a
 * frontend developer or an SDK's test suite sees with them.
 */
import { afterEach, expect, it } from 'vitest';
import { lakefsAuthentication } from '../../../src/apis/lakefs-authentication/index.js';
import { createTestApp, fixturePath, type TestApp } from '../../support/test-app.js';
import { client, expectEmpty, expectError, identityToken } from './support.js';

let t: TestApp | undefined;
const open = async (fixture: string) =>
  (t = await createTestApp({ scenario: fixturePath('lakefs-authentication', fixture) }, { apis: [lakefsAuthentication] }));
afterEach(async () => {
  expect(t?.violations()).toEqual([]);
  await t?.close();
});

/** A token presigned just now, as lakectl and the Python wrapper build it. */
const freshToken = (fields: Record<string, unknown> = {}) =>
  identityToken({ date: new Date().toISOString().replace(/[-:]|\.\d+/g, ''), expiration_duration: '60', ...fields });

it('default: the LDAP users, the AWS identity, the STS code and the OIDC code all sign in', async () => {
  const c = client(await open('default-block.yaml'));
  expect((await c.post('/ldap/login', { username: 'alice', password: 'alice-password' })).body).toEqual({
    external_user_identifier: 'uid=alice,ou=people,dc=example,dc=org',
  });
  expect((await c.post('/ldap/login', { username: 'bob', password: 'bob-password' })).status).toBe(200);
  expect((await c.post('/auth/external/principal/login', { identity_token: freshToken() })).body).toEqual({
    id: 'arn:aws:sts::123456789012:assumed-role/Developer/alice@example.com',
  });
  const sts = await c.post('/sts/login', { code: 'sts-code-alice', state: 'sts-state-alice', redirect_uri: 'http://localhost:8000/oidc/callback' });
  expect(sts.body.claims).toMatchObject({ sub: 'alice', email: 'alice@example.com', name: 'Alice Example', exp: expect.stringMatching(/^\d+$/) });
  const callback = await c.get('/oidc/callback?code=oidc-code-alice&state=oidc-state-alice');
  expect(callback.status).toBe(302);
  expect(callback.headers.location).toBe('/');
  expectEmpty(await c.get('/healthcheck'), 204);
});

it('lakefs-sso: each seeded entry gives its documented outcome, and the sixth principal login in a minute answers 420', async () => {
  const c = client(await open('sso-block.yaml'));
  expectError(await c.post('/ldap/login', { username: 'carol', password: 'carol-password' }), 401, 'invalid credentials');
  expectError(await c.post('/auth/external/principal/login', { identity_token: freshToken({ access_key_id: 'ASIAQEXAMPLEOLD00001' }) }), 403, 'session expired');
  const bob = freshToken({ access_key_id: 'ASIAQEXAMPLEBOB00001', security_token: 'bob-session-token' });
  expect((await c.post('/auth/external/principal/login', { identity_token: bob })).body).toEqual({ id: 'arn:aws:sts::123456789012:assumed-role/Operator/bob' });
  const noSub = await c.post('/sts/login', { code: 'sts-code-no-sub', state: 's', redirect_uri: 'r' });
  expect(noSub.body.claims).not.toHaveProperty('sub');
  expectError(await c.post('/sts/login', { code: 'sts-code-expired', state: 's', redirect_uri: 'r' }), 401, 'authorization code expired');
  expectEmpty(await c.get('/oidc/callback?code=oidc-code-expired'), 401);
  expect((await c.get('/oidc/callback?code=oidc-code-bob')).headers.location).toBe('/repositories');
  for (let i = 0; i < 3; i++) expect((await c.post('/auth/external/principal/login', { identity_token: freshToken() })).status).toBe(200);
  expectEmpty(await c.post('/auth/external/principal/login', { identity_token: freshToken() }), 420);
});

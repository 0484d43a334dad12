import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fixturePath, type TestApp } from '../../support/test-app.js';
import { lakefsAuthentication } from '../../../src/apis/lakefs-authentication/index.js';
import { authApp, client, expectEmpty, expectError, identityToken, NOW, NOW_SECONDS, PREFIX, stateOf } from './support.js';

describe('with the basic fixture', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await authApp('basic.yaml');
  });
  afterAll(async () => {
    expect(t.violations()).toEqual([]);
    await t.close();
  });

  it('healthCheck answers 204 with no body and no content type', async () => {
    expectEmpty(await client(t).get('/healthcheck'), 204);
  });

  it('answers an unknown path under the mount with 404 "invalid API endpoint"', async () => {
    expectError(await client(t).get('/auth/users'), 404, 'invalid API endpoint');
  });

  it('answers a wrong method with 405 and an Allow header', async () => {
    const res = await client(t).get('/ldap/login');
    expectError(res, 405, 'Method Not Allowed');
    expect(res.headers.allow).toBe('POST');
  });

  it.each([
    ['truncated JSON', '{"username": "alice"', 'request body has an error: failed to decode request body: unexpected end of JSON input'],
    ['a stray character', '{"username": x}', "request body has an error: failed to decode request body: invalid character 'x' looking for beginning of value"],
  ])('answers malformed JSON (%s) with 400 in the {"message"} shape', async (_, text, message) => {
    expectError(await client(t).postRaw('/ldap/login', text), 400, message);
  });

  it('answers a body of another content type with 400, as kin-openapi does (not 415)', async () => {
    const res = await client(t).postRaw('/sts/login', 'code=x', 'text/plain');
    expectError(res, 400, 'request body has an error: header Content-Type has unexpected value "text/plain"');
  });

  it('validates before anything else: an invalid body is 400 even for a code that would be refused', async () => {
    expectError(await client(t).post('/sts/login', { code: 'nope' }), 400, /property "state" is missing|property "redirect_uri" is missing/);
  });

  it('answers a repeated callback parameter with kin-openapi\'s parameter text', async () => {
    expectError(await client(t).get('/oidc/callback?code=a&code=b'), 400, 'parameter "code" in query has an error: value must be a string');
  });

  it('gives exactly one of 50 concurrent redemptions of one code, and one of 50 concurrent callbacks', async () => {
    const c = client(t);
    const body = { code: 'sts-code-bob', state: 's', redirect_uri: 'r' };
    const sts = await Promise.all(Array.from({ length: 50 }, () => c.post('/sts/login', body)));
    expect(sts.filter((r) => r.status === 200)).toHaveLength(1);
    expect(sts.filter((r) => r.status === 401)).toHaveLength(49);
    const callbacks = await Promise.all(Array.from({ length: 50 }, () => c.get('/oidc/callback?code=oidc-code-bob')));
    expect(callbacks.map((r) => r.status).sort()).toEqual([302, ...Array(49).fill(401)]);
  });

  it('seeds each session from the scenario, with every code unused', async () => {
    const state = stateOf(t, client(t).session);
    expect(state.ldapUsers.map((u) => u.dn)).toEqual([
      'uid=alice,ou=people,dc=example,dc=org',
      'uid=bob,ou=people,dc=example,dc=org',
      'uid=carol,ou=people,dc=example,dc=org',
    ]);
    expect(state.stsCodes.map((c) => c.usedAt)).toEqual([null, null, null, null, null]);
    expect(state.externalPrincipals.map((p) => p.expired)).toEqual([false, false, true, false]);
  });
});

describe('with rules', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await authApp('rules.yaml');
  });
  afterAll(async () => {
    expect(t.violations()).toEqual([]);
    await t.close();
  });

  it('answers the third external principal login within a minute with 420, no body, and Retry-After', async () => {
    const c = client(t);
    const body = { identity_token: identityToken() };
    for (let i = 0; i < 2; i++) expect((await c.post('/auth/external/principal/login', body)).status).toBe(200);
    const res = await c.post('/auth/external/principal/login', body);
    expectEmpty(res, 420);
    expect(res.headers['retry-after']).toBe('60');
    expect(res.headers['ratelimit-remaining']).toBe('0');
  });

  it('answers a rate-limited STS login with 429 in the {"message"} shape', async () => {
    const c = client(t);
    const body = { code: 'sts-code-bob', state: 's', redirect_uri: 'r' };
    expect((await c.post('/sts/login', body)).status).toBe(200);
    const res = await c.post('/sts/login', body);
    expectError(res, 429, 'too many requests');
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
  });

  it('answers a scripted one-shot 420 on LDAP login with a {"message"} body (the status is undeclared there), then serves normally', async () => {
    const c = client(t);
    const body = { username: 'alice', password: 'alice-password' };
    expectError(await c.post('/ldap/login', body), 420, 'Enhance Your Calm');
    expect((await c.post('/ldap/login', body)).status).toBe(200);
  });
});

describe('options', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await authApp('options.yaml');
  });
  afterAll(async () => {
    expect(t.violations()).toEqual([]);
    await t.close();
  });

  it('singleUseCodes: false lets a code be redeemed again, by STS login and by the callback', async () => {
    const c = client(t);
    const body = { code: 'sts-reusable', state: 's', redirect_uri: 'r' };
    for (let i = 0; i < 2; i++) {
      const res = await c.post('/sts/login', body);
      expect(res.body).toEqual({ claims: { sub: 'erin', exp: String(NOW_SECONDS + 60) } });
    }
    for (let i = 0; i < 2; i++) {
      const res = await c.get('/oidc/callback?code=oidc-reusable');
      expect(res.status).toBe(302);
      expect(res.headers.location).toBe('/');
    }
  });

  it('checkIdentityTokenExpiry: false accepts a presigned request that has long expired', async () => {
    const token = identityToken({ access_key_id: 'AKIAEXAMPLEERIN00001', date: '20200101T000000Z' });
    expect((await client(t).post('/auth/external/principal/login', { identity_token: token })).body).toEqual({ id: 'arn:aws:iam::123456789012:user/erin' });
  });

  it('ldapUserBaseDn names the DN of users seeded without one', async () => {
    const res = await client(t).post('/ldap/login', { username: 'erin', password: 'erin-password' });
    expect(res.body).toEqual({ external_user_identifier: 'uid=erin,ou=staff,dc=corp,dc=test' });
  });
});

describe('scenarios', () => {
  it('starts empty when the scenario has no apis.lakefs-authentication: every sign-in is refused, health still answers', async () => {
    const t = await authApp('empty.yaml');
    const c = client(t);
    expect(stateOf(t, c.session)).toEqual({ ldapUsers: [], externalPrincipals: [], stsCodes: [], oidcCodes: [] });
    expectError(await c.post('/ldap/login', { username: 'alice', password: 'alice-password' }), 401);
    expectError(await c.post('/auth/external/principal/login', { identity_token: identityToken() }), 401);
    expectError(await c.post('/sts/login', { code: 'c', state: 's', redirect_uri: 'r' }), 401);
    expectEmpty(await c.get('/oidc/callback?code=c'), 401);
    expectEmpty(await c.get('/healthcheck'), 204);
    expect(t.violations()).toEqual([]);
    await t.close();
  });

  it.each([
    ['duplicate-users.yaml', /ldapUsers\[1\]\.username: same value as ldapUsers\[0\]/],
    ['unknown-key.yaml', /ldap/],
  ])('refuses %s at load, naming the problem', async (fixture, message) => {
    await expect(authApp(fixture)).rejects.toThrow(message);
  });

  it('serves the same behaviour under a document that declares no callback parameters (like upstream), at its own prefix, when asked to', async () => {
    // The document holds two of the service's operations, not all of one bundled spec: it binds because `api` asks.
    const t = await createTestApp(
      {
        scenario: fixturePath('lakefs-authentication', 'basic.yaml'),
        specs: [{ file: fixturePath('lakefs-authentication', 'callback-without-params.yaml'), api: 'lakefs-authentication' }],
      },
      { apis: [lakefsAuthentication], now: () => NOW },
    );
    const ok = await t.http.get('/api/v1/oidc/callback?code=oidc-code-bob');
    expect(ok.status).toBe(302);
    expect(ok.headers.location).toBe('/repositories');
    expect((await t.http.get('/api/v1/oidc/callback?code=nope')).status).toBe(401);
    expect((await t.http.get('/api/v1/healthcheck')).status).toBe(204);
    expect(t.violations()).toEqual([]);
    await t.close();
  });

  it('mounts next to every other registered API without a clash', async () => {
    const t = await createTestApp({ scenario: fixturePath('lakefs-authentication', 'basic.yaml') }, { now: () => NOW });
    expect(t.app.mounts.find((m) => m.api.name === 'lakefs-authentication')?.prefix).toBe(PREFIX);
    expectEmpty(await t.http.get(`${PREFIX}/healthcheck`), 204);
    expect(t.violations()).toEqual([]);
    await t.close();
  });
});

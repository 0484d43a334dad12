import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../support/test-app.js';
import { bearerAuth, claimsOf, client, cookiePair, expectLakefsError, identityToken, loginApp, whoAmI } from './support.js';

let t: TestApp;
beforeAll(async () => {
  t = await loginApp('sso-block.yaml');
});
afterAll(async () => {
  expect(t.violations()).toEqual([]);
  await t.close();
});

const EXTERNAL = '/api/v1/auth/external/principal/login';
const STS = '/api/v1/sts/login';
const aws = (fields: Record<string, string>) => ({ identityRequest: { identity_token: identityToken(fields) } });
const sts = (code: string, extra: Record<string, string> = {}) => ({ code, state: 's', redirect_uri: 'http://app/cb', ...extra });

describe('the block proposed for scenarios/lakefs-sso.yaml', () => {
  it('signs the seeded AWS identities in, and refuses the expired, wrong-token and unattached ones', async () => {
    expect(claimsOf((await client(t).post(EXTERNAL, aws({ access_key_id: 'ASIAQEXAMPLEALICE001' }))).body.token).sub).toBe('alice@example.com');
    expect(claimsOf((await client(t).post(EXTERNAL, aws({ access_key_id: 'ASIAQEXAMPLEBOB00001', security_token: 'bob-session-token' }))).body.token).sub).toBe('bob');
    expectLakefsError(await client(t).post(EXTERNAL, aws({ access_key_id: 'ASIAQEXAMPLEBOB00001', security_token: 'x' })), 401, 'invalid token format');
    expectLakefsError(await client(t).post(EXTERNAL, aws({ access_key_id: 'ASIAQEXAMPLEOLD00001' })), 403, 'session expired');
    expectLakefsError(await client(t).post(EXTERNAL, aws({ access_key_id: 'ASIAQEXAMPLEZED00001' })), 404, 'not found');
  });

  it('answers each STS code as its comment says', async () => {
    const alice = await client(t).post(STS, { code: 'sts-code-alice', state: 'sts-state-alice', redirect_uri: 'http://localhost:8000/oidc/callback' });
    expect(claimsOf(alice.body.token).sub).toBe('alice@example.com');
    expect(claimsOf((await client(t).post(STS, sts('sts-code-bob'))).body.token).sub).toBe('bob');
    expectLakefsError(await client(t).post(STS, sts('sts-code-no-sub')), 401, 'Unauthorized');
    expectLakefsError(await client(t).post(STS, sts('sts-code-stranger')), 404, 'not found');
    expectLakefsError(await client(t).post(STS, sts('sts-code-expired')), 403, 'session expired');
  });

  it('signs OIDC identities in through the mock provider, creating carol in Viewers', async () => {
    const c = client(t);
    const chosen = await c.form('/mockgate/lakefs/oidc/authorize', { sub: 'carol' });
    const callback = await c.get(chosen.headers.location);
    expect(await whoAmI(c, { Cookie: cookiePair(callback, 'oidc_auth_session') })).toEqual({ status: 200, user: 'carol@example.com' });
  });

  it('accepts the seeded SSO sessions and the directory user', async () => {
    expect(await whoAmI(client(t), { Cookie: 'oidc_auth_session=oidc-session-alice' })).toEqual({ status: 200, user: 'alice@example.com' });
    expect(await whoAmI(client(t), { Cookie: 'saml_auth_session=saml-session-bob' })).toEqual({ status: 200, user: 'bob' });
    const c = client(t);
    const lara = await c.post('/api/v1/auth/login', { access_key_id: 'lara', secret_access_key: 'lara-password' });
    expect(await whoAmI(c, bearerAuth(lara.body.token))).toEqual({ status: 200, user: 'lara' });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authSpecs } from '../../../../src/apis/lakefs/auth/index.js';
import { tokenOfSessionCookie } from '../../../../src/apis/lakefs/login/web.js';
import type { TestApp } from '../../../support/test-app.js';
import { bearerAuth, claimsOf, client, cookiePair, expectLakefsError, expectNoBody, expectPage, identityToken, loginApp, QUICKSTART, quickstartBasic, SECRET, whoAmI } from './support.js';

let t: TestApp;
beforeAll(async () => {
  t = await loginApp('community.yaml');
});
afterAll(async () => {
  expect(t.violations()).toEqual([]);
  await t.close();
});

describe('open-source lakeFS (mode: community)', () => {
  it('still signs in with a key pair: token, cookie, authenticated calls', async () => {
    const c = client(t);
    const res = await c.post('/api/v1/auth/login', QUICKSTART);
    expect(res.status).toBe(200);
    expect(claimsOf(res.body.token).sub).toBe('admin');
    expect(tokenOfSessionCookie(cookiePair(res, 'internal_auth_session').split('=')[1]!, SECRET)).toBe(res.body.token);
    // GET /user names the admin; without the auth operations the mailbox probe can only answer 501 here.
    expect(await whoAmI(c, bearerAuth(res.body.token))).toEqual(authSpecs.length ? { status: 200, user: 'admin' } : { status: 501 });
  });

  it.each([
    ['externalPrincipalLogin', () => client(t).post('/api/v1/auth/external/principal/login', { identityRequest: { identity_token: identityToken({ access_key_id: 'ASIAQEXAMPLEADMIN001' }) } })],
    ['stsLogin', () => client(t).post('/api/v1/sts/login', { code: 'sts-admin', state: 's', redirect_uri: 'http://app/cb' })],
    ['getTokenRedirect', () => client(t).get('/api/v1/auth/get-token/start')],
    ['getTokenFromMailbox', () => client(t).get(`/api/v1/auth/get-token/mailboxes/${'B'.repeat(43)}`)],
    ['releaseTokenToMailbox', () => client(t).get(`/api/v1/auth/get-token/release-token/${'A'.repeat(32)}`).set(quickstartBasic())],
  ])('answers 501 "Not Implemented" to %s', async (_, call) => {
    expectLakefsError(await call(), 501, 'Not Implemented');
  });

  it('sends an anonymous release to the UI\'s sign-in page before its 501 (as the real lakeFS 1.80.0 does)', async () => {
    const path = `/api/v1/auth/get-token/release-token/${'A'.repeat(32)}`;
    const res = await client(t).get(path);
    expect(res.status).toBe(307);
    expect(res.headers.location).toBe(`/auth/login?next=${encodeURIComponent(path)}&redirected=true`);
  });

  it('authenticates before answering 501 to releaseTokenToMailbox: bad credentials are 401', async () => {
    expectLakefsError(await client(t).get(`/api/v1/auth/get-token/release-token/${'A'.repeat(32)}`).set(bearerAuth('bad')), 401, 'error authenticating request');
  });

  it('answers the OIDC callback with 200 and no body, whatever the query, and signs nobody in', async () => {
    const res = await client(t).get('/api/v1/oidc/callback').query({ code: 'anything', state: 's' });
    expectNoBody(res, 200);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('keeps the mock pages working (they belong to mockgate, not to the edition)', async () => {
    expectPage(await client(t).get('/mockgate/lakefs/oidc/authorize'), 200, 'admin-sub');
    expectPage(await client(t).get('/mockgate/lakefs/login'), 200, 'Sign in to lakeFS');
  });
});

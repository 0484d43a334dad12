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
    expect(await whoAmI(c, bearerAuth(res.body.token))).toEqual(authSpecs.length ? { status: 200, user: 'admin' } : { status: 404 });
  });

  it.each([
    ['externalPrincipalLogin', () => client(t).post('/api/v1/auth/external/principal/login', { identityRequest: { identity_token: identityToken({ access_key_id: 'ASIAQEXAMPLEADMIN001' }) } })],
    ['stsLogin', () => client(t).post('/api/v1/sts/login', { code: 'sts-admin', state: 's', redirect_uri: 'http://app/cb' })],
  ])('answers 501 "Not Implemented" to %s', async (_, call) => {
    expectLakefsError(await call(), 501, 'Not Implemented');
  });

  // Open-source lakeFS dropped these routes in 1.81 (the real 1.84.0 answers its 404 catch-all, test/fidelity).
  it.each([
    ['getTokenRedirect', () => client(t).get('/api/v1/auth/get-token/start')],
    ['getTokenFromMailbox', () => client(t).get(`/api/v1/auth/get-token/mailboxes/${'B'.repeat(43)}`)],
    ['releaseTokenToMailbox', () => client(t).get(`/api/v1/auth/get-token/release-token/${'A'.repeat(32)}`).set(quickstartBasic())],
    ['releaseTokenToMailbox without credentials', () => client(t).get(`/api/v1/auth/get-token/release-token/${'A'.repeat(32)}`)],
  ])('does not serve %s at the default lakefsVersion (1.84)', async (_, call) => {
    expectLakefsError(await call(), 404, 'invalid API endpoint');
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

describe('open-source lakeFS 1.80 (lakefsVersion: 1.80.0), which still routes the token mailbox', () => {
  let t80: TestApp;
  beforeAll(async () => {
    t80 = await loginApp('community-1.80.yaml');
  });
  afterAll(async () => {
    expect(t80.violations()).toEqual([]);
    await t80.close();
  });
  const release = `/api/v1/auth/get-token/release-token/${'A'.repeat(32)}`;

  it.each([
    ['getTokenRedirect', () => client(t80).get('/api/v1/auth/get-token/start')],
    ['getTokenFromMailbox', () => client(t80).get(`/api/v1/auth/get-token/mailboxes/${'B'.repeat(43)}`)],
    ['releaseTokenToMailbox', () => client(t80).get(release).set(quickstartBasic())],
  ])('answers 501 "Not implemented" (1.80\'s text) to %s', async (_, call) => {
    expectLakefsError(await call(), 501, 'Not implemented');
  });

  it('sends an anonymous release to the UI\'s sign-in page before its 501 (as the real lakeFS 1.80.0 does)', async () => {
    const res = await client(t80).get(release);
    expect(res.status).toBe(307);
    expect(res.headers.location).toBe(`/auth/login?next=${encodeURIComponent(release)}&redirected=true`);
  });

  it('authenticates before answering 501 to releaseTokenToMailbox: bad credentials are 401', async () => {
    expectLakefsError(await client(t80).get(release).set(bearerAuth('bad')), 401, 'error authenticating request');
  });
});

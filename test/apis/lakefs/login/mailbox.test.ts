import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../support/test-app.js';
import {
  basicAuth,
  bearerAuth,
  claimsOf,
  client,
  clock,
  cookiePair,
  expectLakefsError,
  expectNoBody,
  expectPage,
  flows,
  loginApp,
  QUICKSTART,
  quickstartBasic,
  setCookies,
  START_SECONDS,
  startMailbox,
  whoAmI,
  kinText,
} from './support.js';

let t: TestApp;
let options: TestApp;
beforeAll(async () => {
  t = await loginApp();
  options = await loginApp('options.yaml');
});
afterEach(() => clock.reset());
afterAll(async () => {
  expect(t.violations()).toEqual([]);
  expect(options.violations()).toEqual([]);
  await t.close();
  await options.close();
});

const START = '/api/v1/auth/get-token/start';
const release = (request: string) => `/api/v1/auth/get-token/release-token/${encodeURIComponent(request)}`;
const mailboxPath = (mailbox: string) => `/api/v1/auth/get-token/mailboxes/${encodeURIComponent(mailbox)}`;
const LOGIN_PAGE = '/mockgate/lakefs/login';
const UNKNOWN_REQUEST = 'A'.repeat(32);
const UNKNOWN_MAILBOX = 'B'.repeat(43);

describe('getTokenRedirect', () => {
  it('answers 303 with the sign-in page in Location and a secret mailbox in X-LakeFS-Mailbox', async () => {
    const c = client(t);
    const res = await c.get(START);
    expectNoBody(res, 303);
    expect(res.headers.location).toMatch(/^\/mockgate\/lakefs\/login\?request=[A-Za-z0-9_-]{32}$/);
    expect(res.headers['x-lakefs-mailbox']).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const request = res.headers.location.split('=')[1];
    expect(res.headers.location).not.toContain(res.headers['x-lakefs-mailbox']);
    expect(flows(t, c.session).loginRequests[request]).toEqual({ mailbox: res.headers['x-lakefs-mailbox'], expiresAt: START_SECONDS + 600 });
  });

  it('opens a new request and mailbox on every call', async () => {
    const c = client(t);
    const [a, b] = [await startMailbox(c), await startMailbox(c)];
    expect(a.request).not.toBe(b.request);
    expect(a.mailbox).not.toBe(b.mailbox);
  });

  it('forgets requests nobody finished once they expire', async () => {
    const c = client(options);
    const old = await startMailbox(c);
    clock.advance(121);
    await startMailbox(c);
    expect(flows(options, c.session).loginRequests[old.request]).toBeUndefined();
    expect(flows(options, c.session).mailboxes[old.mailbox]).toBeUndefined();
  });

  it('answers 429 with no body when a rule throttles the session', async () => {
    expectNoBody(await client(t, 'throttled').get(START), 429);
  });
});

describe('releaseTokenToMailbox and getTokenFromMailbox', () => {
  it('answers 404 until released, then the caller\'s token exactly once, then 404', async () => {
    const c = client(t);
    const { request, mailbox } = await startMailbox(c);
    expectLakefsError(await c.get(mailboxPath(mailbox)), 404, 'not found');
    expectNoBody(await c.get(release(request)).set(quickstartBasic()), 204);
    const got = await c.get(mailboxPath(mailbox));
    expect(got.status).toBe(200);
    expect(got.text.endsWith('}\n')).toBe(true);
    expect(claimsOf(got.body.token)).toMatchObject({ sub: 'quickstart', exp: START_SECONDS + 168 * 3600 });
    expect(got.body.token_expiration).toBe(START_SECONDS + 168 * 3600);
    expectLakefsError(await c.get(mailboxPath(mailbox)), 404, 'not found');
    expect(await whoAmI(c, bearerAuth(got.body.token))).toEqual({ status: 200, user: 'quickstart' });
  });

  it.each([
    ['a bearer token', async () => bearerAuth((await client(t).post('/api/v1/auth/login', QUICKSTART)).body.token), 'quickstart'],
    ['a seeded OIDC session cookie', async () => ({ Cookie: 'oidc_auth_session=seeded-oidc-alice' }), 'alice'],
    ['a seeded SAML session cookie', async () => ({ Cookie: 'saml_auth_session=seeded-saml-bob' }), 'bob'],
    ['basic auth', async () => basicAuth('AKIAJBOBBOBBOBBOBBOQ', 'bob-secret'), 'bob'],
  ])('releases a token for the caller authenticated with %s', async (_, headers, user) => {
    const c = client(t);
    const { request, mailbox } = await startMailbox(c);
    expectNoBody(await c.get(release(request)).set(await headers()), 204);
    expect(claimsOf((await c.get(mailboxPath(mailbox))).body.token).sub).toBe(user);
  });

  it('returns 401 to an anonymous caller and to bad credentials, and releases nothing', async () => {
    const c = client(t);
    const { request, mailbox } = await startMailbox(c);
    // Anonymous: sent to the UI's sign-in page, back here after (as the real lakeFS 1.80.0 answers).
    const anonymous = await c.get(release(request));
    expect(anonymous.status).toBe(307);
    expect(anonymous.headers.location).toBe(`/auth/login?next=${encodeURIComponent(release(request))}&redirected=true`);
    expectLakefsError(await c.get(release(request)).set(basicAuth(QUICKSTART.access_key_id, 'wrong')), 401, 'error authenticating request');
    expectLakefsError(await c.get(release(request)).set(bearerAuth('not.a.token')), 401, 'error authenticating request');
    expectLakefsError(await c.get(mailboxPath(mailbox)), 404, 'not found');
  });

  it('returns 404 for a request that is unknown, already released or expired', async () => {
    const c = client(options);
    expectLakefsError(await c.get(release(UNKNOWN_REQUEST)).set(quickstartBasic()), 404, 'not found');
    const once = await startMailbox(c);
    expectNoBody(await c.get(release(once.request)).set(quickstartBasic()), 204);
    expectLakefsError(await c.get(release(once.request)).set(quickstartBasic()), 404, 'not found');
    const late = await startMailbox(c);
    clock.advance(121);
    expectLakefsError(await c.get(release(late.request)).set(quickstartBasic()), 404, 'not found');
    expectLakefsError(await c.get(mailboxPath(late.mailbox)), 404, 'not found');
  });

  it('returns 404 from a mailbox whose token was released but not collected in time', async () => {
    const c = client(options);
    const { request, mailbox } = await startMailbox(c);
    expectNoBody(await c.get(release(request)).set(quickstartBasic()), 204);
    clock.advance(121);
    expectLakefsError(await c.get(mailboxPath(mailbox)), 404, 'not found');
  });

  it.each(['short', 'x'.repeat(33), 'with/slash-and-more-than-32-chars!!'])('returns 400 for a login request token that cannot be one (%s)', async (token) => {
    expectLakefsError(await client(t).get(release(token)).set(quickstartBasic()), 400, 'invalid login request token');
  });

  it('returns 400 with kin-openapi\'s text for a login request token over 1024 characters', async () => {
    expectLakefsError(
      await client(t).get(release('x'.repeat(1025))).set(quickstartBasic()),
      400,
      kinText('parameter "loginRequestToken" in path has an error: maximum string length is 1024'),
    );
  });

  it.each(['short', 'ünïcödé', 'x'.repeat(2000)])('returns 400 for a mailbox that cannot be one (%s)', async (mailbox) => {
    expectLakefsError(await client(t).get(mailboxPath(mailbox)), 400, 'invalid mailbox');
  });

  it('returns 404 for a well-formed mailbox nobody opened', async () => {
    expectLakefsError(await client(t).get(mailboxPath(UNKNOWN_MAILBOX)), 404, 'not found');
  });

  it('answers 429 with no body when a rule throttles the session', async () => {
    const c = client(t, 'throttled');
    expectNoBody(await c.get(release(UNKNOWN_REQUEST)).set(quickstartBasic()), 429);
    expectNoBody(await c.get(mailboxPath(UNKNOWN_MAILBOX)), 429);
  });
});

describe('the sign-in page (GET /mockgate/lakefs/login)', () => {
  it('asks for an access key pair and carries the login request', async () => {
    const c = client(t);
    const { location, request } = await startMailbox(c);
    const res = await c.get(location);
    expectPage(res, 200, 'Sign in to lakeFS');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.text).toContain(`<input type="hidden" name="request" value="${request}">`);
    expect(res.text).toContain('name="access_key_id"');
    expect(res.text).toContain('name="secret_access_key" type="password"');
    expect(res.text).not.toContain('Continue as');
  });

  it.each([
    ['an internal_auth_session cookie', async () => cookiePair(await client(t).post('/api/v1/auth/login', QUICKSTART), 'internal_auth_session'), 'quickstart'],
    ['an oidc_auth_session cookie', async () => 'oidc_auth_session=seeded-oidc-alice', 'alice'],
    ['a saml_auth_session cookie', async () => 'saml_auth_session=seeded-saml-bob', 'bob'],
  ])('offers to continue as the user of %s', async (_, cookie, user) => {
    const c = client(t);
    const { location } = await startMailbox(c);
    expectPage(await c.get(location).set('Cookie', await cookie()), 200, `Continue as ${user}`);
  });

  it('ignores a session cookie that is expired, forged or of nobody', async () => {
    const c = client(t);
    for (const cookie of ['internal_auth_session=forged.token.value', 'oidc_auth_session=seeded-oidc-expired', 'saml_auth_session=unknown']) {
      const res = await c.get(LOGIN_PAGE).set('Cookie', cookie);
      expectPage(res, 200);
      expect(res.text).not.toContain('Continue as');
    }
  });

  it.each([
    ['unknown', UNKNOWN_REQUEST],
    ['malformed (and hostile)', '"><script>alert(1)</script>'],
  ])('answers a 404 page for a login request that is %s', async (_, request) => {
    const res = await client(t).get(LOGIN_PAGE).query({ request });
    expectPage(res, 404, 'This sign-in link is unknown, already used or expired');
    expect(res.text).not.toContain('<script>alert');
  });

  it('answers 429 with no body when a rule throttles the session', async () => {
    expectNoBody(await client(t, 'throttled').get(LOGIN_PAGE), 429);
  });
});

describe('signing in on the page (POST /mockgate/lakefs/login)', () => {
  it('signs in with the key pair, sets the cookie, and answers a page that releases the token through the API', async () => {
    const c = client(t);
    const { request } = await startMailbox(c);
    const res = await c.form(LOGIN_PAGE, { request, ...QUICKSTART });
    expectPage(res, 200, 'Signed in as <strong>quickstart</strong>');
    expect(res.text).toContain(`fetch("/api/v1/auth/get-token/release-token/${request}",{credentials:'same-origin'})`);
    expect(res.text).toContain(`<noscript><p><a href="/api/v1/auth/get-token/release-token/${request}">`);
    expect(setCookies(res)[0]).toMatch(/^internal_auth_session=[^;]+; Path=\/; Expires=[^;]+; Max-Age=2592000; HttpOnly; SameSite=Lax$/);
  });

  it('continues with the browser\'s existing session when no key pair is given, and sets no cookie', async () => {
    const c = client(t);
    const { request } = await startMailbox(c);
    const res = await c.form(LOGIN_PAGE, { request }).set('Cookie', 'oidc_auth_session=seeded-oidc-alice');
    expectPage(res, 200, 'Signed in as <strong>alice</strong>');
    expect(setCookies(res)).toEqual([]);
  });

  it('signs directory users in too (sso.ldapUsers)', async () => {
    const res = await client(t).form(LOGIN_PAGE, { access_key_id: 'lara', secret_access_key: 'lara-password' });
    expectPage(res, 200, 'Signed in to lakeFS as <strong>lara</strong>');
  });

  it('without a login request, only signs the browser in', async () => {
    const c = client(t);
    const res = await c.form(LOGIN_PAGE, QUICKSTART);
    expectPage(res, 200, 'Signed in to lakeFS as <strong>quickstart</strong>');
    expect(res.text).not.toContain('release-token');
    expect(await whoAmI(c, { Cookie: cookiePair(res, 'internal_auth_session') })).toEqual({ status: 200, user: 'quickstart' });
  });

  it('answers the form again with 401 for a wrong key pair, keeping the request, and sets no cookie', async () => {
    const c = client(t);
    const { request } = await startMailbox(c);
    const res = await c.form(LOGIN_PAGE, { request, access_key_id: QUICKSTART.access_key_id, secret_access_key: 'wrong' });
    expectPage(res, 401, 'Wrong access key ID or secret access key.');
    expect(res.text).toContain(`name="request" value="${request}"`);
    expect(setCookies(res)).toEqual([]);
  });

  it('answers the form again with 401 when no key pair is given and the browser has no session', async () => {
    expectPage(await client(t).form(LOGIN_PAGE, { request: '' }), 401, 'this browser has no lakeFS session');
  });

  it('answers a 404 page for an unknown login request, before checking anything else', async () => {
    expectPage(await client(t).form(LOGIN_PAGE, { request: UNKNOWN_REQUEST, ...QUICKSTART }), 404, 'unknown, already used or expired');
  });

  it('returns 400 for a login request over 1024 characters, and for a post without a form', async () => {
    expectLakefsError(
      await client(t).form(LOGIN_PAGE, { request: 'x'.repeat(1025) }),
      400,
      'request body has an error: doesn\'t match schema: Error at "/request": maximum string length is 1024',
    );
    expectLakefsError(await client(t).post(LOGIN_PAGE), 400, 'request body has an error: value is required but missing');
  });

  it('answers 429 with no body when a rule throttles the session', async () => {
    expectNoBody(await client(t, 'throttled').form(LOGIN_PAGE, QUICKSTART), 429);
  });
});

describe('the lakectl browser login end to end', () => {
  it('start → 404 → sign in on the page → release with the page\'s cookie → token once → 404', async () => {
    const cli = client(t);
    const browser = client(t, cli.session);
    const { location, request, mailbox } = await startMailbox(cli);
    expectLakefsError(await cli.get(mailboxPath(mailbox)), 404, 'not found');

    const page = await browser.get(location);
    const action = /<form method="post" action="([^"]+)" id="credentials"><input type="hidden" name="request" value="([^"]+)">/.exec(page.text)!;
    const signedIn = await browser.form(action[1]!, { request: action[2]!, ...QUICKSTART });
    const releaseUrl = /fetch\("([^"]+)"/.exec(signedIn.text)![1]!;
    expect(releaseUrl).toBe(release(request));
    expectNoBody(await browser.get(releaseUrl).set('Cookie', cookiePair(signedIn, 'internal_auth_session')), 204);

    const token = await cli.get(mailboxPath(mailbox));
    expect(token.status).toBe(200);
    expect(await whoAmI(cli, bearerAuth(token.body.token))).toEqual({ status: 200, user: 'quickstart' });
    expectLakefsError(await cli.get(mailboxPath(mailbox)), 404, 'not found');
  });
});

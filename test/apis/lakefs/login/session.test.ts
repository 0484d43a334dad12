import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { issueLoginToken } from '../../../../src/apis/lakefs/jwt.js';
import { loginCookie, sessionCookieValue, tokenOfSessionCookie } from '../../../../src/apis/lakefs/login/web.js';
import { remove } from '../../../../src/apis/lakefs/table.js';
import type { TestApp } from '../../../support/test-app.js';
import {
  bearerAuth,
  claimsOf,
  client,
  clock,
  cookiePair,
  expectLakefsError,
  expectNoBody,
  loginApp,
  QUICKSTART,
  SECRET,
  setCookies,
  START,
  START_SECONDS,
  stateOf,
  whoAmI,
  kinText,
} from './support.js';

const LOGIN_INFORMATION = 'request body has an error: doesn\'t match schema #/components/schemas/LoginInformation';

let t: TestApp;
beforeAll(async () => {
  t = await loginApp();
});
afterEach(() => clock.reset());
afterAll(async () => {
  expect(t.violations()).toEqual([]);
  await t.close();
});

const LOGIN = '/api/v1/auth/login';

describe('login', () => {
  it('returns 200 with an HS256 login token for the key pair, and sets it as the internal_auth_session cookie', async () => {
    const res = await client(t).post(LOGIN, QUICKSTART);
    expect(res.status).toBe(200);
    expect(res.text.endsWith('}\n')).toBe(true);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(Object.keys(res.body)).toEqual(['token', 'token_expiration']);
    const claims = claimsOf(res.body.token);
    expect(claims).toMatchObject({ iss: 'auth', sub: 'quickstart', aud: 'login', iat: START_SECONDS, exp: START_SECONDS + 168 * 3600 });
    expect(res.body.token_expiration).toBe(START_SECONDS + 168 * 3600);
    const expires = new Date(START.getTime() + 2592000 * 1000).toUTCString();
    expect(setCookies(res)).toEqual([
      `internal_auth_session=${sessionCookieValue(res.body.token, SECRET, START)}; Path=/; Expires=${expires}; Max-Age=2592000; HttpOnly; SameSite=Lax`,
    ]);
  });

  it('issues tokens that authenticate later calls as a bearer token, as the cookie, and as a bare Cookie value', async () => {
    const c = client(t);
    const res = await c.post(LOGIN, QUICKSTART);
    expect(await whoAmI(c, bearerAuth(res.body.token))).toEqual({ status: 200, user: 'quickstart' });
    expect(await whoAmI(c, { Cookie: cookiePair(res, 'internal_auth_session') })).toEqual({ status: 200, user: 'quickstart' });
    expect(await whoAmI(c, { Cookie: res.body.token })).toEqual({ status: 200, user: 'quickstart' });
  });

  it('keeps the token in a session the server signed: the token itself, or a session signed with another secret, is no session', async () => {
    const c = client(t);
    const res = await c.post(LOGIN, QUICKSTART);
    expect(tokenOfSessionCookie(cookiePair(res, 'internal_auth_session').split('=')[1]!, SECRET)).toBe(res.body.token);
    for (const value of [res.body.token, sessionCookieValue(res.body.token, 'another-secret', START), 'garbage']) {
      expect(await whoAmI(c, { Cookie: `internal_auth_session=${value}` })).toEqual({ status: 200 });
    }
  });

  it('marks the cookie Secure only when the client came over TLS', () => {
    expect(loginCookie('t', SECRET, START, 'https://lakefs.example.com')).toContain('; HttpOnly; Secure; SameSite=Lax');
    expect(loginCookie('t', SECRET, START, 'http://127.0.0.1:4010')).not.toContain('Secure');
  });

  it.each([
    ['an unknown access key', { access_key_id: 'AKIAJNOSUCHKEY00000Q', secret_access_key: 'x' }],
    ['a wrong secret', { access_key_id: QUICKSTART.access_key_id, secret_access_key: 'wrong' }],
    ['a directory user with the wrong password', { access_key_id: 'lara', secret_access_key: 'nope' }],
  ])('returns 401 "error authenticating request" for %s, and sets no cookie', async (_, body) => {
    const res = await client(t).post(LOGIN, body);
    expectLakefsError(res, 401, 'error authenticating request');
    expect(setCookies(res)).toEqual([]);
  });

  it('returns 401 for a request without a body, like an unknown key', async () => {
    expectLakefsError(await client(t).post(LOGIN), 401, 'error authenticating request');
  });

  it('returns 401 for the key pair of a user that was deleted', async () => {
    const c = client(t);
    remove(stateOf(t, c.session).users, 'quickstart');
    expectLakefsError(await c.post(LOGIN, QUICKSTART), 401, 'error authenticating request');
  });

  it.each([
    [{ access_key_id: 'AKIAIOSFOLQUICKSTART' }, kinText(`${LOGIN_INFORMATION}: Error at "/secret_access_key": property "secret_access_key" is missing`)],
    [{}, kinText(`${LOGIN_INFORMATION}: Error at "/access_key_id": property "access_key_id" is missing`)],
    [{ access_key_id: 7, secret_access_key: 'x' }, kinText(`${LOGIN_INFORMATION}: Error at "/access_key_id": value must be a string`)],
  ])('returns 400 with kin-openapi\'s text when a body is sent without both fields: %j', async (body, message) => {
    expectLakefsError(await client(t).post(LOGIN, body), 400, message);
  });

  it('returns 400 for malformed JSON', async () => {
    const res = await client(t).post(LOGIN).set('Content-Type', 'application/json').send('{"access_key_id":');
    expectLakefsError(res, 400, /^request body has an error: failed to decode request body/);
  });

  it('answers 429 with no body when a rule throttles the session, and counts per session', async () => {
    const limited = client(t, 'login-limited');
    expect((await limited.post(LOGIN, QUICKSTART)).status).toBe(200);
    expect((await limited.post(LOGIN, QUICKSTART)).status).toBe(200);
    const res = await limited.post(LOGIN, QUICKSTART);
    expectNoBody(res, 429);
    expect(res.headers['retry-after']).toBeDefined();
    expect((await client(t).post(LOGIN, QUICKSTART)).status).toBe(200);
  });

  it('honours loginTokenLifetimeSeconds, and a token stops working once expired', async () => {
    const c = client(t);
    const res = await c.post(LOGIN, QUICKSTART);
    clock.advance(168 * 3600 + 1);
    expect((await whoAmI(c, bearerAuth(res.body.token))).status).toBe(401);
  });

  it('refuses with 401 a token of a user deleted after login', async () => {
    const c = client(t);
    const res = await c.post(LOGIN, QUICKSTART);
    remove(stateOf(t, c.session).users, 'quickstart');
    expect((await whoAmI(c, bearerAuth(res.body.token))).status).toBe(401);
  });

  it('refuses with 401 a token signed with another secret', async () => {
    const forged = (await issueLoginToken('quickstart', 'not-the-secret', START, 3600)).token;
    expect((await whoAmI(client(t), bearerAuth(forged))).status).toBe(401);
    const genuine = (await issueLoginToken('quickstart', SECRET, START, 3600)).token;
    expect(await whoAmI(client(t), bearerAuth(genuine))).toEqual({ status: 200, user: 'quickstart' });
  });
});

describe('login through the directory (sso.ldapUsers)', () => {
  it('creates the user at first sign-in (id = username, external id = DN, default group) and reuses it afterwards', async () => {
    const c = client(t);
    const first = await c.post(LOGIN, { access_key_id: 'lara', secret_access_key: 'lara-password' });
    expect(first.status).toBe(200);
    expect(claimsOf(first.body.token).sub).toBe('lara');
    const state = stateOf(t, c.session);
    expect(state.users.lara).toEqual({ id: 'lara', creationDate: START_SECONDS, friendlyName: 'lara', externalId: 'uid=lara,ou=people,dc=example,dc=org' });
    expect(state.groupMembers.Viewers).toEqual(['lara']);
    const again = await c.post(LOGIN, { access_key_id: 'lara', secret_access_key: 'lara-password' });
    expect(claimsOf(again.body.token).sub).toBe('lara');
    expect(Object.keys(state.users).filter((id) => id === 'lara')).toHaveLength(1);
    expect(await whoAmI(c, bearerAuth(again.body.token))).toEqual({ status: 200, user: 'lara' });
  });

  it('signs in the existing user of that name when it is bound to no other identity', async () => {
    const c = client(t);
    const res = await c.post(LOGIN, { access_key_id: 'bob', secret_access_key: 'bob-ldap-password' });
    expect(res.status).toBe(401); // bob is bound to bob-sub: the directory's "bob" is someone else
    stateOf(t, c.session).users.bob!.externalId = undefined;
    const retry = await c.post(LOGIN, { access_key_id: 'bob', secret_access_key: 'bob-ldap-password' });
    expect(claimsOf(retry.body.token).sub).toBe('bob');
  });
});

describe('logout', () => {
  it('clears the three session cookies and redirects (307) to logoutRedirect', async () => {
    const res = await client(t).get('/logout');
    expectNoBody(res, 307);
    expect(res.headers.location).toBe('/signed-out');
    expect(setCookies(res)).toEqual(
      ['internal_auth_session', 'oidc_auth_session', 'saml_auth_session'].map(
        (name) => `${name}=; Path=/; Expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0; HttpOnly; SameSite=Lax`,
      ),
    );
  });

  it('answers 429 with no body when a rule throttles the session', async () => {
    expectNoBody(await client(t, 'throttled').get('/logout'), 429);
  });
});

describe('the cookie flow end to end', () => {
  it('login sets the cookie, the cookie authenticates, logout clears it and the browser is signed out', async () => {
    const c = client(t);
    const login = await c.post(LOGIN, QUICKSTART);
    const jar = cookiePair(login, 'internal_auth_session');
    expect(await whoAmI(c, { Cookie: jar })).toEqual({ status: 200, user: 'quickstart' });

    const logout = await c.get('/logout').set('Cookie', jar);
    const cleared = cookiePair(logout, 'internal_auth_session');
    expect(cleared).toBe('internal_auth_session=');
    // A browser now sends no session cookie at all (an expired cookie is dropped).
    expect(await whoAmI(c, {})).toMatchObject({ user: undefined });
  });
});

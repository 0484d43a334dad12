import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../../support/test-app.js';
import {
  client,
  clock,
  cookiePair,
  expectLakefsError,
  expectNoBody,
  expectPage,
  flows,
  loginApp,
  setCookies,
  START_SECONDS,
  stateOf,
  whoAmI,
  type Client,
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

const AUTHORIZE = '/mockgate/lakefs/oidc/authorize';
const CALLBACK = '/api/v1/oidc/callback';

/** Chooses an identity on the authorize page: the code and state the browser is sent back with. */
async function authorize(c: Client, sub: string, extra: Record<string, string> = {}): Promise<{ location: string; code: string; state: string | null }> {
  const res = await c.form(AUTHORIZE, { sub, ...extra });
  expectNoBody(res, 302);
  const location = res.headers.location as string;
  const params = new URL(location, 'http://x').searchParams;
  return { location, code: params.get('code')!, state: params.get('state') };
}

describe('the mock identity provider page (GET /mockgate/lakefs/oidc/authorize)', () => {
  it('lists the seeded identities as buttons that post the sub, redirect_uri and state', async () => {
    const res = await client(t).get(`${AUTHORIZE}?redirect_uri=/api/v1/oidc/callback&state=xyz`);
    expectPage(res, 200, 'Sign in with the mock identity provider');
    for (const sub of ['alice-sub', 'carol-sub', 'dave-sub', 'erin-sub']) expect(res.text).toContain(`name="sub" value="${sub}"`);
    expect(res.text).toContain('<input type="hidden" name="state" value="xyz">');
    expect(res.text).toContain('<input type="hidden" name="redirect_uri" value="/api/v1/oidc/callback">');
    expect(res.text).toContain(`method="post" action="${AUTHORIZE}"`);
  });

  it('escapes every echoed value (seeded names, state, redirect_uri)', async () => {
    const state = '"><script>alert(2)</script>';
    const res = await client(t).get(AUTHORIZE).query({ state, redirect_uri: 'http://localhost:3000/cb?a=1&b="2"' });
    expectPage(res, 200);
    expect(res.text).not.toContain('<script>alert');
    expect(res.text).toContain('Carol &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.text).toContain('value="&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"');
    expect(res.text).toContain('value="http://localhost:3000/cb?a=1&amp;b=&quot;2&quot;"');
  });

  it('defaults redirect_uri to lakeFS\'s callback and omits the state when none is given', async () => {
    const res = await client(t).get(AUTHORIZE);
    expect(res.text).toContain('value="/api/v1/oidc/callback"');
    expect(res.text).not.toContain('name="state"');
  });

  it('says so when the scenario seeds no identities', async () => {
    const c = client(t);
    flows(t, c.session).oidcIdentities.length = 0;
    expectPage(await c.get(AUTHORIZE), 200, 'seeds no identities');
  });

  it.each(['javascript:alert(1)', '//evil.example/cb', 'data:text/html,hi', 'not a url'])('returns 400 for redirect_uri %s', async (target) => {
    expectLakefsError(await client(t).get(AUTHORIZE).query({ redirect_uri: target }), 400, /^invalid redirect_uri/);
  });

  it('answers 429 with no body when a rule throttles the session', async () => {
    expectNoBody(await client(t, 'throttled').get(AUTHORIZE), 429);
  });
});

describe('choosing an identity (POST /mockgate/lakefs/oidc/authorize)', () => {
  it('redirects (302) to the callback with a fresh single-use code and the state, and remembers the code', async () => {
    const c = client(t);
    const { location, code, state } = await authorize(c, 'alice-sub', { state: 'st 1' });
    expect(location).toBe(`/api/v1/oidc/callback?code=${code}&state=st+1`);
    expect(code).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(state).toBe('st 1');
    expect(flows(t, c.session).oidcCodes[code]).toEqual({ sub: 'alice-sub', redirectUri: '/api/v1/oidc/callback', state: 'st 1', expiresAt: START_SECONDS + 300 });
  });

  it('keeps the query of an absolute redirect_uri and adds code and state to it', async () => {
    const { location, code } = await authorize(client(t), 'alice-sub', { redirect_uri: 'http://localhost:3000/cb?tab=1', state: 's' });
    expect(location).toBe(`http://localhost:3000/cb?tab=1&code=${code}&state=s`);
  });

  it('returns 404 for a sub the scenario does not seed, and issues nothing', async () => {
    const c = client(t);
    expectLakefsError(await c.form(AUTHORIZE, { sub: 'mallory-sub' }), 404, 'identity not found');
    expect(flows(t, c.session).oidcCodes).toEqual({});
  });

  it('returns 400 without a sub, and for an unsafe redirect_uri', async () => {
    expectLakefsError(await client(t).form(AUTHORIZE, { state: 's' }), 400, 'request body has an error: doesn\'t match schema: Error at "/": property "sub" is missing');
    expectLakefsError(await client(t).form(AUTHORIZE, { sub: 'alice-sub', redirect_uri: 'javascript:alert(1)' }), 400, /^invalid redirect_uri/);
  });

  it('answers 429 with no body when a rule throttles the session', async () => {
    expectNoBody(await client(t, 'throttled').form(AUTHORIZE, { sub: 'alice-sub' }), 429);
  });
});

describe('oauthCallback', () => {
  it('signs in the user whose external id is the sub: 302 to oidcRedirect with an oidc_auth_session cookie', async () => {
    const c = client(t);
    const { code } = await authorize(c, 'alice-sub', { state: 'abc' });
    const res = await c.get(CALLBACK).query({ code, state: 'abc' });
    expectNoBody(res, 302);
    expect(res.headers.location).toBe('/repositories');
    const [cookie] = setCookies(res);
    expect(cookie).toMatch(/^oidc_auth_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    const session = cookiePair(res, 'oidc_auth_session').split('=')[1]!;
    expect(flows(t, c.session).oidcSessions[session]).toEqual({ userId: 'alice', claims: { sub: 'alice-sub', email: 'alice@example.com', name: 'Alice Example' } });
    expect(flows(t, c.session).oidcCodes).toEqual({});
    expect(await whoAmI(c, { Cookie: cookiePair(res, 'oidc_auth_session') })).toEqual({ status: 200, user: 'alice' });
  });

  it('creates an unknown person at first sign-in: id = e-mail, friendly name, external id, oidcDefaultGroups', async () => {
    const c = client(t);
    const { code } = await authorize(c, 'carol-sub');
    expect((await c.get(CALLBACK).query({ code })).status).toBe(302);
    const state = stateOf(t, c.session);
    expect(state.users['carol@example.com']).toEqual({
      id: 'carol@example.com',
      creationDate: START_SECONDS,
      externalId: 'carol-sub',
      friendlyName: 'Carol <script>alert(1)</script>',
      email: 'carol@example.com',
    });
    expect(state.groupMembers.Viewers).toEqual(['carol@example.com']);
  });

  it('puts a new user in the groups its identity names (those that exist) instead of the default ones', async () => {
    const c = client(t);
    const { code } = await authorize(c, 'dave-sub');
    await c.get(CALLBACK).query({ code });
    const state = stateOf(t, c.session);
    expect(state.groupMembers.Developers).toContain('dave@example.com');
    expect(state.groupMembers.Viewers ?? []).not.toContain('dave@example.com');
  });

  it('names a new user after its sub when its e-mail is already another user\'s id', async () => {
    const c = client(t);
    const { code } = await authorize(c, 'erin-sub');
    await c.get(CALLBACK).query({ code });
    expect(stateOf(t, c.session).users['erin-sub']).toMatchObject({ externalId: 'erin-sub', email: 'taken@example.com' });
  });

  it('adds a new user to no group with oidcDefaultGroups: []', async () => {
    const c = client(options);
    const { code } = await authorize(c, 'carol-sub');
    await c.get(CALLBACK).query({ code });
    expect(Object.values(stateOf(options, c.session).groupMembers).flat()).not.toContain('carol@example.com');
    expect(stateOf(options, c.session).users['carol@example.com']).toBeDefined();
  });

  it('answers 401 with no body for a code used twice, and changes nothing', async () => {
    const c = client(t);
    const { code } = await authorize(c, 'alice-sub');
    expect((await c.get(CALLBACK).query({ code })).status).toBe(302);
    const sessions = Object.keys(flows(t, c.session).oidcSessions).length;
    expectNoBody(await c.get(CALLBACK).query({ code }), 401);
    expect(Object.keys(flows(t, c.session).oidcSessions)).toHaveLength(sessions);
  });

  it('answers 401 for a code past its lifetime (oidcCodeLifetimeSeconds)', async () => {
    const c = client(options);
    const { code } = await authorize(c, 'alice-sub');
    clock.advance(61);
    expectNoBody(await c.get(CALLBACK).query({ code }), 401);
  });

  it.each([
    ['no code', () => ({})],
    ['an unknown code', () => ({ code: 'never-issued' })],
    ['a state other than the one the sign-in started with', (code: string) => ({ code, state: 'other' })],
    ['no state when the sign-in had one', (code: string) => ({ code })],
    ['an error from the provider', (code: string) => ({ code, state: 'abc', error: 'access_denied' })],
  ])('answers 401 with no body for %s, and keeps the code', async (_, query) => {
    const c = client(t);
    const { code } = await authorize(c, 'alice-sub', { state: 'abc' });
    expectNoBody(await c.get(CALLBACK).query(query(code)), 401);
    expect(flows(t, c.session).oidcCodes[code]).toBeDefined();
  });

  it('answers 429 with no body when a rule throttles the session', async () => {
    expectNoBody(await client(t, 'throttled').get(CALLBACK).query({ code: 'x' }), 429);
  });
});

describe('SSO session cookies', () => {
  it.each([
    ['a seeded oidc_auth_session', 'oidc_auth_session=seeded-oidc-alice', 'alice'],
    ['a seeded saml_auth_session', 'saml_auth_session=seeded-saml-bob', 'bob'],
  ])('%s authenticates as its user', async (_, cookie, user) => {
    expect(await whoAmI(client(t), { Cookie: cookie })).toEqual({ status: 200, user });
  });

  it.each([
    ['an expired seeded session', 'oidc_auth_session=seeded-oidc-expired'],
    ['an unknown session', 'saml_auth_session=nobody'],
  ])('%s is refused with 401', async (_, cookie) => {
    expect((await whoAmI(client(t), { Cookie: cookie })).status).toBe(401);
  });

  it('a session of a user deleted later is refused with 401', async () => {
    const c = client(t);
    delete stateOf(t, c.session).users.alice;
    expect((await whoAmI(c, { Cookie: 'oidc_auth_session=seeded-oidc-alice' })).status).toBe(401);
  });
});

describe('the OIDC flow end to end', () => {
  it('authorize page → choose an identity → callback → cookie → an authenticated call', async () => {
    const c = client(t);
    const page = await c.get(AUTHORIZE).query({ state: 'flow-state' });
    const form = /<form method="post" action="([^"]+)"><input type="hidden" name="sub" value="alice-sub">(.*?)<button/.exec(page.text)!;
    const fields = Object.fromEntries([...`<input type="hidden" name="sub" value="alice-sub">${form[2]}`.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    expect(fields).toEqual({ sub: 'alice-sub', redirect_uri: '/api/v1/oidc/callback', state: 'flow-state' });
    const chosen = await c.form(form[1]!, fields);
    const callback = await c.get(chosen.headers.location);
    expect(callback.status).toBe(302);
    expect(await whoAmI(c, { Cookie: cookiePair(callback, 'oidc_auth_session') })).toEqual({ status: 200, user: 'alice' });
  });
});

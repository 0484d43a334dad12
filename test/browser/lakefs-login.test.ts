/**
 * The lakeFS sign-in flows in a real browser, driven from a page on another localhost port (the "app", as a
 * UI dev server would be) against mockgate: the key-pair login and its session cookie, the OIDC flow through
 * the mock's authorize page and /oidc/callback, and the token mailbox of `lakectl login`. Everything runs in
 * the default session: a browser following redirects and submitting forms sends no X-Mock-Session header, and
 * the mock's pages do not (yet) carry `?__session=` from one step to the next.
 * Every wait is on a URL, a DOM or a response condition; nothing sleeps.
 */
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenOfSessionCookie } from '../../src/apis/lakefs/login/web.js';
import { fixturePath } from '../support/test-app.js';
import { startBrowserHarness, type BrowserHarness } from './support/harness.js';

/** The lakeFS JWT secret of scenarios/default.yaml, which the browser fixture extends. */
const JWT_SECRET = 'mockgate-lakefs-dev-secret';

const QUICKSTART = { access_key_id: 'AKIAIOSFOLQUICKSTART', secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const SESSION_COOKIES = ['internal_auth_session', 'oidc_auth_session', 'saml_auth_session'];
const JWT = /^[\w-]+\.[\w-]+\.[\w-]+$/;
const EMPTY_USER = { user: { id: '', creation_date: 0 } };

/** What a page could read of a fetch answer (headers: only the CORS-safelisted and exposed ones). */
interface CallResult {
  status?: number;
  type?: string;
  url?: string;
  redirected?: boolean;
  headers?: Record<string, string>;
  body?: any;
  error?: string;
}

/** The app pages' global scope (the test compiles without the DOM library; page functions cast globalThis to it). */
/** What the tests pass to the page's fetch: plain, serialisable fields (Node's RequestInit also allows streams). */
interface MockInit {
  method?: string;
  credentials?: 'include' | 'omit' | 'same-origin';
  redirect?: 'follow' | 'error' | 'manual';
  headers?: Record<string, string>;
  body?: string;
}

interface AppWindow {
  callMock(path: string, init?: MockInit): Promise<CallResult>;
  document: { cookie: string };
  sessionStorage: { getItem(key: string): string | null };
}

/** Shared by every app page: `callMock(path, init)` fetches MOCK + path and reports what the page could read. */
const helpers = (mock: string) => `<script>
  const MOCK = ${JSON.stringify(mock)};
  window.callMock = async (path, init) => {
    try {
      const res = await fetch(MOCK + path, init);
      const text = await res.text();
      let body = text;
      try { body = text ? JSON.parse(text) : null; } catch {}
      return { status: res.status, type: res.type, url: res.url, redirected: res.redirected, headers: Object.fromEntries(res.headers.entries()), body };
    } catch (err) {
      return { error: String(err) };
    }
  };
</script>`;

/** The app's home: a "Sign in with SSO" link that starts the OIDC flow with a fresh state, as a lakeFS UI would. */
const indexPage = (mock: string) => `<!doctype html><meta charset="utf-8"><title>app</title>${helpers(mock)}
<a id="sso" href="#">Sign in with SSO</a>
<script>
  document.getElementById('sso').addEventListener('click', (event) => {
    event.preventDefault();
    const state = Math.random().toString(36).slice(2);
    sessionStorage.setItem('oidc-state', state);
    location.href = MOCK + '/mockgate/lakefs/oidc/authorize?' + new URLSearchParams({ redirect_uri: '/api/v1/oidc/callback', state });
  });
</script>`;

/** Where the OIDC callback sends the browser (option oidcRedirect): asks the mock who is signed in. */
const signedInPage = (mock: string) => `<!doctype html><meta charset="utf-8"><title>signed in</title>${helpers(mock)}
<p id="who" data-state="loading">…</p>
<script>
  callMock('/api/v1/user', { credentials: 'include' }).then((answer) => {
    const who = document.getElementById('who');
    who.dataset.user = answer.body && answer.body.user ? answer.body.user.id : '';
    who.dataset.status = String(answer.status);
    who.textContent = who.dataset.user || '(nobody)';
    who.dataset.state = 'done';
  });
</script>`;

/** Where GET /logout sends the browser (option logoutRedirect). */
const signedOutPage = (mock: string) => `<!doctype html><meta charset="utf-8"><title>signed out</title>${helpers(mock)}<h1 id="signed-out">Signed out</h1>`;

let h: BrowserHarness;
let home: string;
let signedIn: string;
let signedOut: string;

beforeAll(async () => {
  h = await startBrowserHarness({ config: { scenario: fixturePath('browser', 'lakefs-login.yaml') } });
  home = h.appUrl(indexPage(h.mockUrl), '/index.html');
  signedIn = h.appUrl(signedInPage(h.mockUrl), '/signed-in');
  signedOut = h.appUrl(signedOutPage(h.mockUrl), '/signed-out');

  // The redirects into the app need its port, known only now: switch the default session (the one browsers
  // use) to the fixture with both options pointed at the app, through the admin API as a developer would.
  const scenario: Record<string, any> = structuredClone(await h.mock.scenarios.load(fixturePath('browser', 'lakefs-login.yaml')));
  delete scenario.file;
  scenario.apis.lakefs.options = { ...scenario.apis.lakefs.options, oidcRedirect: signedIn, logoutRedirect: signedOut };
  const switched = await fetch(`${h.mockUrl}/__admin/scenario?session=default`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ scenario }),
  });
  expect(switched.status).toBe(200);
  expect(await switched.json()).toMatchObject({ name: 'browser-lakefs-login' });
});
afterAll(async () => {
  await h?.close();
});

/** Calls the mock from the app page currently open. */
const callMock = (path: string, init: MockInit = {}) => h.page.evaluate(([p, i]) => (globalThis as unknown as AppWindow).callMock(p, i), [path, init] as const);
const currentUser = (credentials: 'include' | 'omit' = 'include') => callMock('/api/v1/user', { credentials });
const loginFromPage = (pair: { access_key_id: string; secret_access_key: string }) =>
  callMock('/api/v1/auth/login', { method: 'POST', credentials: 'include', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(pair) });

async function mockCookies() {
  return (await h.context.cookies(h.mockUrl)).filter((c) => SESSION_COOKIES.includes(c.name));
}

/** Records what reaches the mock's socket, preflights included (they never reach the journal). */
function spy() {
  const seen: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders }> = [];
  const listener = (req: http.IncomingMessage) => seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
  h.mockServer.on('request', listener);
  return { seen, stop: () => h.mockServer.off('request', listener) };
}

/** A clean browser on the app's home page: no cookies from an earlier flow. */
async function freshStart() {
  await h.context.clearCookies();
  await h.page.goto(home);
}

/**
 * Chromium puts every 4xx a page loads on its console ("Failed to load resource: … status of 401"), fetches
 * included. A test that provokes some says how many of each: they are awaited (console events arrive on their
 * own time) and dropped, so that any other console error still fails the file.
 */
async function expectConsoleStatuses(expected: Record<number, number>) {
  const lineOf = (status: number) => (line: string) => line.includes(`Failed to load resource: the server responded with a status of ${status} `);
  for (const [status, count] of Object.entries(expected)) {
    await expect.poll(() => h.pageErrors.filter(lineOf(Number(status))).length, { timeout: 5_000 }).toBe(count);
  }
  const drop = new Set<number>();
  for (const [status] of Object.entries(expected)) h.pageErrors.forEach((line, i) => lineOf(Number(status))(line) && drop.add(i));
  const rest = h.pageErrors.filter((_, i) => !drop.has(i));
  h.pageErrors.splice(0, h.pageErrors.length, ...rest);
}

function expectNothingBroken() {
  expect(h.pageErrors).toEqual([]);
  expect(h.violations()).toEqual([]);
}

describe('lakeFS login with the session cookie, from another origin', () => {
  beforeAll(freshStart);

  it('signs in with POST /api/v1/auth/login from the app page: 200 with a token, and an HttpOnly SameSite=Lax session cookie', async () => {
    const wire = spy();
    const answer = await loginFromPage(QUICKSTART);
    wire.stop();
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ token: expect.stringMatching(JWT), token_expiration: expect.any(Number) });
    // A JSON body is not a simple request: the browser asked first, with the app's origin.
    expect(wire.seen.map((r) => `${r.method} ${r.url}`)).toEqual(['OPTIONS /api/v1/auth/login', 'POST /api/v1/auth/login']);
    expect(wire.seen[1].headers.origin).toBe(h.appOrigin);

    const [cookie, ...others] = await mockCookies();
    expect(others).toEqual([]);
    expect(cookie).toMatchObject({ name: 'internal_auth_session', path: '/', httpOnly: true, sameSite: 'Lax', secure: false });
    // A session the server signed, holding the token (as lakeFS's securecookie holds it).
    expect(tokenOfSessionCookie(cookie.value, JWT_SECRET)).toBe(answer.body.token);
    // 30 days, as lakeFS keeps it.
    expect(cookie.expires * 1000 - Date.now()).toBeGreaterThan(29 * 24 * 3600 * 1000);
    // Cookies ignore ports, so the app page shares the host's cookie jar, but HttpOnly keeps it from scripts.
    expect(await h.page.evaluate(() => (globalThis as unknown as AppWindow).document.cookie)).not.toContain('internal_auth_session');
  });

  it("authenticates the next call with the cookie alone: GET /api/v1/user with credentials: 'include' is quickstart", async () => {
    const wire = spy();
    const answer = await currentUser('include');
    wire.stop();
    expect(answer.status).toBe(200);
    expect(answer.body.user).toMatchObject({ id: 'quickstart', friendly_name: 'quickstart', creation_date: expect.any(Number) });
    // No Authorization header: the browser sent the cookie the login set, and nothing else.
    const [call] = wire.seen;
    expect(call.headers.authorization).toBeUndefined();
    expect(call.headers.cookie).toMatch(/^internal_auth_session=[\w-]+$/);
    expect(answer.headers).toMatchObject({ 'content-type': expect.stringMatching(/^application\/json/) });
  });

  it("is anonymous with credentials: 'omit': the empty user", async () => {
    const answer = await currentUser('omit');
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(EMPTY_USER);
  });

  it('refuses a wrong secret with 401 in lakeFS error shape, readable by the page, and keeps the session as it was', async () => {
    const cookiesBefore = await mockCookies();
    const answer = await loginFromPage({ ...QUICKSTART, secret_access_key: 'not-the-secret-not-the-secret-not-the-se' });
    expect(answer.status).toBe(401);
    expect(answer.body).toEqual({ message: 'error authenticating request' });
    expect(await mockCookies()).toEqual(cookiesBefore);
    expect((await currentUser()).body.user.id).toBe('quickstart');
    await expectConsoleStatuses({ 401: 1 });
  });

  it('signs out when the browser opens GET /logout: 307 to logoutRedirect (the app) clearing the three session cookies', async () => {
    const landed = await h.page.goto(`${h.mockUrl}/logout`);
    expect(h.page.url()).toBe(signedOut);
    expect(landed!.status()).toBe(200);
    const logout = await landed!.request().redirectedFrom()!.response();
    expect(logout!.status()).toBe(307);
    expect(logout!.headers().location).toBe(signedOut);
    const cleared = (await logout!.headersArray()).filter((header) => header.name.toLowerCase() === 'set-cookie').map((header) => header.value);
    expect(cleared.map((value) => value.split('=')[0])).toEqual(SESSION_COOKIES);
    for (const value of cleared) expect(value).toMatch(/=; Path=\/; Expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0; HttpOnly; SameSite=Lax$/);

    expect(await mockCookies()).toEqual([]);
    expect(await currentUser('include')).toMatchObject({ status: 200, body: EMPTY_USER });
  });

  it("signs out from a fetch too (credentials: 'include', redirect: 'manual'): the page sees an opaque redirect, the cookie is gone", async () => {
    await h.page.goto(home);
    expect((await loginFromPage(QUICKSTART)).status).toBe(200);
    expect((await currentUser()).body.user.id).toBe('quickstart');
    const answer = await callMock('/logout', { credentials: 'include', redirect: 'manual' });
    expect(answer).toMatchObject({ type: 'opaqueredirect', status: 0 });
    expect(await mockCookies()).toEqual([]);
    expect((await currentUser()).body).toEqual(EMPTY_USER);
  });

  it('keeps no cookie for a page on another site (http://localhost:… calling http://127.0.0.1:…): SameSite=Lax, as lakeFS sets it; the token still works as a bearer', async () => {
    await h.context.clearCookies();
    await h.page.goto(home.replace('//127.0.0.1:', '//localhost:'));
    const answer = await loginFromPage(QUICKSTART);
    expect(answer.status).toBe(200);
    // Same host name, other port: same site. localhost vs 127.0.0.1: two sites, and the browser drops the cookie.
    expect(await h.context.cookies()).toEqual([]);
    expect((await currentUser()).body).toEqual(EMPTY_USER);
    const bearer = await callMock('/api/v1/user', { headers: { Authorization: `Bearer ${answer.body.token}` } });
    expect(bearer).toMatchObject({ status: 200, body: { user: { id: 'quickstart' } } });
  });

  it('broke no contract and logged no console error', expectNothingBroken);
});

describe('lakeFS OIDC sign-in through the mock identity provider', () => {
  let callbackUrl: string;

  beforeAll(freshStart);

  it('goes from the app to the authorize page with a state, and back through /oidc/callback into the app, signed in', async () => {
    await h.page.locator('#sso').click();
    await h.page.waitForURL((url) => url.href.startsWith(`${h.mockUrl}/mockgate/lakefs/oidc/authorize?`));
    const authorize = new URL(h.page.url());
    expect(authorize.searchParams.get('redirect_uri')).toBe('/api/v1/oidc/callback');
    const state = authorize.searchParams.get('state');
    expect(state).toMatch(/\S/);
    expect(await h.page.locator('button[data-sub]').evaluateAll((buttons) => buttons.map((b) => b.getAttribute('data-sub')))).toEqual(['quickstart', 'dana']);

    const callback = h.page.waitForRequest((request) => request.url().startsWith(`${h.mockUrl}/api/v1/oidc/callback?`));
    await h.page.locator('button[data-sub="quickstart"]').click();
    await h.page.waitForURL(signedIn);
    callbackUrl = (await callback).url();

    // The code comes back with the state the app started with.
    const back = new URL(callbackUrl);
    expect(back.searchParams.get('state')).toBe(state);
    expect(back.searchParams.get('code')).toMatch(/^[\w-]{32}$/);
    const answer = await (await callback).response();
    expect(answer!.status()).toBe(302);
    expect(answer!.headers().location).toBe(signedIn);
    expect((await answer!.allHeaders())['set-cookie']).toMatch(/^oidc_auth_session=[\w-]+; Path=\/; HttpOnly; SameSite=Lax$/);

    // The page the browser landed on asked the mock who is signed in (with credentials: 'include').
    const who = h.page.locator('#who[data-state="done"]');
    await who.waitFor();
    expect(await who.getAttribute('data-status')).toBe('200');
    expect(await who.getAttribute('data-user')).toBe('quickstart');
  });

  it('keeps the session in an HttpOnly oidc_auth_session cookie that page scripts cannot read', async () => {
    const cookies = await mockCookies();
    expect(cookies).toEqual([expect.objectContaining({ name: 'oidc_auth_session', httpOnly: true, sameSite: 'Lax', path: '/' })]);
    expect(await h.page.evaluate(() => (globalThis as unknown as AppWindow).document.cookie)).not.toContain('oidc_auth_session');
  });

  it('authenticates GET /api/v1/user with that cookie from the app page too; the state it started with is still the app\'s', async () => {
    await h.page.goto(home);
    expect(await currentUser()).toMatchObject({ status: 200, body: { user: { id: 'quickstart' } } });
    expect(await currentUser('omit')).toMatchObject({ status: 200, body: EMPTY_USER });
    expect(await h.page.evaluate(() => (globalThis as unknown as AppWindow).sessionStorage.getItem('oidc-state'))).toBe(new URL(callbackUrl).searchParams.get('state'));
  });

  it('refuses a used code and a forged one with 401 (no body), setting no cookie', async () => {
    const cookiesBefore = await mockCookies();
    const used = callbackUrl.slice(h.mockUrl.length);
    const forged = `/api/v1/oidc/callback?code=${'A'.repeat(32)}&state=forged`;
    for (const path of [used, forged]) {
      const answer = await callMock(path, { credentials: 'include', redirect: 'manual' });
      expect(answer).toMatchObject({ status: 401, body: null });
    }
    expect(await mockCookies()).toEqual(cookiesBefore);
    await expectConsoleStatuses({ 401: 2 });
  });

  it('refuses a good code handed back with another state, and still takes it with its own', async () => {
    // The identity provider's side, scripted: the form the authorize page posts.
    const issued = await fetch(`${h.mockUrl}/mockgate/lakefs/oidc/authorize`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ sub: 'quickstart', redirect_uri: '/api/v1/oidc/callback', state: 'the-state' }),
      redirect: 'manual',
    });
    expect(issued.status).toBe(302);
    const location = new URL(issued.headers.get('location')!, h.mockUrl);
    const code = location.searchParams.get('code')!;
    expect(await callMock(`/api/v1/oidc/callback?code=${code}&state=another-state`, { credentials: 'include', redirect: 'manual' })).toMatchObject({ status: 401 });
    const good = await callMock(`/api/v1/oidc/callback?code=${code}&state=the-state`, { credentials: 'include', redirect: 'manual' });
    expect(good).toMatchObject({ type: 'opaqueredirect', status: 0 });
    await expectConsoleStatuses({ 401: 1 });
  });

  it('creates the lakeFS user at a first sign-in (dana), in the default groups', async () => {
    await freshStart();
    await h.page.locator('#sso').click();
    await h.page.locator('button[data-sub="dana"]').click();
    await h.page.waitForURL(signedIn);
    await h.page.locator('#who[data-state="done"]').waitFor();
    expect(await h.page.locator('#who').getAttribute('data-user')).toBe('dana@example.com');

    const state = (await (await fetch(`${h.mockUrl}/__admin/state?session=default`)).json()) as { apis: { lakefs: any } };
    expect(state.apis.lakefs.users['dana@example.com']).toMatchObject({ id: 'dana@example.com', externalId: 'dana', email: 'dana@example.com', friendlyName: 'Dana Newcomer' });
    expect(state.apis.lakefs.groupMembers.Viewers).toContain('dana@example.com');
  });

  it('ends the OIDC session at GET /logout', async () => {
    await h.page.goto(`${h.mockUrl}/logout`);
    expect(h.page.url()).toBe(signedOut);
    expect(await mockCookies()).toEqual([]);
    expect((await currentUser()).body).toEqual(EMPTY_USER);
  });

  it('broke no contract and logged no console error', expectNothingBroken);
});

describe('lakectl login: the token mailbox', () => {
  /** lakectl's side, as lakectl does it: start without following the redirect, keep the mailbox. */
  async function startAsLakectl(): Promise<{ loginPage: string; mailbox: string }> {
    const res = await fetch(`${h.mockUrl}/api/v1/auth/get-token/start`, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const location = res.headers.get('location')!;
    expect(location).toMatch(/^\/mockgate\/lakefs\/login\?request=[\w-]{32}$/);
    const mailbox = res.headers.get('x-lakefs-mailbox')!;
    expect(mailbox).toMatch(/^[\w-]{43}$/);
    return { loginPage: h.mockUrl + location, mailbox };
  }
  const poll = (mailbox: string) => callMock(`/api/v1/auth/get-token/mailboxes/${mailbox}`);

  beforeAll(freshStart);

  it('exposes X-LakeFS-Mailbox and Location on the 303, but a page cannot read a redirect: the mailbox stays with the caller outside the browser', async () => {
    const followed = h.page.waitForResponse((res) => res.url().startsWith(`${h.mockUrl}/mockgate/lakefs/login?request=`));
    const answer = await callMock('/api/v1/auth/get-token/start', { credentials: 'include' });
    // fetch followed the 303 to the sign-in page: its URL (with the public request token) is readable…
    expect(answer).toMatchObject({ status: 200, redirected: true, url: expect.stringMatching(/\/mockgate\/lakefs\/login\?request=[\w-]{32}$/) });
    // …the mailbox, a header of the 303 itself, is not: the Fetch standard hides redirect answers from pages.
    expect(answer.headers!['x-lakefs-mailbox']).toBeUndefined();
    const redirect = await (await followed).request().redirectedFrom()!.response();
    expect(redirect!.status()).toBe(303);
    const headers = redirect!.headers();
    expect(headers['x-lakefs-mailbox']).toMatch(/^[\w-]{43}$/);
    expect(headers['access-control-allow-origin']).toBe(h.appOrigin);
    expect(headers['access-control-expose-headers'].split(/,\s*/)).toEqual(expect.arrayContaining(['Location', 'X-LakeFS-Mailbox']));
    expect(await callMock('/api/v1/auth/get-token/start', { redirect: 'manual' })).toMatchObject({ type: 'opaqueredirect', status: 0, headers: {} });
  });

  it('hands the token to the waiting client once the user signs in with the key pair: 404 while waiting, 200 once, then 404', async () => {
    const { loginPage, mailbox } = await startAsLakectl();
    // The app page plays lakectl's poll, across origins.
    expect(await poll(mailbox)).toMatchObject({ status: 404, body: { message: 'not found' } });

    // The user's browser (no lakeFS session yet) opens the link lakectl prints.
    const signIn = await h.context.newPage();
    await signIn.goto(loginPage);
    expect(await signIn.locator('#continue').count()).toBe(0);
    await signIn.locator('#credentials input[name="access_key_id"]').fill(QUICKSTART.access_key_id);
    await signIn.locator('#credentials input[name="secret_access_key"]').fill(QUICKSTART.secret_access_key);
    await signIn.locator('#credentials button[type="submit"]').click();
    await signIn.locator('#release-status[data-state="released"]').waitFor();
    await signIn.close();

    const collected = await poll(mailbox);
    expect(collected).toMatchObject({ status: 200, body: { token: expect.stringMatching(JWT), token_expiration: expect.any(Number) } });
    expect(await poll(mailbox)).toMatchObject({ status: 404 });

    // The token is a bearer token of quickstart (checked from a page without any cookie).
    const bearer = { credentials: 'omit' as const, headers: { Authorization: `Bearer ${collected.body.token}` } };
    expect(await callMock('/api/v1/user', bearer)).toMatchObject({ status: 200, body: { user: { id: 'quickstart' } } });
    // Signing in on the page also signed the browser in, as POST /auth/login does.
    expect((await mockCookies()).map((c) => c.name)).toEqual(['internal_auth_session']);
    await expectConsoleStatuses({ 404: 2 });
  });

  it('offers "Continue as quickstart" to a browser that already has a session, and releases a token for it', async () => {
    const { loginPage, mailbox } = await startAsLakectl();
    const signIn = await h.context.newPage();
    await signIn.goto(loginPage);
    expect(await signIn.locator('#continue button').textContent()).toBe('Continue as quickstart');
    await signIn.locator('#continue button').click();
    await signIn.locator('#release-status[data-state="released"]').waitFor();
    await signIn.close();
    const collected = await poll(mailbox);
    expect(collected.status).toBe(200);
    expect(await callMock('/api/v1/user', { credentials: 'omit', headers: { Authorization: `Bearer ${collected.body.token}` } })).toMatchObject({ body: { user: { id: 'quickstart' } } });
  });

  it('refuses a wrong key pair on the sign-in page and releases nothing', async () => {
    const { loginPage, mailbox } = await startAsLakectl();
    const signIn = await h.newPage(); // a fresh browser: no session cookie to continue with
    await signIn.goto(loginPage);
    await signIn.locator('#credentials input[name="access_key_id"]').fill(QUICKSTART.access_key_id);
    await signIn.locator('#credentials input[name="secret_access_key"]').fill('wrong-secret');
    const refused = signIn.waitForResponse((res) => res.request().method() === 'POST');
    await signIn.locator('#credentials button[type="submit"]').click();
    expect((await refused).status()).toBe(401);
    await signIn.locator('p.error[role="alert"]').waitFor();
    expect(await signIn.locator('#release-status').count()).toBe(0);
    await signIn.context().close();
    expect(await poll(mailbox)).toMatchObject({ status: 404 });
    // The form answered again with 401 (a page load), the poll 404.
    await expectConsoleStatuses({ 401: 1, 404: 1 });
  });

  it('lets a UI on another origin do the release itself: GET release-token with its session cookie, 204', async () => {
    const { loginPage, mailbox } = await startAsLakectl();
    const request = new URL(loginPage).searchParams.get('request')!;
    await freshStart();
    expect((await loginFromPage(QUICKSTART)).status).toBe(200);
    expect(await callMock(`/api/v1/auth/get-token/release-token/${request}`, { credentials: 'include' })).toMatchObject({ status: 204 });
    // The login request is used up; the mailbox holds the token.
    expect(await callMock(`/api/v1/auth/get-token/release-token/${request}`, { credentials: 'include' })).toMatchObject({ status: 404 });
    expect(await poll(mailbox)).toMatchObject({ status: 200, body: { token: expect.stringMatching(JWT) } });
    await expectConsoleStatuses({ 404: 1 });
  });

  it('broke no contract and logged no console error', expectNothingBroken);
});

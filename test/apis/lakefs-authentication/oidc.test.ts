import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../support/test-app.js';
import { authApp, client, expectEmpty, expectError, NOW, NOW_SECONDS, stateOf } from './support.js';

let t: TestApp;
beforeAll(async () => {
  t = await authApp('basic.yaml');
});
afterAll(async () => {
  expect(t.violations()).toEqual([]);
  await t.close();
});

const ALICE = { code: 'sts-code-alice', state: 'state-alice', redirect_uri: 'http://localhost:8000/oidc/callback' };
const sts = (body: Record<string, string>) => ({ code: 'sts-code-any', state: 's', redirect_uri: 'http://app/cb', ...body });

describe('STSLogin', () => {
  it('returns 200 with the seeded claims for a code whose state and redirect_uri match', async () => {
    const res = await client(t).post('/sts/login', ALICE);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ claims: { sub: 'alice', email: 'alice@example.com', exp: '1714561200' } });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('adds an exp claim (now + 1 h, as text) when the seeded claims have none, and accepts any state and redirect_uri when the code names none', async () => {
    const res = await client(t).post('/sts/login', { code: 'sts-code-bob', state: 'whatever', redirect_uri: 'http://anywhere/cb' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ claims: { sub: 'bob', exp: String(NOW_SECONDS + 3600) } });
  });

  it('spends the code: the second redemption answers 401 and the state records when it was used', async () => {
    const c = client(t);
    expect((await c.post('/sts/login', ALICE)).status).toBe(200);
    expect(stateOf(t, c.session).stsCodes.find((s) => s.code === ALICE.code)?.usedAt).toBe(NOW.toISOString());
    expectError(await c.post('/sts/login', ALICE), 401, 'authorization code already used');
  });

  it('keeps codes per session: another session can still redeem it', async () => {
    expect((await client(t).post('/sts/login', ALICE)).status).toBe(200);
    expect((await client(t).post('/sts/login', ALICE)).status).toBe(200);
  });

  it.each([
    ['an unknown code', sts({ code: 'nope' }), 'invalid authorization code'],
    ['an expired code', sts({ code: 'sts-code-expired' }), 'authorization code expired'],
    ['a state that does not match', sts({ code: 'sts-code-mismatch', state: 'wrong', redirect_uri: 'http://right/cb' }), 'state does not match the authorization request'],
    ['a redirect_uri that does not match', sts({ code: 'sts-code-mismatch', state: 'right-state', redirect_uri: 'http://evil/cb' }), 'redirect_uri does not match the authorization request'],
  ])('returns 401 for %s, and a refused request does not spend the code', async (_, body, message) => {
    const c = client(t);
    expectError(await c.post('/sts/login', body), 401, message);
    expect(stateOf(t, c.session).stsCodes.every((s) => s.usedAt === null)).toBe(true);
  });

  it.each([
    [{ code: 'c', state: 's' }, 'request body has an error: doesn\'t match schema: property "redirect_uri" is missing'],
    [{ code: 1, state: 's', redirect_uri: 'r' }, 'request body has an error: doesn\'t match schema: Error at "/code": value must be a string'],
  ])('returns 400 with kin-openapi\'s text for %j', async (body, message) => {
    expectError(await client(t).post('/sts/login', body), 400, message);
  });
});

describe('oauthCallback', () => {
  it('redirects (302) to the configured location for a seeded code, with no body', async () => {
    const res = await client(t).get('/oidc/callback?code=oidc-code-alice&state=browser-state');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/dashboard');
    expect(res.text ?? '').toBe('');
  });

  it('redirects to the location the code names, when it names one', async () => {
    const res = await client(t).get('/oidc/callback?code=oidc-code-bob');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/repositories');
  });

  it('spends the code: the second callback answers 401', async () => {
    const c = client(t);
    expect((await c.get('/oidc/callback?code=oidc-code-bob')).status).toBe(302);
    expect(stateOf(t, c.session).oidcCodes.find((o) => o.code === 'oidc-code-bob')?.usedAt).toBe(NOW.toISOString());
    expectEmpty(await c.get('/oidc/callback?code=oidc-code-bob'), 401);
  });

  it.each([
    ['no code', ''],
    ['an empty code', '?code='],
    ['an unknown code', '?code=nope'],
    ['an expired code', '?code=oidc-code-expired'],
    ['a state that does not match', '?code=oidc-code-alice&state=forged'],
    ['a missing state when the code has one', '?code=oidc-code-alice'],
    ['a provider error instead of a code', '?error=access_denied&state=browser-state'],
  ])('returns 401 with no body for %s', async (_, query) => {
    const c = client(t);
    expectEmpty(await c.get(`/oidc/callback${query}`), 401);
    expect(stateOf(t, c.session).oidcCodes.every((o) => o.usedAt === null)).toBe(true);
  });
});

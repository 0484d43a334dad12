import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { put, remove } from '../../../../src/apis/lakefs/table.js';
import type { TestApp } from '../../../support/test-app.js';
import {
  bearerAuth,
  claimsOf,
  client,
  clock,
  expectLakefsError,
  expectNoBody,
  identityToken,
  kinText,
  loginApp,
  START_SECONDS,
  stateOf,
  whoAmI,
} from './support.js';

const EXTERNAL_LOGIN = 'request body has an error: doesn\'t match schema #/components/schemas/ExternalLoginInformation';
const STS_REQUEST = 'request body has an error: doesn\'t match schema #/components/schemas/StsAuthRequest';

let t: TestApp;
let off: TestApp;
beforeAll(async () => {
  t = await loginApp();
  off = await loginApp('options.yaml');
});
afterEach(() => clock.reset());
afterAll(async () => {
  expect(t.violations()).toEqual([]);
  expect(off.violations()).toEqual([]);
  await t.close();
  await off.close();
});

const EXTERNAL = '/api/v1/auth/external/principal/login';
const STS = '/api/v1/sts/login';
const aws = (fields: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({ identityRequest: { identity_token: identityToken(fields) }, ...extra });

describe('externalPrincipalLogin', () => {
  it('returns 200 with a login token for the user the matching principal is attached to, and sets no cookie', async () => {
    const c = client(t);
    const res = await c.post(EXTERNAL, aws());
    expect(res.status).toBe(200);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(claimsOf(res.body.token)).toMatchObject({ sub: 'alice', aud: 'login', exp: START_SECONDS + 168 * 3600 });
    expect(res.body.token_expiration).toBe(START_SECONDS + 168 * 3600);
    expect(await whoAmI(c, bearerAuth(res.body.token))).toEqual({ status: 200, user: 'alice' });
  });

  it('matches a proof whose every seeded field is in the decoded identity_token (access key and session token)', async () => {
    const good = await client(t).post(EXTERNAL, aws({ access_key_id: 'ASIAQEXAMPLEALICE002', security_token: 'alice-session-token' }));
    expect(claimsOf(good.body.token).sub).toBe('alice');
    const wrongToken = await client(t).post(EXTERNAL, aws({ access_key_id: 'ASIAQEXAMPLEALICE002', security_token: 'stolen' }));
    expectLakefsError(wrongToken, 401, 'invalid token format');
  });

  it('matches seeded fields at the top of identityRequest too (any identity request shape)', async () => {
    const res = await client(t).post(EXTERNAL, { identityRequest: { team: 'data', tier: 'gold', extra: 1 } });
    expect(claimsOf(res.body.token).sub).toBe('bob');
    expectLakefsError(await client(t).post(EXTERNAL, { identityRequest: { team: 'data' } }), 401, 'invalid token format');
  });

  it.each([
    [0, START_SECONDS + 168 * 3600],
    [-5, START_SECONDS + 168 * 3600],
    [900, START_SECONDS + 900],
    [10_000_000, START_SECONDS + 336 * 3600],
  ])('gives token_expiration_duration %i a token expiring at %i (default login lifetime, capped at the maximum)', async (asked, exp) => {
    const res = await client(t).post(EXTERNAL, aws({}, { token_expiration_duration: asked }));
    expect(res.body.token_expiration).toBe(exp);
  });

  it.each([
    ['an unknown access key', aws({ access_key_id: 'ASIAQNOBODY000000001' })],
    ['an identity_token that is not base64 JSON', { identityRequest: { identity_token: '%%%not-base64%%%' } }],
    ['an identity_token of a JSON list', { identityRequest: { identity_token: Buffer.from('[1]').toString('base64') } }],
  ])('returns 401 "invalid token format" for %s', async (_, body) => {
    expectLakefsError(await client(t).post(EXTERNAL, body), 401, 'invalid token format');
  });

  it('returns 403 "session expired" for a proof of a principal marked expired', async () => {
    expectLakefsError(await client(t).post(EXTERNAL, aws({ access_key_id: 'ASIAQEXAMPLEOLD00001' })), 403, 'session expired');
  });

  it('returns 404 "not found" for a proof of a principal no user has, until it is attached', async () => {
    const c = client(t);
    const zed = aws({ access_key_id: 'ASIAQEXAMPLEZED00001' });
    expectLakefsError(await c.post(EXTERNAL, zed), 404, 'not found');
    const principalId = 'arn:aws:sts::123456789012:assumed-role/Unattached/zed';
    put(stateOf(t, c.session).externalPrincipals, principalId, { id: principalId, userId: 'bob' });
    const res = await c.post(EXTERNAL, zed);
    expect(claimsOf(res.body.token).sub).toBe('bob');
  });

  it('returns 404 once the principal is detached from its user, and for a principal whose user is gone', async () => {
    const c = client(t);
    remove(stateOf(t, c.session).externalPrincipals, 'arn:aws:sts::123456789012:assumed-role/Developer/alice');
    expectLakefsError(await c.post(EXTERNAL, aws()), 404, 'not found');
    const d = client(t);
    remove(stateOf(t, d.session).users, 'bob');
    expectLakefsError(await d.post(EXTERNAL, { identityRequest: { team: 'data', tier: 'gold' } }), 404, 'not found');
  });

  it.each([
    ['no body', undefined, 'invalid request'],
    ['an empty identityRequest', { identityRequest: {} }, 'invalid request'],
    ['no identityRequest', { token_expiration_duration: 60 }, kinText(`${EXTERNAL_LOGIN}: Error at "/identityRequest": property "identityRequest" is missing`)],
    ['an identityRequest that is not an object', { identityRequest: 'token' }, kinText(`${EXTERNAL_LOGIN}: Error at "/identityRequest": value must be an object`)],
  ])('returns 400 for %s', async (_, body, message) => {
    expectLakefsError(await client(t).post(EXTERNAL, body), 400, message);
  });

  it('returns 501 when external principals are switched off (options.externalPrincipals: false)', async () => {
    expectLakefsError(await client(off).post(EXTERNAL, aws()), 501, 'Not Implemented');
  });

  it('answers 429 with no body when a rule throttles the session', async () => {
    expectNoBody(await client(t, 'throttled').post(EXTERNAL, aws()), 429);
  });

  it('issues tokens that stop authenticating once they expire', async () => {
    const c = client(t);
    const res = await c.post(EXTERNAL, aws({}, { token_expiration_duration: 60 }));
    clock.advance(61);
    expect((await whoAmI(c, bearerAuth(res.body.token))).status).toBe(401);
  });
});

describe('stsLogin', () => {
  const ALICE = { code: 'sts-alice', state: 'state-alice', redirect_uri: 'http://localhost:3000/callback' };
  const code = (name: string, extra: Record<string, unknown> = {}) => ({ code: name, state: 's', redirect_uri: 'http://app/cb', ...extra });

  it('returns 200 with a one-hour token for the user whose external id is the code\'s sub', async () => {
    const c = client(t);
    const res = await c.post(STS, ALICE);
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['token', 'token_expiration']);
    expect(claimsOf(res.body.token)).toMatchObject({ sub: 'alice', aud: 'login', exp: START_SECONDS + 3600 });
    expect(res.body.token_expiration).toBe(START_SECONDS + 3600);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(await whoAmI(c, bearerAuth(res.body.token))).toEqual({ status: 200, user: 'alice' });
  });

  it.each([
    [60, START_SECONDS + 60],
    [12 * 3600, START_SECONDS + 12 * 3600],
    [100_000, START_SECONDS + 12 * 3600],
  ])('gives ttl_seconds %i a token expiring at %i (twelve hours at most)', async (ttl, exp) => {
    const res = await client(t).post(STS, code('sts-bob', { ttl_seconds: ttl }));
    expect(res.body.token_expiration).toBe(exp);
  });

  it('spends the code: a second redemption is 401, and the state records when it was used', async () => {
    const c = client(t);
    expect((await c.post(STS, ALICE)).status).toBe(200);
    expect(stateOf(t, c.session).login.stsCodes!['sts-alice']!.usedAt).toBe(START_SECONDS);
    expectLakefsError(await c.post(STS, ALICE), 401, 'Unauthorized');
  });

  it('lets a code be redeemed again with stsSingleUseCodes: false', async () => {
    const c = client(off);
    expect((await c.post(STS, ALICE)).status).toBe(200);
    expect((await c.post(STS, ALICE)).status).toBe(200);
  });

  it.each([
    ['an unknown code', code('nope')],
    ['a state other than the code\'s', { ...ALICE, state: 'forged' }],
    ['a redirect_uri other than the code\'s', { ...ALICE, redirect_uri: 'http://evil.example/cb' }],
    ['claims without sub', code('sts-no-sub')],
  ])('returns 401 "Unauthorized" for %s, and spends nothing', async (_, body) => {
    const c = client(t);
    expectLakefsError(await c.post(STS, body), 401, 'Unauthorized');
    expect(Object.values(stateOf(t, c.session).login.stsCodes!).every((entry) => entry.usedAt === undefined)).toBe(true);
  });

  it('returns 403 "session expired" for a code marked expired', async () => {
    expectLakefsError(await client(t).post(STS, code('sts-expired')), 403, 'session expired');
  });

  it('returns 404 "not found" when no user has the sub as external id', async () => {
    expectLakefsError(await client(t).post(STS, code('sts-stranger')), 404, 'not found');
  });

  it.each([
    [{ code: 'sts-bob', state: 's' }, kinText(`${STS_REQUEST}: Error at "/redirect_uri": property "redirect_uri" is missing`)],
    [{ ...code('sts-bob'), ttl_seconds: 'long' }, kinText(`${STS_REQUEST}: Error at "/ttl_seconds": value must be an integer`)],
  ])('returns 400 with kin-openapi\'s text for %j', async (body, message) => {
    expectLakefsError(await client(t).post(STS, body), 400, message);
  });

  it('returns 400 for a request without a body (the body is required)', async () => {
    expectLakefsError(await client(t).post(STS), 400, 'request body has an error: value is required but missing');
  });

  it('answers 429 with no body when a rule throttles the session', async () => {
    expectNoBody(await client(t, 'throttled').post(STS, ALICE), 429);
  });

  it('issues tokens that stop authenticating once they expire, and are refused once the user is deleted', async () => {
    const c = client(t);
    const res = await c.post(STS, code('sts-bob', { ttl_seconds: 30 }));
    expect(await whoAmI(c, bearerAuth(res.body.token))).toEqual({ status: 200, user: 'bob' });
    clock.advance(31);
    expect((await whoAmI(c, bearerAuth(res.body.token))).status).toBe(401);
    clock.reset();
    const d = client(t);
    const again = await d.post(STS, code('sts-bob'));
    remove(stateOf(t, d.session).users, 'bob');
    expect((await whoAmI(d, bearerAuth(again.body.token))).status).toBe(401);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../support/test-app.js';
import { authApp, client, expectError, identityToken } from './support.js';

let t: TestApp;
beforeAll(async () => {
  t = await authApp('basic.yaml');
});
afterAll(async () => {
  expect(t.violations()).toEqual([]);
  await t.close();
});

const login = (identityRequest?: unknown) => client(t).post('/auth/external/principal/login', identityRequest);
const ALICE_ARN = 'arn:aws:sts::123456789012:assumed-role/Dev/alice@example.com';

describe('externalPrincipalLogin', () => {
  it('returns 200 with the caller ARN for an identity token signed by a seeded access key', async () => {
    const res = await login({ identity_token: identityToken() });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: ALICE_ARN });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('accepts the URL-safe base64 alphabet and tokens without padding', async () => {
    const token = identityToken({ security_token: '>>>???' }).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    expect((await login({ identity_token: token })).body).toEqual({ id: ALICE_ARN });
  });

  it('checks the security token when the seeded identity names one', async () => {
    const bob = identityToken({ access_key_id: 'ASIAQEXAMPLEBOB00001', security_token: 'bob-session-token' });
    expect((await login({ identity_token: bob })).body).toEqual({ id: 'arn:aws:sts::123456789012:assumed-role/Ops/bob' });
    const wrong = identityToken({ access_key_id: 'ASIAQEXAMPLEBOB00001', security_token: 'stolen' });
    expectError(await login({ identity_token: wrong }), 401, 'the identity token carries the wrong security token');
  });

  it('returns 401 for an access key no seeded identity has', async () => {
    const res = await login({ identity_token: identityToken({ access_key_id: 'ASIAQUNKNOWN00000001' }) });
    expectError(res, 401, 'the identity token was not signed by a known AWS identity');
  });

  it.each([
    ['marked expired', 'ASIAQEXAMPLEOLD00001'],
    ['past its expiresAt', 'ASIAQEXAMPLELATE0001'],
  ])('returns 403 "session expired" for an identity %s', async (_, accessKeyId) => {
    expectError(await login({ identity_token: identityToken({ access_key_id: accessKeyId }) }), 403, 'session expired');
  });

  it('returns 403 "session expired" when the presigned request has expired (date + expiration_duration is past)', async () => {
    expectError(await login({ identity_token: identityToken({ date: '20240501T095800Z', expiration_duration: '60' }) }), 403, 'session expired');
  });

  it('does not check expiry when the token has no date (hand-made tokens)', async () => {
    const token = Buffer.from(JSON.stringify({ access_key_id: 'ASIAQEXAMPLEALICE001' })).toString('base64');
    expect((await login({ identity_token: token })).body).toEqual({ id: ALICE_ARN });
  });

  it.each([
    ['no body', undefined, 'identity request has no identity_token'],
    ['an empty object', {}, 'identity request has no identity_token'],
    ['an identity_token that is not a string', { identity_token: 42 }, 'identity request has no identity_token'],
    ['an empty identity_token', { identity_token: '' }, 'identity request has no identity_token'],
    ['an identity_token that is not base64', { identity_token: 'not base64!' }, 'identity_token is not base64-encoded JSON'],
    ['base64 of something that is not JSON', { identity_token: Buffer.from('hello').toString('base64') }, 'identity_token is not base64-encoded JSON'],
    ['base64 of a JSON array', { identity_token: Buffer.from('[1]').toString('base64') }, 'identity_token is not base64-encoded JSON'],
    ['a token without access_key_id', { identity_token: identityToken({ access_key_id: undefined }) }, 'identity token has no access_key_id'],
  ])('returns 400 for %s', async (_, body, message) => {
    expectError(await login(body), 400, message);
  });

  it('returns 400 with kin-openapi\'s text when the body is not an object', async () => {
    expectError(await login(['identity_token']), 400, "request body has an error: doesn't match schema: value must be an object");
  });
});

/**
 * The shipped scenarios load, and each serves the paths it exists for, for every API — these are the contract
 * tests the README shows.
 */
import { afterEach, expect, it } from 'vitest';
import { createTestApp, scenarioPath, type TestApp } from '../support/test-app.js';
import { ACME, apiKey, awsKeys, basic, client, expectError } from '../apis/tiledb/helpers.js';
import { body, READ, WRITE } from '../apis/registry/support.js';

const WRITE_OPERATION_ID = 'generate_write_access_credentials_registry_credentials_generate_write_access_credentials_post';
const ALICE = 'tdb-ws_9m4e2mr0ui3e8a215n4g-alicedemotoken00000001';
let t: TestApp | undefined;
const open = async (name: string) => (t = await createTestApp({ scenario: scenarioPath(name) }));
const registryCall = (app: TestApp, path: string, token: string) => app.http.post(path).set('Authorization', `Bearer ${token}`).send(body());
afterEach(async () => {
  expect(t?.violations()).toEqual([]);
  await t?.close();
});

it('default: lists the seeded credentials for the demo token and the demo user', async () => {
  const app = await open('default.yaml');
  const res = await client(app, apiKey(ALICE)).get(`/credentials/${ACME}`);
  expect(res.body.data.map((c: { name: string }) => c.name)).toEqual(['aws-keys', 'azure-sas']);
  expect((await client(app, basic('alice', 'alice-password')).get('/credentials/acme/aws-keys')).status).toBe(200);
  expectError(await client(app, basic('bob', 'bob-password')).get('/credentials/acme'), 403);
});

it('conflicts: creates onto seeded names and second defaults answer 409', async () => {
  const app = await open('conflicts.yaml');
  const c = client(app, apiKey(ALICE));
  expectError(await c.post(`/credentials/${ACME}`, { name: 'taken', provider: 'AWS', credential: awsKeys }), 409);
  expectError(await c.post(`/credentials/${ACME}`, { name: 'other', provider: 'AWS', provider_default: true, credential: awsKeys }), 409);
  expectError(await c.get(`/credentials/${ACME}/aws-keys`), 404);
});

it('expired-token: the expired and revoked tokens answer 401, the demo token still works', async () => {
  const app = await open('expired-token.yaml');
  expectError(await client(app, apiKey('tdb-ws_9m4e2mr0ui3e8a215n4g-aliceexpiredtoken00001')).get('/credentials/acme'), 401, /expired/);
  expectError(await client(app, apiKey('tdb-ws_9m4e2mr0ui3e8a215n4g-alicerevokedtoken00001')).get('/credentials/acme'), 401, /revoked/);
  expect((await client(app, apiKey(ALICE)).get('/credentials/acme')).status).toBe(200);
});

it('rate-limited: the fourth listing within a minute answers 429 with Retry-After', async () => {
  const app = await open('rate-limited.yaml');
  const c = client(app, apiKey(ALICE));
  for (let i = 0; i < 3; i++) expect((await c.get('/credentials/acme')).status).toBe(200);
  const res = await c.get('/credentials/acme');
  expectError(res, 429);
  expect(res.headers['retry-after']).toMatch(/^\d+$/);
});

it('default: registry read and write tokens mint credentials; the read token cannot write; role-less tokens get 401', async () => {
  const app = await open('default.yaml');
  const read = await registryCall(app, READ, 'reg-read-token');
  expect(read.status).toBe(200);
  expect(read.body.credentials.aws_access_key_id).toMatch(/^ASIA[A-Z2-7]{16}$/);
  expect((await registryCall(app, WRITE, 'reg-write-token')).status).toBe(200);
  const denied = await registryCall(app, WRITE, 'reg-read-token');
  expect(denied.status).toBe(401);
  expect(denied.body).toEqual({ detail: "You are not authorised to access this resource as you don't have the correct role." });
  expect((await registryCall(app, READ, 'reg-noclaim-token')).body).toEqual({ detail: 'Token had incorrect structure.' });
  expect((await app.http.post(READ).send(body())).body).toEqual({ detail: 'Not authenticated' });

  // The journal keeps what was minted, with the secrets redacted (and the bearer token with them).
  const minted = (await app.http.get(`/__admin/requests?operationId=${WRITE_OPERATION_ID}&status=200`)).body.requests[0];
  expect(minted.request.headers.authorization).toBe('[redacted]');
  expect(minted.request.body).toEqual(body());
  expect(minted.response.body.credentials).toMatchObject({
    aws_access_key_id: expect.stringMatching(/^ASIA/),
    aws_secret_access_key: '[redacted]',
    aws_session_token: '[redacted]',
  });
});

it('expired-token: the registry answers 401 "Could not validate credentials" for the expired and revoked tokens', async () => {
  const app = await open('expired-token.yaml');
  for (const token of ['reg-expired-token', 'reg-revoked-token']) {
    const res = await registryCall(app, READ, token);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: 'Could not validate credentials' });
    expect(res.headers['www-authenticate']).toBe('Bearer');
  }
  expect((await registryCall(app, READ, 'reg-read-token')).status).toBe(200);
});

it('rate-limited: the third registry read within a minute answers 429 with Retry-After; another token is not limited', async () => {
  const app = await open('rate-limited.yaml');
  const remaining = [];
  for (let i = 0; i < 2; i++) remaining.push((await registryCall(app, READ, 'reg-read-token')).headers['ratelimit-remaining']);
  expect(remaining).toEqual(['1', '0']);
  const limited = await registryCall(app, READ, 'reg-read-token');
  expect(limited.status).toBe(429);
  expect(limited.body).toEqual({ detail: 'Too Many Requests' });
  expect(limited.headers['retry-after']).toBe('60');
  expect((await registryCall(app, READ, 'reg-write-token')).status).toBe(200);
});

/**
 * The apis.tiledb blocks proposed for the shipped scenarios (copied under test/fixtures/tiledb/shipped/)
 * load, and each serves the path it exists for.
 */
import { afterEach, expect, it } from 'vitest';
import { createTestApp, fixturePath, type TestApp } from '../../support/test-app.js';
import { ACME, apiKey, awsKeys, basic, client, expectError } from './helpers.js';

const ALICE = 'tdb-ws_9m4e2mr0ui3e8a215n4g-alicedemotoken00000001';
let t: TestApp | undefined;
const open = async (name: string) => (t = await createTestApp({ scenario: fixturePath('tiledb', 'shipped', name) }));
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

/**
 * Authentication (401) and authorisation (403 for another workspace, 404 for unknown scopes), for every
 * security scheme the spec offers.
 */
import { expect, it } from 'vitest';
import { fixturePath, useTestApp } from '../../support/test-app.js';
import { ACME, GLOBEX, OPS, RESEARCH, TOKENS, apiKey, awsKeys, basic, bearer, client, expectError } from './helpers.js';

const t = useTestApp({ scenario: fixturePath('tiledb', 'basic.yaml') });

it.each([
  ['an API key', apiKey(TOKENS.acme)],
  ['an OAuth2 bearer token', bearer(TOKENS.oauth)],
  ['Basic credentials of a member', basic('alice', 'alice-password')],
])('accepts %s', async (_label, headers) => {
  expect((await client(t, headers).get(`/credentials/${ACME}`)).status).toBe(200);
});

it('accepts and ignores the X-TILEDB-WORKSPACE-ID header', async () => {
  const res = await client(t, { ...apiKey(TOKENS.acme), 'X-TILEDB-WORKSPACE-ID': GLOBEX }).get(`/credentials/${ACME}`);
  expect(res.status).toBe(200);
});

it.each([
  ['no credentials', {}, /Authentication required/],
  ['an unknown API key', apiKey('tdb-ws_9m4e2mr0ui3e8a215n4g-wrong'), /Invalid API token/],
  ['an expired API key', apiKey(TOKENS.expired), /expired/],
  ['a revoked API key', apiKey(TOKENS.revoked), /revoked/],
  ['an unknown bearer token', bearer('nope'), /Invalid API token/],
  ['a wrong password', basic('alice', 'wrong'), /Invalid username or password/],
  ['an unknown user', basic('mallory', 'x'), /Invalid username or password/],
])('returns 401 for %s', async (_label, headers, message) => {
  expectError(await client(t, headers).get(`/credentials/${ACME}`), 401, message);
});

it('checks credentials before the body (401 wins over 400)', async () => {
  expectError(await client(t, {}).post(`/credentials/${ACME}`, { name: '' }), 401);
});

it.each([
  ['a token of another workspace', apiKey(TOKENS.globex)],
  ['a user who is not a member', basic('bob', 'bob-password')],
])('returns 403 for %s', async (_label, headers) => {
  const c = client(t, headers);
  expectError(await c.get(`/credentials/${ACME}`), 403, /access/);
  expectError(await c.post(`/credentials/${ACME}`, { name: 'x', provider: 'AWS', credential: awsKeys }), 403);
  expectError(await c.get(`/credentials/${ACME}/aws-main`), 403);
  expectError(await c.patch(`/credentials/${ACME}/aws-main`, { allowed_in_tasks: true }), 403);
  expectError(await c.delete(`/credentials/${ACME}/aws-main`), 403);
});

it('leaves the workspace untouched after a 403', async () => {
  const c = client(t, apiKey(TOKENS.globex));
  await c.delete(`/credentials/${ACME}/aws-main`);
  expect((await c.as(apiKey(TOKENS.acme)).get(`/credentials/${ACME}/aws-main`)).status).toBe(200);
});

it.each([
  ['an unknown workspace', '/credentials/ws_00000000000000000000', 'Workspace does not exist'],
  ['an unknown teamspace', `/credentials/${ACME}?teamspace_id=ts_00000000000000000000`, 'Teamspace does not exist'],
  ['a teamspace given by name', `/credentials/${ACME}?teamspace_id=research`, 'Teamspace does not exist'],
])('returns 404 for %s', async (_label, path, message) => {
  expectError(await client(t).get(path), 404, message);
});

it('answers 403 before revealing whether a teamspace exists in a foreign workspace', async () => {
  expectError(await client(t, apiKey(TOKENS.globex)).get(`/credentials/${ACME}?teamspace_id=ts_00000000000000000000`), 403);
});

it('lets a workspace member use every teamspace of it', async () => {
  const c = client(t, basic('alice', 'alice-password'));
  expect((await c.get(`/credentials/${ACME}?teamspace_id=${OPS}`)).body.data).toEqual([]);
  expect((await c.get(`/credentials/${ACME}?teamspace_id=${RESEARCH}`)).body.data).toHaveLength(1);
});

/**
 * The 400s: schema violations found by the engine and TileDB's own rules (name, exactly one kind of
 * material, sub-field matching the provider), all answered with validation_error.fields.
 */
import { expect, it } from 'vitest';
import { fixturePath, useTestApp } from '../../support/test-app.js';
import { ACME, awsKeys, awsRole, client, expectError, invalidFields } from './helpers.js';

const t = useTestApp({ scenario: fixturePath('tiledb', 'basic.yaml') });

const gcpToken = { gcp: { account_id: '', key_id: '', key_text: '{}' } };

it.each([
  ['no name', { provider: 'AWS', credential: awsKeys }, ['name']],
  ['no provider', { name: 'a', credential: awsKeys }, ['provider']],
  ['an unknown provider', { name: 'a', provider: 'IBM', credential: awsKeys }, ['provider']],
  ['a name starting with a dash', { name: '-a', provider: 'AWS', credential: awsKeys }, ['name']],
  ['a name with a space', { name: 'a b', provider: 'AWS', credential: awsKeys }, ['name']],
  ['a name of 65 characters', { name: 'a'.repeat(65), provider: 'AWS', credential: awsKeys }, ['name']],
  ['no material', { name: 'a', provider: 'AWS' }, ['credential']],
  ['credential and role together', { name: 'a', provider: 'AWS', credential: awsKeys, role: awsRole() }, ['credential', 'role']],
  ['an empty credential', { name: 'a', provider: 'AWS', credential: {} }, ['credential']],
  ['two credential sub-fields', { name: 'a', provider: 'AWS', credential: { ...awsKeys, gcp: { access_key_id: 'g', secret_access_key: 's' } } }, ['credential']],
  ['two token sub-fields', { name: 'a', provider: 'GCP', token: { ...gcpToken, azure: { account_name: 'a', sas_token: 's' } } }, ['token']],
  ['credential.aws with provider AZURE', { name: 'a', provider: 'AZURE', credential: awsKeys }, ['credential.aws']],
  ['a role with provider GCP', { name: 'a', provider: 'GCP', role: awsRole() }, ['role']],
  ['token.azure with provider GCP', { name: 'a', provider: 'GCP', token: { azure: { account_name: 'a', sas_token: 's' } } }, ['token.azure']],
  ['token.gcp with provider AZURE', { name: 'a', provider: 'AZURE', token: gcpToken }, ['token.gcp']],
  ['an AWS key without its secret', { name: 'a', provider: 'AWS', credential: { aws: { access_key_id: 'k' } } }, ['credential.aws.secret_access_key']],
  ['an empty AWS secret', { name: 'a', provider: 'AWS', credential: { aws: { access_key_id: 'k', secret_access_key: '' } } }, ['credential.aws.secret_access_key']],
  ['an Azure key without account name', { name: 'a', provider: 'AZURE', credential: { azure: { account_key: 'k' } } }, ['credential.azure.account_name']],
  ['a role without external id', { name: 'a', provider: 'AWS', role: { aws: { role_arn: 'arn:aws:iam::123456789012:role/x' } } }, ['role.aws.external_id']],
  ['a string where a boolean belongs', { name: 'a', provider: 'AWS', credential: awsKeys, provider_default: 'yes' }, ['provider_default']],
])('returns 400 on create with %s', async (_label, body, fields) => {
  const c = client(t);
  const res = await c.post(`/credentials/${ACME}`, body);
  expectError(res, 400);
  for (const field of fields) expect(invalidFields(res)).toContain(field);
  expect((await c.get(`/credentials/${ACME}`)).body.pagination_metadata.total_items).toBe(3);
});

it.each([
  ['credential and token together', { credential: awsKeys, token: gcpToken }, ['credential', 'token']],
  ['a bad new name', { name: 'bad name' }, ['name']],
  ['an unknown provider', { provider: 'IBM' }, ['provider']],
])('returns 400 on patch with %s', async (_label, body, fields) => {
  const res = await client(t).patch(`/credentials/${ACME}/aws-main`, body);
  expectError(res, 400);
  for (const field of fields) expect(invalidFields(res)).toContain(field);
});

it('accepts names at the limit of the rule', async () => {
  const c = client(t);
  for (const name of ['a'.repeat(64), '0.a_b-c', 'Z']) {
    expect((await c.post(`/credentials/${ACME}`, { name, provider: 'AWS', credential: awsKeys })).status).toBe(201);
  }
});

it('returns 400 in its own shape for malformed JSON', async () => {
  const res = await client(t).post(`/credentials/${ACME}`).set('Content-Type', 'application/json').send('{"name": ');
  expectError(res, 400);
});

it('returns 415 in its own shape for a body that is not JSON', async () => {
  const res = await client(t).post(`/credentials/${ACME}`).set('Content-Type', 'text/plain').send('name=a');
  expectError(res, 415);
});

it('returns 404 in its own shape for an unknown path, and 405 with Allow for a wrong method', async () => {
  const c = client(t);
  expectError(await c.get('/no/such/route'), 404);
  const res = await c.delete(`/credentials/${ACME}`);
  expectError(res, 405);
  expect(res.headers.allow).toMatch(/GET/);
});

/**
 * The credential material TileDB never answers back is kept out of the journal too: the fields the API
 * declares secret (account_key, external_id, key_text) and sas_token, which the shared rules catch, while the
 * identifiers beside them stay readable.
 */
import { expect, it } from 'vitest';
import { fixturePath, useTestApp } from '../../support/test-app.js';
import { ACME, awsRole, client } from './helpers.js';

const t = useTestApp({ scenario: fixturePath('tiledb', 'basic.yaml') });

const azureKey = { azure: { account_name: 'acmestorage', account_key: 'azure-key' } };
const gcpKey = { gcp: { account_id: 'a', key_id: 'k', key_text: '{"private_key":"x"}' } };
const azureSas = { azure: { account_name: 'acmestorage', sas_token: 'sv=1&sig=x' } };

it.each([
  ['an Azure account key', { provider: 'AZURE', credential: azureKey }, 'credential.azure.account_key'],
  ['an AWS role external id', { provider: 'AWS', role: awsRole() }, 'role.aws.external_id'],
  ['a GCP service account key', { provider: 'GCP', token: gcpKey }, 'token.gcp.key_text'],
  ['an Azure SAS token', { provider: 'AZURE', token: azureSas }, 'token.azure.sas_token'],
])('redacts %s in the journal', async (_, material, secretPath) => {
  const c = client(t);
  expect((await c.post(`/credentials/${ACME}`, { name: 'journalled', ...material })).status).toBe(201);
  const [entry] = (await t.http.get(`/__admin/requests?session=${c.session}&operationId=createCredential`)).body.requests;
  const [kind, provider, field] = secretPath.split('.') as [string, string, string];
  const journalled = entry.request.body[kind][provider];
  expect(journalled[field]).toBe('[redacted]');
  for (const [name, value] of Object.entries(journalled)) if (name !== field) expect(value).not.toBe('[redacted]');
});

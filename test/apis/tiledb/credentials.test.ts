/**
 * The stored-credential operations through HTTP: create, read, list, patch, delete, each in its own
 * session so every test starts from the basic fixture.
 */
import { describe, expect, it } from 'vitest';
import { fixturePath, useTestApp } from '../../support/test-app.js';
import { ACME, RESEARCH, awsKeys, awsRole, client, expectError, invalidFields } from './helpers.js';

const t = useTestApp({ scenario: fixturePath('tiledb', 'basic.yaml') });

describe('createCredential', () => {
  it('answers 201 with no body, and the credential reads back with server-set fields', async () => {
    const c = client(t);
    const created = await c.post(`/credentials/${ACME}`, { name: 'new-aws', provider: 'AWS', credential: awsKeys });
    expect(created.status).toBe(201);
    expect(created.text).toBe('');
    const got = await c.get(`/credentials/${ACME}/new-aws`);
    expect(got.status).toBe(200);
    expect(got.body.data).toEqual({
      id: expect.stringMatching(/^cred_[0-9a-v]{20}$/),
      name: 'new-aws',
      provider: 'AWS',
      credential_type: 'workspace',
      provider_default: false,
      allowed_in_tasks: false,
      created_at: expect.any(String),
      credential: { aws: { access_key_id: awsKeys.aws.access_key_id, secret_access_key: '' } },
    });
  });

  it('addresses the workspace by name as well as by id', async () => {
    const c = client(t);
    expect((await c.post('/credentials/acme', { name: 'by-name', provider: 'AWS', credential: awsKeys })).status).toBe(201);
    expect((await c.get(`/credentials/${ACME}/by-name`)).status).toBe(200);
  });

  it('stores a teamspace credential apart from the workspace ones', async () => {
    const c = client(t);
    const body = { name: 'aws-main', provider: 'AWS', role: awsRole() };
    expect((await c.post(`/credentials/${ACME}?teamspace_id=${RESEARCH}`, body)).status).toBe(201);
    const teamspace = await c.get(`/credentials/${ACME}/aws-main?teamspace_id=${RESEARCH}`);
    expect(teamspace.body.data).toMatchObject({ credential_type: 'teamspace', role: { aws: { role_arn: body.role.aws.role_arn, external_id: '' } } });
    const workspace = await c.get(`/credentials/${ACME}/aws-main`);
    expect(workspace.body.data).toMatchObject({ credential_type: 'workspace', credential: { aws: {} } });
  });

  it('treats an empty teamspace_id as the workspace scope', async () => {
    const res = await client(t).get(`/credentials/${ACME}/aws-main?teamspace_id=`);
    expect(res.body.data.credential_type).toBe('workspace');
  });

  it('returns 409 when the name exists in the scope, and leaves the stored one unchanged', async () => {
    const c = client(t);
    const res = await c.post(`/credentials/${ACME}`, { name: 'aws-main', provider: 'GCP', credential: { gcp: { access_key_id: 'g', secret_access_key: 's' } } });
    expectError(res, 409, /already exists/);
    expect((await c.get(`/credentials/${ACME}/aws-main`)).body.data.provider).toBe('AWS');
  });

  it('moves provider_default to the new credential (replace mode)', async () => {
    const c = client(t);
    await c.post(`/credentials/${ACME}`, { name: 'aws-second', provider: 'AWS', provider_default: true, credential: awsKeys });
    expect((await c.get(`/credentials/${ACME}/aws-second`)).body.data.provider_default).toBe(true);
    const previous = (await c.get(`/credentials/${ACME}/aws-main`)).body.data;
    expect(previous.provider_default).toBe(false);
    expect(previous.updated_at).toEqual(expect.any(String));
  });

  it('derives the GCP service account and key id from the key file, ignoring sent values', async () => {
    const c = client(t);
    const keyText = JSON.stringify({ type: 'service_account', client_email: 'reader@p.iam.gserviceaccount.com', private_key_id: 'k-42' });
    await c.post(`/credentials/${ACME}`, { name: 'gcp-key', provider: 'GCP', token: { gcp: { account_id: 'x', key_id: 'y', key_text: keyText } } });
    const res = await c.get(`/credentials/${ACME}/gcp-key`);
    expect(res.body.data.token).toEqual({ gcp: { account_id: 'reader@p.iam.gserviceaccount.com', key_id: 'k-42', key_text: '' } });
  });

  it('does not change state when the request fails', async () => {
    const c = client(t);
    const before = (await c.get(`/credentials/${ACME}`)).body;
    await c.post(`/credentials/${ACME}`, { name: 'bad', provider: 'AWS', credential: { azure: { account_name: 'a', account_key: 'k' } } });
    await c.post(`/credentials/${ACME}`, { name: 'azure-sas', provider: 'AWS', provider_default: true, credential: awsKeys });
    expect((await c.get(`/credentials/${ACME}`)).body).toEqual(before);
  });

  it('lets exactly one of 20 concurrent creates of one name succeed', async () => {
    const c = client(t);
    const results = await Promise.all(
      Array.from({ length: 20 }, () => c.post(`/credentials/${ACME}`, { name: 'race', provider: 'AWS', credential: awsKeys })),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(19);
  });
});

describe('getCredentialByName', () => {
  it.each([
    ['aws-main', { credential: { aws: { access_key_id: 'AKIAIOSFODNN7EXAMPLE', secret_access_key: '' } } }],
    ['azure-sas', { token: { azure: { account_name: 'acmestorage', sas_token: '' } }, allowed_in_tasks: true }],
    ['gcp-hmac', { credential: { gcp: { access_key_id: 'GOOG1EXAMPLEKEY' } } }],
  ])('shows identifiers of %s and never its secret', async (name, expected) => {
    const res = await client(t).get(`/credentials/${ACME}/${name}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ name, ...expected });
    expect(JSON.stringify(res.body)).not.toMatch(/wJalrXUtnFEMI|sig=abc|gcp-hmac-secret/);
  });

  it('returns 404 "Credential does not exist" for an unknown name', async () => {
    expectError(await client(t).get(`/credentials/${ACME}/nope`), 404, 'Credential does not exist');
  });

  it('returns 404 for a workspace credential asked for in a teamspace', async () => {
    expectError(await client(t).get(`/credentials/${ACME}/aws-main?teamspace_id=${RESEARCH}`), 404, 'Credential does not exist');
  });

  it.each([
    ['a percent-encoded slash', '/credentials/ws_9m4e2mr0ui3e8a215n4g/a%2Fb'],
    ['unicode', `/credentials/${ACME}/${encodeURIComponent('clé-✓')}`],
    ['a very long name', `/credentials/${ACME}/${'x'.repeat(5000)}`],
  ])('answers 404 in its own shape for a name with %s', async (_label, path) => {
    expectError(await client(t).get(path), 404);
  });
});

describe('getCredentials', () => {
  it('lists the workspace credentials by name with pagination metadata', async () => {
    const res = await client(t).get(`/credentials/${ACME}`);
    expect(res.status).toBe(200);
    expect(res.body.data.map((c: { name: string }) => c.name)).toEqual(['aws-main', 'azure-sas', 'gcp-hmac']);
    expect(res.body.pagination_metadata).toEqual({ page: 1, per_page: 10, total_pages: 1, total_items: 3 });
  });

  it('lists only the teamspace credentials when teamspace_id is given', async () => {
    const res = await client(t).get(`/credentials/${ACME}?teamspace_id=${RESEARCH}`);
    expect(res.body.data.map((c: { name: string }) => c.name)).toEqual(['research-role']);
    expect(res.body.data[0].credential_type).toBe('teamspace');
  });

  it.each([
    ['provider=AZURE', ['azure-sas']],
    ['provider=AWS', ['aws-main']],
    ['type=workspace', ['aws-main', 'azure-sas', 'gcp-hmac']],
    ['type=teamspace', []],
  ])('filters with %s', async (query, names) => {
    const res = await client(t).get(`/credentials/${ACME}?${query}`);
    expect(res.body.data.map((c: { name: string }) => c.name)).toEqual(names);
  });

  it.each([
    ['page=1&per_page=2', ['aws-main', 'azure-sas'], { page: 1, per_page: 2, total_pages: 2, total_items: 3 }],
    ['page=2&per_page=2', ['gcp-hmac'], { page: 2, per_page: 2, total_pages: 2, total_items: 3 }],
    ['page=5&per_page=2', [], { page: 5, per_page: 2, total_pages: 2, total_items: 3 }],
    ['per_page=1000', ['aws-main', 'azure-sas', 'gcp-hmac'], { page: 1, per_page: 100, total_pages: 1, total_items: 3 }],
  ])('pages with %s', async (query, names, metadata) => {
    const res = await client(t).get(`/credentials/${ACME}?${query}`);
    expect(res.status).toBe(200);
    expect(res.body.data.map((c: { name: string }) => c.name)).toEqual(names);
    expect(res.body.pagination_metadata).toEqual(metadata);
  });

  it.each([
    ['page=0', 'page'],
    ['per_page=0', 'per_page'],
    ['page=-3', 'page'],
    ['per_page=abc', 'per_page'],
    ['provider=aws', 'provider'],
    ['type=user', 'type'],
  ])('returns 400 naming the parameter for %s', async (query, field) => {
    const res = await client(t).get(`/credentials/${ACME}?${query}`);
    expectError(res, 400);
    expect(invalidFields(res)).toContain(field);
  });
});

describe('patchCredentialByName', () => {
  it('changes only the fields sent and sets updated_at', async () => {
    const c = client(t);
    const before = (await c.get(`/credentials/${ACME}/azure-sas`)).body.data;
    const res = await c.patch(`/credentials/${ACME}/azure-sas`, { allowed_in_tasks: false });
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const after = (await c.get(`/credentials/${ACME}/azure-sas`)).body.data;
    expect(after).toEqual({ ...before, allowed_in_tasks: false, updated_at: expect.any(String) });
  });

  it('renames: the old name answers 404 and the new one resolves', async () => {
    const c = client(t);
    expect((await c.patch(`/credentials/${ACME}/gcp-hmac`, { name: 'gcp-renamed' })).status).toBe(204);
    expectError(await c.get(`/credentials/${ACME}/gcp-hmac`), 404);
    expect((await c.get(`/credentials/${ACME}/gcp-renamed`)).body.data.provider).toBe('GCP');
  });

  it('returns 409 when renaming onto a name used in the scope', async () => {
    expectError(await client(t).patch(`/credentials/${ACME}/gcp-hmac`, { name: 'aws-main' }), 409);
  });

  it('accepts a "rename" to the current name', async () => {
    expect((await client(t).patch(`/credentials/${ACME}/gcp-hmac`, { name: 'gcp-hmac' })).status).toBe(204);
  });

  it('replaces the material, dropping the previous kind', async () => {
    const c = client(t);
    await c.patch(`/credentials/${ACME}/aws-main`, { role: awsRole() });
    const data = (await c.get(`/credentials/${ACME}/aws-main`)).body.data;
    expect(data.role).toEqual({ aws: { role_arn: 'arn:aws:iam::123456789012:role/demo', external_id: '' } });
    expect(data.credential).toBeUndefined();
  });

  it('changes the provider together with matching material', async () => {
    const c = client(t);
    const res = await c.patch(`/credentials/${ACME}/aws-main`, { provider: 'AZURE', credential: { azure: { account_name: 'n', account_key: 'k' } } });
    expect(res.status).toBe(204);
    expect((await c.get(`/credentials/${ACME}/aws-main`)).body.data).toMatchObject({ provider: 'AZURE', credential: { azure: { account_name: 'n' } } });
  });

  it('returns 400 when the new provider does not fit the stored material', async () => {
    const res = await client(t).patch(`/credentials/${ACME}/aws-main`, { provider: 'GCP' });
    expectError(res, 400);
    expect(invalidFields(res)).toEqual(['provider']);
  });

  it('returns 400 when new material does not fit the kept provider', async () => {
    const res = await client(t).patch(`/credentials/${ACME}/aws-main`, { token: { azure: { account_name: 'n', sas_token: 's' } } });
    expectError(res, 400);
    expect(invalidFields(res)).toEqual(['token.azure']);
  });

  it('moves provider_default when another credential of the provider claims it', async () => {
    const c = client(t);
    await c.post(`/credentials/${ACME}`, { name: 'aws-other', provider: 'AWS', credential: awsKeys });
    await c.patch(`/credentials/${ACME}/aws-other`, { provider_default: true });
    expect((await c.get(`/credentials/${ACME}/aws-other`)).body.data.provider_default).toBe(true);
    expect((await c.get(`/credentials/${ACME}/aws-main`)).body.data.provider_default).toBe(false);
  });

  it('re-checks the default rule when the provider changes', async () => {
    const c = client(t);
    await c.post(`/credentials/${ACME}`, { name: 'gcp-default', provider: 'GCP', provider_default: true, credential: { gcp: { access_key_id: 'g', secret_access_key: 's' } } });
    await c.patch(`/credentials/${ACME}/aws-main`, { provider: 'GCP', credential: { gcp: { access_key_id: 'g2', secret_access_key: 's2' } } });
    expect((await c.get(`/credentials/${ACME}/aws-main`)).body.data.provider_default).toBe(true);
    expect((await c.get(`/credentials/${ACME}/gcp-default`)).body.data.provider_default).toBe(false);
  });

  it('returns 404 for an unknown credential', async () => {
    expectError(await client(t).patch(`/credentials/${ACME}/nope`, { allowed_in_tasks: true }), 404, 'Credential does not exist');
  });
});

describe('deleteCredentialByName', () => {
  it('answers 204, then 404 on the second delete and on reads', async () => {
    const c = client(t);
    const res = await c.delete(`/credentials/${ACME}/azure-sas`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expectError(await c.delete(`/credentials/${ACME}/azure-sas`), 404, 'Credential does not exist');
    expectError(await c.get(`/credentials/${ACME}/azure-sas`), 404);
  });

  it('frees the name for a new credential', async () => {
    const c = client(t);
    await c.delete(`/credentials/${ACME}/aws-main`);
    expect((await c.post(`/credentials/${ACME}`, { name: 'aws-main', provider: 'AWS', credential: awsKeys })).status).toBe(201);
  });

  it('deletes only in the addressed scope', async () => {
    const c = client(t);
    expectError(await c.delete(`/credentials/${ACME}/research-role`), 404);
    expect((await c.delete(`/credentials/${ACME}/research-role?teamspace_id=${RESEARCH}`)).status).toBe(204);
  });
});

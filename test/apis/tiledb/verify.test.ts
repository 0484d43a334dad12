/**
 * Verify, at both of its paths: create's structural checks, nothing stored, names need not be free, and
 * a simulated AssumeRole for AWS roles (ARN shape plus the scenario's deny list).
 */
import { describe, expect, it } from 'vitest';
import { fixturePath, useTestApp } from '../../support/test-app.js';
import { ACME, RESEARCH, TOKENS, apiKey, awsKeys, awsRole, client, expectError, invalidFields, type Client } from './helpers.js';

const t = useTestApp({ scenario: fixturePath('tiledb', 'basic.yaml') });

type Verify = (c: Client, body: Record<string, unknown>, scope?: { workspace?: string; teamspace?: string }) => ReturnType<Client['post']>;

const forms: Array<[string, Verify]> = [
  ['POST /actions/credentials/verify', (c, body, scope = { workspace: ACME }) =>
    c.post('/actions/credentials/verify', { ...body, workspace_id: scope.workspace, teamspace_id: scope.teamspace })],
  ['POST /credentials/{workspace}/verify', (c, body, scope = { workspace: ACME }) =>
    c.post(`/credentials/${scope.workspace}/verify${scope.teamspace ? `?teamspace_id=${scope.teamspace}` : ''}`, body)],
];

describe.each(forms)('%s', (_label, verify) => {
  it('answers 200 with an empty body for valid material', async () => {
    const res = await verify(client(t), { name: 'probe', provider: 'AWS', credential: awsKeys });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
  });

  it('stores nothing and accepts a name already in use', async () => {
    const c = client(t);
    expect((await verify(c, { name: 'aws-main', provider: 'AWS', role: awsRole() })).status).toBe(200);
    expect((await verify(c, { name: 'fresh', provider: 'AWS', credential: awsKeys })).status).toBe(200);
    expectError(await c.get(`/credentials/${ACME}/fresh`), 404);
    expect((await c.get(`/credentials/${ACME}/aws-main`)).body.data.role).toBeUndefined();
  });

  it('verifies in a teamspace scope', async () => {
    expect((await verify(client(t), { name: 'r', provider: 'AWS', role: awsRole() }, { workspace: ACME, teamspace: RESEARCH })).status).toBe(200);
  });

  it('returns 400 with fields for structural problems', async () => {
    const res = await verify(client(t), { name: 'r', provider: 'AZURE', role: awsRole() });
    expectError(res, 400);
    expect(invalidFields(res)).toEqual(['role']);
  });

  it.each(['arn:aws:iam::12345:role/x', 'arn:aws:s3:::bucket', 'not-an-arn'])('returns 400 for the malformed role ARN %s', async (arn) => {
    const res = await verify(client(t), { name: 'r', provider: 'AWS', role: awsRole(arn) });
    expectError(res, 400);
    expect(invalidFields(res)).toEqual(['role.aws.role_arn']);
  });

  it('returns 400 without fields when the simulated AssumeRole is denied', async () => {
    const res = await verify(client(t), { name: 'r', provider: 'AWS', role: awsRole('arn:aws:iam::999999999999:role/blocked') });
    expectError(res, 400, /Could not assume role/);
    expect(res.body.validation_error).toBeUndefined();
  });

  it('accepts other partitions', async () => {
    expect((await verify(client(t), { name: 'r', provider: 'AWS', role: awsRole('arn:aws-us-gov:iam::123456789012:role/path/x') })).status).toBe(200);
  });

  it('returns 403 for a workspace the caller may not use', async () => {
    expectError(await verify(client(t, apiKey(TOKENS.globex)), { name: 'r', provider: 'AWS', credential: awsKeys }), 403);
  });

  it('returns 404 for an unknown teamspace', async () => {
    const res = await verify(client(t), { name: 'r', provider: 'AWS', credential: awsKeys }, { workspace: ACME, teamspace: 'ts_00000000000000000000' });
    expectError(res, 404, 'Teamspace does not exist');
  });

  it('returns 401 without credentials', async () => {
    expectError(await verify(client(t, {}), { name: 'r', provider: 'AWS', credential: awsKeys }), 401);
  });
});

describe('POST /actions/credentials/verify without a scope', () => {
  it('checks the material only', async () => {
    expect((await client(t).post('/actions/credentials/verify', { name: 'r', provider: 'AWS', credential: awsKeys })).status).toBe(200);
  });

  it('returns 400 for a teamspace_id without workspace_id', async () => {
    const res = await client(t).post('/actions/credentials/verify', { name: 'r', provider: 'AWS', credential: awsKeys, teamspace_id: RESEARCH });
    expectError(res, 400);
    expect(invalidFields(res)).toEqual(['workspace_id']);
  });

  it('returns 404 for an unknown workspace_id', async () => {
    const res = await client(t).post('/actions/credentials/verify', { name: 'r', provider: 'AWS', credential: awsKeys, workspace_id: 'ws_00000000000000000000' });
    expectError(res, 404, 'Workspace does not exist');
  });
});

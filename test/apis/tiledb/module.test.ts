/**
 * The module's static parts, without the engine: the spec parses and declares what the handlers serve, the
 * seed schema compiles, and createState refuses seeds the API could never have produced.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import Ajv from 'ajv';
import { OpenAPIBackend } from 'openapi-backend';
import addFormats from 'ajv-formats';
import { faker } from '@faker-js/faker';
import { tiledb } from '../../../src/apis/tiledb/index.js';
import { parseYaml } from '../../../src/engine/yaml.js';

const spec: any = parseYaml(readFileSync(tiledb.specs[0], 'utf8'));
const operationIds = Object.values(spec.paths as Record<string, Record<string, any>>)
  .flatMap((item) => Object.values(item))
  .map((op) => op?.operationId)
  .filter(Boolean);
const ctx = { faker, now: new Date('2025-01-01T00:00:00Z') };

describe('tiledb module', () => {
  it('mounts at /v4 and serves every operation of its spec with a handler', () => {
    expect(spec.servers[0].url).toBe('/v4');
    expect(operationIds.sort()).toEqual(Object.keys(tiledb.handlers).sort());
  });

  it('is a valid OpenAPI 3.0 document', async () => {
    const api = new OpenAPIBackend({
      definition: structuredClone(spec),
      strict: true,
      quick: false,
      customizeAjv: (ajv) => (addFormats.default(ajv as any), ajv),
    });
    await expect(api.init()).resolves.toBeTruthy();
  });

  it('declares the three security schemes as alternatives', () => {
    expect(spec.security.map((r: object) => Object.keys(r)[0])).toEqual(['ApiKeyAuth', 'BasicAuth', 'OAuth2']);
    expect(spec.components.securitySchemes.ApiKeyAuth.name).toBe('X-TILEDB-REST-API-KEY');
  });

  it('keeps upstream description text out of the spec', () => {
    const text = readFileSync(tiledb.specs[0], 'utf8');
    expect(text).not.toContain('Never returned in responses');
  });

  it('has a seed schema that compiles', () => {
    const ajv = new (Ajv as any)({ strict: false });
    expect(() => ajv.compile(tiledb.seedSchema)).not.toThrow();
  });

  it('builds an empty state when the scenario has no tiledb block', () => {
    expect(tiledb.createState(undefined, ctx)).toEqual({ workspaces: [], users: [], tokens: [], credentials: [] });
  });

  it.each([
    ['an unknown workspace', { credentials: [{ workspace: 'nope', name: 'a', provider: 'AWS', credential: { aws: { access_key_id: 'k', secret_access_key: 's' } } }] }, /workspace "nope"/],
    ['material not matching the provider', { workspaces: [{ name: 'w' }], credentials: [{ workspace: 'w', name: 'a', provider: 'GCP', credential: { aws: { access_key_id: 'k', secret_access_key: 's' } } }] }, /does not match provider GCP/],
    ['a duplicate name in one scope', { workspaces: [{ name: 'w' }], credentials: [1, 2].map(() => ({ workspace: 'w', name: 'a', provider: 'AWS', credential: { aws: { access_key_id: 'k', secret_access_key: 's' } } })) }, /used twice/],
    ['a token whose embedded workspace differs', { workspaces: [{ id: 'ws_00000000000000000001', name: 'w' }], tokens: [{ token: 'tdb-ws_00000000000000000002-s', workspace: 'w' }] }, /carries ws_00000000000000000002/],
  ])('refuses a seed with %s', (_label, seed, message) => {
    expect(() => tiledb.createState(seed, ctx)).toThrow(message);
  });

  it('derives GCP key ids from the key file and generates ids', () => {
    const keyText = JSON.stringify({ client_email: 'sa@p.iam.gserviceaccount.com', private_key_id: 'abc123' });
    const state = tiledb.createState(
      {
        workspaces: [{ name: 'w', teamspaces: [{ name: 't' }] }],
        credentials: [{ workspace: 'w', teamspace: 't', name: 'g', provider: 'GCP', token: { gcp: { key_text: keyText, account_id: 'ignored', key_id: 'ignored' } } }],
      },
      ctx,
    );
    expect(state.workspaces[0].id).toMatch(/^ws_[0-9a-v]{20}$/);
    expect(state.credentials[0]).toMatchObject({
      id: expect.stringMatching(/^cred_[0-9a-v]{20}$/),
      teamspace_id: state.workspaces[0].teamspaces[0].id,
      token: { gcp: { key_text: keyText, account_id: 'sa@p.iam.gserviceaccount.com', key_id: 'abc123' } },
    });
  });
});

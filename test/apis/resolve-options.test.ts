/**
 * Each API's resolveOptions: what its handlers and verifiers see as `ctx.options` — every default filled in
 * once per scenario, whatever subset the scenario sets. (Each option's effect is tested through HTTP in the
 * API's own folder.)
 */
import { describe, expect, it } from 'vitest';
import { lakefs } from '../../src/apis/lakefs/index.js';
import { lakefsAuthentication } from '../../src/apis/lakefs-authentication/index.js';
import { registry } from '../../src/apis/registry/index.js';
import { tiledb } from '../../src/apis/tiledb/index.js';

describe('lakefs', () => {
  const resolve = lakefs.resolveOptions!;

  it('fills in the defaults of the foundation, the login flows and the repositories', () => {
    expect(resolve(undefined)).toEqual({
      mode: 'rbac',
      jwtSecret: 'mockgate-lakefs-dev-secret',
      loginTokenLifetimeSeconds: 604800,
      loginTokenMaxLifetimeSeconds: 1209600,
      externalPrincipals: true,
      logoutRedirect: '/',
      oidcRedirect: '/',
      oidcDefaultGroups: [],
      oidcCodeLifetimeSeconds: 300,
      stsSingleUseCodes: true,
      tokenMailboxLifetimeSeconds: 600,
      ldapDefaultGroup: 'Viewers',
      presignMultipart: true,
      presignExpirySeconds: 900,
      lakefsVersion: '1.84.0',
      blockstoreType: 's3',
      caches: { repositorySeconds: 0, authSeconds: 0, settingsSeconds: 0 },
    });
  });

  it('keeps what the scenario sets, from each part, and defaults the rest', () => {
    const options = resolve({ mode: 'community', ldapDefaultGroup: 'Admins', presignMultipart: false });
    expect(options).toMatchObject({ mode: 'community', ldapDefaultGroup: 'Admins', presignMultipart: false });
    expect(options).toMatchObject({ jwtSecret: 'mockgate-lakefs-dev-secret', oidcRedirect: '/', lakefsVersion: '1.84.0' });
  });

  it('turns lakeFS\'s caches on with one word, or tunes them', () => {
    // As a scenario writes them: the word, or some of the seconds (resolveOptions makes them all seconds).
    const scenario = (options: object) => options as Parameters<typeof resolve>[0];
    expect(resolve(scenario({ caches: 'lakefs-defaults' })).caches).toEqual({ repositorySeconds: 5, authSeconds: 20, settingsSeconds: 3 });
    expect(resolve(scenario({ caches: { settingsSeconds: 0 } })).caches).toEqual({ repositorySeconds: 5, authSeconds: 20, settingsSeconds: 0 });
  });
});

describe('lakefs-authentication', () => {
  it('spreads the options the scenario sets over the defaults', () => {
    expect(lakefsAuthentication.resolveOptions!({ singleUseCodes: false })).toEqual({
      oidcCallbackLocation: '/',
      singleUseCodes: false,
      stsClaimsLifetimeSeconds: 3600,
      checkIdentityTokenExpiry: true,
      ldapUserBaseDn: 'ou=people,dc=example,dc=org',
    });
  });
});

describe('tiledb', () => {
  it('spreads the options the scenario sets over the defaults', () => {
    expect(tiledb.resolveOptions!({ duplicateNameStatus: 400 })).toEqual({
      duplicateNameStatus: 400,
      providerDefaultConflict: 'replace',
      defaultPerPage: 10,
      maxPerPage: 100,
      verifyDeniedRoleArns: [],
      verifyAllowedRoleArns: [],
    });
  });
});

describe('registry', () => {
  it('flattens the role names, each defaulted on its own, and leaves jwtSecret unset unless given', () => {
    expect(registry.resolveOptions!({ roles: { write: 'writers' } })).toEqual({
      readRole: 'data-store-read',
      writeRole: 'writers',
      sessionDurationSeconds: 3600,
      jwtSecret: undefined,
      verifyJwtSignature: true,
      consoleIssuer: 'https://auth.example.org/auth/realms/rrap',
      consoleRegion: 'ap-southeast-2',
      issuedLimit: 1000,
    });
  });
});

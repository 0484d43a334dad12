/**
 * lakeFS's external authentication service (seed 002): the API lakeFS calls when sign-in is delegated —
 * LDAP bind, AWS IAM identity, OIDC code exchange and callback, health. A Go server validating with
 * kin-openapi, so request validation runs before anything else and its 400s use kin-openapi's wording.
 */
import { fileURLToPath } from 'node:url';
import type { ApiModule } from '../../engine/types.js';
import { renderError } from './errors.js';
import { externalPrincipalLogin } from './handlers/external-principal.js';
import { healthCheck } from './handlers/health.js';
import { LDAPLogin } from './handlers/ldap.js';
import { oauthCallback, STSLogin } from './handlers/oidc.js';
import { createState, seedSchema } from './seed.js';
import { resolveOptions, type AuthServiceState, type ResolvedOptions } from './state.js';

// Three levels up from src/apis/lakefs-authentication/ and from dist/apis/lakefs-authentication/ alike.
const specPath = fileURLToPath(new URL('../../../specs/lakefs-authentication.yaml', import.meta.url));

export const lakefsAuthentication: ApiModule<AuthServiceState, ResolvedOptions> = {
  name: 'lakefs-authentication',
  title: 'lakeFS external authentication service',
  specs: [specPath],
  handlers: { LDAPLogin, externalPrincipalLogin, STSLogin, oauthCallback, healthCheck },
  // Every operation is `security: []`: nothing to verify.
  verifiers: {},
  renderError,
  order: 'validate-first',
  resolveOptions,
  // The OIDC callback marks its code used.
  writesOnSafeMethods: ['oauthCallback'],
  seedSchema,
  createState,
};

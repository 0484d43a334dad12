/**
 * lakeFS (seeds 000 and 001): the auth API of lakeFS Enterprise (RBAC mode) and the experimental operations
 * with the repository model behind them, at /api/v1, plus the mock's own browser pages. Request validation
 * runs before authentication, as kin-openapi runs before lakeFS's auth middleware (400 wins over 401); a
 * request with no credential goes on to the handler, whose authorization answers 401.
 */
import type { ApiModule } from '../../engine/types.js';
import { authHandlers, authSpecs } from './auth/index.js';
import { renderError } from './errors.js';
import { loginHandlers, loginSpecs } from './login/index.js';
import { prepareRequest } from './query-booleans.js';
import { checkRequest } from './validation.js';
import { repoHandlers, repoSpecs } from './repos/index.js';
import { anonymous, verifiers } from './security.js';
import { createState } from './seed.js';
import { seedSchema } from './seed-schema.js';
import { resolveOptions, type LakefsOptions, type LakefsState } from './state.js';

export const lakefs: ApiModule<LakefsState, LakefsOptions> = {
  name: 'lakefs',
  title: 'lakeFS (auth and experimental)',
  specs: [...authSpecs, ...loginSpecs, ...repoSpecs],
  handlers: { ...authHandlers, ...loginHandlers, ...repoHandlers },
  verifiers,
  anonymous,
  missingCredentials: 'anonymous',
  renderError,
  order: 'validate-first',
  // chi routes HEAD only where the document declares it (headObject): elsewhere the 404 catch-all answers.
  headFromGet: false,
  prepareRequest,
  checkRequest,
  resolveOptions,
  // The browser sign-in flows run on GETs: the OIDC callback opens a session, the token mailbox is opened,
  // filled and emptied by links a browser follows.
  writesOnSafeMethods: ['oauthCallback', 'getTokenRedirect', 'releaseTokenToMailbox', 'getTokenFromMailbox'],
  seedSchema: seedSchema(),
  createState,
};

/**
 * Registry credentials (seed 003): the data store's FastAPI endpoints that mint read / write S3 credentials
 * for a location. Authentication runs before body validation, as FastAPI resolves the security dependencies
 * before it validates the body (a malformed JSON body is still reported first, by the engine).
 */
import { fileURLToPath } from 'node:url';
import type { ApiModule } from '../../engine/types.js';
import { prepareRequest } from './coerce.js';
import { renderError } from './errors.js';
import {
  generate_read_access_credentials_registry_credentials_generate_read_access_credentials_post,
  generate_write_access_credentials_registry_credentials_generate_write_access_credentials_post,
  root__get,
} from './handlers.js';
import { verifyBearer } from './security.js';
import { createState, resolveOptions, seedSchema, type RegistryState, type ResolvedOptions } from './state.js';

// Three levels up from src/apis/registry/ and from dist/apis/registry/ alike.
const specPath = fileURLToPath(new URL('../../../specs/registry.yaml', import.meta.url));

export const registry: ApiModule<RegistryState, ResolvedOptions> = {
  name: 'registry',
  title: 'Registry credentials (data store)',
  specs: [specPath],
  handlers: {
    root__get,
    generate_read_access_credentials_registry_credentials_generate_read_access_credentials_post,
    generate_write_access_credentials_registry_credentials_generate_write_access_credentials_post,
  },
  verifiers: { OAuth2PasswordBearer: verifyBearer },
  renderError,
  order: 'authenticate-first',
  prepareRequest,
  resolveOptions,
  // The AWS federation sign-in URL carries a SigninToken that opens the console for as long as the session lasts.
  secrets: { fields: ['console_session_url'] },
  seedSchema,
  createState,
};

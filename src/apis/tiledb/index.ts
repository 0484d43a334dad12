/**
 * TileDB v4 credentials: named cloud credentials of a workspace or teamspace (seed 004). Authentication
 * runs before request validation, as TileDB-Server's auth middleware sits in front of its handlers.
 */
import { fileURLToPath } from 'node:url';
import type { ApiModule } from '../../engine/types.js';
import { renderError } from './errors.js';
import {
  createCredential,
  deleteCredentialByName,
  getCredentialByName,
  getCredentials,
  patchCredentialByName,
} from './handlers/credentials.js';
import { verifyCredential, verifyWorkspaceCredential } from './handlers/verify.js';
import { verifiers } from './security.js';
import { createState } from './seed.js';
import { seedSchema } from './seed-schema.js';
import { resolveOptions, type TiledbOptions, type TiledbState } from './state.js';

// Three levels up from src/apis/tiledb/ and from dist/apis/tiledb/ alike.
const specPath = fileURLToPath(new URL('../../../specs/tiledb.yaml', import.meta.url));

export const tiledb: ApiModule<TiledbState, TiledbOptions> = {
  name: 'tiledb',
  title: 'TileDB v4 credentials',
  specs: [specPath],
  handlers: {
    createCredential,
    getCredentials,
    getCredentialByName,
    patchCredentialByName,
    deleteCredentialByName,
    verifyCredential,
    verifyWorkspaceCredential,
  },
  verifiers,
  renderError,
  order: 'authenticate-first',
  resolveOptions,
  // Credential material the server never answers back (material.ts blanks it) and whose names hold none of the
  // shared words: an Azure account key, an AWS role's external id, a GCP service account key file. sas_token
  // and secret_access_key are caught by the shared rules already.
  secrets: { fields: ['account_key', 'external_id', 'key_text'] },
  seedSchema,
  createState,
};

/**
 * Mounting: which spec is served by which API module, at which prefix. Bundled specs belong to the API
 * that lists them; a user's spec (--spec) binds to the registered API whose handlers cover most of its
 * operationIds — so the upstream lakeFS swagger.yml gets the lakeFS handlers — or else to a generic,
 * schema-only API.
 */
import path from 'node:path';
import { genericApi } from './generic-api.js';
import { loadSpec, normalizePrefix, type LoadedSpec } from './spec.js';
import type { ApiModule } from './types.js';
import { SpecValidator, type CompileFailureListener } from './validator.js';

export interface Mount {
  api: ApiModule;
  spec: LoadedSpec;
  prefix: string;
  validator: SpecValidator;
  /** Internal mounts (the admin API) skip sessions, rules, journal, coverage and CORS. */
  internal: boolean;
}

export interface MountRequest {
  file: string;
  prefix?: string;
  /** The API that owns the spec; decided from operationIds when absent. */
  api?: ApiModule;
  internal?: boolean;
}

export interface MountOptions {
  /** Told once about each schema of the spec that ajv cannot compile (its operations answer 500). */
  onCompileFailure?: CompileFailureListener;
}

export async function mountSpec(request: MountRequest, apis: ApiModule[], options: MountOptions = {}): Promise<Mount> {
  const spec = await loadSpec(request.file);
  const api = request.api ?? ownerOf(spec, apis);
  return {
    api,
    spec,
    prefix: request.prefix !== undefined ? normalizePrefix(request.prefix) : spec.serverPath,
    validator: new SpecValidator(spec, { onCompileFailure: options.onCompileFailure }),
    internal: request.internal ?? false,
  };
}

function ownerOf(spec: LoadedSpec, apis: ApiModule[]): ApiModule {
  let best: { api: ApiModule; covered: number } | undefined;
  for (const api of apis) {
    const covered = spec.operations.filter((op) => op.operationId in api.handlers).length;
    if (covered > 0 && (!best || covered > best.covered)) best = { api, covered };
  }
  if (best) return best.api;
  const name = path.basename(spec.file).replace(/\.(ya?ml|json)$/i, '');
  return genericApi(name, spec.title);
}

/** Bundled specs of every registered API, with their default prefixes. */
export function bundledMountRequests(apis: ApiModule[]): MountRequest[] {
  return apis.flatMap((api) => api.specs.map((file) => ({ file, api })));
}

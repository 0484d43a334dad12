/**
 * Mounting: which spec is served by which API module, at which prefix. Bundled specs belong to the API that
 * lists them. A user's spec (--spec) binds to a registered API only when asked (`--spec file@lakefs`) or when it is
 * recognised wholesale: it holds every operation — same operationId, method and path — of one of that API's
 * bundled specs, so lakeFS's own swagger.yml gets the lakeFS handlers. Anything less (a Petstore that happens to
 * have a `healthCheck`) is served generically: a shared operationId is no reason to answer in lakeFS's words.
 */
import path from 'node:path';
import { genericApi, type DeclaredShapes } from './generic-api.js';
import { loadSpec, normalizePrefix, type LoadedSpec, type Operation } from './spec.js';
import type { ApiModule } from './types.js';
import { SpecValidator, type CompileFailureListener } from './validator.js';

export interface Mount {
  api: ApiModule;
  spec: LoadedSpec;
  prefix: string;
  validator: SpecValidator;
  /** Internal mounts (the admin API) skip sessions, rules, journal, coverage and CORS. */
  internal: boolean;
  /** Why this API serves the spec: for the start-up report and GET /__admin/specs. */
  binding: Binding;
}

/**
 * `bundled`: one of the API's own specs. `asked`: `--spec file@api`. `recognised`: it holds every operation of the
 * bundled spec named in `by`. `generic`: no API's; every operation answers from the schema.
 */
export type Binding = { kind: 'bundled' | 'asked' | 'generic' } | { kind: 'recognised'; by: string };

export interface MountRequest {
  file: string;
  prefix?: string;
  /** The API that owns the spec: one of its bundled specs, or one the user named. */
  api?: ApiModule;
  /** How `api` was chosen; default `bundled` when `api` is given. */
  binding?: 'bundled' | 'asked';
  internal?: boolean;
}

/** Makes the module that serves a spec no registered API binds (named after its file). */
export type GenericApiFactory = (name: string, title: string, declared: DeclaredShapes) => ApiModule;

export interface MountOptions {
  /** Told once about each schema of the spec that ajv cannot compile (its operations answer 500). */
  onCompileFailure?: CompileFailureListener;
  /**
   * The module for a spec no registered API binds; default the engine's stateless one. The app passes the
   * stateful one (src/generic), which the engine cannot import.
   */
  generic?: GenericApiFactory;
  /** Compile every operation's validators in the background shortly after start (default: on first use only). */
  warmUp?: boolean;
}

export async function mountSpec(request: MountRequest, apis: ApiModule[], options: MountOptions = {}): Promise<Mount> {
  const spec = await loadSpec(request.file);
  const validator = new SpecValidator(spec, { onCompileFailure: options.onCompileFailure, warmUp: options.warmUp });
  const { api, binding } = request.api ? { api: request.api, binding: { kind: request.binding ?? 'bundled' } as Binding } : await ownerOf(spec, apis, validator, options.generic ?? genericApi);
  return {
    api,
    binding,
    spec,
    prefix: request.prefix !== undefined ? normalizePrefix(request.prefix) : spec.serverPath,
    validator,
    internal: request.internal ?? false,
  };
}

/** The API whose bundled spec this one holds whole (the largest such spec wins), or a generic one. */
async function ownerOf(spec: LoadedSpec, apis: ApiModule[], validator: SpecValidator, generic: GenericApiFactory): Promise<{ api: ApiModule; binding: Binding }> {
  const offered = new Set(spec.operations.map(operationKey));
  let best: { api: ApiModule; by: string; size: number } | undefined;
  for (const api of apis) {
    for (const file of api.specs) {
      const keys = await bundledOperationKeys(file);
      const size = keys.length;
      if (size === 0 || !keys.every((key) => offered.has(key))) continue;
      if (!best || size > best.size) best = { api, by: file, size };
    }
  }
  if (best) return { api: best.api, binding: { kind: 'recognised', by: best.by } };
  return { api: generic(genericName(spec.file), spec.title, { spec, validator: () => validator }), binding: { kind: 'generic' } };
}

/** A generic API's name: the spec file's base name without its extension (`petstore.yaml` → `petstore`). */
export function genericName(file: string): string {
  const base = path.basename(file.split(/[?#]/)[0] ?? file) || 'spec';
  return base.replace(/\.(ya?ml|json)$/i, '');
}

/** An operation as recognition compares it: its operationId, method and path template as written. */
const operationKey = (op: Operation) => `${op.operationId} ${op.method.toUpperCase()} ${op.pathTemplate}`;

/**
 * The operation keys of a bundled spec, loaded once per process: every user spec is compared with every bundled
 * one, and bundled specs do not change while the process runs.
 */
const bundledKeys = new Map<string, Promise<string[]>>();
function bundledOperationKeys(file: string): Promise<string[]> {
  let keys = bundledKeys.get(file);
  if (!keys) {
    keys = loadSpec(file).then((spec) => spec.operations.map(operationKey));
    // A spec that failed to load is tried again next time, not remembered as failed.
    keys.catch(() => bundledKeys.delete(file));
    bundledKeys.set(file, keys);
  }
  return keys;
}

/** Bundled specs of every registered API, with their default prefixes. */
export function bundledMountRequests(apis: ApiModule[]): MountRequest[] {
  return apis.flatMap((api) => api.specs.map((file) => ({ file, api })));
}

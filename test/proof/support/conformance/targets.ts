/**
 * What the conformance suites run against: every bundled spec, as mounted (the registry in src/apis/index.ts
 * lists them, so an API that lands later joins by itself), each with the default scenario's credentials for
 * its API. The credentials table is the one place to touch when an API is added.
 */
import path from 'node:path';
import { apis } from '../../../../src/apis/index.js';
import { loadSpec, type LoadedSpec } from '../../../../src/engine/spec.js';
import { repoRoot } from './paths.js';

/** How a conformance client authenticates as the default scenario's main user of an API. */
export type Credentials =
  | { kind: 'none' }
  | { kind: 'header'; name: string; value: string }
  | { kind: 'basic'; username: string; password: string };

/** The default scenario's credentials, per API name (README, "The default scenario's credentials"). */
export const DEFAULT_CREDENTIALS: Record<string, Credentials> = {
  // TileDB: alice's API token, member of workspace acme.
  tiledb: { kind: 'header', name: 'X-TILEDB-REST-API-KEY', value: 'tdb-ws_9m4e2mr0ui3e8a215n4g-alicedemotoken00000001' },
  // Registry: the writer holds both roles, so both minting operations answer 200.
  registry: { kind: 'header', name: 'Authorization', value: 'Bearer reg-write-token' },
  // lakeFS /api/v1: the quickstart admin's access key.
  lakefs: { kind: 'basic', username: 'AKIAIOSFOLQUICKSTART', password: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
  // The external authentication service takes no credentials (every operation is `security: []`).
  'lakefs-authentication': { kind: 'none' },
};

export interface ConformanceTarget {
  /** API name (scenario key). */
  api: string;
  /** Absolute path of the bundled spec file. */
  file: string;
  /** Short label: "tiledb (tiledb.yaml)". */
  label: string;
  /** Mount prefix, as mockgate mounts the spec by default ('' for the root). */
  prefix: string;
  spec: LoadedSpec;
  /** Undefined when the table has no row for the API (the run goes anonymous and says so). */
  credentials: Credentials | undefined;
}

/** Every bundled spec of every registered API, in registration order. */
export async function bundledTargets(): Promise<ConformanceTarget[]> {
  const targets: ConformanceTarget[] = [];
  for (const api of apis) {
    for (const file of api.specs) {
      const spec = await loadSpec(file);
      const base = file.split('/').slice(-2).join('/');
      targets.push({
        api: api.name,
        file,
        label: `${api.name} (${base})`,
        prefix: spec.serverPath,
        spec,
        credentials: DEFAULT_CREDENTIALS[api.name],
      });
    }
  }
  return targets;
}

/** The admin API's spec, as mounted: schemathesis fuzzes it like the others (in a session of its own). */
export const ADMIN_SPEC = path.join(repoRoot, 'specs', 'admin.yaml');

/** What schemathesis runs against: every bundled spec, and the admin API. */
export async function fuzzTargets(): Promise<ConformanceTarget[]> {
  const admin = await loadSpec(ADMIN_SPEC);
  return [
    ...(await bundledTargets()),
    { api: 'admin', file: ADMIN_SPEC, label: 'admin (specs/admin.yaml)', prefix: '/__admin', spec: admin, credentials: { kind: 'none' } },
  ];
}

/** The credentials as request headers. */
export function credentialHeaders(credentials: Credentials | undefined): Record<string, string> {
  if (!credentials || credentials.kind === 'none') return {};
  if (credentials.kind === 'header') return { [credentials.name]: credentials.value };
  return { Authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` };
}


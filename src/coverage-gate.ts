/**
 * The coverage gate: a requirement file lists, per operation, the statuses a consumer's contract suite must
 * have made the mock serve; `GET /__admin/coverage` says what it served. This module is the pure part —
 * read and check the file, compare it with a coverage report, word the misses — so `mockgate coverage`
 * (src/cli.ts) only fetches, prints and exits.
 *
 * Requirement file (YAML):
 *
 *   operations:
 *     - api: tiledb                  # the API's name, as in /__admin/coverage
 *       operationId: createCredential
 *       statuses: [201, 401, reset]   # a transport fault's name: the client met one on this operation
 *       seed: '004'                  # optional: where the requirement comes from
 *       note: …                      # optional, free text
 *
 * Entries naming the same operation add up (two seeds may document one operation with different statuses).
 */
import { TRANSPORT_FAULT_ACTIONS } from './engine/types.js';
import { parseYaml, YamlAliasError, yamlPosition, yamlSyntaxError, type YamlPosition } from './engine/yaml.js';

export interface Requirement {
  api: string;
  operationId: string;
  /** HTTP statuses, and transport faults (reset, truncate, …) the client must have met. */
  statuses: Array<number | string>;
  seed?: string;
  note?: string;
}

/** The parts of a `GET /__admin/coverage` row the gate reads. */
export interface CoverageRowLike {
  api: string;
  operationId: string;
  method: string;
  path: string;
  served: Record<string, number>;
}

export interface MissingPair {
  api: string;
  operationId: string;
  status: number | string;
  /** "never served": the operation is mounted but never answered this status; "not mounted": no such operation. */
  reason: 'never served' | 'not mounted';
  method?: string;
  path?: string;
}

export class RequirementsError extends Error {}

const ENTRY_KEYS = new Set(['api', 'operationId', 'statuses', 'seed', 'note']);

/** Parses and checks a requirement file; errors read `file:line:col: /pointer: what is wrong`. */
export function parseRequirements(text: string, file: string): Requirement[] {
  let root: unknown;
  try {
    root = parseYaml(text);
  } catch (err) {
    if (err instanceof YamlAliasError) throw new RequirementsError(`${file}: ${err.message}`);
    const { reason, position } = yamlSyntaxError(err);
    throw new RequirementsError(`${file}:${where(position)}not valid YAML (${reason})`);
  }
  // Positions are looked up only for a mistake (the text is parsed again for them).
  const fail = (pointer: Array<string | number>, reason: string): never => {
    throw new RequirementsError(`${file}:${where(yamlPosition(text, pointer))}/${pointer.join('/')}: ${reason}`);
  };
  if (!isObject(root)) fail([], 'expected a mapping with an "operations" list');
  const top = root as Record<string, unknown>;
  for (const key of Object.keys(top)) if (key !== 'operations') fail([key], `unknown key "${key}"; the file holds one key, "operations"`);
  if (!Array.isArray(top.operations)) fail(['operations'], 'expected a list of {api, operationId, statuses}');
  const operations = top.operations as unknown[];
  return operations.map((entry, i): Requirement => {
    const at = ['operations', i];
    if (!isObject(entry)) return fail(at, 'expected a mapping with api, operationId and statuses');
    for (const key of Object.keys(entry)) if (!ENTRY_KEYS.has(key)) fail([...at, key], `unknown key "${key}"; allowed: ${[...ENTRY_KEYS].join(', ')}`);
    for (const key of ['api', 'operationId'] as const) {
      if (typeof entry[key] !== 'string' || entry[key] === '') fail([...at, key], `"${key}" must be a non-empty string`);
    }
    const statuses = entry.statuses;
    if (!Array.isArray(statuses) || statuses.length === 0) return fail([...at, 'statuses'], '"statuses" must be a non-empty list of HTTP status codes');
    statuses.forEach((s, k) => {
      if (typeof s === 'string' && (TRANSPORT_FAULT_ACTIONS as readonly string[]).includes(s)) return;
      if (!Number.isInteger(s) || (s as number) < 100 || (s as number) > 599) {
        fail([...at, 'statuses', k], `${JSON.stringify(s)} is not an HTTP status code (100-599) or a transport fault (${TRANSPORT_FAULT_ACTIONS.join(', ')})`);
      }
    });
    for (const key of ['seed', 'note'] as const) {
      if (entry[key] !== undefined && typeof entry[key] !== 'string') fail([...at, key], `"${key}" must be a string`);
    }
    return {
      api: entry.api as string,
      operationId: entry.operationId as string,
      statuses: statuses as Array<number | string>,
      ...(entry.seed !== undefined ? { seed: entry.seed as string } : {}),
      ...(entry.note !== undefined ? { note: entry.note as string } : {}),
    };
  });
}

/** Entries for one operation merged, statuses de-duplicated and in the order first listed. */
export function mergeRequirements(requirements: Requirement[]): Requirement[] {
  const merged = new Map<string, Requirement>();
  for (const r of requirements) {
    const key = `${r.api} ${r.operationId}`;
    const seen = merged.get(key);
    if (!seen) merged.set(key, { api: r.api, operationId: r.operationId, statuses: [...new Set(r.statuses)] });
    else seen.statuses = [...new Set([...seen.statuses, ...r.statuses])];
  }
  return [...merged.values()];
}

/** Every required operation × status the report does not show served at least once, in the file's order. */
export function missingPairs(requirements: Requirement[], rows: CoverageRowLike[]): MissingPair[] {
  const byOperation = new Map(rows.map((row) => [`${row.api} ${row.operationId}`, row]));
  const missing: MissingPair[] = [];
  for (const r of mergeRequirements(requirements)) {
    const row = byOperation.get(`${r.api} ${r.operationId}`);
    for (const status of r.statuses) {
      if (!row) missing.push({ api: r.api, operationId: r.operationId, status, reason: 'not mounted' });
      else if (!((row.served[String(status)] ?? 0) > 0)) {
        missing.push({ api: r.api, operationId: r.operationId, status, reason: 'never served', method: row.method.toUpperCase(), path: row.path });
      }
    }
  }
  return missing;
}

/** Number of operation × status pairs the requirements ask for (after merging). */
export function requiredPairCount(requirements: Requirement[]): number {
  return mergeRequirements(requirements).reduce((n, r) => n + r.statuses.length, 0);
}

/** One line per miss: `<api> <operationId> <status>` first, so scripts can cut the first three fields. */
export function formatMissing(m: MissingPair): string {
  return m.reason === 'not mounted'
    ? `${m.api} ${m.operationId} ${m.status}: no such operation is mounted`
    : `${m.api} ${m.operationId} ${m.status}: never served (${m.method} ${m.path})`;
}

/** The rows of a `GET /__admin/coverage` JSON answer, checked enough to compare. */
export function coverageRows(body: unknown): CoverageRowLike[] {
  const rows = isObject(body) ? body.operations : undefined;
  if (!Array.isArray(rows) || !rows.every((r) => isObject(r) && typeof r.api === 'string' && typeof r.operationId === 'string' && isObject(r.served))) {
    throw new RequirementsError('the coverage answer is not {operations: [{api, operationId, served, …}]}; is this a mockgate admin API?');
  }
  return rows as CoverageRowLike[];
}

function where(position: YamlPosition | undefined): string {
  return position ? `${position.line}:${position.col}: ` : ' ';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

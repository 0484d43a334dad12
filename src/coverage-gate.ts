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
import { statusCovers } from './journal/coverage.js';
import { parseYaml, yamlFailure, yamlPosition, type YamlPosition } from './engine/yaml.js';

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
  /** The statuses the operation's spec declares ("200", "4XX", "default"), when the report lists them. */
  declared?: string[];
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
    throw new RequirementsError(yamlFailure(err, file));
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

/**
 * The gate's JUnit XML: one suite per API, one test case per operation × status. Required pairs fail when never
 * served (or not mounted); what the operations declare beyond the requirements is reported too, passed when
 * served and skipped when not, so the report shows the whole picture but fails only on what the file asks for.
 */
export function coverageToGateJUnit(requirements: Requirement[], rows: CoverageRowLike[], session?: string): string {
  const required = mergeRequirements(requirements);
  const missing = new Map(missingPairs(requirements, rows).map((m) => [`${m.api} ${m.operationId} ${m.status}`, m]));
  const requiredKeys = new Set(required.flatMap((r) => r.statuses.map((s) => `${r.api} ${r.operationId} ${s}`)));
  interface Case { api: string; operationId: string; status: string; outcome: 'passed' | 'failed' | 'skipped'; message?: string }
  const cases: Case[] = [];
  for (const r of required) {
    for (const status of r.statuses) {
      const miss = missing.get(`${r.api} ${r.operationId} ${status}`);
      cases.push({ api: r.api, operationId: r.operationId, status: String(status), outcome: miss ? 'failed' : 'passed', message: miss && formatMissing(miss) });
    }
  }
  for (const row of rows) {
    for (const status of row.declared ?? []) {
      if (requiredKeys.has(`${row.api} ${row.operationId} ${status}`)) continue;
      const served = Object.entries(row.served).some(([s, n]) => n > 0 && statusCovers(status, Number(s)));
      cases.push({ api: row.api, operationId: row.operationId, status, outcome: served ? 'passed' : 'skipped', message: served ? undefined : 'not required' });
    }
  }
  const byApi = new Map<string, Case[]>();
  for (const c of cases) byApi.set(c.api, [...(byApi.get(c.api) ?? []), c]);
  const suites = [...byApi].map(([api, list]) => {
    const body = list.map((c) => {
      const open = `    <testcase classname="${esc(`${api}.${c.operationId}`)}" name="${esc(`${c.operationId} ${c.status}`)}"`;
      if (c.outcome === 'failed') return `${open}><failure message="${esc(c.message ?? '')}"/></testcase>`;
      if (c.outcome === 'skipped') return `${open}><skipped message="${esc(c.message ?? '')}"/></testcase>`;
      return `${open}/>`;
    });
    const count = (o: Case['outcome']) => list.filter((c) => c.outcome === o).length;
    const name = `mockgate coverage gate: ${api}${session !== undefined ? ` (session ${session})` : ''}`;
    return `  <testsuite name="${esc(name)}" tests="${list.length}" failures="${count('failed')}" skipped="${count('skipped')}">\n${body.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${suites.join('\n')}\n</testsuites>\n`;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function where(position: YamlPosition | undefined): string {
  return position ? `${position.line}:${position.col}: ` : ' ';
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * npm run bench: mockgate against `prism mock -v error` on the same spec (with the mount prefix folded into the
 * paths, since Prism ignores the servers path) and against a bare express route answering the same bytes, on
 * loopback, with autocannon. Each case runs on each server `--rounds` times (interleaved, after one warm-up),
 * and the report shows the medians; plus mockgate's start-up time to a first 200 with every bundled spec, and
 * resident memory after the load. Writes the benchmark section of bench/REPORT.md; builds nothing else into
 * the repository (mockgate is compiled into a scratch folder).
 *
 *   npm run bench                               # every case, 10 s × 2 rounds, 50 connections
 *   npm run bench -- --only tiledb-list --duration 5
 *   BENCH_NODE_ARGS='--max-semi-space-size=8' npm run bench   # other V8 flags on mockgate (noted in the report)
 *   npm run bench -- --only state --duration 5 --rounds 1      # large state only (bench/lib/state-cases.ts)
 *   BENCH_BASELINE_ROOT=/work/main npm run bench -- --only state  # …and the same cases on another checkout
 *   npm run bench -- --only replicas                        # 3 processes on Redis vs 1 in memory (bench/lib/replica-cases.ts)
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadSpec } from '../src/engine/spec.js';
import { foldSpec } from '../test/proof/support/conformance/prism.js';
import { repoRoot } from '../test/proof/support/conformance/paths.js';
import { median, runLoad, type LoadResult } from './lib/load.js';
import {
  buildMockgate,
  rssMB,
  shippedNodeArgs,
  startBareExpress,
  startMockgateProcess,
  startPrismMock,
  waitFor200,
  type Probe,
  type Server,
} from './lib/processes.js';
import { fmt, machineLine, replaceSection, table } from './lib/report.js';
import { runReplicaCases } from './lib/replica-cases.js';
import { runStateCases } from './lib/state-cases.js';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '2' },
    only: { type: 'string' },
    'startup-runs': { type: 'string', default: '5' },
    'no-report': { type: 'boolean', default: false },
    'no-variant': { type: 'boolean', default: false },
  },
});
const DURATION = Number(values.duration);
const CONNECTIONS = Number(values.connections);
const ROUNDS = Number(values.rounds);
const WARMUP = Number(values.warmup);
/**
 * mockgate as shipped: node with the flags of the Dockerfile's ENTRYPOINT (read from it, so the benchmark
 * follows the image; `npm start` uses the same), unless BENCH_NODE_ARGS says otherwise.
 */
const SHIPPED_NODE_ARGS = shippedNodeArgs();
const NODE_ARGS = process.env.BENCH_NODE_ARGS !== undefined ? process.env.BENCH_NODE_ARGS.split(/\s+/).filter(Boolean) : SHIPPED_NODE_ARGS;
/**
 * The same build started as its bin starts it (`npx mockgate`: `node dist/cli.js`, no node flags): Node's own
 * heap defaults (a young generation growing to 16 MB, an old generation growing up to 4× its live size) instead
 * of the image's bounds — what that costs, measured in the same run. --no-variant leaves it out.
 */
const VARIANT = 'mockgate via its bin (no node flags)';
const VARIANT_NODE_ARGS: string[] = [];
/** How long the createUser case's mockgate idles after POST /__admin/reset before its RSS is read again. */
const SETTLE_SECONDS = 10;
const UPSTREAM_SWAGGER = process.env.BENCH_UPSTREAM_SWAGGER ?? '/work/shared/reference/lakefs/swagger.yml';

const LAKEFS_SPEC = path.join(repoRoot, 'specs', 'lakefs', 'auth.yaml');
const LAKEFS_BASIC = `Basic ${Buffer.from('AKIAIOSFOLQUICKSTART:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY').toString('base64')}`;
const TILEDB_KEY = { 'X-TILEDB-REST-API-KEY': 'tdb-ws_9m4e2mr0ui3e8a215n4g-alicedemotoken00000001' };
const RUN_TAG = Date.now().toString(36);

interface Case {
  id: string;
  title: string;
  /** Why the case cannot run here, or undefined. */
  skip(): string | undefined;
  mockgateFlags: string[];
  /** The spec Prism mocks, and the prefix folded into its paths. */
  prismSpec: () => Promise<{ file: string; prefix: string }>;
  /** Runs against the started mockgate (seeding, discovering ids) and returns the request to load. */
  prepare(origin: string): Promise<Probe>;
  /** express route pattern for the bare server. */
  route: string;
  uniqueBody?: (n: number) => string;
  /** Which targets the case's ratios are judged against. */
  prismTarget?: number;
}

const lakefsMissing = () => (existsSync(LAKEFS_SPEC) ? undefined : 'skipped: lakeFS not mounted yet');
const specWithPrefix = async (file: string) => ({ file, prefix: (await loadSpec(file)).serverPath });

async function lakefsUserId(origin: string): Promise<string> {
  const res = await fetch(`${origin}/api/v1/user`, { headers: { Authorization: LAKEFS_BASIC } });
  const body = (await res.json()) as { user?: { id?: string } };
  return body.user?.id || 'quickstart';
}

const getUser = async (origin: string): Promise<Probe> => ({
  method: 'GET',
  path: `/api/v1/auth/users/${encodeURIComponent(await lakefsUserId(origin))}`,
  headers: { Authorization: LAKEFS_BASIC },
});

const CASES: Case[] = [
  {
    id: 'lakefs-getUser',
    title: 'lakeFS `getUser`, basic auth',
    skip: lakefsMissing,
    mockgateFlags: [],
    prismSpec: () => specWithPrefix(LAKEFS_SPEC),
    prepare: getUser,
    route: '/api/v1/auth/users/:userId',
    prismTarget: 2,
  },
  {
    id: 'lakefs-listUsers',
    title: 'lakeFS `listUsers`, 100 users',
    skip: lakefsMissing,
    mockgateFlags: [],
    prismSpec: () => specWithPrefix(LAKEFS_SPEC),
    async prepare(origin) {
      const headers = { Authorization: LAKEFS_BASIC, 'Content-Type': 'application/json' };
      for (let i = 0; i < 100; i++) {
        const res = await fetch(`${origin}/api/v1/auth/users`, { method: 'POST', headers, body: JSON.stringify({ id: `bench-user-${String(i).padStart(3, '0')}` }) });
        await res.arrayBuffer();
      }
      return { method: 'GET', path: '/api/v1/auth/users?amount=100', headers: { Authorization: LAKEFS_BASIC } };
    },
    route: '/api/v1/auth/users',
    prismTarget: 2,
  },
  {
    id: 'lakefs-createUser',
    title: 'lakeFS `createUser`, unique ids',
    skip: lakefsMissing,
    mockgateFlags: [],
    prismSpec: () => specWithPrefix(LAKEFS_SPEC),
    prepare: async () => ({
      method: 'POST',
      path: '/api/v1/auth/users',
      headers: { Authorization: LAKEFS_BASIC, 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: `bench-probe-${RUN_TAG}` }),
    }),
    route: '/api/v1/auth/users',
    uniqueBody: (n) => JSON.stringify({ id: `bench-${RUN_TAG}-${n}` }),
    prismTarget: 2,
  },
  {
    id: 'tiledb-list',
    title: 'TileDB `getCredentials` (list)',
    skip: () => undefined,
    mockgateFlags: [],
    prismSpec: () => specWithPrefix(path.join(repoRoot, 'specs', 'tiledb.yaml')),
    prepare: async () => ({ method: 'GET', path: '/v4/credentials/acme', headers: TILEDB_KEY }),
    route: '/v4/credentials/:workspace',
  },
  {
    id: 'upstream-getUser',
    title: 'lakeFS `getUser`, upstream swagger.yml mounted',
    skip: () => lakefsMissing() ?? (existsSync(UPSTREAM_SWAGGER) ? undefined : `skipped: ${UPSTREAM_SWAGGER} not found (set BENCH_UPSTREAM_SWAGGER)`),
    mockgateFlags: ['--spec', UPSTREAM_SWAGGER],
    prismSpec: () => specWithPrefix(UPSTREAM_SWAGGER),
    prepare: getUser,
    route: '/api/v1/auth/users/:userId',
    prismTarget: 3,
  },
];

interface Measured {
  server: string;
  rounds: LoadResult[];
  rps: number;
  p50: number;
  p99: number;
  rss?: number;
  bad: number;
  note?: string;
  /** createUser: users the server stored during its runs, and its RSS after POST /__admin/reset and a pause. */
  stored?: number;
  rssAfterReset?: number;
}

interface CaseResult {
  case: Case;
  skipped?: string;
  measured: Measured[];
  probeStatus?: number;
}

async function capture(origin: string, probe: Probe): Promise<{ status: number; contentType?: string; body?: string }> {
  const res = await fetch(origin + probe.path, { method: probe.method, headers: probe.headers, body: probe.body });
  const body = await res.text();
  return { status: res.status, contentType: res.headers.get('content-type') ?? undefined, body: body === '' ? undefined : body };
}

async function runCase(c: Case, cli: string, scratch: string): Promise<CaseResult> {
  const skipped = c.skip();
  if (skipped) {
    process.stdout.write(`${c.id}: ${skipped}\n`);
    return { case: c, skipped, measured: [] };
  }
  process.stdout.write(`${c.id}: starting servers\n`);
  const servers: Server[] = [];
  try {
    const mockgate = await startMockgateProcess(cli, c.mockgateFlags, NODE_ARGS);
    servers.push(mockgate);
    if (!values['no-variant']) {
      const variant = await startMockgateProcess(cli, c.mockgateFlags, VARIANT_NODE_ARGS);
      variant.name = VARIANT;
      servers.push(variant);
      await waitFor200(variant, { method: 'GET', path: '/__admin/health', headers: {} }, performance.now());
    }
    await waitFor200(mockgate, { method: 'GET', path: '/__admin/health', headers: {} }, performance.now());
    const probe = await c.prepare(mockgate.origin);
    // The variant gets the same preparation (its own seeded users, …).
    for (const variant of servers.filter((s) => s.name === VARIANT)) await c.prepare(variant.origin);
    const answer = await capture(mockgate.origin, probe);
    if (answer.status < 200 || answer.status >= 300) throw new Error(`mockgate answered ${answer.status} to ${probe.method} ${probe.path}: ${answer.body}`);
    const spec = await c.prismSpec();
    const prism = await startPrismMock(foldSpec(spec.file, spec.prefix, scratch, `${c.id}`));
    servers.push(prism);
    const express = await startBareExpress({ method: probe.method, path: c.route, status: answer.status, contentType: answer.contentType, body: answer.body });
    servers.push(express);
    const notes = new Map<string, string>();
    for (const server of [prism, express]) {
      // createUser: Prism and express keep nothing, so the probe's id can be reused.
      await waitFor200(server, probe, performance.now(), 120_000, 50).catch(async (err) => {
        const seen = await capture(server.origin, probe).catch(() => undefined);
        notes.set(server.name, `answers ${seen?.status ?? 'nothing'}`);
        if (!seen) throw err;
      });
    }
    const results = new Map<string, LoadResult[]>(servers.map((s) => [s.name, []]));
    // Successful answers per server, warm-ups included (createUser: the users each server stored).
    const successes = new Map<string, number>(servers.map((s) => [s.name, 0]));
    const count = (server: Server, result: LoadResult) =>
      successes.set(server.name, successes.get(server.name)! + Object.entries(result.statuses).reduce((n, [status, k]) => (status.startsWith('2') ? n + k : n), 0));
    for (let round = 0; round < ROUNDS; round++) {
      for (const server of servers) {
        const options = { connections: CONNECTIONS, uniqueBody: c.uniqueBody };
        if (round === 0 && WARMUP > 0) count(server, await runLoad(server.origin, probe, { ...options, durationSeconds: WARMUP }));
        const result = await runLoad(server.origin, probe, { ...options, durationSeconds: DURATION });
        // Read right after the server's own load (read later, an idle V8 has already given memory back).
        result.rssAfter = rssMB(server.pid);
        results.get(server.name)!.push(result);
        count(server, result);
        process.stdout.write(`${c.id}: round ${round + 1} ${server.name.padEnd(20)} ${fmt.int(result.rps).padStart(7)} req/s  p50 ${result.p50} ms  p99 ${result.p99} ms${result.bad ? `  (${result.bad} non-2xx/errors: ${JSON.stringify(result.statuses)})` : ''}\n`);
      }
    }
    // createUser grows real state (every answer stored a user): the RSS it ends with is the mock's memory plus
    // that state. Reset the session and let the process idle, then read it again: what the mock itself keeps.
    const afterReset = new Map<string, number | undefined>();
    if (c.uniqueBody) {
      const mockgates = servers.filter((s) => s.name === 'mockgate' || s.name === VARIANT);
      for (const server of mockgates) await (await fetch(`${server.origin}/__admin/reset`, { method: 'POST' })).arrayBuffer();
      await new Promise((r) => setTimeout(r, SETTLE_SECONDS * 1000));
      for (const server of mockgates) afterReset.set(server.name, rssMB(server.pid));
    }
    const measured = servers.map((server): Measured => {
      const rounds = results.get(server.name)!;
      return {
        server: server.name,
        rounds,
        rps: median(rounds.map((r) => r.rps)),
        p50: median(rounds.map((r) => r.p50)),
        p99: median(rounds.map((r) => r.p99)),
        rss: Math.max(...rounds.map((r) => r.rssAfter ?? NaN)),
        bad: rounds.reduce((n, r) => n + r.bad, 0),
        note: notes.get(server.name),
        ...(afterReset.has(server.name) && { stored: successes.get(server.name), rssAfterReset: afterReset.get(server.name) }),
      };
    });
    return { case: c, measured, probeStatus: answer.status };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

/** Start-up to the first 200 of a real API call, with every bundled spec mounted (the default). */
async function measureStartup(cli: string, runs: number): Promise<number[]> {
  const probe: Probe = { method: 'GET', path: '/v4/credentials/acme', headers: TILEDB_KEY };
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const since = performance.now();
    const server = await startMockgateProcess(cli, [], NODE_ARGS);
    try {
      times.push(await waitFor200(server, probe, since, 30_000, 2));
    } finally {
      await server.stop();
    }
  }
  return times;
}

function render(results: CaseResult[], startup: number[], elapsedMs: number): string {
  const lines: string[] = [];
  lines.push('## Benchmark', '');
  lines.push(`${machineLine()}`, '');
  lines.push(
    `autocannon, ${CONNECTIONS} connections, ${DURATION} s per run, ${ROUNDS} runs per server and case (interleaved, after a ${WARMUP} s warm-up), ` +
      `medians shown; loopback; mockgate as shipped (\`node ${[...NODE_ARGS, 'dist/cli.js'].join(' ')} --log-level warn\`, the Dockerfile's command line), ` +
      '`prism mock -v error` on a copy of the same spec with the mount prefix folded into its paths, and a bare express route answering ' +
      "mockgate's own bytes. The load generator shares the machine's cores with the server it measures. " +
      `Whole run: ${Math.round(elapsedMs / 1000)} s.`,
    '',
  );
  const rows: string[][] = [];
  for (const r of results) {
    if (r.skipped) {
      rows.push([r.case.title, r.skipped, '', '', '', '', '', '']);
      continue;
    }
    const mg = r.measured.find((m) => m.server === 'mockgate')!;
    for (const m of r.measured) {
      rows.push([
        m.server === 'mockgate' ? r.case.title : '',
        m.server + (m.note ? ` (${m.note})` : '') + (m.bad ? ` ⚠ ${m.bad} non-2xx/errors` : ''),
        fmt.int(m.rps),
        fmt.ms(m.p50),
        fmt.ms(m.p99),
        fmt.mb(m.rss),
        m.server === 'mockgate' ? '' : fmt.ratio(mg.rps / m.rps),
        m.rounds.map((x) => fmt.int(x.rps)).join(' / '),
      ]);
    }
  }
  lines.push(table(['case', 'server', 'req/s', 'p50 ms', 'p99 ms', 'RSS right after its runs, MB', 'mockgate ÷ this', 'req/s per run'], rows, 2), '');
  if (!values['no-variant']) {
    lines.push(
      `"${VARIANT}" is the same build started as \`npx mockgate\` starts it (\`node dist/cli.js\`): without the image's ` +
        'heap flags, with Node\'s own heap defaults — the throughput and memory that trades, measured in the same run.',
      '',
    );
  }
  const created = results.filter((r) => !r.skipped && r.measured.some((m) => m.stored !== undefined));
  for (const r of created) {
    const parts = r.measured
      .filter((m) => m.stored !== undefined)
      .map((m) => `${m.server}: ${fmt.int(m.stored!)} users stored, ${fmt.mb(m.rss)} MB after its runs, **${fmt.mb(m.rssAfterReset)} MB** after \`POST /__admin/reset\` and ${SETTLE_SECONDS} s idle`);
    lines.push(
      `${r.case.title} grows real state: every answer stores a user (about 120 bytes of heap each, measured in-process). The RSS right after its runs ` +
        `is the mock's memory plus that state; the session is then reset and the process left idle before RSS is read again. ${parts.join('; ')}.`,
      '',
    );
  }

  const sorted = [...startup].sort((a, b) => a - b);
  lines.push(
    `Start-up to the first 200 (\`GET /v4/credentials/acme\`, every bundled spec mounted, process spawn included): median **${fmt.int(median(startup))} ms** ` +
      `over ${startup.length} starts (min ${fmt.int(sorted[0])}, max ${fmt.int(sorted.at(-1))}).`,
    '',
  );

  lines.push('### Targets', '');
  const targetRows: string[][] = [];
  const ran = results.filter((r) => !r.skipped);
  const ratio = (r: CaseResult, other: string) => {
    const mg = r.measured.find((m) => m.server === 'mockgate')!.rps;
    return mg / r.measured.find((m) => m.server === other)!.rps;
  };
  for (const r of ran) {
    if (r.case.prismTarget) {
      const x = ratio(r, 'prism');
      targetRows.push([`≥ ${r.case.prismTarget}× Prism: ${r.case.title}`, fmt.ratio(x), x >= r.case.prismTarget ? 'met' : '**missed**']);
    }
  }
  for (const r of ran) {
    const x = ratio(r, 'express');
    targetRows.push([`≥ 0.8× bare express: ${r.case.title}`, fmt.ratio(x), x >= 0.8 ? 'met' : '**missed**']);
  }
  const start = median(startup);
  targetRows.push(['start-up ≤ 1 s, every bundled spec', `${fmt.int(start)} ms`, start <= 1000 ? 'met' : '**missed**']);
  const rssRows = (server: string, label: string) => {
    const of = (r: CaseResult) => r.measured.find((m) => m.server === server);
    const raw = Math.max(...ran.map((r) => of(r)?.rss ?? NaN));
    targetRows.push([`RSS ≤ 120 MB after the load (largest over the cases)${label}`, `${fmt.mb(raw)} MB`, raw <= 120 ? 'met' : '**missed**']);
    if (ran.some((r) => of(r)?.rssAfterReset !== undefined)) {
      const own = Math.max(...ran.map((r) => of(r)?.rssAfterReset ?? of(r)?.rss ?? NaN));
      targetRows.push([`… the same, createUser read after its stored users are reset${label}`, `${fmt.mb(own)} MB`, own <= 120 ? 'met' : '**missed**']);
    }
  };
  rssRows('mockgate', '');
  if (!values['no-variant']) {
    rssRows(VARIANT, `, ${VARIANT}`);
    for (const r of ran) {
      const x = r.measured.find((m) => m.server === VARIANT)!.rps / r.measured.find((m) => m.server === 'express')!.rps;
      targetRows.push([`≥ 0.8× bare express, ${VARIANT}: ${r.case.title}`, fmt.ratio(x), x >= 0.8 ? 'met' : '**missed**']);
    }
  }
  for (const r of results.filter((x) => x.skipped)) targetRows.push([r.case.title, '—', r.skipped!]);
  lines.push(table(['target', 'measured', ''], targetRows), '');
  return lines.join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  const only = values.only?.split(',');
  const cases = CASES.filter((c) => !only || only.includes(c.id));
  const stateCases = !only || only.includes('state');
  const replicaCases = !only || only.includes('replicas');
  if (cases.length === 0 && !stateCases && !replicaCases) throw new Error(`no case named ${values.only}; cases: ${CASES.map((c) => c.id).join(', ')}, state, replicas`);
  process.stdout.write(`bench: building mockgate into a scratch folder\n`);
  const build = await buildMockgate();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'mockgate-bench-specs-'));
  try {
    if (stateCases) {
      const baselineRoot = process.env.BENCH_BASELINE_ROOT;
      const baseline = baselineRoot ? await buildMockgate(baselineRoot) : undefined;
      try {
        const builds = [{ name: 'this checkout', cli: build.cli }, ...(baseline ? [{ name: `baseline (${baselineRoot})`, cli: baseline.cli }] : [])];
        const options = { durationSeconds: DURATION, connections: CONNECTIONS, rounds: ROUNDS, warmupSeconds: WARMUP, nodeArgs: NODE_ARGS };
        const markdown = await runStateCases(builds, options);
        process.stdout.write(`\n${markdown}\n`);
        if (!values['no-report']) replaceSection('state', markdown);
      } finally {
        baseline?.dispose();
      }
      if (cases.length === 0 && !replicaCases) return;
    }
    if (replicaCases) {
      // Shorter than the other cases (six loads on four processes): enough for the ratios, and keeps `npm run bench` short.
      const options = { durationSeconds: Math.min(DURATION, 5), connections: 16, rounds: Math.min(ROUNDS, 2), warmupSeconds: Math.min(WARMUP, 2), nodeArgs: NODE_ARGS };
      const markdown = await runReplicaCases(build.cli, options);
      process.stdout.write(`\n${markdown}\n`);
      if (!values['no-report']) replaceSection('replicas', markdown);
      if (cases.length === 0) return;
    }
    process.stdout.write('bench: start-up\n');
    const startup = await measureStartup(build.cli, Number(values['startup-runs']));
    process.stdout.write(`bench: start-up to first 200: ${startup.map((t) => Math.round(t)).join(', ')} ms\n`);
    const results: CaseResult[] = [];
    for (const c of cases) results.push(await runCase(c, build.cli, scratch));
    const markdown = render(results, startup, performance.now() - started);
    process.stdout.write(`\n${markdown}\n`);
    if (!values['no-report']) replaceSection('bench', markdown);
  } finally {
    build.dispose();
    rmSync(scratch, { recursive: true, force: true });
  }
}

await main();

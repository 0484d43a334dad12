/**
 * npm run bench:limit — mockgate against the real limit: a bare node:http listener answering the same bytes
 * (bench/bare-http.mjs), each server pinned to one core with taskset and driven by wrk (one thread, 50
 * connections) pinned to the other, so neither the load generator nor anything else in the server's process
 * eats into the figure (issue 17; bench/run.ts's autocannon and express reference hid the distance). Prism runs
 * too, as the peer every user knows. Cases: lakeFS getUser and createUser with basic auth, listUsers with 100
 * users stored. Each case runs on each server `--rounds` times, interleaved, after a warm-up; the report shows
 * medians and the ratio of each server to bare node:http in the same run. Writes the "limit" section of
 * bench/REPORT.md.
 *
 *   npm run bench:limit                                  # 10 s per run, 2 rounds
 *   npm run bench:limit -- --seconds 5 --rounds 1 --only getUser --no-report
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { foldSpec, freePort } from '../test/proof/support/conformance/prism.js';
import { repoRoot } from '../test/proof/support/conformance/paths.js';
import { buildMockgate, rssMB, shippedNodeArgs, spawnServer, waitFor200, type Probe, type Server } from './lib/processes.js';
import { fmt, machineLine, replaceSection, table } from './lib/report.js';
import { runWrk, wrkAvailable, type WrkRequest, type WrkResult } from './lib/wrk.js';
import { median } from './lib/load.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '2' },
    warmup: { type: 'string', default: '2' },
    only: { type: 'string' },
    'no-report': { type: 'boolean', default: false },
    'no-prism': { type: 'boolean', default: false },
  },
});
const SECONDS = Number(values.seconds);
const CONNECTIONS = Number(values.connections);
const ROUNDS = Number(values.rounds);
const WARMUP = Number(values.warmup);
/** The server's core and the load generator's: the machine's first two. */
const SERVER_CORE = 1;
const LOAD_CORE = 0;

const BASIC = `Basic ${Buffer.from('AKIAIOSFOLQUICKSTART:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY').toString('base64')}`;
const JSON_HEADERS = { Authorization: BASIC, 'Content-Type': 'application/json' };

interface Case {
  id: string;
  title: string;
  /** What wrk sends (the same to every server). */
  request: WrkRequest;
  /** Prepares mockgate (seeds users) before the case's runs. */
  prepare?(origin: string): Promise<void>;
  /** The statuses a run may answer; anything else means the figure is not of this case. */
  okStatus: number;
}

const CASES: Case[] = [
  {
    id: 'getUser',
    title: 'lakeFS getUser (GET /api/v1/auth/users/quickstart, basic auth)',
    request: { method: 'GET', path: '/api/v1/auth/users/quickstart', headers: { Authorization: BASIC } },
    okStatus: 200,
  },
  {
    id: 'createUser',
    title: 'lakeFS createUser (POST /api/v1/auth/users, a new id each time)',
    request: { method: 'POST', path: '/api/v1/auth/users', headers: JSON_HEADERS, body: '{"id":"bench-{{n}}"}' },
    okStatus: 201,
  },
  {
    id: 'listUsers',
    title: 'lakeFS listUsers, a page of 100 with 100 users stored',
    request: { method: 'GET', path: '/api/v1/auth/users?amount=100', headers: { Authorization: BASIC } },
    async prepare(origin) {
      for (let i = 0; i < 99; i++) {
        const res = await fetch(`${origin}/api/v1/auth/users`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ id: `seeded-${String(i).padStart(3, '0')}` }) });
        await res.arrayBuffer();
      }
    },
    okStatus: 200,
  },
];

/** Starts a server process pinned to the server core. */
function pinned(name: string, args: string[], port: number, env: NodeJS.ProcessEnv = {}): Server {
  return spawnServer(name, 'taskset', ['-c', String(SERVER_CORE), ...args], port, env);
}

/** A mockgate process as shipped, and how long it took from spawn to its first 200 (every bundled spec mounted). */
async function startMockgate(cli: string): Promise<{ server: Server; startupMs: number }> {
  const port = await freePort();
  const spawned = performance.now();
  const server = pinned('mockgate', [process.execPath, ...shippedNodeArgs(), cli, '--port', String(port), '--host', '127.0.0.1', '--log-level', 'warn'], port);
  const startupMs = await waitFor200(server, probeOf(CASES[0]!.request), spawned);
  return { server, startupMs };
}

async function startBare(answer: CapturedAnswer): Promise<Server> {
  const port = await freePort();
  const server = pinned('node:http', [process.execPath, path.join(repoRoot, 'bench', 'bare-http.mjs')], port, { BARE_PORT: String(port), BARE_ANSWER: JSON.stringify(answer) });
  await waitFor200(server, { method: 'GET', path: '/', headers: {} }, performance.now(), 10_000).catch(() => undefined);
  return server;
}

async function startPrism(): Promise<Server> {
  const port = await freePort();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'mockgate-limit-prism-'));
  const folded = foldSpec(path.join(repoRoot, 'specs', 'lakefs', 'auth.yaml'), '/api/v1', scratch);
  const cli = path.join(repoRoot, 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js');
  const server = pinned('prism', [process.execPath, cli, 'mock', folded, '-p', String(port), '-h', '127.0.0.1', '-v', 'error'], port);
  await waitFor200(server, probeOf(CASES[0]!.request), performance.now());
  return server;
}

const probeOf = (request: WrkRequest): Probe => ({ method: request.method, path: request.path, headers: request.headers, body: request.body?.replace('{{n}}', `probe-${Math.random()}`) });

interface CapturedAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** mockgate's answer to the case's request, byte for byte what the bare server then answers to every request. */
async function capture(origin: string, request: WrkRequest): Promise<CapturedAnswer> {
  const probe = probeOf(request);
  const res = await fetch(origin + probe.path, { method: probe.method, headers: probe.headers, body: probe.body });
  const body = await res.text();
  const headers: Record<string, string> = {};
  res.headers.forEach((value, name) => {
    if (!['date', 'connection', 'keep-alive', 'content-length', 'transfer-encoding'].includes(name)) headers[name] = value;
  });
  return { status: res.status, headers, body };
}

interface Row {
  server: string;
  runs: WrkResult[];
}

async function main(): Promise<void> {
  const missing = wrkAvailable();
  if (missing) {
    process.stderr.write(`bench:limit: ${missing}\n`);
    process.exit(2);
  }
  if (os.cpus().length < 2) {
    process.stderr.write('bench:limit: needs two cores (one for the server, one for wrk)\n');
    process.exit(2);
  }
  const cases = values.only ? CASES.filter((c) => values.only!.split(',').includes(c.id)) : CASES;
  const build = await buildMockgate();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'mockgate-limit-'));
  const sections: string[] = [];
  const summary: string[][] = [];
  const startups: number[] = [];
  const rssAfter = new Map<string, number | undefined>();
  const ratios = new Map<string, { rps: number; p99: number }>();
  try {
    for (const c of cases) {
      process.stderr.write(`bench:limit: ${c.id}\n`);
      const { server: mockgate, startupMs } = await startMockgate(build.cli);
      startups.push(startupMs);
      await c.prepare?.(mockgate.origin);
      const answer = await capture(mockgate.origin, c.request);
      if (answer.status !== c.okStatus) throw new Error(`${c.id}: mockgate answered ${answer.status}, expected ${c.okStatus}: ${answer.body}`);
      const bare = await startBare(answer);
      const prism = values['no-prism'] ? undefined : await startPrism();
      const servers = [bare, mockgate, ...(prism ? [prism] : [])];
      const rows = new Map<Server, Row>(servers.map((s) => [s, { server: s.name, runs: [] }]));
      const options = { seconds: SECONDS, connections: CONNECTIONS, core: LOAD_CORE, scratch };
      for (const s of servers) await runWrk(s.origin, c.request, { ...options, seconds: WARMUP });
      for (let round = 0; round < ROUNDS; round++) {
        for (const s of servers) rows.get(s)!.runs.push(await runWrk(s.origin, c.request, options));
      }
      // Read before the servers stop: what the process holds right after the case's load.
      rssAfter.set(c.id, rssMB(mockgate.pid));
      for (const s of servers) await s.stop();
      const bareRps = median(rows.get(bare)!.runs.map((r) => r.requestsPerSecond));
      const bareP99 = median(rows.get(bare)!.runs.map((r) => r.p99));
      const tableRows = servers.map((s) => {
        const { runs } = rows.get(s)!;
        const rps = median(runs.map((r) => r.requestsPerSecond));
        const p99 = median(runs.map((r) => r.p99));
        const bad = runs.reduce((n, r) => n + r.non2xx + r.errors, 0);
        return [s.name, fmt.int(rps), fmt.ratio(rps / bareRps), fmt.ms(median(runs.map((r) => r.p50))), fmt.ms(p99), fmt.ratio(p99 / bareP99), bad ? fmt.int(bad) : '0'];
      });
      const mine = rows.get(mockgate)!;
      const ratio = { rps: median(mine.runs.map((r) => r.requestsPerSecond)) / bareRps, p99: median(mine.runs.map((r) => r.p99)) / bareP99 };
      ratios.set(c.id, ratio);
      summary.push([c.id, fmt.ratio(ratio.rps), fmt.ratio(ratio.p99), fmtMB(rssAfter.get(c.id))]);
      sections.push(
        `### ${c.title}\n\n${table(['server', 'req/s', 'vs node:http', 'p50 ms', 'p99 ms', 'p99 vs node:http', 'non-2xx / errors'], tableRows)}`,
      );
    }
  } finally {
    build.dispose();
    rmSync(scratch, { recursive: true, force: true });
  }
  const markdown = [
    '## Against the limit (npm run bench:limit)',
    '',
    machineLine(),
    '',
    `Each server alone on core ${SERVER_CORE} (taskset), wrk 1 thread × ${CONNECTIONS} connections on core ${LOAD_CORE}, ${SECONDS} s per run, ${ROUNDS} rounds interleaved after a ${WARMUP} s warm-up; medians. node:http answers the bytes mockgate answered (status, headers, body) to every request, with no parsing, routing or state: the limit for Node on one core. mockgate runs as shipped (the image's node flags), validating, authenticating, storing and journaling; Prism 5 mocks the same spec. Ratios are within this run; the machine is shared, so compare ratios, not absolute figures.`,
    '',
    table(['case', 'mockgate req/s vs node:http', 'mockgate p99 vs node:http', 'mockgate RSS after the case, MB'], summary),
    '',
    `Start-up to the first 200 (spawn to \`getUser\` answering, every bundled spec mounted, pinned to one core): median ${fmt.int(median(startups))} ms over ${startups.length} starts.`,
    '',
    targetsTable(ratios, rssAfter, median(startups)),
    '',
    ...sections.flatMap((s) => [s, '']),
  ].join('\n');
  process.stdout.write(`${markdown}\n`);
  if (!values['no-report']) replaceSection('limit', markdown);
}

const fmtMB = (mb: number | undefined) => (mb === undefined ? '–' : mb.toFixed(0));

/** Issue 17's targets, each with this run's figure and whether it is met (only the cases that ran). */
function targetsTable(ratios: Map<string, { rps: number; p99: number }>, rss: Map<string, number | undefined>, startupMs: number): string {
  const rows: string[][] = [];
  const verdict = (ok: boolean) => (ok ? 'met' : '**missed**');
  const floors: Record<string, number> = { getUser: 0.5, createUser: 0.4, listUsers: 0.25 };
  for (const [id, floor] of Object.entries(floors)) {
    const ratio = ratios.get(id);
    if (ratio) rows.push([`${id} req/s ≥ ${floor}× node:http`, fmt.ratio(ratio.rps), verdict(ratio.rps >= floor)]);
  }
  const get = ratios.get('getUser');
  if (get) rows.push(['getUser p99 ≤ 2× node:http', fmt.ratio(get.p99), verdict(get.p99 <= 2)]);
  const getRss = rss.get('getUser');
  if (getRss !== undefined) rows.push(['RSS ≤ 120 MB after the getUser case', `${fmtMB(getRss)} MB`, verdict(getRss <= 120)]);
  rows.push(['start-up ≤ 1 s with the bundled specs', `${fmt.int(startupMs)} ms`, verdict(startupMs <= 1000)]);
  return table(['target (issue 17)', 'this run', ''], rows);
}

await main();

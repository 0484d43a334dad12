/**
 * Large state (issue 15): a lakeFS `listUsers` page of 100 and `createUser`, with 1 000 and with 100 000 users
 * stored, in memory and with --state-file — what a page and a write cost as the state grows. mockgate only (Prism
 * and express keep no state); optionally the same cases on a baseline build (BENCH_BASELINE_ROOT, e.g. a checkout
 * of main) in the same run, for a before / after.
 *
 * Each configuration is its own process: the users are stored with one PUT /__admin/state (so seeding costs one
 * request, whatever the count), then the list is loaded (one connection: its latency is the page's cost), then
 * creates (many connections: throughput).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { median, runLoad, type LoadResult } from './load.js';
import { startMockgateProcess, waitFor200, type Probe } from './processes.js';
import { fmt, machineLine, table } from './report.js';

const LAKEFS_BASIC = `Basic ${Buffer.from('AKIAIOSFOLQUICKSTART:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY').toString('base64')}`;
export const STATE_SIZES = [1_000, 100_000];

export interface StateOptions {
  durationSeconds: number;
  connections: number;
  rounds: number;
  /** Seconds of each load run first, unmeasured (JIT). */
  warmupSeconds: number;
  nodeArgs: string[];
}

interface Build {
  name: string;
  cli: string;
}

interface StateRow {
  build: string;
  users: number;
  store: 'memory' | 'state-file';
  seedMs: number;
  list: { p50: number; p99: number; rps: number; bad: number };
  create: { rps: number; p50: number; p99: number; bad: number };
}

const userId = (i: number) => `user-${String(i).padStart(6, '0')}`;

async function seedUsers(origin: string, count: number): Promise<number> {
  const started = performance.now();
  const res = await fetch(`${origin}/__admin/state`);
  const { apis } = (await res.json()) as { apis: { lakefs: { users: Record<string, unknown> } } };
  const users = apis.lakefs.users;
  for (let i = 0; i < count; i++) users[userId(i)] = { id: userId(i), creationDate: 1_700_000_000 };
  const put = await fetch(`${origin}/__admin/state`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ session: 'default', apis }) });
  if (put.status !== 200) throw new Error(`PUT /__admin/state answered ${put.status}: ${await put.text()}`);
  await put.arrayBuffer();
  return performance.now() - started;
}

function summarise(rounds: LoadResult[]) {
  return {
    rps: median(rounds.map((r) => r.rps)),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    bad: rounds.reduce((n, r) => n + r.bad, 0),
  };
}

let unique = 0;

async function runOne(build: Build, users: number, store: StateRow['store'], options: StateOptions, scratch: string): Promise<StateRow> {
  const flags = ['--body-limit-mb', '64'];
  if (store === 'state-file') flags.push('--state-file', path.join(scratch, `${build.name}-${users}-${Date.now()}.json`));
  const server = await startMockgateProcess(build.cli, flags, options.nodeArgs);
  try {
    await waitFor200(server, { method: 'GET', path: '/__admin/health', headers: {} }, performance.now());
    const seedMs = await seedUsers(server.origin, users);
    // A page from the middle of the table: `after` a stored id.
    const list: Probe = { method: 'GET', path: `/api/v1/auth/users?amount=100&after=${userId(Math.floor(users / 2))}`, headers: { Authorization: LAKEFS_BASIC } };
    await waitFor200(server, list, performance.now());
    const tag = `${Date.now().toString(36)}-${unique++}`;
    const create: Probe = {
      method: 'POST',
      path: '/api/v1/auth/users',
      headers: { Authorization: LAKEFS_BASIC, 'Content-Type': 'application/json' },
      body: JSON.stringify({ id: `bench-${tag}-probe` }),
    };
    const listRounds: LoadResult[] = [];
    const createRounds: LoadResult[] = [];
    const createBody = (n: number) => JSON.stringify({ id: `bench-${tag}-${n}` });
    // Every list run before any create: the creates add users, and the page must be measured at the stored count.
    if (options.warmupSeconds > 0) await runLoad(server.origin, list, { connections: 1, durationSeconds: options.warmupSeconds });
    for (let round = 0; round < options.rounds; round++) {
      listRounds.push(await runLoad(server.origin, list, { connections: 1, durationSeconds: options.durationSeconds }));
    }
    if (options.warmupSeconds > 0) {
      await runLoad(server.origin, create, { connections: options.connections, durationSeconds: options.warmupSeconds, uniqueBody: createBody });
    }
    for (let round = 0; round < options.rounds; round++) {
      createRounds.push(
        await runLoad(server.origin, create, {
          connections: options.connections,
          durationSeconds: options.durationSeconds,
          uniqueBody: createBody,
        }),
      );
    }
    const row: StateRow = { build: build.name, users, store, seedMs, list: summarise(listRounds), create: summarise(createRounds) };
    process.stdout.write(
      `state: ${build.name} ${store} ${users} users: seed ${Math.round(seedMs)} ms, list ${(1000 / row.list.rps).toFixed(2)} ms per page (${fmt.int(row.list.rps)}/s), create ${fmt.int(row.create.rps)}/s p99 ${row.create.p99} ms\n`,
    );
    return row;
  } finally {
    await server.stop();
  }
}

/** Runs every configuration on each build and returns the report section. */
export async function runStateCases(builds: Build[], options: StateOptions): Promise<string> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'mockgate-bench-state-'));
  const rows: StateRow[] = [];
  const started = performance.now();
  try {
    for (const build of builds) {
      for (const store of ['memory', 'state-file'] as const) {
        for (const users of STATE_SIZES) rows.push(await runOne(build, users, store, options, scratch));
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return render(rows, builds, options, performance.now() - started);
}

function render(rows: StateRow[], builds: Build[], options: StateOptions, elapsedMs: number): string {
  const lines: string[] = ['## Large state (npm run bench -- --only state)', '', machineLine(), ''];
  lines.push(
    `Per configuration, one process: the users stored with one \`PUT /__admin/state\`; then ${options.rounds} runs of a \`listUsers\` page of 100 ` +
      `from the middle of the table (\`?amount=100&after=<the middle id>\`) on 1 connection for ${options.durationSeconds} s — one request at a ` +
      `time, so 1000 ÷ req/s is a page's cost in ms, HTTP included; then ${options.rounds} runs of \`createUser\` with unique ids on ` +
      `${options.connections} connections for ${options.durationSeconds} s (they add thousands of users on top of those stored); each after a ` +
      `${options.warmupSeconds} s warm-up; medians. An answer slower than autocannon's 10 s timeout is not counted. Total ` +
      `${Math.round(elapsedMs / 1000)} s.`,
    '',
  );
  lines.push(
    table(
      ['build', 'store', 'users stored', 'seed (one PUT), ms', 'ms per page', 'list p99 ms', 'list req/s', 'create req/s', 'create p99 ms'],
      rows.map((r) => [
        r.build,
        r.store,
        fmt.int(r.users),
        fmt.int(r.seedMs),
        (1000 / r.list.rps).toFixed(2),
        fmt.ms(r.list.p99),
        fmt.int(r.list.rps),
        fmt.int(r.create.rps),
        fmt.ms(r.create.p99) + (r.list.bad + r.create.bad ? ` (${r.list.bad + r.create.bad} non-2xx)` : ''),
      ]),
      2,
    ),
    '',
  );
  const find = (build: string, store: StateRow['store'], users: number) => rows.find((r) => r.build === build && r.store === store && r.users === users);
  const targets: string[][] = [];
  for (const build of builds) {
    const [small, large] = STATE_SIZES;
    for (const store of ['memory', 'state-file'] as const) {
      const a = find(build.name, store, small!);
      const b = find(build.name, store, large!);
      // autocannon's latencies are whole milliseconds: the page cost is also read from the rate on one connection.
      if (a && b) {
        const ratio = a.list.rps / b.list.rps;
        targets.push([`${build.name}, ${store}: a page at ${fmt.int(large)} ≤ 2× a page at ${fmt.int(small)} (time per page, from req/s on 1 connection)`, fmt.ratio(ratio), ratio <= 2 ? 'met' : '**missed**']);
      }
    }
    const memory = find(build.name, 'memory', STATE_SIZES[1]!);
    const file = find(build.name, 'state-file', STATE_SIZES[1]!);
    if (memory && file) {
      const ratio = file.create.rps / memory.create.rps;
      targets.push([`${build.name}: create/s with --state-file ≥ 0.5× in memory, ${fmt.int(STATE_SIZES[1])} users stored`, fmt.ratio(ratio), ratio >= 0.5 ? 'met' : '**missed**']);
    }
  }
  lines.push('### Targets', '', table(['target', 'measured', ''], targets), '');
  return lines.join('\n');
}

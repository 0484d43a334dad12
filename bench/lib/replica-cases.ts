/**
 * Replicas on Redis (issue 15): three mockgate processes on one Redis (`--store redis://`) against one in-memory
 * process, in the same run: lakeFS createUser and getUser spread over 16 sessions, and createUser all in one
 * session (every write of it through three replicas racing on one version). The load is spread over the
 * processes as a load balancer would (one autocannon per process, the connections split between them), and the
 * Redis is a redis-server started for the run (no persistence), on the same machine.
 */
import autocannon from 'autocannon';
import { redisAvailable, startRedis, type RunningRedis } from '../../test/redis/redis-server.js';
import { median } from './load.js';
import { startMockgateProcess, waitFor200, type Server } from './processes.js';
import { fmt, machineLine, table } from './report.js';

const LAKEFS_BASIC = `Basic ${Buffer.from('AKIAIOSFOLQUICKSTART:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY').toString('base64')}`;
const SESSIONS = 16;
const REPLICAS = 3;

export interface ReplicaOptions {
  durationSeconds: number;
  connections: number;
  rounds: number;
  warmupSeconds: number;
  nodeArgs: string[];
}

type Setup = 'memory, 1 process' | `Redis, ${typeof REPLICAS} processes`;
interface Load {
  id: 'create-spread' | 'read-spread' | 'create-one';
  title: string;
  write: boolean;
  sessions: number;
}
const LOADS: Load[] = [
  { id: 'create-spread', title: `createUser, ${SESSIONS} sessions`, write: true, sessions: SESSIONS },
  { id: 'read-spread', title: `getUser, ${SESSIONS} sessions`, write: false, sessions: SESSIONS },
  { id: 'create-one', title: 'createUser, one session', write: true, sessions: 1 },
];

interface Measured {
  rps: number;
  p99: number;
  bad: number;
  statuses: Record<string, number>;
  /** The first few bodies of answers outside 2xx (what went wrong, for the report). */
  failures: string[];
}
interface Row extends Measured {
  setup: Setup;
  load: Load;
}

let counter = 0;
let runs = 0;

/** One load run over every process at once; the figures are the sum of their rates and the worst p99. */
async function runSpread(origins: string[], load: Load, tag: string, connections: number, seconds: number): Promise<Measured> {
  // The connections split as evenly as they go (16 over three: 6, 5, 5).
  const failures: string[] = [];
  const share = (i: number) => Math.floor(connections / origins.length) + (i < connections % origins.length ? 1 : 0);
  const results = await Promise.all(
    origins.map((url, i) =>
      autocannon({
        url,
        connections: share(i),
        duration: seconds,
        requests: [
          {
            method: load.write ? 'POST' : 'GET',
            path: '/api/v1/auth/users/reader',
            headers: { Authorization: LAKEFS_BASIC, ...(load.write ? { 'Content-Type': 'application/json' } : {}) },
            setupRequest: (request) => {
              const n = counter++;
              const headers = { ...request.headers, 'X-Mock-Session': `${tag}-${n % load.sessions}` };
              if (!load.write) return { ...request, headers };
              return { ...request, headers, path: '/api/v1/auth/users', body: JSON.stringify({ id: `${tag}-${n}` }) };
            },
            onResponse: (status, body) => {
              if ((status < 200 || status > 299) && failures.length < 3) failures.push(`${status} ${body.slice(0, 300)}`);
            },
          },
        ],
      }),
    ),
  );
  const statuses: Record<string, number> = {};
  for (const result of results) {
    for (const [status, { count }] of Object.entries(result.statusCodeStats ?? {})) statuses[status] = (statuses[status] ?? 0) + Number(count);
  }
  return {
    rps: results.reduce((sum, r) => sum + r.requests.average, 0),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    bad: results.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0),
    statuses,
    failures,
  };
}

/** The user every read asks for, created in each session the reads use. */
async function seedReader(origin: string, tag: string, sessions: number): Promise<void> {
  for (let i = 0; i < sessions; i++) {
    const res = await fetch(`${origin}/api/v1/auth/users`, {
      method: 'POST',
      headers: { Authorization: LAKEFS_BASIC, 'Content-Type': 'application/json', 'X-Mock-Session': `${tag}-${i}` },
      body: JSON.stringify({ id: 'reader' }),
    });
    if (res.status !== 201) throw new Error(`creating the reader in ${tag}-${i}: ${res.status} ${await res.text()}`);
  }
}

async function measure(setup: Setup, servers: Server[], options: ReplicaOptions): Promise<Row[]> {
  const origins = servers.map((s) => s.origin);
  const rows: Row[] = [];
  for (const load of LOADS) {
    const tag = `${setup.startsWith('memory') ? 'm' : 'r'}${Date.now().toString(36)}${runs++}`;
    if (!load.write) await seedReader(origins[0]!, tag, load.sessions);
    if (options.warmupSeconds > 0) await runSpread(origins, load, tag, options.connections, options.warmupSeconds);
    const rounds: Measured[] = [];
    for (let round = 0; round < options.rounds; round++) rounds.push(await runSpread(origins, load, tag, options.connections, options.durationSeconds));
    const statuses: Record<string, number> = {};
    for (const r of rounds) for (const [status, count] of Object.entries(r.statuses)) statuses[status] = (statuses[status] ?? 0) + count;
    const row: Row = {
      setup,
      load,
      rps: median(rounds.map((r) => r.rps)),
      p99: median(rounds.map((r) => r.p99)),
      bad: rounds.reduce((n, r) => n + r.bad, 0),
      statuses,
      failures: rounds.flatMap((r) => r.failures).slice(0, 3),
    };
    process.stdout.write(`replicas: ${setup}, ${load.title}: ${fmt.int(row.rps)}/s p99 ${row.p99} ms${row.bad ? ` (${row.bad} bad: ${JSON.stringify(statuses)})` : ''}\n`);
    for (const failure of row.failures) process.stdout.write(`replicas:   ${failure}\n`);
    rows.push(row);
  }
  return rows;
}

async function started(cli: string, flags: string[], options: ReplicaOptions): Promise<Server> {
  const server = await startMockgateProcess(cli, flags, options.nodeArgs);
  await waitFor200(server, { method: 'GET', path: '/__admin/health', headers: {} }, performance.now());
  return server;
}

/** Runs both setups and returns the report section (the Redis rows left out, saying why, without redis-server). */
export async function runReplicaCases(cli: string, options: ReplicaOptions): Promise<string> {
  const begun = performance.now();
  const rows: Row[] = [];
  const memory = await started(cli, [], options);
  try {
    rows.push(...(await measure('memory, 1 process', [memory], options)));
  } finally {
    await memory.stop();
  }
  let skipped: string | undefined;
  if (!redisAvailable()) skipped = 'redis-server is not installed here (apt-get install redis-server): the Redis rows were not run';
  else {
    let redis: RunningRedis | undefined;
    const replicas: Server[] = [];
    try {
      redis = await startRedis();
      for (let i = 0; i < REPLICAS; i++) replicas.push(await started(cli, ['--store', redis.url], options));
      rows.push(...(await measure(`Redis, ${REPLICAS} processes`, replicas, options)));
    } finally {
      for (const replica of replicas) await replica.stop();
      await redis?.stop();
    }
  }
  return render(rows, options, performance.now() - begun, skipped);
}

function render(rows: Row[], options: ReplicaOptions, elapsedMs: number, skipped: string | undefined): string {
  const lines = ['## Replicas on Redis (npm run bench -- --only replicas)', '', machineLine(), ''];
  lines.push(
    `One mockgate process in memory, then ${REPLICAS} mockgate processes on one redis-server (\`--store redis://\`, no persistence), all on ` +
      `this machine with the load generator. Per load, ${options.rounds} runs of ${options.durationSeconds} s on ${options.connections} connections ` +
      `split over the processes (one autocannon per process, as a load balancer spreads them), each after a ${options.warmupSeconds} s warm-up; ` +
      `medians of the summed rates. createUser uses a new id each time; getUser reads one stored user. Total ${Math.round(elapsedMs / 1000)} s.`,
    '',
  );
  if (skipped) lines.push(`_${skipped}._`, '');
  lines.push(
    table(
      ['setup', 'load', 'req/s', 'p99 ms', 'non-2xx'],
      rows.map((r) => [r.setup, r.load.title, fmt.int(r.rps), fmt.ms(r.p99), r.bad ? `${r.bad} (${Object.entries(r.statuses).filter(([s]) => !s.startsWith('2')).map(([s, n]) => `${s}: ${n}`).join(', ')})` : '0']),
      2,
    ),
    '',
  );
  const ratios: string[][] = [];
  for (const load of LOADS) {
    const one = rows.find((r) => r.load.id === load.id && r.setup.startsWith('memory'));
    const many = rows.find((r) => r.load.id === load.id && r.setup.startsWith('Redis'));
    if (one && many) ratios.push([load.title, fmt.ratio(many.rps / one.rps)]);
  }
  const failures = rows.flatMap((r) => r.failures.map((f) => `- ${r.setup}, ${r.load.title}: \`${f}\``));
  if (failures.length) lines.push('Answers outside 2xx (the first few):', '', ...failures, '');
  if (ratios.length) lines.push(`### ${REPLICAS} processes on Redis ÷ 1 process in memory (same run)`, '', table(['load', 'ratio of req/s'], ratios), '');
  return lines.join('\n');
}

/**
 * npm run soak: a million requests against one mockgate process (as shipped, scratch build), sampling its
 * resident memory every second, to show that nothing a long run accumulates grows without bound: the journal
 * (rings per session, entries overall), coverage and rule counters, and the sessions themselves (a third of the
 * traffic rotates over more session names than the session cap, so sessions are created, evicted and re-seeded
 * all run long). Writes the soak section of bench/REPORT.md.
 *
 *   npm run soak                      # 1 000 000 requests, 50 connections
 *   npm run soak -- --requests 200000 --no-report
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { repoRoot } from '../test/proof/support/conformance/paths.js';
import { buildMockgate, rssMB, shippedNodeArgs, startMockgateProcess, waitFor200 } from './lib/processes.js';
import { fmt, machineLine, replaceSection, table } from './lib/report.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '1000000' },
    connections: { type: 'string', default: '50' },
    sessions: { type: 'string', default: '3000' },
    'no-report': { type: 'boolean', default: false },
  },
});
const TOTAL = Number(values.requests);
const CONNECTIONS = Number(values.connections);
/** Distinct X-Mock-Session values the rotating part of the traffic cycles through (the cap is 1000). */
const SESSION_NAMES = Number(values.sessions);
/** As shipped (the Dockerfile's node flags), unless BENCH_NODE_ARGS says otherwise. */
const NODE_ARGS = process.env.BENCH_NODE_ARGS !== undefined ? process.env.BENCH_NODE_ARGS.split(/\s+/).filter(Boolean) : shippedNodeArgs();

const TILEDB = { 'X-TILEDB-REST-API-KEY': 'tdb-ws_9m4e2mr0ui3e8a215n4g-alicedemotoken00000001' };
const REGISTRY = { Authorization: 'Bearer reg-read-token', 'Content-Type': 'application/json' };
const LAKEFS = { Authorization: `Basic ${Buffer.from('AKIAIOSFOLQUICKSTART:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY').toString('base64')}` };
const lakefsMounted = existsSync(path.join(repoRoot, 'specs', 'lakefs', 'auth.yaml'));

interface Sample {
  seconds: number;
  done: number;
  rss: number;
}

async function main(): Promise<void> {
  process.stdout.write('soak: building mockgate into a scratch folder\n');
  const build = await buildMockgate();
  const server = await startMockgateProcess(build.cli, [], NODE_ARGS);
  const samples: Sample[] = [];
  let done = 0;
  const statuses = new Map<number, number>();
  try {
    await waitFor200(server, { method: 'GET', path: '/__admin/health', headers: {} }, performance.now());
    const idle = rssMB(server.pid)!;
    let rotation = 0;
    const session = () => `soak-${rotation++ % SESSION_NAMES}`;
    // Each connection cycles through this sequence: a third of the calls go to rotating sessions.
    const requests = [
      { method: 'GET', path: '/v4/credentials/acme', headers: TILEDB },
      { method: 'GET', path: '/v4/credentials/acme/aws-keys', headers: TILEDB },
      {
        method: 'POST',
        path: '/registry/credentials/generate-read-access-credentials',
        headers: REGISTRY,
        body: JSON.stringify({ s3_location: { bucket_name: 'b', path: 'soak/1', s3_uri: 's3://b/soak/1' }, console_session_required: false }),
      },
      { method: 'GET', path: '/v4/credentials/acme/no-such-credential', headers: TILEDB },
      {
        method: 'GET',
        path: '/v4/credentials/acme',
        headers: TILEDB,
        setupRequest: (req: { headers?: Record<string, string> }) => ({ ...req, headers: { ...req.headers, 'X-Mock-Session': session() } }),
      },
      ...(lakefsMounted
        ? [
            { method: 'GET', path: '/api/v1/auth/users/quickstart', headers: LAKEFS },
            { method: 'GET', path: '/api/v1/user', headers: { ...LAKEFS, 'X-Mock-Session': 'will-be-replaced' }, setupRequest: (req: { headers?: Record<string, string> }) => ({ ...req, headers: { ...req.headers, 'X-Mock-Session': session() } }) },
          ]
        : []),
    ];
    const started = performance.now();
    const sampler = setInterval(() => {
      const rss = rssMB(server.pid);
      if (rss !== undefined) samples.push({ seconds: (performance.now() - started) / 1000, done, rss });
    }, 1000);
    process.stdout.write(`soak: ${fmt.int(TOTAL)} requests, ${CONNECTIONS} connections, idle RSS ${fmt.mb(idle)} MB\n`);
    const instance = autocannon({ url: server.origin, connections: CONNECTIONS, amount: TOTAL, timeout: 30, requests });
    instance.on('response', (_client, statusCode) => {
      done++;
      statuses.set(statusCode, (statuses.get(statusCode) ?? 0) + 1);
      if (done % 100_000 === 0) process.stdout.write(`soak: ${fmt.int(done)} done, RSS ${fmt.mb(rssMB(server.pid))} MB\n`);
    });
    const result = await instance;
    clearInterval(sampler);
    const end = rssMB(server.pid)!;
    samples.push({ seconds: (performance.now() - started) / 1000, done, rss: end });
    const markdown = render(samples, idle, result.requests.average, (performance.now() - started) / 1000, statuses, result.errors + result.timeouts);
    process.stdout.write(`\n${markdown}\n`);
    if (!values['no-report']) replaceSection('soak', markdown);
  } finally {
    await server.stop();
    build.dispose();
  }
}

function render(samples: Sample[], idle: number, rps: number, seconds: number, statuses: Map<number, number>, errors: number): string {
  const at = (fraction: number) => samples.find((s) => s.done >= TOTAL * fraction) ?? samples.at(-1)!;
  const marks = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1].map(at);
  const firstHalf = Math.max(...samples.filter((s) => s.done <= TOTAL / 2).map((s) => s.rss));
  const secondHalf = Math.max(...samples.filter((s) => s.done > TOTAL / 2).map((s) => s.rss));
  const flat = secondHalf <= firstHalf * 1.1;
  const lines = [
    '## Soak',
    '',
    machineLine(),
    '',
    `${fmt.int(TOTAL)} requests over ${CONNECTIONS} connections in ${Math.round(seconds)} s (${fmt.int(rps)} req/s) against one mockgate ` +
      `(\`node ${[...NODE_ARGS, 'dist/cli.js'].join(' ')} --log-level warn\`, the Dockerfile's command line). Each connection cycles through: TileDB list, ` +
      'TileDB get, registry read (mints and records credentials), a TileDB 404, and a TileDB list in one of ' +
      `${fmt.int(SESSION_NAMES)} rotating \`X-Mock-Session\` values${lakefsMounted ? ', then lakeFS `getUser`, and `GET /user` in a rotating session' : ''} — ` +
      `more sessions than the cap (1000), so sessions are evicted and re-seeded throughout. Statuses: ${[...statuses].map(([s, n]) => `${s} × ${fmt.int(n)}`).join(', ')}` +
      `${errors ? `; ${errors} connection errors / timeouts` : ''}.`,
    '',
    table(
      ['requests done', 'seconds', 'RSS MB'],
      [['0 (idle, after start)', '0', fmt.mb(idle)], ...marks.map((s) => [fmt.int(s.done), String(Math.round(s.seconds)), fmt.mb(s.rss)])],
    ),
    '',
    `Largest RSS in the first half: ${fmt.mb(firstHalf)} MB; in the second half: ${fmt.mb(secondHalf)} MB — ` +
      (flat ? '**flat** (second half within 10% of the first).' : '**growing** (second half more than 10% above the first).'),
    '',
  ];
  return lines.join('\n');
}

await main();

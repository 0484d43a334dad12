/**
 * Creates through one or more mockgate processes, in memory or on Redis, from the sources (tsx) and with fetch: a
 * quick check while working on the Redis store. `npm run bench -- --only replicas` (bench/lib/replica-cases.ts) is
 * the benchmark, on the compiled build:
 *
 *   node bench/redis-replicas.mjs <memory|redis> <replicas> <users stored first> [concurrency=16] [sessions=1]
 *
 * With `redis`, STORE=redis://host:port/db names the Redis. Prints the rate of 2 000 creates made after the
 * preload, spread round-robin over the replicas and the sessions.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [mode, replicasArg, preload, concArg, sessionsArg] = process.argv.slice(2);
const conc = Number(concArg ?? 16); const nsessions = Number(sessionsArg ?? 1);
const replicas = Number(replicasArg);
const AUTH = `Basic ${Buffer.from('AKIAIOSFOLQUICKSTART:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY').toString('base64')}`;
const procs = [];
const urls = [];
for (let i = 0; i < replicas; i++) {
  const args = ['--import', 'tsx', 'src/cli.ts', '--port', '0', '--log-level', 'warn', '--log-format', 'json'];
  if (mode === 'redis') args.push('--store', process.env.STORE);
  const p = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] });
  procs.push(p);
  let said = '';
  const port = await new Promise((res) => p.stderr.on('data', (d) => {
    said += d;
    const m = /listening on http:\/\/\S+:(\d+) /.exec(said);
    if (m) res(m[1]);
  }));
  urls.push(`http://127.0.0.1:${port}`);
}
const session = `bench-${Date.now()}`;
let n = 0;
async function creates(count, conc) {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(Array.from({ length: conc }, async () => {
    while (next < count) {
      const i = next++;
      const id = `u${String(n + i).padStart(7, '0')}`;
      const r = await fetch(`${urls[i % urls.length]}/api/v1/auth/users`, { method: 'POST', headers: { Authorization: AUTH, 'X-Mock-Session': `${session}-${i % nsessions}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ id }) });
      const text = await r.text();
      if (r.status !== 201) throw new Error(`status ${r.status} ${text}`);
    }
  }));
  n += count;
  return count / ((performance.now() - t0) / 1000);
}
await creates(Number(preload), 16);
const rate = await creates(2000, conc);
console.log(`${mode} replicas=${replicas} stored=${preload}: ${Math.round(rate)} creates/s (2000 creates, ${conc} concurrent, ${nsessions} sessions)`);
for (const p of procs) p.kill();

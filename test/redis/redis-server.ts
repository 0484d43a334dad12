/**
 * A real redis-server for the Redis tests: started on a free loopback port in a temporary folder (no
 * persistence unless a test asks for a SAVE; no system service), killed and restarted on the same port and
 * folder to play a Redis restart, stopped in afterAll.
 *
 * The tests need Debian's redis-server (scripts/ensure-test-tools.sh installs it when CI is set). Without it,
 * and without CI, they are skipped with one line saying how to run them; with CI set a missing redis-server
 * is an error, never a silent skip.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../proof/support/conformance/prism.js';

export const REDIS_SERVER = process.env.MOCKGATE_REDIS_SERVER ?? 'redis-server';

/** Whether redis-server can be started here. */
export function redisAvailable(): boolean {
  return spawnSync(REDIS_SERVER, ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * Run the Redis suites: redis-server is here, or CI is set (and then its absence fails them loudly). vitest.config.ts
 * leaves test/redis out otherwise, with one line saying so; this guards a file run on its own.
 */
export const runRedisSuites = redisAvailable() || Boolean(process.env.CI);

export { freePort };

export interface RunningRedis {
  port: number;
  url: string;
  dir: string;
  /** SIGKILL: the server is gone at once, as in a crash. */
  kill(): Promise<void>;
  /** Starts it again on the same port and folder (it loads dump.rdb if a test saved one). */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * `appendFsync`: with an append-only file fsynced on every write (`appendfsync always`), so that what Redis
 * acknowledged survives its SIGKILL and restart, as a Redis set up for durability keeps it.
 */
export async function startRedis(options: { appendFsync?: boolean } = {}): Promise<RunningRedis> {
  if (!redisAvailable()) throw new Error(`${REDIS_SERVER} is not installed, and CI is set: install it (apt-get install redis-server; scripts/ensure-test-tools.sh does when CI is set)`);
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'mockgate-redis-'));
  let child: ChildProcess | undefined;
  const launch = async () => {
    const durability = options.appendFsync ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'];
    const started = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...durability, '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    let output = '';
    started.stdout!.on('data', (chunk) => (output += chunk));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`redis-server did not start on ${port}:\n${output}`)), 10_000);
      started.stdout!.on('data', () => {
        if (/Ready to accept connections/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      });
      started.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}) on ${port}:\n${output}`));
      });
    });
  };
  const kill = async () => {
    const running = child;
    child = undefined;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    dir,
    kill,
    restart: launch,
    async stop() {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

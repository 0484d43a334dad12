/**
 * The crash, concurrency and isolation assertions, run alike on every session store: in memory (one process),
 * --state-file (one process) and --store redis:// (three processes on one Redis, requests spread over them). Real
 * CLI processes throughout, so a crash is a SIGKILL and a replica's cache is its own.
 *
 * - isolation: what one session creates does not exist in another; a reset of one leaves the others as they were;
 * - concurrency: 50 concurrent creates of one id give exactly one 201 and 49 of lakeFS's 409; 30 concurrent creates
 *   of distinct ids are all kept, and read back through every process;
 * - crash: every process SIGKILLed under write load, then started again on the same store: a durable store (file,
 *   Redis) keeps every acknowledged write; memory promises nothing across a kill, and starts again from the seed
 *   (never from a half-written state).
 *
 * The Redis store needs redis-server (skipped without it unless CI is set, as test/redis is); the file-specific
 * crash proofs (a torn log line, kills during compaction and loading, 100 000 users) are in crash.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, stopAll, type RunningCli } from '../support/spawn.js';
import { runRedisSuites, startRedis, type RunningRedis } from '../redis/redis-server.js';
import { listenApp, send, type ListeningApp } from './support/http.js';
import { targets } from './support/targets.js';
import type { AppConfig } from '../../src/config.js';

const LAKEFS = { Authorization: `Basic ${Buffer.from('AKIAIOSFOLQUICKSTART:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY').toString('base64')}` };

interface Answer {
  status: number;
  body: { id?: string; message?: string; results?: Array<{ id: string }>; pagination?: { has_more: boolean; next_offset: string } };
}

async function call(cli: RunningCli, method: string, p: string, session: string, body?: unknown): Promise<Answer> {
  const response = await fetch(cli.url + p, {
    method,
    headers: { ...LAKEFS, 'X-Mock-Session': session, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Answer['body']) : {} };
}

const createUser = (cli: RunningCli, session: string, id: string) => call(cli, 'POST', '/api/v1/auth/users', session, { id });
const getUser = (cli: RunningCli, session: string, id: string) => call(cli, 'GET', `/api/v1/auth/users/${encodeURIComponent(id)}`, session);

async function listIds(cli: RunningCli, session: string, prefix = ''): Promise<string[]> {
  const ids: string[] = [];
  let after = '';
  for (;;) {
    const page = await call(cli, 'GET', `/api/v1/auth/users?prefix=${prefix}&amount=1000&after=${encodeURIComponent(after)}`, session);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    ids.push(...page.body.results!.map((u) => u.id));
    if (!page.body.pagination!.has_more) return ids;
    after = page.body.pagination!.next_offset;
  }
}

interface StoreCase {
  name: 'memory' | 'file' | 'redis';
  /** Why it cannot run here, or undefined. */
  skip?: string;
  /** How many mockgate processes serve the store (requests are spread over them). */
  processes: number;
  /** Whether acknowledged writes survive the processes' SIGKILL. */
  durable: boolean;
  /** The store's flags for mockgate (making what the store needs: a folder, a Redis). */
  open(): Promise<string[]>;
  /** The same store for a server made in this process (after open()). */
  config(): Partial<AppConfig>;
  close(): Promise<void>;
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'mockgate-stores-'));
let redis: RunningRedis | undefined;

const STORES: StoreCase[] = [
  { name: 'memory', processes: 1, durable: false, open: async () => [], config: () => ({}), close: async () => {} },
  {
    name: 'file',
    processes: 1,
    durable: true,
    open: async () => ['--state-file', path.join(tmp, 'state.json')],
    config: () => ({ stateFile: path.join(tmp, 'in-process.json') }),
    close: async () => {},
  },
  {
    name: 'redis',
    skip: runRedisSuites ? undefined : 'no redis-server (and CI is not set)',
    processes: 3,
    durable: true,
    open: async () => {
      redis = await startRedis();
      return ['--store', redis.url];
    },
    config: () => ({ store: redis!.url }),
    close: async () => {
      await redis?.stop();
    },
  },
];

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.each(STORES)('on the $name store', (store) => {
  describe.skipIf(store.skip !== undefined)(`crash, concurrency and isolation${store.skip ? ` (skipped: ${store.skip})` : ''}`, () => {
    let flags: string[];
    let procs: RunningCli[];
    const start = () => Promise.all(Array.from({ length: store.processes }, () => startCli(['--port', '0', ...flags, '--log-level', 'error'])));
    /** The i-th request's process (round-robin): consecutive requests go through different replicas. */
    const via = (i: number) => procs[i % procs.length]!;
    /** Every process has the session loaded at the same version, so that they race from the same state. */
    const warm = async (session: string) => {
      expect((await createUser(via(0), session, 'warm')).status).toBe(201);
      for (const cli of procs) expect((await getUser(cli, session, 'warm')).status).toBe(200);
    };

    beforeAll(async () => {
      flags = await store.open();
      procs = await start();
    });
    afterAll(async () => {
      await stopAll();
      await store.close();
    });

    it('isolation: a user created in one session does not exist in another, nor in the default one', async () => {
      expect((await createUser(via(0), 'iso-a', 'only-in-a')).status).toBe(201);
      expect((await getUser(via(1), 'iso-a', 'only-in-a')).status).toBe(200);
      expect((await getUser(via(2), 'iso-b', 'only-in-a')).status).toBe(404);
      expect((await getUser(via(0), 'default', 'only-in-a')).status).toBe(404);
    });

    it('isolation: a reset of one session leaves the others as they were', async () => {
      expect((await createUser(via(0), 'iso-c', 'in-c')).status).toBe(201);
      expect((await createUser(via(1), 'iso-d', 'in-d')).status).toBe(201);
      expect((await fetch(`${via(2).url}/__admin/reset?session=iso-c`, { method: 'POST' })).status).toBe(200);
      for (const cli of procs) {
        expect((await getUser(cli, 'iso-c', 'in-c')).status).toBe(404);
        expect((await getUser(cli, 'iso-d', 'in-d')).status).toBe(200);
      }
    });

    it('concurrency: 50 concurrent creates of one id give exactly one 201 and 49 of lakeFS\'s 409', async () => {
      await warm('race');
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => createUser(via(i), 'race', 'same-id')));
      const statuses = answers.map((a) => a.status);
      expect(statuses.filter((s) => s === 201), statuses.join(' ')).toHaveLength(1);
      const conflicts = answers.filter((a) => a.status === 409);
      expect(conflicts, statuses.join(' ')).toHaveLength(49);
      for (const a of conflicts) expect(a.body).toEqual({ message: 'Already exists' });
      for (const cli of procs) expect(await listIds(cli, 'race', 'same')).toEqual(['same-id']);
    });

    it('concurrency: 30 concurrent creates of distinct ids are all kept, and read back through every process', async () => {
      await warm('many');
      const ids = Array.from({ length: 30 }, (_, i) => `user-${String(i).padStart(2, '0')}`);
      const answers = await Promise.all(ids.map((id, i) => createUser(via(i), 'many', id)));
      expect(answers.map((a) => a.status)).toEqual(Array(30).fill(201));
      for (const cli of procs) expect(await listIds(cli, 'many', 'user-')).toEqual(ids);
    });

    it('concurrency, every bundled API with a create: 50 concurrent creates of one id give one success and 49 conflicts in the API\'s shape', async () => {
      // Servers made in this process (two on Redis, as two replicas: each its own store and cache).
      const servers: ListeningApp[] = [];
      try {
        for (let i = 0; i < Math.min(store.processes, 2); i++) servers.push(await listenApp({ strict: true, ...store.config() }));
        for (const t of targets.filter((target) => target.create)) {
          const c = t.create!;
          const headers = { 'X-Mock-Session': 'race-all', 'Content-Type': 'application/json', ...t.auth };
          const id = `race-${t.name}`;
          const answers = await Promise.all(
            Array.from({ length: 50 }, (_, i) => send(servers[i % servers.length]!.base, { method: 'POST', path: c.path, headers, body: JSON.stringify(c.body(id)) })),
          );
          const statuses = answers.map((a) => a.status);
          expect(statuses.filter((s) => s === c.created), `${t.name}: ${statuses.join(' ')}`).toHaveLength(1);
          const conflicts = answers.filter((a) => a.status === c.conflict);
          expect(conflicts, `${t.name}: ${statuses.join(' ')}`).toHaveLength(49);
          for (const a of conflicts) {
            expect(t.shape(a)).toEqual([]);
            if (c.conflictBody) expect(a.json).toEqual(c.conflictBody);
          }
        }
      } finally {
        for (const server of servers) await server.close();
      }
    });

    it(
      store.durable
        ? 'crash: every process SIGKILLed under write load keeps every acknowledged write once started again'
        : 'crash: every process SIGKILLed under write load starts again from the seed (memory keeps nothing, never half)',
      { timeout: 120_000 },
      async () => {
        const seed = await listIds(via(0), 'crash');
        const acknowledged: string[] = [];
        let next = 0;
        let killed = false;
        const worker = async () => {
          while (!killed) {
            const id = `crash-${String(next++).padStart(5, '0')}`;
            try {
              const a = await createUser(via(next), 'crash', id);
              if (a.status !== 201) throw new Error(`create ${id}: ${a.status} ${JSON.stringify(a.body)}`);
              acknowledged.push(id);
            } catch (err) {
              if (killed) return; // cut off by the kill: not acknowledged
              throw err;
            }
            if (acknowledged.length >= 150 && !killed) {
              killed = true;
              for (const cli of procs) cli.child.kill('SIGKILL');
            }
          }
        };
        await Promise.all(Array.from({ length: 16 }, worker));
        for (const cli of procs) {
          if (cli.child.exitCode === null && cli.child.signalCode === null) await new Promise((resolve) => cli.child.once('exit', resolve));
          expect(cli.child.signalCode).toBe('SIGKILL');
        }

        procs = await start();
        for (const cli of procs) {
          const ids = await listIds(cli, 'crash');
          if (store.durable) {
            expect(acknowledged.filter((id) => !ids.includes(id)), 'acknowledged but lost').toEqual([]);
            expect(new Set(ids).size).toBe(ids.length);
          } else {
            expect(ids).toEqual(seed);
          }
        }
        // Writes go on after the restart.
        expect((await createUser(via(0), 'crash', 'after-restart')).status).toBe(201);
        for (const cli of procs) expect((await getUser(cli, 'crash', 'after-restart')).status).toBe(200);
      },
    );
  });
});

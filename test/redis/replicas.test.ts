/**
 * Replicas on Redis, for real: one redis-server and three mockgate processes (separate processes, started through
 * the CLI as a user would: each has its own cache, its own Redis connection and its own event loop, so nothing in
 * one process can stand in for the coordination Redis must provide) serving the same sessions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, stopAll, type RunningCli } from '../support/spawn.js';
import { runRedisSuites, startRedis, type RunningRedis } from './redis-server.js';

const LAKEFS = { Authorization: `Basic ${Buffer.from('AKIAIOSFOLQUICKSTART:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY').toString('base64')}` };

interface Answer {
  status: number;
  /** lakeFS's JSON answer: a user, a page of them, or `{message}`. */
  body: { id?: string; message?: string; results?: Array<{ id: string }> } & Record<string, unknown>;
}

async function call(replica: RunningCli, method: string, path: string, session: string, body?: unknown): Promise<Answer> {
  const response = await fetch(replica.url + path, {
    method,
    headers: { ...LAKEFS, 'X-Mock-Session': session, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Answer['body']) : {} };
}

const createUser = (replica: RunningCli, session: string, id: string) => call(replica, 'POST', '/api/v1/auth/users', session, { id });
const getUser = (replica: RunningCli, session: string, id: string) => call(replica, 'GET', `/api/v1/auth/users/${encodeURIComponent(id)}`, session);

describe.skipIf(!runRedisSuites)('three mockgate processes on one Redis (--store redis://)', () => {
  let redis: RunningRedis;
  let replicas: RunningCli[];

  beforeAll(async () => {
    redis = await startRedis();
    replicas = await Promise.all([0, 1, 2].map(() => startCli(['--port', '0', '--store', redis.url, '--log-level', 'warn', '--log-format', 'json'])));
  });

  afterAll(async () => {
    await stopAll();
    await redis?.stop();
  });

  it('a lakeFS user created through one replica is read through the others', async () => {
    const [a, b, c] = replicas;
    expect((await createUser(a!, 'shared', 'alice')).status).toBe(201);
    for (const replica of [b!, c!]) {
      const read = await getUser(replica, 'shared', 'alice');
      expect(read.status).toBe(200);
      expect(read.body.id).toBe('alice');
    }
    // And a write through another replica on top of it is seen by the first (its cache is reloaded).
    expect((await createUser(c!, 'shared', 'bob')).status).toBe(201);
    const listed = await call(a!, 'GET', '/api/v1/auth/users', 'shared');
    expect(listed.body.results!.map((u) => u.id)).toEqual(expect.arrayContaining(['alice', 'bob']));
  });

  it('50 concurrent creates of the same user id spread over the three give exactly one 201 and 49 409s', async () => {
    // Every replica has the session cached at the same version first, so that all three race from the same state
    // (a cold replica would load it after another's commit and lose the race too early to prove anything).
    expect((await createUser(replicas[0]!, 'race', 'warm')).status).toBe(201);
    for (const replica of replicas) expect((await getUser(replica, 'race', 'warm')).status).toBe(200);
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => createUser(replicas[i % 3]!, 'race', 'same-id')));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(49);
    // lakeFS's own 409, not a 500 for a conflict the replicas failed to resolve.
    expect(answers.find((a) => a.status === 409)!.body).toEqual({ message: 'Already exists' });
    // The one user exists once, for all three.
    for (const replica of replicas) {
      const listed = await call(replica, 'GET', '/api/v1/auth/users?prefix=same', 'race');
      expect(listed.body.results!.map((u) => u.id)).toEqual(['same-id']);
    }
  });

  it('distinct concurrent creates through the three replicas are all kept (no lost update)', async () => {
    expect((await createUser(replicas[0]!, 'many', 'warm')).status).toBe(201);
    for (const replica of replicas) expect((await getUser(replica, 'many', 'warm')).status).toBe(200);
    const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => createUser(replicas[i % 3]!, 'many', `user-${String(i).padStart(2, '0')}`)));
    expect(answers.map((a) => a.status)).toEqual(Array(30).fill(201));
    for (const replica of replicas) {
      const listed = await call(replica, 'GET', '/api/v1/auth/users?prefix=user-&amount=100', 'many');
      expect(listed.body.results).toHaveLength(30);
    }
  });

  it('a reset through one replica is seen by the others', async () => {
    const [a, b, c] = replicas;
    expect((await createUser(b!, 'to-reset', 'temp')).status).toBe(201);
    expect((await getUser(c!, 'to-reset', 'temp')).status).toBe(200);
    const reset = await fetch(`${a!.url}/__admin/reset?session=to-reset`, { method: 'POST' });
    expect(reset.status).toBe(200);
    for (const replica of replicas) expect((await getUser(replica, 'to-reset', 'temp')).status).toBe(404);
    // The session starts again from its seed: the seeded admin user is there.
    const seeded = await call(c!, 'GET', '/api/v1/auth/users', 'to-reset');
    expect(seeded.status).toBe(200);
  });

  it('a reset of every session through one replica is seen by the others', async () => {
    const [a, b, c] = replicas;
    expect((await createUser(a!, 'all-1', 'one')).status).toBe(201);
    expect((await createUser(b!, 'all-2', 'two')).status).toBe(201);
    expect((await getUser(c!, 'all-1', 'one')).status).toBe(200);
    expect((await fetch(`${c!.url}/__admin/reset`, { method: 'POST' })).status).toBe(200);
    for (const replica of replicas) {
      expect((await getUser(replica, 'all-1', 'one')).status).toBe(404);
      expect((await getUser(replica, 'all-2', 'two')).status).toBe(404);
    }
  });

  it('while Redis is down every replica answers a clear error in lakeFS shape; after its restart the state is what Redis holds', async () => {
    const [a, b, c] = replicas;
    expect((await createUser(a!, 'restart', 'saved')).status).toBe(201);
    // Saved to dump.rdb, as a Redis with persistence would have it; what follows is lost with the restart.
    const saved = await fetch(`${a!.url}/__admin/state?session=restart`);
    expect(saved.status).toBe(200);
    await redisCommand(redis.port, ['SAVE']);
    expect((await createUser(b!, 'restart', 'unsaved')).status).toBe(201);
    expect((await getUser(c!, 'restart', 'unsaved')).status).toBe(200);

    await redis.kill();
    for (const replica of replicas) {
      const down = await createUser(replica, 'restart', 'while-down');
      expect(down.status).toBe(500);
      expect(Object.keys(down.body)).toEqual(['message']);
      expect(down.body.message).toMatch(/session store \(Redis, --store redis:\/\/127\.0\.0\.1:\d+\/0\) did not answer.*nothing was changed/);
      const read = await getUser(replica, 'restart', 'saved');
      expect(read.status).toBe(500);
    }

    await redis.restart();
    // Each replica reconnects on its own (retrying every second at most).
    for (const replica of replicas) await until(async () => (await getUser(replica, 'restart', 'saved')).status === 200);
    // No replica serves its cache of what Redis lost, and none wrote while it was down.
    for (const replica of replicas) {
      expect((await getUser(replica, 'restart', 'unsaved')).status).toBe(404);
      expect((await getUser(replica, 'restart', 'while-down')).status).toBe(404);
    }
    // Writes go on, shared as before.
    expect((await createUser(c!, 'restart', 'after')).status).toBe(201);
    for (const replica of [a!, b!]) expect((await getUser(replica, 'restart', 'after')).status).toBe(200);
  });
});

/**
 * Creates of distinct lakeFS users through `targets` (round-robin), `workers` at a time, until `stop()` says so.
 * Every answer is recorded: 201s are acknowledged writes; anything else must be an answer in lakeFS's shape (a
 * replica killed mid-request gives no answer at all, recorded as `cut`).
 */
function writeLoad(targets: () => RunningCli[], session: string, prefix: string, workers: number, stop: (acknowledged: number) => boolean) {
  const acknowledged: string[] = [];
  const refused: Answer[] = [];
  let cut = 0;
  let next = 0;
  const worker = async () => {
    while (!stop(acknowledged.length)) {
      const i = next++;
      const live = targets();
      const id = `${prefix}-${String(i).padStart(5, '0')}`;
      let answer: Answer;
      try {
        answer = await createUser(live[i % live.length]!, session, id);
      } catch {
        cut++;
        continue;
      }
      if (answer.status === 201) acknowledged.push(id);
      else refused.push(answer);
    }
  };
  const done = Promise.all(Array.from({ length: workers }, worker));
  return { acknowledged, refused, done, cut: () => cut };
}

async function listIds(replica: RunningCli, session: string, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  let after = '';
  for (;;) {
    const page = await call(replica, 'GET', `/api/v1/auth/users?prefix=${prefix}&amount=1000&after=${encodeURIComponent(after)}`, session);
    expect(page.status, JSON.stringify(page.body)).toBe(200);
    ids.push(...page.body.results!.map((u) => u.id));
    const pagination = page.body.pagination as { has_more: boolean; next_offset: string };
    if (!pagination.has_more) return ids;
    after = pagination.next_offset;
  }
}

describe.skipIf(!runRedisSuites)('replicas and Redis failing under write load (Redis with appendfsync always)', () => {
  let redis: RunningRedis;
  let replicas: RunningCli[];
  const args = () => ['--port', '0', '--store', redis.url, '--log-level', 'error', '--log-format', 'json'];

  beforeAll(async () => {
    redis = await startRedis({ appendFsync: true });
    replicas = await Promise.all([0, 1, 2].map(() => startCli(args())));
  });

  afterAll(async () => {
    await stopAll();
    await redis?.stop();
  });

  it('a replica killed (SIGKILL) under write load loses no acknowledged write: every 201 reads back through the survivors', { timeout: 60_000 }, async () => {
    const [a, b, victim] = replicas as [RunningCli, RunningCli, RunningCli];
    expect((await createUser(a, 'kill', 'warm')).status).toBe(201);
    let killed = false;
    const load = writeLoad(() => (killed ? [a, b] : [a, b, victim]), 'kill', 'k', 16, (n) => n >= 300);
    // Kill the victim once it has answered part of the load, with requests to it still in flight.
    while (load.acknowledged.length < 100) await new Promise((resolve) => setTimeout(resolve, 5));
    victim.child.kill('SIGKILL');
    killed = true;
    await load.done;
    expect(victim.child.signalCode ?? (await new Promise((resolve) => victim.child.once('exit', (_, signal) => resolve(signal))))).toBe('SIGKILL');
    // Survivors refused nothing: only answers cut off by the kill are missing.
    expect(load.refused.map((r) => `${r.status} ${JSON.stringify(r.body)}`)).toEqual([]);
    expect(load.acknowledged.length).toBeGreaterThanOrEqual(300);
    for (const survivor of [a, b]) {
      const ids = new Set(await listIds(survivor, 'kill', 'k-'));
      expect(load.acknowledged.filter((id) => !ids.has(id)), 'acknowledged but not readable').toEqual([]);
      for (const id of load.acknowledged.slice(-3)) expect((await getUser(survivor, 'kill', id)).status).toBe(200);
    }
    // A write through a survivor after the kill is seen by the other.
    expect((await createUser(a, 'kill', 'after-kill')).status).toBe(201);
    expect((await getUser(b, 'kill', 'after-kill')).status).toBe(200);
    replicas = [a, b];
  });

  it('Redis killed and restarted under write load: a clear error in lakeFS shape while down, every acknowledged write kept, the replicas agree after', { timeout: 60_000 }, async () => {
    const [a, b] = replicas as [RunningCli, RunningCli];
    expect((await createUser(a, 'outage', 'warm')).status).toBe(201);
    const afterRestart = { acknowledged: 0 };
    const load = writeLoad(() => [a, b], 'outage', 'o', 16, () => afterRestart.acknowledged >= 100);
    while (load.acknowledged.length < 100) await new Promise((resolve) => setTimeout(resolve, 5));
    await redis.kill();
    const ackedBeforeRestart = load.acknowledged.length;
    // Down for a while, under load: every answer is a 500 in lakeFS's shape, at once (no request waits for Redis).
    await until(async () => load.refused.length >= 20);
    await redis.restart();
    await until(async () => {
      afterRestart.acknowledged = load.acknowledged.length - ackedBeforeRestart;
      return afterRestart.acknowledged >= 100;
    }, 30_000);
    await load.done;
    for (const refused of load.refused) {
      expect(refused.status).toBe(500);
      expect(Object.keys(refused.body)).toEqual(['message']);
      expect(refused.body.message).toMatch(/the session store \(Redis, --store redis:\/\/127\.0\.0\.1:\d+\/0\) did not answer.*(nothing was changed|may or may not have been saved)/);
    }
    // Nothing acknowledged was lost, each user is there once, and both replicas (and Redis itself) hold the same.
    const listed = await listIds(a, 'outage', 'o-');
    expect(new Set(listed).size).toBe(listed.length);
    expect(load.acknowledged.filter((id) => !listed.includes(id)), 'acknowledged but lost').toEqual([]);
    expect(await listIds(b, 'outage', 'o-')).toEqual(listed);
    const fields = await redisCommand(redis.port, ['HLEN', 'mockgate:s:outage']);
    expect(Number(/:(\d+)/.exec(fields)![1])).toBeGreaterThanOrEqual(listed.length);
  });
});

async function until(check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error('timed out waiting for the replicas to reconnect to Redis');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** One command over RESP, without a client: the test's own view of Redis. */
async function redisCommand(port: number, args: string[]): Promise<string> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(port, '127.0.0.1');
    let reply = '';
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.endsWith('\r\n')) {
        socket.end();
        resolve(reply);
      }
    });
    socket.on('error', reject);
    socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
  });
}

/**
 * What replicas on one Redis share besides session state (src/replicas), for real: one redis-server and
 * three mockgate processes started through the CLI, requests spread round-robin over them. A rate limit and "from the
 * Nth call" count across the three; a fault added through one fires exactly as often as it says, across all; a
 * session's scenario switched through one is in force on the others; the journal and coverage of any replica show
 * what all served; GET /__admin/sessions lists every replica's sessions; --session-idle expires a session in Redis.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type MockgateApp } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import { runCli, startCli, stopAll, type RunningCli } from '../support/spawn.js';
import { runRedisSuites, startRedis, type RunningRedis } from './redis-server.js';

const KEY = 'AKIAIOSFOLQUICKSTART';
const LAKEFS = { Authorization: `Basic ${Buffer.from(`${KEY}:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`).toString('base64')}` };

/** The JSON answers these tests read: lakeFS's, and the admin API's. */
interface Body {
  name?: string;
  session?: string;
  faults?: unknown[];
  requests?: Array<{ id: number; path: string; status: number; session: string; request: { headers: Record<string, unknown> } }>;
  operations?: Array<{ api: string; operationId: string; served: Record<string, number>; missing: string[] }>;
  sessions?: Array<{ name: string; stateBytes: number; lastUsed?: string }>;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: Body;
}

async function call(replica: RunningCli, method: string, path: string, session?: string, body?: unknown): Promise<Answer> {
  const response = await fetch(replica.url + path, {
    method,
    headers: { ...LAKEFS, ...(session === undefined ? {} : { 'X-Mock-Session': session }), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  // lakeFS's 429 has no body.
  return { status: response.status, headers: response.headers, text, body: text ? (JSON.parse(text) as Body) : {} };
}

const admin = (replica: RunningCli, method: string, path: string, body?: unknown) => call(replica, method, `/__admin${path}`, undefined, body);
const listUsers = (replica: RunningCli, session: string) => call(replica, 'GET', '/api/v1/auth/users', session);
const getUser = (replica: RunningCli, session: string, id: string) => call(replica, 'GET', `/api/v1/auth/users/${encodeURIComponent(id)}`, session);
const createUser = (replica: RunningCli, session: string, id: string) => call(replica, 'POST', '/api/v1/auth/users', session, { id });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const count = (answers: Answer[], status: number) => answers.filter((a) => a.status === status).length;

describe.skipIf(!runRedisSuites)('what three mockgate processes on one Redis share (--store redis://)', () => {
  let redis: RunningRedis;
  let replicas: RunningCli[];
  /** replicas[i % 3]: round-robin, as a load balancer spreads them. */
  const rr = (i: number) => replicas[i % 3]!;

  beforeAll(async () => {
    redis = await startRedis();
    // lakefs-rate-limited: listUsers 5 per minute per access key; createUser answers 429 from the 4th call on.
    replicas = await Promise.all(
      [0, 1, 2].map(() => startCli(['--port', '0', '--store', redis.url, '--scenario', 'lakefs-rate-limited', '--log-level', 'warn', '--log-format', 'json'])),
    );
  });

  afterAll(async () => {
    await stopAll();
    await redis?.stop();
  });

  it('a rate limit of 5 per minute holds across the three: of 15 concurrent calls spread over them, exactly 5 pass', async () => {
    const answers = await Promise.all(Array.from({ length: 15 }, (_, i) => listUsers(rr(i), 'limited')));
    expect(count(answers, 200)).toBe(5);
    expect(count(answers, 429)).toBe(10);
    // lakeFS's 429: no body, the countdown in the headers.
    const refused = answers.find((a) => a.status === 429)!;
    expect(refused.text).toBe('');
    expect(refused.headers.get('ratelimit-limit')).toBe('5');
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    const passed = answers.filter((a) => a.status === 200).map((a) => Number(a.headers.get('ratelimit-remaining')));
    expect(passed.sort()).toEqual([0, 1, 2, 3, 4]);
    // Another session counts on its own.
    expect((await listUsers(replicas[2]!, 'limited-other')).status).toBe(200);
  });

  it('"from the 4th call on" counts every replica\'s calls: 9 creates spread over the three give 3 × 201 and 6 × 429', async () => {
    const answers: Answer[] = [];
    for (let i = 0; i < 9; i++) answers.push(await createUser(rr(i), 'after', `user-${i}`));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 429, 429, 429, 429, 429, 429]);
  });

  it('a reset through one replica forgets the counters for all: the limit is whole again on the others', async () => {
    for (let i = 0; i < 6; i++) await listUsers(rr(i), 'reset-counts');
    expect((await listUsers(replicas[2]!, 'reset-counts')).status).toBe(429);
    expect((await admin(replicas[0]!, 'POST', '/reset?session=reset-counts')).status).toBe(200);
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => listUsers(rr(i + 1), 'reset-counts')));
    expect(count(answers, 200)).toBe(5);
  });

  it('a one-shot fault added through one replica fires exactly once across the three', async () => {
    const added = await admin(replicas[0]!, 'POST', '/faults?session=faulty', { match: { operationId: 'getUser' }, status: 503 });
    expect(added.status).toBe(201);
    expect(added.body).toEqual({ name: 'fault #1', session: 'faulty' });
    // Listed on another replica before it fires.
    expect((await admin(replicas[1]!, 'GET', '/faults?session=faulty')).body.faults).toEqual([{ match: { operationId: 'getUser' }, status: 503, times: 1 }]);
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => getUser(rr(i), 'faulty', 'quickstart')));
    expect(count(answers, 503)).toBe(1);
    expect(count(answers, 200)).toBe(11);
    // Consumed for all.
    for (const replica of replicas) expect((await admin(replica, 'GET', '/faults?session=faulty')).body.faults).toEqual([]);
    // Only where it was queued: another session never saw it.
    expect((await getUser(replicas[0]!, 'not-faulty', 'quickstart')).status).toBe(200);
  });

  it('a fault of `times: 3` fires three times across the three; faults queued through two replicas fire in order', async () => {
    expect((await admin(replicas[1]!, 'POST', '/faults?session=thrice', { match: { operationId: 'getUser' }, status: 503, times: 3 })).status).toBe(201);
    const second = await admin(replicas[2]!, 'POST', '/faults?session=thrice', { match: { operationId: 'getUser' }, status: 502 });
    expect(second.body.name).toBe('fault #2');
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => getUser(rr(i), 'thrice', 'quickstart')));
    expect(count(answers, 503)).toBe(3);
    expect(count(answers, 502)).toBe(1);
    expect(count(answers, 200)).toBe(8);
  });

  it('a token bucket of 3 holds across the three: of 9 concurrent calls spread over them, exactly 3 pass', async () => {
    const fault = { match: { operationId: 'getUser' }, rateLimit: { limit: 3, window: '1m', algorithm: 'token-bucket' }, times: 100 };
    expect((await admin(replicas[2]!, 'POST', '/faults?session=bucket', fault)).status).toBe(201);
    const answers = await Promise.all(Array.from({ length: 9 }, (_, i) => getUser(rr(i), 'bucket', 'quickstart')));
    expect(count(answers, 200)).toBe(3);
    expect(count(answers, 429)).toBe(6);
    // A token is back after 20 s (3 a minute): the countdown says so.
    expect(answers.find((a) => a.status === 429)!.headers.get('retry-after')).toBe('20');
  });

  it("a session's scenario switched through one replica is in force on the others, and only for that session", async () => {
    // Seen by the others first, so that they hold the session under the old scenario.
    for (const replica of replicas) expect((await getUser(replica, 'switched', 'quickstart')).status).toBe(200);
    const scenario = { name: 'teapot-users', apis: {}, rules: [{ name: 'no users', match: { operationId: 'getUser' }, status: 503 }] };
    expect((await admin(replicas[0]!, 'PUT', '/scenario?session=switched', { scenario })).status).toBe(200);
    for (const replica of replicas) {
      expect((await getUser(replica, 'switched', 'quickstart')).status).toBe(503);
      expect((await admin(replica, 'GET', '/scenario?session=switched')).body).toMatchObject({ name: 'teapot-users', session: 'switched' });
    }
    expect((await getUser(replicas[1]!, 'not-switched', 'quickstart')).status).toBe(200);
    // And switched back through another replica.
    expect((await admin(replicas[2]!, 'PUT', '/scenario?session=switched', { name: 'default' })).status).toBe(200);
    for (const replica of replicas) expect((await getUser(replica, 'switched', 'quickstart')).status).toBe(200);
  });

  it('the journal on any replica shows every request the three answered, newest first, as soon as they are answered', async () => {
    for (let i = 0; i < 9; i++) expect((await getUser(rr(i), 'journal', `missing-${i}`)).status).toBe(404);
    for (const replica of replicas) {
      const listed = await admin(replica, 'GET', '/requests?session=journal');
      expect(listed.status).toBe(200);
      const entries = listed.body.requests!;
      expect(entries.map((e) => e.path)).toEqual(Array.from({ length: 9 }, (_, i) => `/api/v1/auth/users/missing-${8 - i}`));
      expect(new Set(entries.map((e) => e.id)).size).toBe(9);
      expect(entries.every((e) => e.status === 404 && e.session === 'journal')).toBe(true);
      // Secrets redacted, as in one process.
      expect(entries[0]!.request.headers.authorization).toBe('[redacted]');
    }
    // Filters and limit.
    const one = await admin(replicas[1]!, 'GET', '/requests?session=journal&limit=2');
    expect(one.body.requests!.map((e) => e.path)).toEqual(['/api/v1/auth/users/missing-8', '/api/v1/auth/users/missing-7']);
    // Cleared through one replica, for all.
    expect((await admin(replicas[2]!, 'DELETE', '/requests?session=journal')).status).toBe(204);
    for (const replica of replicas) expect((await admin(replica, 'GET', '/requests?session=journal')).body.requests).toEqual([]);
  });

  it('coverage on any replica is the union of what the three served', async () => {
    expect((await getUser(replicas[0]!, 'coverage', 'quickstart')).status).toBe(200);
    expect((await getUser(replicas[1]!, 'coverage', 'nobody')).status).toBe(404);
    expect((await getUser(replicas[2]!, 'coverage', 'nobody')).status).toBe(404);
    for (const replica of replicas) {
      const report = await admin(replica, 'GET', '/coverage?session=coverage');
      const row = report.body.operations!.find((r) => r.api === 'lakefs' && r.operationId === 'getUser')!;
      expect(row.served).toEqual({ 200: 1, 404: 2 });
      expect(row.missing).not.toContain('200');
      expect(row.missing).not.toContain('404');
    }
    // The coverage gate, asking one replica, sees what the others served.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'mockgate-gate-'));
    try {
      const served = path.join(dir, 'served.yaml');
      writeFileSync(served, 'operations:\n  - { api: lakefs, operationId: getUser, statuses: [200, 404] }\n');
      const passed = await runCli(['coverage', '--require', served, '--url', replicas[0]!.url, '--session', 'coverage']);
      expect(passed.stderr).toMatch(/all 2 required operation × status pairs were served/);
      expect(passed.code).toBe(0);
      const unserved = path.join(dir, 'unserved.yaml');
      writeFileSync(unserved, 'operations:\n  - { api: lakefs, operationId: getUser, statuses: [404, 401] }\n');
      const failed = await runCli(['coverage', '--require', unserved, '--url', replicas[0]!.url, '--session', 'coverage']);
      expect(failed.code).toBe(1);
      expect(failed.stderr).toMatch(/1 of 2 required/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('GET /__admin/sessions on any replica lists the sessions all three used, with their size and last use', async () => {
    const before = Date.now();
    expect((await createUser(replicas[0]!, 'listed-a', 'someone')).status).toBe(201);
    expect((await createUser(replicas[1]!, 'listed-b', 'someone')).status).toBe(201);
    // Only read: used, but nothing of it is written to Redis (its seed is in the reader's cache alone).
    expect((await getUser(replicas[2]!, 'listed-c', 'quickstart')).status).toBe(200);
    for (const replica of replicas) {
      const listed = await admin(replica, 'GET', '/sessions');
      const byName = new Map(listed.body.sessions!.map((s) => [s.name, s]));
      for (const name of ['listed-a', 'listed-b']) expect(byName.get(name)?.stateBytes).toBeGreaterThan(100);
      expect(byName.get('listed-c')?.stateBytes).toBe(0);
      for (const name of ['listed-a', 'listed-b', 'listed-c']) expect(Date.parse(byName.get(name)!.lastUsed!)).toBeGreaterThanOrEqual(before - 1000);
    }
  });
});

describe.skipIf(!runRedisSuites)('session lifetime in Redis (--session-idle with --store redis://)', () => {
  let redis: RunningRedis;
  let raw: Redis;
  let replicas: RunningCli[];

  beforeAll(async () => {
    redis = await startRedis();
    raw = new Redis(redis.port, '127.0.0.1');
    replicas = await Promise.all([0, 1].map(() => startCli(['--port', '0', '--store', redis.url, '--session-idle', '2s', '--log-level', 'warn', '--log-format', 'json'])));
  });

  afterAll(async () => {
    await stopAll();
    raw?.disconnect();
    await redis?.stop();
  });

  it('a session no replica used for the idle time is gone from Redis (state and its change log, journal, coverage), and from the list', async () => {
    const [a, b] = replicas as [RunningCli, RunningCli];
    expect((await createUser(a, 'idle', 'ephemeral')).status).toBe(201);
    expect((await getUser(b, 'idle', 'ephemeral')).status).toBe(200);
    // Kept alive while used (each replica refreshes it at most every 0.5 s here).
    for (let i = 0; i < 5; i++) {
      await sleep(600);
      expect((await getUser(i % 2 ? a : b, 'idle', 'ephemeral')).status).toBe(200);
    }
    expect(await raw.pttl('mockgate:s:idle')).toBeGreaterThan(0);
    expect(await raw.exists('mockgate:j:idle', 'mockgate:c:idle', 'mockgate:l:idle')).toBe(3);
    // Then left alone longer than the idle time (plus the refresh interval).
    await sleep(3500);
    expect(await raw.exists('mockgate:s:idle', 'mockgate:j:idle', 'mockgate:c:idle', 'mockgate:l:idle')).toBe(0);
    for (const replica of [a, b]) {
      const listed = await admin(replica, 'GET', '/sessions');
      expect(listed.body.sessions!.map((s) => s.name)).not.toContain('idle');
    }
    // Its next request starts again from the seed.
    expect((await getUser(b, 'idle', 'ephemeral')).status).toBe(404);
  });

  it('a scenario switched for every session through one replica is in force on the others, over sessions\' own', async () => {
    const [a, b] = replicas as [RunningCli, RunningCli];
    const down = { name: 'all-down', apis: {}, rules: [{ match: { operationId: 'listUsers' }, status: 503 }] };
    const own = { name: 'own', apis: {}, rules: [{ match: { operationId: 'listUsers' }, status: 502 }] };
    expect((await admin(a, 'PUT', '/scenario?session=own', { scenario: own })).status).toBe(200);
    expect((await listUsers(b, 'own')).status).toBe(502);
    expect((await listUsers(b, 'global')).status).toBe(200);
    expect((await admin(a, 'PUT', '/scenario', { scenario: down })).status).toBe(200);
    for (const replica of [a, b]) {
      expect((await listUsers(replica, 'global')).status).toBe(503);
      // A global switch drops the sessions' own scenarios, as in one process.
      expect((await listUsers(replica, 'own')).status).toBe(503);
      expect((await admin(replica, 'GET', '/scenario?session=global')).body.name).toBe('all-down');
    }
    expect((await admin(b, 'PUT', '/scenario', { name: 'default' })).status).toBe(200);
    for (const replica of [a, b]) expect((await listUsers(replica, 'global')).status).toBe(200);
  });

  it('the default session never expires', async () => {
    expect((await createUser(replicas[0]!, 'default', 'kept')).status).toBe(201);
    await sleep(200);
    expect(await raw.pttl('mockgate:s:default')).toBe(-1);
  });
});

describe.skipIf(!runRedisSuites)('the shared journal keeps the newest --journal-limit entries per session', () => {
  let redis: RunningRedis;
  const apps: MockgateApp[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    for (let i = 0; i < 2; i++) apps.push(await createApp({ ...defaultConfig(), logLevel: 'silent', store: redis.url, journalLimit: 5 }));
  });

  afterAll(async () => {
    for (const app of apps) await app.close();
    await redis?.stop();
  });

  it('two processes writing 12 entries: either lists exactly the newest 5', async () => {
    const [a, b] = apps.map((app) => supertest(app.handler));
    for (let i = 0; i < 12; i++) await (i % 2 ? a! : b!).get(`/api/v1/auth/users/u${i}`).set(LAKEFS).set('X-Mock-Session', 'capped');
    for (const app of apps) {
      const entries = await app.journal.list({ session: 'capped' });
      expect(entries.map((e) => e.path)).toEqual(['u11', 'u10', 'u9', 'u8', 'u7'].map((id) => `/api/v1/auth/users/${id}`));
    }
  });
});

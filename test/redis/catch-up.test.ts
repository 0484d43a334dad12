/**
 * How a replica that is behind catches up, on a real redis-server: from the session's change log (written by the
 * same commit script, so atomically with the commit), applied in place to the cached objects; and by a full reload
 * whenever the log cannot lead it from its version to the current one (trimmed, tampered with, a reset). Whatever
 * the way, the cache ends equal to what a fresh process reads from Redis.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANGE_LOG_LENGTH, RedisStateStore, StateConflict, StoreUnavailableError } from '../../src/state/redis-store.js';
import { Transaction, type ChangeOp } from '../../src/state/transaction.js';
import { runRedisSuites, startRedis, type RunningRedis } from './redis-server.js';

type Users = Record<string, { id: string; email?: string }>;
interface Lakefs {
  users: Users;
  order: string[];
  counter: number;
}

describe.skipIf(!runRedisSuites)('a replica behind catches up from the change log', () => {
  let redis: RunningRedis;
  let raw: Redis;
  const stores: RedisStateStore[] = [];
  const open = async () => {
    const store = await RedisStateStore.connect(redis.url);
    stores.push(store);
    return store;
  };
  const lakefs = (store: RedisStateStore, session: string) => store.get(session)!.lakefs as Lakefs;

  /** A request's commit as the pipeline makes it: its changes through a Transaction, which can undo them. */
  function request(store: RedisStateStore, session: string, change: (state: Lakefs) => void): Promise<void> {
    const generation = store.generation(session);
    const tx = new Transaction();
    change(tx.view(lakefs(store, session), [session, 'lakefs']));
    const ops: ChangeOp[] = tx.changes();
    return store.persist(ops, { session, generation, undo: () => tx.rollback() }).then(() => tx.commit());
  }

  /** What a process that never saw the session reads from Redis now. */
  async function fresh(session: string): Promise<unknown> {
    const c = await open();
    await c.refresh(session);
    return JSON.parse(JSON.stringify(c.get(session)));
  }

  async function seeded(session: string): Promise<[RedisStateStore, RedisStateStore]> {
    const a = await open();
    const b = await open();
    await a.refresh(session);
    a.set(session, { lakefs: { users: { alice: { id: 'alice' } }, order: ['alice'], counter: 1 } });
    await a.persist([], { session, generation: a.generation(session) });
    await b.refresh(session);
    return [a, b];
  }

  beforeAll(async () => {
    redis = await startRedis();
    raw = new Redis(redis.port, '127.0.0.1');
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    raw?.disconnect();
    await redis?.stop();
  });

  it('applies the commits it missed to its cached objects in place (no reload), ending where Redis is', async () => {
    const [a, b] = await seeded('in-place');
    const before = b.get('in-place');
    await request(a, 'in-place', (s) => {
      s.users.bob = { id: 'bob' };
      s.order.push('bob');
    });
    await request(a, 'in-place', (s) => {
      delete s.users.alice;
      s.users.bob!.email = 'bob@example.com';
      s.counter = 2;
    });
    await b.refresh('in-place');
    // The same object: caught up, not reloaded (a reload decodes a new one).
    expect(b.get('in-place')).toBe(before);
    expect(JSON.parse(JSON.stringify(b.get('in-place')))).toEqual(await fresh('in-place'));
    expect(lakefs(b, 'in-place')).toEqual({ users: { bob: { id: 'bob', email: 'bob@example.com' } }, order: ['alice', 'bob'], counter: 2 });
  });

  it(`keeps at most ${CHANGE_LOG_LENGTH} commits per session; a replica further behind reloads, and ends where Redis is`, async () => {
    const [a, b] = await seeded('trimmed');
    const before = b.get('trimmed');
    for (let i = 0; i < CHANGE_LOG_LENGTH + 5; i++) await request(a, 'trimmed', (s) => (s.users[`u${i}`] = { id: `u${i}` }));
    expect(await raw.llen('mockgate:l:trimmed')).toBe(CHANGE_LOG_LENGTH);
    await b.refresh('trimmed');
    expect(b.get('trimmed')).not.toBe(before);
    expect(Object.keys(lakefs(b, 'trimmed').users)).toHaveLength(CHANGE_LOG_LENGTH + 6);
    expect(JSON.parse(JSON.stringify(b.get('trimmed')))).toEqual(await fresh('trimmed'));
  });

  it('reloads when the log does not lead from its version to the current one (an entry that does not read, a log lost)', async () => {
    const [a, b] = await seeded('broken');
    await request(a, 'broken', (s) => (s.users.one = { id: 'one' }));
    await request(a, 'broken', (s) => (s.users.two = { id: 'two' }));
    // The second entry no longer reads: the chain is broken, and nothing of it may be applied.
    await raw.lset('mockgate:l:broken', -1, 'not an entry');
    const before = b.get('broken');
    await b.refresh('broken');
    expect(b.get('broken')).not.toBe(before);
    expect(Object.keys(lakefs(b, 'broken').users).sort()).toEqual(['alice', 'one', 'two']);

    await request(a, 'broken', (s) => (s.users.three = { id: 'three' }));
    await raw.del('mockgate:l:broken');
    await b.refresh('broken');
    expect(Object.keys(lakefs(b, 'broken').users).sort()).toEqual(['alice', 'one', 'three', 'two']);
  });

  it('a whole-session write (a restore) is a barrier in the log: replicas behind it reload', async () => {
    const [a, b] = await seeded('restored');
    const before = b.get('restored');
    a.set('restored', { lakefs: { users: { zed: { id: 'zed' } }, order: [], counter: 9 } }, true);
    await a.persist();
    await b.refresh('restored');
    expect(b.get('restored')).not.toBe(before);
    expect(lakefs(b, 'restored')).toEqual({ users: { zed: { id: 'zed' } }, order: [], counter: 9 });
  });

  it('a commit refused as a conflict catches the replica up in place, with its own change and its queued ones undone', async () => {
    const [a, b] = await seeded('conflict');
    const before = b.get('conflict');
    await request(a, 'conflict', (s) => (s.users.fromA = { id: 'fromA' }));
    // Two requests of b ran on its stale cache; both are refused, and neither's change stays in the cache.
    const first = request(b, 'conflict', (s) => (s.users.fromB1 = { id: 'fromB1' }));
    const second = request(b, 'conflict', (s) => {
      s.users.fromB2 = { id: 'fromB2' };
      s.counter = 7;
    });
    await expect(first).rejects.toBeInstanceOf(StateConflict);
    await expect(second).rejects.toBeInstanceOf(StateConflict);
    expect(b.get('conflict')).toBe(before);
    expect(lakefs(b, 'conflict')).toEqual({ users: { alice: { id: 'alice' }, fromA: { id: 'fromA' } }, order: ['alice'], counter: 1 });
    // The cache is at Redis's version now: a re-run commits without another refresh.
    await request(b, 'conflict', (s) => (s.users.fromB1 = { id: 'fromB1' }));
    expect(Object.keys((await fresh('conflict') as { lakefs: Lakefs }).lakefs.users).sort()).toEqual(['alice', 'fromA', 'fromB1']);
  });

  it('reloads instead when a queued commit carries a seed no undo takes out: the cache never keeps what was not written', async () => {
    const [a, b] = await seeded('seed-queued');
    await request(a, 'seed-queued', (s) => (s.users.fromA = { id: 'fromA' }));
    const first = request(b, 'seed-queued', (s) => (s.users.x = { id: 'x' }));
    // An API seeded in b's cache on first use: written with b's next commit (a wholesale change), not undone by it.
    Object.defineProperty(b.get('seed-queued')!, 'other', { value: { things: { t: { id: 't' } } }, writable: true, enumerable: true, configurable: true });
    b.changed(['seed-queued', 'other']);
    const second = request(b, 'seed-queued', (s) => (s.users.y = { id: 'y' }));
    await expect(first).rejects.toBeInstanceOf(StateConflict);
    await expect(second).rejects.toBeInstanceOf(StateConflict);
    await b.refresh('seed-queued');
    expect(JSON.parse(JSON.stringify(b.get('seed-queued')))).toEqual(await fresh('seed-queued'));
    expect(b.get('seed-queued')!.other).toBeUndefined();
  });

  // Last: it kills the Redis.
  it('a commit sent before the connection failed is reported in doubt; one refused before sending is not', async () => {
    const [a] = await seeded('doubt');
    // Redis holds write commands (the commit script) unanswered; then it dies with the commit sent.
    await raw.call('CLIENT', 'PAUSE', '5000', 'WRITE');
    const sent = request(a, 'doubt', (s) => (s.users.sent = { id: 'sent' })).then(() => undefined, (err: unknown) => err);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await redis.kill();
    const inDoubt = await sent;
    expect(inDoubt).toBeInstanceOf(StoreUnavailableError);
    expect((inDoubt as StoreUnavailableError).inDoubt).toBe(true);
    // Not connected now: refused before anything is sent, so certainly not written.
    const b = await RedisStateStore.connect(redis.url).catch(() => undefined);
    expect(b).toBeUndefined();
    a.set('doubt', { lakefs: { users: {}, order: [], counter: 0 } });
    const refused = await a.persist([], { session: 'doubt', generation: a.generation('doubt') }).then(() => undefined, (err: unknown) => err);
    expect(refused).toBeInstanceOf(StoreUnavailableError);
    expect((refused as StoreUnavailableError).inDoubt).toBe(false);
  });
});

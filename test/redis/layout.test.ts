/**
 * The Redis store's layout and its commit rules, on a real redis-server: a session is one hash split by path, a
 * commit writes only the fields of what changed, a second process reads back exactly the state written (`__proto__`
 * included), and a commit from a view that is no longer current writes nothing.
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisStateStore, StateConflict } from '../../src/state/redis-store.js';
import { runRedisSuites, startRedis, type RunningRedis } from './redis-server.js';

describe.skipIf(!runRedisSuites)('the Redis session store', () => {
  let redis: RunningRedis;
  let raw: Redis;
  const stores: RedisStateStore[] = [];
  const open = async () => {
    const store = await RedisStateStore.connect(redis.url);
    stores.push(store);
    return store;
  };
  const commit = (store: RedisStateStore, session: string, ops: Parameters<RedisStateStore['persist']>[0] = []) =>
    store.persist(ops, { session, generation: store.generation(session) });

  beforeAll(async () => {
    redis = await startRedis();
    raw = new Redis(redis.port, '127.0.0.1');
  });
  afterAll(async () => {
    for (const store of stores) await store.close();
    raw?.disconnect();
    await redis?.stop();
  });

  const state = () => {
    const users = JSON.parse('{"alice":{"id":"alice"},"__proto__":{"id":"__proto__"}}') as Record<string, unknown>;
    return { lakefs: { users, order: ['alice'], counter: 3, empty: {} } };
  };

  it('keeps a session as one hash: a field per table entry, whole values for the rest', async () => {
    const a = await open();
    a.set('layout', state());
    await commit(a, 'layout');
    const fields = await raw.hgetall('mockgate:s:layout');
    expect(Object.keys(fields).sort()).toEqual(
      ['v', '["lakefs"]', '["lakefs","users"]', '["lakefs","users","alice"]', '["lakefs","users","__proto__"]', '["lakefs","order"]', '["lakefs","counter"]', '["lakefs","empty"]'].sort(),
    );
    expect(fields['["lakefs","users","alice"]']).toBe('{"id":"alice"}');
    expect(fields['["lakefs","order"]']).toBe('["alice"]');
    expect(await raw.sismember('mockgate:sessions', 'layout')).toBe(1);
  });

  it('reads back in another process exactly the state written (a `__proto__` id is an entry like any other)', async () => {
    const b = await open();
    await b.refresh('layout');
    const read = b.get('layout')!;
    expect(JSON.stringify(read)).toBe(JSON.stringify(state()));
    expect(Object.getPrototypeOf((read.lakefs as { users: object }).users)).toBe(Object.prototype);
  });

  it('commits a create as one field (and the version), not the state', async () => {
    const a = await open();
    await a.refresh('layout');
    const before = await raw.hgetall('mockgate:s:layout');
    const users = (a.get('layout')!.lakefs as { users: Record<string, unknown> }).users;
    users.bob = { id: 'bob' };
    await commit(a, 'layout', [{ p: ['layout', 'lakefs', 'users', 'bob'], v: users.bob }]);
    const after = await raw.hgetall('mockgate:s:layout');
    const changed = Object.keys(after).filter((k) => after[k] !== before[k]);
    expect(changed.sort()).toEqual(['v', '["lakefs","users","bob"]'].sort());
    // A delete removes its field; a change inside an entry rewrites that entry only.
    delete users.alice;
    await commit(a, 'layout', [{ p: ['layout', 'lakefs', 'users', 'alice'] }]);
    (users.bob as { id: string; email?: string }).email = 'bob@example.com';
    await commit(a, 'layout', [{ p: ['layout', 'lakefs', 'users', 'bob', 'email'], v: 'bob@example.com' }]);
    const last = await raw.hgetall('mockgate:s:layout');
    expect(last['["lakefs","users","alice"]']).toBeUndefined();
    expect(JSON.parse(last['["lakefs","users","bob"]']!)).toEqual({ id: 'bob', email: 'bob@example.com' });
  });

  it('writes nothing from a view of an older version: the commit is refused as a conflict', async () => {
    const a = await open();
    const b = await open();
    await a.refresh('layout');
    await b.refresh('layout');
    (a.get('layout')!.lakefs as { counter: number }).counter = 10;
    await commit(a, 'layout', [{ p: ['layout', 'lakefs', 'counter'], v: 10 }]);
    const written = await raw.hgetall('mockgate:s:layout');
    (b.get('layout')!.lakefs as { counter: number }).counter = 20;
    await expect(commit(b, 'layout', [{ p: ['layout', 'lakefs', 'counter'], v: 20 }])).rejects.toBeInstanceOf(StateConflict);
    expect(await raw.hgetall('mockgate:s:layout')).toEqual(written);
    // B's cache was dropped: its next refresh loads what A wrote.
    await b.refresh('layout');
    expect((b.get('layout')!.lakefs as { counter: number }).counter).toBe(10);
  });

  it('seeds a session atomically: of two processes seeding it, the second one\'s first commit conflicts', async () => {
    const a = await open();
    const b = await open();
    await a.refresh('seeded');
    await b.refresh('seeded');
    a.set('seeded', { lakefs: { users: { fromA: { id: 'fromA' } } } });
    b.set('seeded', { lakefs: { users: { fromB: { id: 'fromB' } } } });
    await commit(a, 'seeded');
    await expect(commit(b, 'seeded')).rejects.toBeInstanceOf(StateConflict);
    await b.refresh('seeded');
    expect(Object.keys((b.get('seeded')!.lakefs as { users: object }).users)).toEqual(['fromA']);
  });
});

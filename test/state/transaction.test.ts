/**
 * The undo log behind every request: whatever is written through a transaction's views — assignment, delete,
 * defineProperty, array methods, writes past an array's end — is undone by rollback(), kept by commit(), and
 * never leaves a proxy in the state.
 */
import { types } from 'node:util';
import { describe, expect, it } from 'vitest';
import { applyChange } from '../../src/state/change-log.js';
import { Transaction } from '../../src/state/transaction.js';

interface State {
  users: Record<string, { id: string; groups: string[]; meta?: Record<string, string> }>;
  list: Array<{ n: number }>;
  count: number;
}

const seed = (): State => ({
  users: { alice: { id: 'alice', groups: ['admins'] }, bob: { id: 'bob', groups: [] } },
  list: [{ n: 1 }, { n: 3 }, { n: 2 }],
  count: 0,
});

/** Every object reachable from the value, proxies included. */
function proxiesIn(value: unknown, seen = new Set<unknown>()): number {
  if (value === null || typeof value !== 'object' || seen.has(value)) return 0;
  seen.add(value);
  return (types.isProxy(value) ? 1 : 0) + Object.values(value).reduce<number>((n, v) => n + proxiesIn(v, seen), 0);
}

const writes: Array<[string, (s: State) => void]> = [
  ['assigns a new key', (s) => (s.users.carol = { id: 'carol', groups: [] })],
  ['replaces a nested value', (s) => (s.users.alice!.id = 'changed')],
  ['deletes a key', (s) => delete s.users.bob],
  ['defines a key named __proto__', (s) => Object.defineProperty(s.users, '__proto__', { value: { id: 'x', groups: [] }, enumerable: true, writable: true, configurable: true })],
  ['pushes onto an array', (s) => s.users.alice!.groups.push('devs')],
  ['splices an array', (s) => s.list.splice(1, 1)],
  ['sorts an array in place', (s) => s.list.sort((a, b) => a.n - b.n)],
  ['writes past an array\'s end', (s) => (s.list[6] = { n: 9 })],
  ['shrinks an array by length', (s) => (s.list.length = 0)],
  ['stores a spread of a stored row', (s) => (s.users.dave = { ...s.users.alice!, id: 'dave' })],
  ['moves a stored object under another key', (s) => (s.users.alias = s.users.alice!)],
  ['increments a counter', (s) => s.count++],
  ['adds a nested object then changes it', (s) => {
    s.users.alice!.meta = { a: '1' };
    s.users.alice!.meta.b = '2';
  }],
];

describe('Transaction', () => {
  it.each(writes)('rollback undoes what %s', (_name, write) => {
    const state = seed();
    const before = structuredClone(state);
    const tx = new Transaction();
    write(tx.view(state));
    expect(tx.changed).toBe(true);
    tx.rollback();
    expect(state).toEqual(before);
    expect(Object.keys(state.users)).toEqual(Object.keys(before.users));
    expect(Object.getPrototypeOf(state.users)).toBe(Object.prototype);
    expect(proxiesIn(state)).toBe(0);
  });

  it.each(writes)('commit keeps what %s, and the state holds no proxy', (_name, write) => {
    const state = seed();
    const expected = seed();
    write(expected);
    const tx = new Transaction();
    write(tx.view(state));
    tx.commit();
    expect(state).toEqual(expected);
    expect(proxiesIn(state)).toBe(0);
  });

  it.each(writes)('changes() replayed onto the state as it was gives the state after: %s', (_name, write) => {
    const state = seed();
    const tx = new Transaction();
    write(tx.view(state, ['s', 'api']));
    // Through JSON, as the change log stores it.
    const ops = JSON.parse(JSON.stringify(tx.changes()));
    tx.commit();
    const replayed: Record<string, unknown> = { s: { api: seed() } };
    const asJson = (value: unknown) => JSON.parse(JSON.stringify(value));
    for (const op of ops) applyChange(replayed, op);
    expect(asJson(replayed.s)).toEqual({ api: asJson(state) });
    // Replaying twice (a kill between a compaction's snapshot and its log swap) changes nothing more.
    for (const op of ops) applyChange(replayed, op);
    expect(asJson(replayed.s)).toEqual({ api: asJson(state) });
  });

  it('changes() addresses each write by its path, and leaves out what an ancestor write already holds', () => {
    const state = seed();
    const tx = new Transaction();
    const view = tx.view(state, ['s', 'api']);
    view.users.alice!.groups.push('devs');
    view.users.carol = { id: 'carol', groups: [] };
    view.users.carol.groups.push('x');
    delete view.users.bob;
    expect(tx.changes()).toEqual([
      { p: ['s', 'api', 'users', 'alice', 'groups', 'length'], v: 2 },
      { p: ['s', 'api', 'users', 'alice', 'groups', '1'], v: 'devs' },
      { p: ['s', 'api', 'users', 'carol'], v: { id: 'carol', groups: ['x'] } },
      { p: ['s', 'api', 'users', 'bob'] },
    ]);
  });

  it('changes() writes the root whole when a written object is no longer where it was read', () => {
    const state = seed();
    const tx = new Transaction();
    const view = tx.view(state, ['s', 'api']);
    const alice = view.users.alice!;
    delete view.users.alice;
    view.users.moved = alice;
    alice.id = 'moved';
    expect(tx.changes()).toEqual([{ p: ['s', 'api'], v: state }]);
  });

  it('reads change nothing', () => {
    const state = seed();
    const tx = new Transaction();
    const view = tx.view(state);
    expect(Object.values(view.users).map((u) => u.id)).toEqual(['alice', 'bob']);
    expect(view.list.filter((x) => x.n > 1).length).toBe(2);
    expect(JSON.parse(JSON.stringify(view))).toEqual(seed());
    expect(tx.changed).toBe(false);
  });

  it('hands out one view per object, so identity checks hold', () => {
    const tx = new Transaction();
    const view = tx.view(seed());
    const found = view.list.find((x) => x.n === 3)!;
    expect(view.list.indexOf(found)).toBe(1);
    expect(view.users.alice).toBe(view.users.alice);
  });

  it('undoes only what still holds the value it wrote (a later writer\'s change survives)', () => {
    const state = seed();
    const first = new Transaction();
    first.view(state).count = 1;
    const second = new Transaction();
    second.view(state).count = 2;
    second.commit();
    first.rollback();
    expect(state.count).toBe(2);
  });

  it('views stop recording once the transaction is over', () => {
    const state = seed();
    const tx = new Transaction();
    const view = tx.view(state);
    tx.commit();
    view.count = 5;
    expect(tx.changed).toBe(false);
    expect(state.count).toBe(5);
  });
});

/**
 * Collections: plain JSON tables with derived indexes. Pages come in byte-wise key order from the ordered index,
 * the indexes follow every write through the helpers — through a Transaction's views as well, and back again when
 * it rolls back — and an id such as `__proto__` is an id like any other.
 */
import { describe, expect, it } from 'vitest';
import { AUTH_LISTS, paginate, paginateTable, type PageStyle } from '../../src/apis/lakefs/pagination.js';
import { addTo, compareBytewise, has, holdersOf, idsWhere, invalidate, lookup, put, remove, removeFrom, scan, scanPage, size, type Table } from '../../src/engine/collection.js';
import { Transaction } from '../../src/state/transaction.js';

const EXACT: PageStyle = { hasMore: 'exact', maxPerPage: 1000 };

function tableOf(keys: string[]): Table<{ id: string }> {
  const table: Table<{ id: string }> = {};
  for (const id of keys) put(table, id, { id });
  return table;
}

const keysOf = (table: Table<unknown>, range = {}) => [...scan(table, range)].map(([k]) => k);

/** Keys that JavaScript's UTF-16 order and UTF-8 byte order sort differently, and prefixes of one another. */
const AWKWARD = ['b', 'a', 'ab', 'a\u0000', '\uFF21', '\u{1F600}', '\uE000', '\uD7FF', 'é', 'e', '__proto__', 'constructor', 'toString', ''];

describe('a collection', () => {
  it('scans keys in UTF-8 byte order, not UTF-16 order', () => {
    const table = tableOf(AWKWARD);
    const bytes = (s: string) => Buffer.from(s, 'utf8');
    expect(keysOf(table)).toEqual([...AWKWARD].sort((a, b) => Buffer.compare(bytes(a), bytes(b))));
    // An astral character sorts after U+FF21 in UTF-8, though its surrogates sort before it in UTF-16.
    expect(keysOf(table).indexOf('\u{1F600}')).toBeGreaterThan(keysOf(table).indexOf('\uFF21'));
  });

  it('holds `__proto__`, `constructor` and `toString` as ids, never touching its prototype', () => {
    const table = tableOf(['__proto__', 'constructor', 'toString']);
    expect(Object.getPrototypeOf(table)).toBe(Object.prototype);
    expect(lookup(table, '__proto__')).toEqual({ id: '__proto__' });
    expect(keysOf(table)).toEqual(['__proto__', 'constructor', 'toString']);
    expect(remove(table, '__proto__')).toBe(true);
    expect(has(table, '__proto__')).toBe(false);
    expect(keysOf(table)).toEqual(['constructor', 'toString']);
    expect(lookup(table, 'hasOwnProperty')).toBeUndefined();
  });

  it.each([
    ['prefix', { prefix: 'a' }],
    ['after', { after: 'ab' }],
    ['after before the prefix', { prefix: 'b', after: 'a' }],
    ['after inside the prefix', { prefix: 'a', after: 'a\u0000' }],
    ['after past the prefix', { prefix: 'a', after: 'b' }],
    ['after a key that is not stored', { after: 'aa' }],
    ['a prefix nothing has', { prefix: 'zz' }],
  ])('scans a range by %s as a filter over the sorted keys would', (_name, range: { prefix?: string; after?: string }) => {
    const table = tableOf(AWKWARD);
    const expected = [...AWKWARD]
      .sort(compareBytewise)
      .filter((k) => k.startsWith(range.prefix ?? '') && (range.after === undefined || compareBytewise(k, range.after) > 0));
    expect(keysOf(table, range)).toEqual(expected);
  });

  it('pages as the sorting paginate does, for every amount, prefix and style', () => {
    const keys = Array.from({ length: 300 }, (_, i) => `user-${(i * 7919) % 1000}`).concat(AWKWARD);
    const table = tableOf(keys);
    for (const style of [AUTH_LISTS, EXACT]) {
      for (const query of [{}, { amount: 7 }, { prefix: 'user-1', amount: 10 }, { after: 'user-5', amount: 50 }, { prefix: 'user-9', after: 'user-95' }, { amount: 2000 }]) {
        const expected = paginate(Object.values(table), (u) => u.id, query, style);
        const got = paginateTable(table, query, style);
        expect({ results: got.results, pagination: got.pagination }).toEqual(expected);
      }
    }
  });

  it('reads a page with scanPage as scan does, kept or not, from any start, including past the end', () => {
    const keys = Array.from({ length: 300 }, (_, i) => `user-${(i * 7919) % 1000}`).concat(AWKWARD);
    const table = tableOf(keys);
    const even = (u: { id: string }) => u.id.length % 2 === 0;
    for (const range of [{}, { prefix: 'user-1' }, { after: 'user-5' }, { prefix: 'user-9', after: 'user-95' }, { after: '\u{10FFFF}' }, { prefix: 'zzz' }, { prefix: 'user-', after: 'a' }]) {
      for (const max of [0, 1, 7, 100, 5000]) {
        const all = [...scan(table, range)];
        for (const keep of [undefined, even]) {
          const expected = all.filter(([, u]) => !keep || keep(u)).slice(0, max);
          const page = scanPage(table, range, max, keep);
          expect(page.keys).toEqual(expected.map(([k]) => k));
          expect(page.items).toEqual(expected.map(([, u]) => u));
        }
      }
    }
    expect(scanPage({}, {}, 10)).toEqual({ keys: [], items: [] });
  });

  it('follows every page to the end by next_offset, each key once', () => {
    const keys = Array.from({ length: 250 }, (_, i) => `k${i}`);
    const table = tableOf(keys);
    const seen: string[] = [];
    let after = '';
    for (let guard = 0; guard < 10; guard++) {
      const page = paginateTable(table, { after, amount: 100 }, EXACT);
      seen.push(...page.keys);
      if (!page.pagination.has_more) break;
      after = page.pagination.next_offset;
    }
    expect(seen).toEqual([...keys].sort(compareBytewise));
  });

  it('keeps its index through puts and removes after the first scan, and counts itself', () => {
    const table = tableOf(['b', 'd']);
    expect(keysOf(table)).toEqual(['b', 'd']);
    put(table, 'c', { id: 'c' });
    put(table, 'a', { id: 'a' });
    put(table, 'c', { id: 'c' });
    remove(table, 'd');
    expect(keysOf(table)).toEqual(['a', 'b', 'c']);
    expect(size(table)).toBe(3);
  });

  it('rebuilds its index when told the table changed behind its back', () => {
    const table = tableOf(['a']);
    expect(keysOf(table)).toEqual(['a']);
    table.b = { id: 'b' };
    invalidate(table);
    expect(keysOf(table)).toEqual(['a', 'b']);
  });
});

describe('a collection under a Transaction', () => {
  interface State {
    users: Table<{ id: string; userId?: string }>;
    members: Table<string[]>;
  }
  const seed = (): State => ({ users: tableOf(['alice', 'bob']), members: { admins: ['alice'], devs: ['alice', 'bob'] } });

  it('indexes a create made through a view, and a rolled-back create leaves no key in the index', () => {
    const state = seed();
    expect(keysOf(state.users)).toEqual(['alice', 'bob']);
    const tx = new Transaction();
    const view = tx.view(state);
    put(view.users, 'carol', { id: 'carol' });
    put(view.users, '__proto__', { id: '__proto__' });
    expect(keysOf(view.users)).toEqual(['__proto__', 'alice', 'bob', 'carol']);
    tx.rollback();
    expect(keysOf(state.users)).toEqual(['alice', 'bob']);
    expect(size(state.users)).toBe(2);
    expect(paginateTable(state.users, {}).results.map((u) => u.id)).toEqual(['alice', 'bob']);
  });

  it('a rolled-back delete puts the key back in the index; a committed one keeps it out', () => {
    const state = seed();
    expect(keysOf(state.users)).toEqual(['alice', 'bob']);
    const failed = new Transaction();
    remove(failed.view(state).users, 'alice');
    expect(keysOf(state.users)).toEqual(['bob']);
    failed.rollback();
    expect(keysOf(state.users)).toEqual(['alice', 'bob']);
    const kept = new Transaction();
    remove(kept.view(state).users, 'alice');
    kept.commit();
    expect(keysOf(state.users)).toEqual(['bob']);
  });

  it('a rollback leaves no secondary index stale: holders and field values read as the table holds them', () => {
    const state = seed();
    put(state.users, 'k1', { id: 'k1', userId: 'alice' });
    expect([...holdersOf(state.members, 'alice')]).toEqual(['admins', 'devs']);
    expect([...idsWhere(state.users, 'userId', 'alice')]).toEqual(['k1']);
    const tx = new Transaction();
    const view = tx.view(state);
    removeFrom(view.members, 'admins', 'alice');
    addTo(view.members, 'ops', 'alice');
    put(view.users, 'k2', { id: 'k2', userId: 'alice' });
    remove(view.users, 'k1');
    expect([...holdersOf(view.members, 'alice')].sort()).toEqual(['devs', 'ops']);
    expect([...idsWhere(view.users, 'userId', 'alice')]).toEqual(['k2']);
    tx.rollback();
    expect([...holdersOf(state.members, 'alice')].sort()).toEqual(['admins', 'devs']);
    expect([...idsWhere(state.users, 'userId', 'alice')]).toEqual(['k1']);
  });

  it('holders follow addTo, removeFrom, put and remove of whole lists', () => {
    const state = seed();
    expect([...holdersOf(state.members, 'bob')]).toEqual(['devs']);
    addTo(state.members, 'admins', 'bob');
    put(state.members, 'ops', ['bob', 'carol']);
    removeFrom(state.members, 'devs', 'bob');
    expect([...holdersOf(state.members, 'bob')].sort()).toEqual(['admins', 'ops']);
    remove(state.members, 'ops');
    expect([...holdersOf(state.members, 'bob')]).toEqual(['admins']);
    expect([...holdersOf(state.members, 'carol')]).toEqual([]);
  });
});

describe('a large collection', () => {
  it('seeds linearly and pages from the index: a page of 100 000 costs about what a page of 1 000 does', () => {
    const build = (n: number) => {
      const table: Table<{ id: string }> = {};
      for (let i = 0; i < n; i++) put(table, `user-${String(i).padStart(6, '0')}`, { id: `user-${i}` });
      paginateTable(table, { amount: 1 }); // builds the index once
      return table;
    };
    const small = build(1_000);
    const large = build(100_000);
    // The fastest of a few batches: a shared machine's noise and GC pauses only ever add.
    const time = (table: Table<unknown>) => {
      let best = Infinity;
      for (let batch = 0; batch < 5; batch++) {
        const started = performance.now();
        for (let i = 0; i < 200; i++) paginateTable(table, { after: `user-000${i % 9}50`, amount: 100 });
        best = Math.min(best, performance.now() - started);
      }
      return best;
    };
    time(small);
    time(large);
    // A generous bound: sorting the whole table per page was ~1 000× slower at 100 000 (159 ms against 26 µs).
    expect(time(large)).toBeLessThan(3 * time(small) + 10);
  });
});

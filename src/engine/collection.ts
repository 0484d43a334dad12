/**
 * Collections: keyed, ordered state for handlers (bundled and generic APIs alike).
 *
 * A collection *is* a plain JSON object keyed by id — so snapshots, --state-file, reset, seeding and the request
 * Transaction's undo log work on it as is — and these helpers add what a plain object lacks, as structures
 * *derived* from it and kept beside it (never in the state):
 *
 * - an ordered index of its keys in byte-wise (UTF-8) order, a B+ tree (sorted-btree): O(log n) put / remove
 *   and O(log n + page) range scans for `prefix` / `after` / `amount` paging, instead of sorting the whole table
 *   for every page;
 * - secondary indexes where lookups need them: `holdersOf` (which ids' lists hold an item: a user's groups from
 *   group → members) and `idsWhere` (which records have a field equal to a value: a user's access keys).
 *
 * The indexes live in a WeakMap keyed by the table object, are built on first use (seeding stays linear, and a
 * table nobody lists never pays for one) and are kept up to date by put / remove / addTo / removeFrom. A new
 * table object (a snapshot restored, a session re-seeded, a state file loaded) simply has none yet. What changes
 * a table behind the helpers' back must say so: the Transaction's rollback calls `resync` for each key it
 * restores and `invalidateDerived` once, and a change log replayed onto the state calls `invalidate` for the
 * objects it wrote. Handlers write tables through these helpers only (which the `__proto__` rule below already
 * asks of them).
 *
 * Ids come from clients, and an id such as `__proto__` or `constructor` must behave like any other string: every
 * read checks own properties, and writes define own properties (assigning to `__proto__` would replace the
 * object's prototype instead of storing an entry).
 *
 * Why sorted-btree: a maintained (2.x, 2025), dependency-free, typed B+ tree with a comparator, iteration from a
 * key, and an O(n) bulk load from sorted keys. A B+ tree keeps keys in arrays of up to 64, so an in-order scan
 * walks leaves rather than chasing a pointer per key as a red-black tree (@js-sdsl/ordered-map, unreleased since
 * 2024) does.
 */
import btree from 'sorted-btree';
import { bulkLoad } from 'sorted-btree/extended/bulkLoad.js';

type BTree<K, V> = InstanceType<typeof btree.default<K, V>>;

export type Table<T> = Record<string, T>;

/**
 * A recording view (the Transaction's Proxy) answers this symbol with the object it wraps: the indexes are
 * keyed by the state object itself, whether a helper is handed the object or a view of it.
 */
export const RAW_TARGET: unique symbol = Symbol.for('mockgate.rawTarget');

const NODE_SIZE = 64;

interface Derived {
  /** The keys in byte-wise order (values unused). */
  order?: BTree<string, undefined>;
  /** For a table of id lists: item → ids whose list holds it. Valid while `epoch` is current. */
  holders?: Map<string, Set<string>>;
  /** Per field: value → ids of the records with that value. Valid while `epoch` is current. */
  fields?: Map<string, Map<string, Set<string>>>;
  epoch: number;
}

const derived = new WeakMap<object, Derived>();

/**
 * Bumped whenever a change may have slipped past the secondary indexes (a rollback, a replayed change log): they
 * are rebuilt on next use. Rollbacks are rare (a request that failed after writing), and the ordered index, the
 * one whose rebuild costs n log n, is resynced key by key instead.
 */
let epoch = 0;

function rawOf<T extends object>(table: T): T {
  return ((table as { [RAW_TARGET]?: T })[RAW_TARGET] ?? table) as T;
}

/** The derived structures already built for a table (none are built here), secondary ones dropped if stale. */
function existing(raw: object): Derived | undefined {
  const d = derived.get(raw);
  if (d && d.epoch !== epoch) {
    d.holders = undefined;
    d.fields = undefined;
    d.epoch = epoch;
  }
  return d;
}

function derivedOf(raw: object): Derived {
  let d = existing(raw);
  if (!d) derived.set(raw, (d = { epoch }));
  return d;
}

// Own-property checks look at the object itself, not at a recording view: a check writes nothing, and `hasOwn`
// on a Proxy takes V8's slow path (5% of a createUser, profiled). The value is still read through the view, so
// a handler that changes it is recorded.
export function lookup<T>(table: Table<T>, id: string): T | undefined {
  return Object.hasOwn(rawOf(table), id) ? table[id] : undefined;
}

export function has(table: Table<unknown>, id: string): boolean {
  return Object.hasOwn(rawOf(table), id);
}

/**
 * The state object behind a recording view, for code that only reads (an authorization check walking every
 * statement of every policy): each object read through a view is wrapped and tracked, which cost a createUser
 * more than its write. Nothing may be written through what this returns — the request's undo log and
 * --state-file's change log would not see it.
 */
export function forReading<T extends object>(state: T): T {
  return rawOf(state);
}

export function put<T>(table: Table<T>, id: string, value: T): void {
  const raw = rawOf(table);
  const d = existing(raw);
  if (d && (d.holders || d.fields)) unindexValue(d, id, lookup(raw, id));
  Object.defineProperty(table, id, { value, enumerable: true, writable: true, configurable: true });
  if (d) {
    d.order?.set(id, undefined);
    indexValue(d, id, value);
  }
}

export function remove(table: Table<unknown>, id: string): boolean {
  if (!Object.hasOwn(table, id)) return false;
  const raw = rawOf(table);
  const d = existing(raw);
  if (d) unindexValue(d, id, raw[id]);
  delete table[id];
  d?.order?.delete(id);
  return true;
}

export function rows<T>(table: Table<T>): T[] {
  return Object.values(table);
}

export function size(table: Table<unknown>): number {
  const d = existing(rawOf(table));
  return d?.order ? d.order.size : Object.keys(table).length;
}

/** Adds `item` to the list stored under `id`; false when it was already there. */
export function addTo(table: Table<string[]>, id: string, item: string): boolean {
  const list = lookup(table, id);
  if (!list) {
    put(table, id, [item]);
    return true;
  }
  if (list.includes(item)) return false;
  list.push(item);
  const holders = existing(rawOf(table))?.holders;
  if (holders) addHolder(holders, item, id);
  return true;
}

/** Removes `item` from the list stored under `id`; false when it was not there. */
export function removeFrom(table: Table<string[]>, id: string, item: string): boolean {
  const list = lookup(table, id);
  const at = list ? list.indexOf(item) : -1;
  if (!list || at < 0) return false;
  list.splice(at, 1);
  const holders = existing(rawOf(table))?.holders;
  if (holders && !list.includes(item)) dropHolder(holders, item, id);
  if (list.length === 0) remove(table, id);
  return true;
}

export interface Range {
  /** Only keys starting with this. */
  prefix?: string;
  /** Only keys after this one (exclusive), byte-wise. */
  after?: string;
}

/**
 * The table's entries in byte-wise key order, from the start of the range: O(log n) to find the start, then one
 * step per entry taken. Values are read through `table`, so a recording view records the reads. The table must
 * not be changed while the scan is under way.
 */
export function* scan<T>(table: Table<T>, range: Range = {}): Generator<[string, T]> {
  const prefix = range.prefix ?? '';
  const after = range.after ?? '';
  const order = orderOf(rawOf(table));
  const start = after !== '' && compareBytewise(after, prefix) >= 0 ? after : prefix;
  for (const key of order.keys(start)) {
    if (after !== '' && key === after) continue;
    if (!key.startsWith(prefix)) return;
    yield [key, table[key]!];
  }
}

/** Tells sorted-btree's forRange to stop (one shared object: a page allocates nothing per entry to say so). */
const STOP = { break: true };

/**
 * Up to `max` entries of the range in key order, kept by `keep` when given, as two arrays: what `scan` yields,
 * read with the tree's callback walk instead of an iterator, so a page costs no generator step, iterator result
 * or [key, value] pair per entry (a listing's page read that way cost half as much, profiled in process).
 */
export function scanPage<T>(table: Table<T>, range: Range, max: number, keep?: (item: T) => boolean): { keys: string[]; items: T[] } {
  const keys: string[] = [];
  const items: T[] = [];
  const order = orderOf(rawOf(table));
  const prefix = range.prefix ?? '';
  const after = range.after ?? '';
  const start = after !== '' && compareBytewise(after, prefix) >= 0 ? after : prefix;
  const last = order.maxKey();
  if (max <= 0 || last === undefined || compareBytewise(start, last) > 0) return { keys, items };
  order.forRange(start, last, true, (key: string) => {
    if (after !== '' && key === after) return;
    if (!key.startsWith(prefix)) return STOP;
    const item = table[key]!;
    if (keep && !keep(item)) return;
    keys.push(key);
    items.push(item);
    return keys.length === max ? STOP : undefined;
  });
  return { keys, items };
}

/** The ids of a table of id lists (group → members) whose list holds `item` (a user's groups). */
export function holdersOf(table: Table<string[]>, item: string): ReadonlySet<string> {
  const raw = rawOf(table);
  const d = derivedOf(raw);
  if (!d.holders) {
    d.holders = new Map();
    for (const id of Object.keys(raw)) for (const held of raw[id]!) addHolder(d.holders, held, id);
  }
  return d.holders.get(item) ?? EMPTY;
}

/**
 * The ids of a table's records whose `field` equals `value` (a user's access keys). The field of a stored record
 * must not change in place: put a new record instead.
 */
export function idsWhere<T>(table: Table<T>, field: keyof T & string, value: string): ReadonlySet<string> {
  const raw = rawOf(table);
  const d = derivedOf(raw);
  d.fields ??= new Map();
  let byValue = d.fields.get(field);
  if (!byValue) {
    d.fields.set(field, (byValue = new Map()));
    for (const id of Object.keys(raw)) addField(byValue, raw[id], field, id);
  }
  return byValue.get(value) ?? EMPTY;
}

/** After something other than these helpers set or deleted `key` of `target` (a rollback): the index follows. */
export function resync(target: object, key: string | symbol): void {
  if (typeof key !== 'string') return;
  const order = derived.get(target)?.order;
  if (!order) return;
  if (Object.hasOwn(target, key)) order.set(key, undefined);
  else order.delete(key);
}

/** The secondary indexes of every table are rebuilt on next use (after a rollback or a replay). */
export function invalidateDerived(): void {
  epoch++;
}

/** Everything derived from `target` is rebuilt on next use. */
export function invalidate(target: object): void {
  derived.delete(target);
}

/**
 * Byte-wise (UTF-8) order, as a KV scan returns keys — not JavaScript's UTF-16 order. UTF-8 orders as code points
 * do, and UTF-16 differs from code-point order only where a surrogate (an astral character) meets a BMP character
 * above U+D7FF; comparing code units with that one correction avoids encoding both strings on every comparison.
 */
export function compareBytewise(a: string, b: string): number {
  const shorter = Math.min(a.length, b.length);
  for (let i = 0; i < shorter; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    if (xSurrogate !== ySurrogate && Math.max(x, y) >= 0xe000) return xSurrogate ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

const SURROGATE = /[\ud800-\udfff]/;
const EMPTY: ReadonlySet<string> = new Set();

/** The ordered index, built from the table's keys on first use: one sort, then an O(n) bulk load. */
function orderOf(raw: object): BTree<string, undefined> {
  const d = derivedOf(raw);
  if (!d.order) {
    const keys = Object.keys(raw);
    // Without surrogates UTF-16 order is byte-wise order, and the engine's own comparison is several times faster.
    if (keys.some((k) => SURROGATE.test(k))) keys.sort(compareBytewise);
    else keys.sort();
    d.order = bulkLoad(keys, new Array<undefined>(keys.length), NODE_SIZE, compareBytewise);
  }
  return d.order;
}

function indexValue(d: Derived, id: string, value: unknown): void {
  if (d.holders && Array.isArray(value)) for (const item of value) addHolder(d.holders, item as string, id);
  if (d.fields) for (const [field, byValue] of d.fields) addField(byValue, value, field, id);
}

function unindexValue(d: Derived, id: string, value: unknown): void {
  if (value === undefined) return;
  if (d.holders && Array.isArray(value)) for (const item of value) dropHolder(d.holders, item as string, id);
  if (d.fields) {
    for (const [field, byValue] of d.fields) {
      const key = fieldValue(value, field);
      if (key !== undefined) dropHolder(byValue, key, id);
    }
  }
}

/** A record's field as an index key: only string values are indexed. */
function fieldValue(record: unknown, field: string): string | undefined {
  const value = record !== null && typeof record === 'object' && Object.hasOwn(record, field) ? (record as Record<string, unknown>)[field] : undefined;
  return typeof value === 'string' ? value : undefined;
}

function addField(index: Map<string, Set<string>>, record: unknown, field: string, id: string): void {
  const key = fieldValue(record, field);
  if (key !== undefined) addHolder(index, key, id);
}

function addHolder(index: Map<string, Set<string>>, item: string, id: string): void {
  let ids = index.get(item);
  if (!ids) index.set(item, (ids = new Set()));
  ids.add(id);
}

function dropHolder(index: Map<string, Set<string>>, item: string, id: string): void {
  const ids = index.get(item);
  if (!ids) return;
  ids.delete(id);
  if (ids.size === 0) index.delete(item);
}

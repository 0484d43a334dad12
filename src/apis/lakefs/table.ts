/**
 * State tables are plain JSON objects keyed by id, so snapshots and --state-file stay plain JSON. Ids come
 * from clients, and an id such as `__proto__` or `constructor` must behave like any other string: every
 * read checks own properties, and writes define own properties (assigning to `__proto__` would replace the
 * object's prototype instead of storing an entry).
 */
export type Table<T> = Record<string, T>;

export function lookup<T>(table: Table<T>, id: string): T | undefined {
  return Object.hasOwn(table, id) ? table[id] : undefined;
}

export function has(table: Table<unknown>, id: string): boolean {
  return Object.hasOwn(table, id);
}

export function put<T>(table: Table<T>, id: string, value: T): void {
  Object.defineProperty(table, id, { value, enumerable: true, writable: true, configurable: true });
}

export function remove(table: Table<unknown>, id: string): boolean {
  if (!Object.hasOwn(table, id)) return false;
  delete table[id];
  return true;
}

export function rows<T>(table: Table<T>): T[] {
  return Object.values(table);
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
  return true;
}

/** Removes `item` from the list stored under `id`; false when it was not there. */
export function removeFrom(table: Table<string[]>, id: string, item: string): boolean {
  const list = lookup(table, id);
  const at = list ? list.indexOf(item) : -1;
  if (!list || at < 0) return false;
  list.splice(at, 1);
  if (list.length === 0) remove(table, id);
  return true;
}

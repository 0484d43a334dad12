/**
 * One request's changes to a session's state, undoable: a handler (and the verifiers before it) work on a
 * recording view of the state, and every write through it — assignment, delete, defineProperty, and so every
 * array method — is logged with the value it replaced. When the request fails anywhere (a handler that throws
 * half-way, a --state-file write that fails), the log is played back in reverse and the session is exactly as
 * it was; when it succeeds, the log is dropped. Nothing is copied up front, so a write costs the same with ten
 * users stored or a hundred thousand.
 *
 * Why not Immer (or Mutative): a draft copies each object it changes on first write, so one createUser in a
 * table of n users copies n entries; with 100 000 users stored that is milliseconds per create, against a
 * constant here (measured: see the closing note of the hardening issue, and `npm run bench`).
 *
 * Rollback is compare-and-undo: a key is restored only if it still holds what this request wrote, so undoing a
 * request whose --state-file write failed does not clobber what a concurrent request wrote after it.
 *
 * Only plain objects and arrays are wrapped (the state is plain JSON); anything else is handed out as is.
 *
 * What a committed request changed is also what --state-file appends to its change log (`changes()`): the state is
 * a tree, so each view knows the one place it was reached from, and each logged write names a path. The change
 * set is path-addressed `set` / `delete` operations holding the values *as of the commit*, so replaying them, in
 * any order, onto the state as it was before the request gives the state after it.
 *
 * The ordered indexes of collections (engine/collection.ts) are derived from the state, not part of it: a
 * rollback, which writes behind the collection helpers' back, resyncs them for each key it restores.
 */
import { invalidateDerived, RAW_TARGET, resync } from '../engine/collection.js';

/**
 * One change of a request: `p` is the path from the store's root (session name, API name, then keys into the
 * API's state); with `v` the value there is set to `v`, without it the key is deleted. A path of length 1 is a
 * whole session, and the empty path is every session (only a delete: `reset` of all).
 */
export interface ChangeOp {
  p: string[];
  v?: unknown;
}

/** Beyond this many keys written in one array, the change set holds the whole array (a splice shifts them all). */
const ARRAY_KEYS_LIMIT = 8;

interface UndoEntry {
  target: object;
  key: string | symbol;
  /** Whether the key was an own property before this write. */
  had: boolean;
  before: PropertyDescriptor | undefined;
  /** The value this write stored (for compare-and-undo); `removed` for a delete. */
  after: unknown;
}

const REMOVED = Symbol('removed');

export class Transaction {
  private readonly log: UndoEntry[] = [];
  private readonly views = new Map<object, object>();
  private readonly targets = new Map<object, object>();
  /** Where each wrapped object was reached from: its parent object and key, or for the root its path. */
  private readonly parents = new Map<object, { parent: object; key: string } | { path: readonly string[] }>();
  private readonly roots: Array<{ object: object; path: readonly string[] }> = [];
  private open = true;
  private readonly handler: ProxyHandler<object>;

  constructor() {
    const tx = this;
    this.handler = {
      get(target, key) {
        const value = (target as Record<string | symbol, unknown>)[key];
        // Primitives and functions (array methods) pass straight through: the common case, kept short.
        if (typeof value !== 'object' || value === null || !tx.open) return key === RAW_TARGET ? target : value;
        return tx.child(target, key, value);
      },
      set(target, key, value) {
        const raw = tx.raw(value);
        if (tx.open) {
          tx.recordGrowth(target, key, raw);
          tx.record(target, key, raw);
        }
        return Reflect.set(target, key, raw);
      },
      deleteProperty(target, key) {
        if (tx.open && Object.hasOwn(target, key)) tx.record(target, key, REMOVED);
        return Reflect.deleteProperty(target, key);
      },
      defineProperty(target, key, descriptor) {
        const raw = 'value' in descriptor ? { ...descriptor, value: tx.raw(descriptor.value) } : descriptor;
        if (tx.open) {
          tx.recordGrowth(target, key, raw.value);
          tx.record(target, key, raw.value);
        }
        return Reflect.defineProperty(target, key, raw);
      },
    };
  }

  /**
   * The recording view of a state object (the same view for the same object, so identity checks hold). `path` is
   * where the object sits in the store (session, API): the change set's paths start there.
   */
  view<T>(value: T, path: readonly string[] = []): T {
    if (!isWrappable(value)) return value;
    if (!this.parents.has(value)) {
      this.parents.set(value, { path });
      this.roots.push({ object: value, path });
    }
    return this.wrap(value) as T;
  }

  private child(parent: object, key: string | symbol, value: object): unknown {
    if (!isWrappable(value)) return value;
    if (typeof key === 'string' && !this.parents.has(value)) this.parents.set(value, { parent, key });
    return this.wrap(value);
  }

  private wrap(value: object): object {
    let proxy = this.views.get(value);
    if (!proxy) {
      proxy = new Proxy(value, this.handler);
      this.views.set(value, proxy);
      this.targets.set(proxy, value);
    }
    return proxy;
  }

  /** Whether anything was written. */
  get changed(): boolean {
    return this.log.length > 0;
  }

  /** Keeps the changes; the views stop recording. */
  commit(): void {
    this.open = false;
    this.log.length = 0;
  }

  /**
   * What was written, as path-addressed operations holding the values as they are now (call it before commit()).
   * A write under a path that is itself written is left out (the ancestor's value holds it), and an array with
   * many keys written (a splice, a sort) is written whole. A write whose object is no longer where it was reached
   * from (a handler that moved a stored object) cannot be addressed by path: the change set then writes its root
   * whole, which is always right.
   */
  changes(): ChangeOp[] {
    const touched = new Map<object, Set<string>>();
    for (const { target, key } of this.log) {
      if (typeof key !== 'string') continue;
      let keys = touched.get(target);
      if (!keys) touched.set(target, (keys = new Set()));
      keys.add(key);
    }
    const paths = new Map<string, string[]>();
    const add = (path: string[]) => paths.set(JSON.stringify(path), path);
    for (const [target, keys] of touched) {
      const located = this.locate(target);
      if (!located) return this.rootsWhole();
      if (Array.isArray(target) && keys.size > ARRAY_KEYS_LIMIT && located.path.length > located.rootLength) add(located.path);
      else for (const key of keys) add([...located.path, key]);
    }
    const ops: ChangeOp[] = [];
    for (const [, path] of paths) {
      // Covered by an ancestor written too.
      if (path.some((_, i) => i > 0 && i < path.length && paths.has(JSON.stringify(path.slice(0, i))))) continue;
      ops.push(this.opAt(path));
    }
    return ops;
  }

  /** The object's path and the length of its root's path; undefined when it is no longer at that path. */
  private locate(target: object): { path: string[]; rootLength: number } | undefined {
    const keys: string[] = [];
    let node = target;
    let from = this.parents.get(node);
    while (from && 'key' in from) {
      keys.push(from.key);
      node = from.parent;
      from = this.parents.get(node);
    }
    if (!from) return undefined;
    keys.reverse();
    // Walk back down from the root, checking that each step still leads where it led when it was read.
    if (valueAt(node, keys, keys.length) !== target) return undefined;
    return { path: [...from.path, ...keys], rootLength: from.path.length };
  }

  /** Each root written whole (the change set when a write cannot be addressed by path). */
  private rootsWhole(): ChangeOp[] {
    return this.roots.map(({ object, path }) => ({ p: [...path], v: object }));
  }

  /** The operation that makes `path` what it is now: its value, or a delete when it holds nothing. */
  private opAt(path: string[]): ChangeOp {
    const root = this.roots.find((r) => r.path.length <= path.length && r.path.every((k, i) => path[i] === k))!;
    const keys = path.slice(root.path.length);
    const parent = valueAt(root.object, keys, keys.length - 1);
    const key = keys[keys.length - 1]!;
    if (parent === null || typeof parent !== 'object' || !Object.hasOwn(parent, key)) return { p: path };
    return { p: path, v: (parent as Record<string, unknown>)[key] };
  }

  /** Undoes every change, newest first, that still holds the value written; the views stop recording. */
  rollback(): void {
    this.open = false;
    // The collections' secondary indexes are rebuilt on next use; their ordered indexes follow key by key.
    if (this.log.length > 0) invalidateDerived();
    for (let i = this.log.length - 1; i >= 0; i--) {
      const { target, key, had, before, after } = this.log[i]!;
      const current = Object.getOwnPropertyDescriptor(target, key);
      const untouched = after === REMOVED ? current === undefined : current !== undefined && current.value === after;
      if (!untouched) continue;
      if (had) Reflect.defineProperty(target, key, before!);
      else Reflect.deleteProperty(target, key);
      resync(target, key);
    }
    this.log.length = 0;
  }

  /**
   * Array writes with side effects on other keys, logged first so the reverse replay restores them last:
   * writing past the end grows `length` without a write to it, and lowering `length` drops elements without
   * a delete of each.
   */
  private recordGrowth(target: object, key: string | symbol, value?: unknown): void {
    if (!Array.isArray(target) || typeof key !== 'string') return;
    if (key === 'length') {
      const length = Number(value);
      for (let i = target.length - 1; i >= length; i--) if (Object.hasOwn(target, i)) this.record(target, String(i), REMOVED);
      return;
    }
    const index = Number(key);
    if (Number.isInteger(index) && index >= target.length && String(index) === key) this.record(target, 'length', index + 1);
  }

  private record(target: object, key: string | symbol, after: unknown): void {
    const before = Object.getOwnPropertyDescriptor(target, key);
    this.log.push({ target, key, had: before !== undefined, before, after });
  }

  /**
   * The value as it must be stored: a view becomes its target, and a new object built from views (a spread
   * row, a copied list) has its views replaced, so the state never holds a proxy after the request.
   */
  private raw<T>(value: T, seen?: Set<object>): T {
    if (value === null || typeof value !== 'object') return value;
    const target = this.targets.get(value);
    if (target) return target as T;
    // The set of objects already walked is made only when there is an object to walk: most writes store a
    // primitive or a view, and a set per write was most of what a createUser's writes allocated.
    if (!isWrappable(value) || seen?.has(value)) return value;
    seen ??= new Set();
    seen.add(value);
    for (const key of Object.keys(value)) {
      const child = (value as Record<string, unknown>)[key];
      if (child !== null && typeof child === 'object') {
        const stored = this.raw(child, seen);
        // Defined, not assigned: the key may be `__proto__`.
        if (stored !== child) Object.defineProperty(value, key, { value: stored, writable: true, enumerable: true, configurable: true });
      }
    }
    return value;
  }
}

/** What `keys[0..count)` lead to from `node` (own properties only); undefined where the way is missing. */
function valueAt(node: unknown, keys: readonly string[], count: number): unknown {
  for (let i = 0; i < count; i++) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, keys[i]!)) return undefined;
    node = (node as Record<string, unknown>)[keys[i]!];
  }
  return node;
}

function isWrappable(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

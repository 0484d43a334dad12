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
 */

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
  private open = true;
  private readonly handler: ProxyHandler<object>;

  constructor() {
    const tx = this;
    this.handler = {
      get(target, key) {
        const value = (target as Record<string | symbol, unknown>)[key];
        // Primitives and functions (array methods) pass straight through: the common case, kept short.
        if (typeof value !== 'object' || value === null || !tx.open) return value;
        return tx.view(value);
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

  /** The recording view of a state object (the same view for the same object, so identity checks hold). */
  view<T>(value: T): T {
    if (!isWrappable(value)) return value;
    let proxy = this.views.get(value);
    if (!proxy) {
      proxy = new Proxy(value, this.handler);
      this.views.set(value, proxy);
      this.targets.set(proxy, value);
    }
    return proxy as T;
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

  /** Undoes every change, newest first, that still holds the value written; the views stop recording. */
  rollback(): void {
    this.open = false;
    for (let i = this.log.length - 1; i >= 0; i--) {
      const { target, key, had, before, after } = this.log[i]!;
      const current = Object.getOwnPropertyDescriptor(target, key);
      const untouched = after === REMOVED ? current === undefined : current !== undefined && current.value === after;
      if (!untouched) continue;
      if (had) Reflect.defineProperty(target, key, before!);
      else Reflect.deleteProperty(target, key);
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
  private raw<T>(value: T, seen = new Set<object>()): T {
    if (value === null || typeof value !== 'object') return value;
    const target = this.targets.get(value);
    if (target) return target as T;
    if (!isWrappable(value) || seen.has(value)) return value;
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

function isWrappable(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

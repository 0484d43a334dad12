/**
 * Where session state lives: in memory, and with --state-file also on disk, through a Persistence: a snapshot
 * plus an append-only change log (change-log.ts), so a write costs what it changed rather than the whole state.
 * It hands each commit's changes to its Persistence as path-addressed operations (ChangeOp, whose first key is the
 * session), and loads through a function that fills the sessions table (FileChangeLog.open). Sessions see it through
 * SessionStore, which the Redis store (redis-store.ts, `--store redis://`) implements too, adding a version check
 * before each request and commits that may conflict.
 *
 * What changes a session wholesale — seeding it on first use, an admin restore, a reset, an eviction — is noted
 * here as a pending path and written with the next commit (or the admin operation's own persist), as the value
 * the path holds then.
 *
 * Session names come from clients (X-Mock-Session, ?__session=), so the table of sessions is a null-prototype
 * object: `__proto__`, `constructor` or `toString` are names like any other, never the object's prototype or
 * a built-in (a plain object made `__proto__` replace the table's prototype and broke every later request).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { FileChangeLog, readChangeLog, StateFileError, type Persistence, type SnapshotCheck } from './change-log.js';
import type { ChangeOp } from './transaction.js';

export { StateFileError };

/** State of one session: API name → that API's state (plain JSON). */
export type SessionState = Record<string, unknown>;

export interface StoreData {
  version: 1;
  /** Null-prototype: keyed by client-chosen session names. */
  sessions: Record<string, SessionState>;
}

/** A fresh null-prototype table, optionally filled from another object's own entries. */
export function nullPrototypeTable<T>(entries: Iterable<[string, T]> = []): Record<string, T> {
  const table = Object.create(null) as Record<string, T>;
  for (const [key, value] of entries) table[key] = value;
  return table;
}

/**
 * What Sessions keeps session state in: the in-memory / --state-file StateStore here, or the Redis store
 * (redis-store.ts), shared by several processes. The optional members are the shared store's: a version check
 * before each request, and commits that may conflict.
 */
export interface SessionStore {
  /** Whether commits are recorded anywhere (a change set is worth computing). */
  readonly persistent: boolean;
  /** Whether other processes share the state (Redis): the cache is checked before each request. */
  readonly shared: boolean;
  get(session: string): SessionState | undefined;
  /** `restored`: an admin restore, written through whatever the session's version (shared store). */
  set(session: string, state: SessionState, restored?: boolean): void;
  delete(session: string): void;
  clear(): void;
  /** The caps forget a session: gone for good in memory, only from this process's cache when shared. */
  evict(session: string): void;
  sessionNames(): string[];
  changed(path: string[]): void;
  /** `commit`: a request's, checked against the version its view of the session was loaded at (shared store). */
  persist(ops?: ChangeOp[], commit?: CommitOf): Promise<void>;
  close(): Promise<void>;
  compact(): Promise<void>;
  /** Shared store: brings the cached session up to date (rejects when the store does not answer). */
  refresh?(session: string): Promise<void>;
  /** Shared store: which load of the session the cache holds (a request on an older one is re-run). */
  generation?(session: string): number;
}

/** Which request a commit is (shared store): the load of the session its view was of, and how to undo it. */
export interface CommitOf {
  session: string;
  generation: number;
  /**
   * Undoes the request's changes in the cached state (its Transaction's rollback; idempotent). Absent when the
   * request changed state where its Transaction could not see it: the shared store then cannot take its changes
   * back out of the cache, and reloads the session instead of catching it up in place.
   */
  undo?: () => void;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export class StateStore implements SessionStore {
  readonly shared = false;
  /** Paths changed wholesale since the last persist (only kept when there is a Persistence). */
  private pending: string[][] = [];

  private constructor(
    private readonly data: StoreData,
    private readonly persistence: Persistence | undefined,
    readonly file: string | undefined,
  ) {}

  /** `compactFloorBytes`: the change log is compacted once larger than this and the snapshot (tests lower it). */
  static async open(file?: string, options: { compactFloorBytes?: number } = {}): Promise<StateStore> {
    if (!file) return new StateStore({ version: 1, sessions: nullPrototypeTable() }, undefined, undefined);
    try {
      await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    } catch (err) {
      throw new StateFileError(`${file}: cannot create its folder (${(err as NodeJS.ErrnoException).code}); pick a writable --state-file path`);
    }
    const data: StoreData = { version: 1, sessions: nullPrototypeTable() };
    const opened = await FileChangeLog.open(file, snapshotCheck(file), () => data, options.compactFloorBytes);
    data.sessions = opened.sessions as Record<string, SessionState>;
    return new StateStore(data, opened.persistence, file);
  }

  /** Whether changes are recorded anywhere (a --state-file): otherwise a commit has nothing to hand over. */
  get persistent(): boolean {
    return this.persistence !== undefined;
  }

  get(session: string): SessionState | undefined {
    return Object.hasOwn(this.data.sessions, session) ? this.data.sessions[session] : undefined;
  }

  set(session: string, state: SessionState): void {
    Object.defineProperty(this.data.sessions, session, { value: state, writable: true, enumerable: true, configurable: true });
    this.changed([session]);
  }

  delete(session: string): void {
    if (!Object.hasOwn(this.data.sessions, session)) return;
    delete this.data.sessions[session];
    this.changed([session]);
  }

  evict(session: string): void {
    this.delete(session);
  }

  clear(): void {
    for (const name of Object.keys(this.data.sessions)) delete this.data.sessions[name];
    this.changed([]);
  }

  sessionNames(): string[] {
    return Object.keys(this.data.sessions);
  }

  /** Notes a change made outside a request's Transaction (a session seeded, an API added to it). */
  changed(path: string[]): void {
    if (this.persistence) this.pending.push(path);
  }

  /**
   * Records the pending wholesale changes and a commit's own (from its Transaction) with the state file; resolves
   * once they are durable (at once in memory). On failure the pending changes stay pending, for the next commit.
   */
  async persist(ops: ChangeOp[] = []): Promise<void> {
    if (!this.persistence) return;
    const taken = this.pending;
    if (taken.length === 0 && ops.length === 0) return;
    this.pending = [];
    try {
      await this.persistence.append([...taken.map((p) => this.opAt(p)), ...ops]);
    } catch (err) {
      this.pending = [...taken, ...this.pending];
      throw err;
    }
  }

  /** Records what is pending, then leaves the state file as one snapshot (shutdown). */
  async close(): Promise<void> {
    if (!this.persistence) return;
    await this.persist();
    await this.persistence.close();
  }

  /** Records what is pending, then writes a new snapshot and empties the change log (no-op in memory). */
  async compact(): Promise<void> {
    if (!this.persistence) return;
    await this.persist();
    await this.persistence.compact();
  }

  /** The operation that makes `path` what it is now. */
  private opAt(p: string[]): ChangeOp {
    if (p.length === 0) return { p };
    let node: unknown = this.data.sessions;
    for (const key of p) {
      if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) return { p };
      node = (node as Record<string, unknown>)[key];
    }
    return { p, v: node };
  }
}

/**
 * What a state file holds — its snapshot with its change log replayed — read without changing it (it may be a
 * running server's): for tests and tools.
 */
export async function readStateFile(file: string): Promise<StoreData> {
  const { sessions } = await readChangeLog(file, snapshotCheck(file));
  return { version: 1, sessions: sessions as Record<string, SessionState> };
}

function snapshotCheck(file: string): SnapshotCheck {
  return (read) => ({ sessions: nullPrototypeTable(Object.entries(checkedSessions(read, file))), seq: checkedSeq(read, file) });
}

/** The last change-log record a snapshot holds (0 for a file written before the change log). */
function checkedSeq(data: unknown, file: string): number {
  const seq = (data as { seq?: unknown }).seq;
  if (seq === undefined) return 0;
  if (!Number.isSafeInteger(seq) || (seq as number) < 0) throw new StateFileError(`${file}: /seq is ${JSON.stringify(seq)}, not a count of changes; fix or delete it`);
  return seq as number;
}

/**
 * The sessions of a state file as read, refused with the file and the place when they are not what mockgate
 * writes: a `"sessions": []` (an array has no session names: every later write would silently be lost, as
 * JSON has no text for named array entries) or a session that is not an object.
 */
function checkedSessions(data: unknown, file: string | undefined): Record<string, SessionState> {
  const shape = `expected {"version":1,"sessions":{"<session>":{…}}}; delete it and ${file}.log to start fresh`;
  if (!isPlainObject(data) || !('sessions' in data)) throw new StateFileError(`${file}: not a mockgate state file (${shape})`);
  if (data.version !== 1) throw new StateFileError(`${file}: /version is ${JSON.stringify(data.version)}, not 1 (${shape})`);
  const sessions = data.sessions;
  if (!isPlainObject(sessions)) {
    throw new StateFileError(`${file}: /sessions is ${Array.isArray(sessions) ? 'an array' : JSON.stringify(sessions)}, not an object keyed by session name (${shape})`);
  }
  for (const [name, state] of Object.entries(sessions)) {
    if (!isPlainObject(state)) {
      throw new StateFileError(`${file}: /sessions/${pointerSegment(name)} is not an object of API states (${shape})`);
    }
  }
  return sessions as Record<string, SessionState>;
}

/** A JSON Pointer segment (RFC 6901). */
const pointerSegment = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Where session state lives: a lowdb database, in memory by default, or a JSON file (--state-file) that
 * lowdb's steno adapter rewrites atomically (temp file + rename), so a crash never leaves half a file.
 *
 * Session names come from clients (X-Mock-Session, ?__session=), so the table of sessions is a null-prototype
 * object: `__proto__`, `constructor` or `toString` are names like any other, never the object's prototype or
 * a built-in (a plain object made `__proto__` replace the table's prototype and broke every later request).
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Low, Memory } from 'lowdb';
import { JSONFile } from 'lowdb/node';

/** State of one session: API name → that API's state (plain JSON). */
export type SessionState = Record<string, unknown>;

export interface StoreData {
  version: 1;
  /** Null-prototype: keyed by client-chosen session names. */
  sessions: Record<string, SessionState>;
}

export class StateFileError extends Error {}

/** A fresh null-prototype table, optionally filled from another object's own entries. */
export function nullPrototypeTable<T>(entries: Iterable<[string, T]> = []): Record<string, T> {
  const table = Object.create(null) as Record<string, T>;
  for (const [key, value] of entries) table[key] = value;
  return table;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export class StateStore {
  private constructor(
    private readonly db: Low<StoreData>,
    readonly file: string | undefined,
  ) {}

  static async open(file?: string): Promise<StateStore> {
    const empty: StoreData = { version: 1, sessions: nullPrototypeTable() };
    if (file) {
      try {
        await mkdir(path.dirname(path.resolve(file)), { recursive: true });
      } catch (err) {
        throw new StateFileError(`${file}: cannot create its folder (${(err as NodeJS.ErrnoException).code}); pick a writable --state-file path`);
      }
    }
    const db = new Low<StoreData>(file ? new JSONFile<StoreData>(file) : new Memory<StoreData>(), empty);
    try {
      await db.read();
    } catch (err) {
      throw new StateFileError(`${file}: cannot read the state file (${(err as Error).message}); fix or delete it`);
    }
    db.data = { version: 1, sessions: nullPrototypeTable(Object.entries(checkedSessions(db.data, file))) };
    return new StateStore(db, file);
  }

  get(session: string): SessionState | undefined {
    return this.db.data.sessions[session];
  }

  set(session: string, state: SessionState): void {
    this.db.data.sessions[session] = state;
  }

  delete(session: string): void {
    delete this.db.data.sessions[session];
  }

  clear(): void {
    this.db.data.sessions = nullPrototypeTable();
  }

  sessionNames(): string[] {
    return Object.keys(this.db.data.sessions);
  }

  /** Writes the whole store to the state file (no-op in memory). Resolves once the data is on disk. */
  async persist(): Promise<void> {
    if (this.file) await this.db.write();
  }
}

/**
 * The sessions of a state file as read, refused with the file and the place when they are not what mockgate
 * writes: a `"sessions": []` (an array has no session names: every later write would silently be lost, as
 * JSON has no text for named array entries) or a session that is not an object.
 */
function checkedSessions(data: unknown, file: string | undefined): Record<string, SessionState> {
  const shape = `expected {"version":1,"sessions":{"<session>":{…}}}; delete it to start fresh`;
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

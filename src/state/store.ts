/**
 * Where session state lives: a lowdb database, in memory by default, or a JSON file (--state-file) that
 * lowdb's steno adapter rewrites atomically (temp file + rename), so a crash never leaves half a file.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Low, Memory } from 'lowdb';
import { JSONFile } from 'lowdb/node';

/** State of one session: API name → that API's state (plain JSON). */
export type SessionState = Record<string, unknown>;

export interface StoreData {
  version: 1;
  sessions: Record<string, SessionState>;
}

export class StateFileError extends Error {}

export class StateStore {
  private constructor(
    private readonly db: Low<StoreData>,
    readonly file: string | undefined,
  ) {}

  static async open(file?: string): Promise<StateStore> {
    const empty: StoreData = { version: 1, sessions: {} };
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
    if (!db.data || typeof db.data !== 'object' || typeof db.data.sessions !== 'object' || db.data.sessions === null) {
      throw new StateFileError(`${file}: not a mockgate state file (expected {"version":1,"sessions":{…}}); delete it to start fresh`);
    }
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
    this.db.data.sessions = {};
  }

  sessionNames(): string[] {
    return Object.keys(this.db.data.sessions);
  }

  /** Writes the whole store to the state file (no-op in memory). Resolves once the data is on disk. */
  async persist(): Promise<void> {
    if (this.file) await this.db.write();
  }
}

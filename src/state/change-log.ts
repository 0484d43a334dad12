/**
 * --state-file as a snapshot plus an append-only change log, so that a write costs what it changed, not what is
 * stored (rewriting the whole file made 20 000 creates on top of 2 000 run at 68/s).
 *
 *   state.json       the snapshot: `{"version":1,"seq":N,"sessions":{…}}`, written whole and atomically by lowdb's
 *                    steno writer (temp file + rename), so it always parses;
 *   state.json.log   one line per commit, appended before the answer is sent: `{"seq":N+1,"ops":[…]}`, each op a
 *                    path-addressed set or delete (ChangeOp, from the request's Transaction).
 *
 * Acknowledged means appended: an answer is sent only once its line is written (write(2) returned, as the steno
 * rename did before), so a kill -9 loses nothing acknowledged. A kill in the middle of an append leaves a last
 * line without its newline: it was never acknowledged, and loading ignores it (and cuts it off, so the next append
 * starts a clean line). Appends that arrive while one is being written go out together in the next write (group
 * commit), so concurrent requests share a write.
 *
 * When the log outgrows the snapshot (and a floor), it is compacted in the background: the state is serialised
 * at once, written as the new snapshot, and the log is then replaced by the lines appended since. The snapshot
 * records the last seq it holds, and loading skips the log's lines up to it, so a kill at any point of a
 * compaction loads the same state. Compaction is amortised: the log is at least as large as the snapshot when it
 * runs, so it costs O(1) per byte appended (the serialisation itself runs on the event loop: ~50 ms at 100 000
 * users). It serialises the state as memory holds it, which may include the changes of a request still in flight;
 * should that request's own line then fail to append, the snapshot keeps what memory undoes — as the whole-file
 * writes before this did, and only after a failed write.
 *
 * This is one implementation of Persistence (store.ts); a Redis store would implement the same three calls.
 */
import { appendFile, readFile, truncate } from 'node:fs/promises';
import { TextFile } from 'lowdb/node';
import { invalidate, invalidateDerived } from '../engine/collection.js';
import type { ChangeOp } from './transaction.js';

export class StateFileError extends Error {}

/** What a backend must do for the store: load the sessions, record each commit durably, and wind down. */
export interface Persistence {
  /** Records one commit's changes; resolves once they would survive a kill -9, rejects if they were not recorded. */
  append(ops: ChangeOp[]): Promise<void>;
  /** Folds what was appended into the base state (a new snapshot); resolves when done. */
  compact(): Promise<void>;
  /** Waits for pending appends and compacts (a clean shutdown leaves one snapshot and an empty log). */
  close(): Promise<void>;
}

/** The log is compacted once larger than the snapshot and than this (a small state is not rewritten often). */
export const COMPACT_FLOOR_BYTES = 4 * 1024 * 1024;

interface Pending {
  line: string;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class FileChangeLog implements Persistence {
  readonly logFile: string;
  private readonly snapshotFile: TextFile;
  private readonly logWriter: TextFile;
  private seq: number;
  private logBytes: number;
  private snapshotBytes: number;
  private buffer: Pending[] = [];
  private flushScheduled = false;
  /** Every append, compaction step and shutdown, one after the other. */
  private chain: Promise<void> = Promise.resolve();
  /** The last append failed part-way: the log is cut back to logBytes before the next one. */
  private torn = false;
  /** While a compaction writes its snapshot: the lines appended since its seq (they make the next log). */
  private tail: string[] | undefined;
  private compaction: Promise<void> | undefined;
  /** The last compaction's failure; it is retried once the log has grown by as much again. */
  compactionError: unknown;
  private retryAtBytes = 0;

  private constructor(
    readonly file: string,
    private readonly current: () => object,
    seq: number,
    logBytes: number,
    snapshotBytes: number,
    private readonly compactFloorBytes: number,
  ) {
    this.logFile = `${file}.log`;
    this.snapshotFile = new TextFile(file);
    this.logWriter = new TextFile(this.logFile);
    this.seq = seq;
    this.logBytes = logBytes;
    this.snapshotBytes = snapshotBytes;
  }

  static async open(
    file: string,
    check: SnapshotCheck,
    current: () => object,
    compactFloorBytes = COMPACT_FLOOR_BYTES,
  ): Promise<{ sessions: Record<string, unknown>; persistence: FileChangeLog }> {
    const read = await readChangeLog(file, check);
    if (read.tornBytes > 0) {
      try {
        await truncate(`${file}.log`, read.logBytes);
      } catch (err) {
        throw new StateFileError(`${file}.log: cannot cut off its torn last line (${(err as Error).message}); fix or delete it`);
      }
    }
    const persistence = new FileChangeLog(file, current, read.seq, read.logBytes, read.snapshotBytes, compactFloorBytes);
    return { sessions: read.sessions, persistence };
  }

  append(ops: ChangeOp[]): Promise<void> {
    // Serialised now: the values are what this commit left, whatever later requests do before the write.
    const line = `${JSON.stringify({ seq: ++this.seq, ops })}\n`;
    const done = new Promise<void>((resolve, reject) => this.buffer.push({ line, resolve, reject }));
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      void this.serial(() => this.flush());
    }
    return done;
  }

  async close(): Promise<void> {
    await this.serial(async () => {});
    await this.compaction;
    if (this.logBytes > 0 || this.snapshotBytes === 0) await this.compact();
  }

  /** Compacts now (at shutdown, or asked for). Resolves when the snapshot is written and the log replaced. */
  compact(): Promise<void> {
    this.compaction ??= this.runCompaction().finally(() => {
      this.compaction = undefined;
    });
    return this.compaction;
  }

  private serial(task: () => Promise<void>): Promise<void> {
    const run = this.chain.then(task);
    this.chain = run.catch(() => {});
    return run;
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.buffer;
    this.buffer = [];
    const text = batch.map((p) => p.line).join('');
    try {
      if (this.torn) {
        await truncate(this.logFile, this.logBytes);
        this.torn = false;
      }
      await appendFile(this.logFile, text);
    } catch (err) {
      this.torn = true;
      for (const p of batch) p.reject(err);
      return;
    }
    this.logBytes += Buffer.byteLength(text);
    this.tail?.push(text);
    for (const p of batch) p.resolve();
    if (!this.compaction && this.logBytes > Math.max(this.compactFloorBytes, this.snapshotBytes, this.retryAtBytes)) {
      void this.compact().catch(() => {});
    }
  }

  private async runCompaction(): Promise<void> {
    // The state now holds every line up to this seq (each was applied in memory before it was appended).
    const seq = this.seq;
    const snapshot = JSON.stringify({ ...this.current(), seq });
    this.tail = [];
    try {
      await this.snapshotFile.write(snapshot);
      this.compactionError = undefined;
      // Lines appended from here on wait for the swap; lines appended while the snapshot was written are its tail.
      await this.serial(async () => {
        const tail = this.tail!.join('');
        // Only lines after `seq` are kept; a kill before this rename leaves the full log, whose lines up to `seq`
        // the loader skips.
        await this.logWriter.write(tail);
        this.logBytes = Buffer.byteLength(tail);
        this.torn = false;
        this.snapshotBytes = Buffer.byteLength(snapshot);
      });
      this.retryAtBytes = 0;
    } catch (err) {
      this.compactionError = err;
      this.retryAtBytes = 2 * this.logBytes;
      throw err;
    } finally {
      this.tail = undefined;
    }
  }
}

/** Validates a snapshot as read, returning its sessions table (where the log's paths start) and its seq. */
export type SnapshotCheck = (data: unknown) => { sessions: Record<string, unknown>; seq: number };

/**
 * The state a state file holds: its snapshot with its log's complete lines replayed. Reads only (a torn last line
 * is reported in `tornBytes`, not cut off), so it can read the file of a running server.
 */
export async function readChangeLog(
  file: string,
  check: SnapshotCheck,
): Promise<{ sessions: Record<string, unknown>; seq: number; logBytes: number; tornBytes: number; snapshotBytes: number }> {
  let text: string | null;
  try {
    text = await new TextFile(file).read();
  } catch (err) {
    throw new StateFileError(`${file}: cannot read the state file (${(err as Error).message}); fix it, or delete it and ${file}.log`);
  }
  let parsed: unknown = { version: 1, seq: 0, sessions: {} };
  if (text !== null) {
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new StateFileError(`${file}: cannot read the state file (${(err as Error).message}); fix it, or delete it and ${file}.log`);
    }
  }
  const { sessions, seq: snapshotSeq } = check(parsed);
  const logFile = `${file}.log`;
  let log: Buffer;
  try {
    log = await readFile(logFile);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new StateFileError(`${logFile}: cannot read the change log (${(err as Error).message}); fix or delete it`);
    }
    log = Buffer.alloc(0);
  }
  // Only complete lines count: a last line without its newline was cut short by a kill, never acknowledged.
  const complete = log.lastIndexOf(0x0a) + 1;
  let seq = snapshotSeq;
  let start = 0;
  for (let line = 1; start < complete; line++) {
    const end = log.indexOf(0x0a, start);
    let record: { seq: number; ops: ChangeOp[] };
    try {
      record = JSON.parse(log.toString('utf8', start, end));
      if (!Number.isSafeInteger(record.seq) || !Array.isArray(record.ops)) throw new Error('expected {"seq":<integer>,"ops":[…]}');
    } catch (err) {
      throw new StateFileError(
        `${logFile}: line ${line} is not a change record (${(err as Error).message}); fix or delete it (deleting loses the changes since the last compaction)`,
      );
    }
    start = end + 1;
    if (record.seq <= snapshotSeq) continue;
    for (const op of record.ops) applyChange(sessions, op);
    seq = Math.max(seq, record.seq);
  }
  return { sessions, seq, logBytes: complete, tornBytes: log.length - complete, snapshotBytes: text === null ? 0 : Buffer.byteLength(text) };
}

/**
 * Applies one change to the sessions table. A path whose parent is missing is skipped: it can only follow a
 * delete of that parent in the same history. Keys are defined, never assigned (`__proto__` is a key like any
 * other); an array's elements and length are assigned, as arrays hold nothing else.
 */
export function applyChange(sessions: Record<string, unknown>, op: ChangeOp): void {
  const { p: path } = op;
  if (path.length === 0) {
    for (const name of Object.keys(sessions)) delete sessions[name];
    return;
  }
  let node: unknown = sessions;
  for (let i = 0; i < path.length - 1; i++) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, path[i]!)) return;
    node = (node as Record<string, unknown>)[path[i]!];
  }
  if (node === null || typeof node !== 'object') return;
  const key = path[path.length - 1]!;
  const target = node as Record<string, unknown>;
  // A collection's derived indexes (engine/collection.ts) do not see this write: rebuilt on next use.
  invalidate(target);
  invalidateDerived();
  if (!('v' in op)) delete target[key];
  else if (Array.isArray(target)) target[key as unknown as number] = op.v;
  else Object.defineProperty(target, key, { value: op.v, writable: true, enumerable: true, configurable: true });
}

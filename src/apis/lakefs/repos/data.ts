/**
 * Object data. lakeFS keeps it in the blockstore under the object's physical address; the mock keeps it in the
 * session state (plain JSON, so base64) under the repository and the address, which every tree holding the
 * object shares: an upload, a presigned multipart upload and a seed write the same kind of object.
 *
 * A seeded object without `content` has no stored data: it reads as `sizeBytes` zero bytes, generated per
 * request (a scenario may declare a 10 GB object; only the range a client reads is ever allocated, and an
 * unranged read of more than MAX_SYNTHETIC_BYTES answers 416 with the size, so clients read it in ranges).
 *
 * Bounds: a body is at most the server's body limit (--body-limit / bodyLimitBytes, 1 MiB by default), and the
 * session state as a whole is bounded by --max-state-mb (least recently used sessions are forgotten).
 */
import { lookup, put } from '../table.js';
import type { ObjectRecord, RepoState } from './state.js';

/** The largest synthetic (seeded, data-less) answer built in one piece. */
export const MAX_SYNTHETIC_BYTES = 16 * 1024 * 1024;

const blobKey = (repository: string, address: string) => `${repository}\n${address}`;

export function storeData(state: RepoState, repository: string, address: string, bytes: Buffer): void {
  state.blobs ??= {};
  put(state.blobs, blobKey(repository, address), bytes.toString('base64'));
}

/** The stored bytes of an object, or undefined for a seeded object that came without data. */
export function storedData(state: RepoState, repository: string, object: ObjectRecord): Buffer | undefined {
  const data = state.blobs ? lookup(state.blobs, blobKey(repository, object.physicalAddress)) : undefined;
  return data === undefined ? undefined : Buffer.from(data, 'base64');
}

/** Bytes `start`..`end` (inclusive) of an object: stored, or zeros for a data-less seeded object. */
export function readRange(state: RepoState, repository: string, object: ObjectRecord, start: number, end: number): Buffer {
  const stored = storedData(state, repository, object);
  if (stored) return stored.subarray(start, end + 1);
  return Buffer.alloc(Math.max(0, end - start + 1));
}

/** Forgets the data of a deleted repository (lakeFS leaves it in the blockstore; the mock has no use for it). */
export function dropRepositoryData(state: RepoState, repository: string): void {
  if (!state.blobs) return;
  const prefix = `${repository}\n`;
  for (const key of Object.keys(state.blobs)) if (key.startsWith(prefix)) delete state.blobs[key];
}

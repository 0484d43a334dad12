/**
 * How records look on the wire, field for field as lakeFS's Go structs encode them: required fields always,
 * optional pointers only when set.
 */
import type { CommitRecord, ObjectRecord, RepositoryRecord } from './state.js';
import { qualify } from './refs.js';

export function toRepository(repo: RepositoryRecord): Record<string, unknown> {
  return {
    id: repo.id,
    creation_date: repo.creationDate,
    default_branch: repo.defaultBranch,
    storage_namespace: repo.storageNamespace,
    // Always sent, empty for the default storage (recorded from the real 1.80.0).
    storage_id: repo.storageId ?? '',
    read_only: repo.readOnly,
  };
}

export function toCommit(commit: CommitRecord): Record<string, unknown> {
  return {
    id: commit.id,
    parents: commit.parents,
    committer: commit.committer,
    message: commit.message,
    creation_date: commit.creationDate,
    meta_range_id: commit.metaRangeId,
    metadata: commit.metadata,
    generation: commit.generation,
    version: 1,
  };
}

/**
 * statObject / listObjects / uploadObject: the physical address qualified with the storage namespace, and the
 * user metadata as the real 1.80.0 sends it (test/fidelity): a stat always carries `metadata` (`{}` when there is
 * none, or when the caller asked to leave it out); a listing leaves an empty one out (Go's omitempty on a nil map).
 */
export function toObjectStats(repo: RepositoryRecord, object: ObjectRecord, withMetadata: boolean, as: 'stat' | 'list' = 'stat'): Record<string, unknown> {
  const metadata = withMetadata ? (object.metadata ?? {}) : {};
  const sendMetadata = as === 'stat' || Object.keys(metadata).length > 0;
  return {
    checksum: object.checksum,
    content_type: object.contentType,
    ...(sendMetadata && { metadata }),
    mtime: object.mtime,
    path: object.path,
    path_type: 'object',
    physical_address: qualify(repo.storageNamespace, object.physicalAddress),
    size_bytes: object.sizeBytes,
  };
}

/** A folded common prefix: Go still sends the required fields, empty. */
export function toCommonPrefix(path: string): Record<string, unknown> {
  return { checksum: '', mtime: 0, path, path_type: 'common_prefix', physical_address: '' };
}

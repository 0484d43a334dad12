/**
 * The repositories' part of the lakeFS state (owned by repos/): repositories with their branches, tags and
 * commits, the objects of each commit and the uncommitted (staged) objects of each branch, and the presigned
 * multipart uploads in progress. Plain JSON, keyed through table.ts. Times are Unix seconds.
 *
 * A commit keeps the whole tree it points at (path → object), not a diff: lookups stay trivial and a hard
 * reset is one assignment. Object data lives apart, in `blobs` (base64, by physical address): uploads and
 * presigned multipart parts fill it, every tree that holds the object shares it. Seeded objects may come
 * without data (see data.ts).
 */
import type { Handler } from '../../../engine/types.js';
import type { LakefsOptions, LakefsState } from '../state.js';
import type { Table } from '../table.js';
import type { CachedRepository, ProtectionCache } from '../caches.js';

/** A handler of this folder: it sees the whole lakeFS state (identity included, for authorization). */
export type RepoHandler = Handler<LakefsState, LakefsOptions>;

export interface ObjectRecord {
  path: string;
  /** As stored: relative to the storage namespace (`data/…`) or a full URI. */
  physicalAddress: string;
  /** The ETag, without quotes. */
  checksum: string;
  sizeBytes: number;
  mtime: number;
  contentType: string;
  metadata: Record<string, string>;
  /**
   * Staged only: the path is deleted on the branch (lakeFS's tombstone over a committed object). Never part of
   * a commit's tree; readers skip it.
   */
  tombstone?: boolean;
}

export interface CommitRecord {
  id: string;
  parents: string[];
  committer: string;
  message: string;
  creationDate: number;
  metaRangeId: string;
  metadata: Record<string, string>;
  generation: number;
  /** The tree at this commit, by path. */
  objects: Table<ObjectRecord>;
}

export interface BranchRecord {
  id: string;
  commitId: string;
  /** Uncommitted objects, by path. */
  staged: Table<ObjectRecord>;
  /**
   * Seeded as protected (its repository then has a rule with its name). What decides is settings.ts isProtected:
   * the repository's rules, this flag only in state saved before the rules existed.
   */
  protected: boolean;
  /** Left out of listBranches unless show_hidden. */
  hidden: boolean;
}

export interface RepositoryRecord {
  id: string;
  storageNamespace: string;
  defaultBranch: string;
  creationDate: number;
  readOnly: boolean;
  storageId?: string;
  /** User metadata of the repository (getRepositoryMetadata); none: `{}`. */
  metadata?: Record<string, string>;
  /**
   * The branch protection patterns (settings.ts), sorted and distinct; undefined when none were ever stored (their
   * ETag is then "", and state saved before rules existed keeps each branch's own flag).
   */
  protectionRules?: string[];
  /** With the settings cache on (caches.ts): the rules still enforced, for a while, after they changed. */
  protectionCache?: ProtectionCache;
  /** The garbage collection rules, when set. */
  gcRules?: { default_retention_days: number; branches: Array<{ branch_id: string; retention_days: number }> };
  branches: Table<BranchRecord>;
  /** tag → commit id. */
  tags: Table<string>;
  commits: Table<CommitRecord>;
}

export interface PartRecord {
  sizeBytes: number;
  /** MD5 of the part's bytes, hex (the ETag without quotes). */
  md5: string;
  /** The bytes, base64 (absent in state saved before object data was kept). */
  data?: string;
}

export interface UploadRecord {
  id: string;
  repository: string;
  branch: string;
  path: string;
  /** Relative to the storage namespace, signed: `data/<xid>/<xid>,<signature>`. */
  address: string;
  createdAt: number;
  /** What the path showed on the branch when the upload started (`checksum@physicalAddress`, or '' for nothing). */
  baseline: string;
  /** part number → part. */
  parts: Table<PartRecord>;
}

export interface RepoState {
  repositories: Table<RepositoryRecord>;
  /** Multipart uploads in progress, by upload id (completed and aborted ones are removed). */
  uploads: Table<UploadRecord>;
  /**
   * Object data, base64, by physical address relative to the repository's namespace, prefixed with the
   * repository (`<repo>\n<address>`). Absent in state saved before object data was kept.
   */
  blobs?: Table<string>;
  /**
   * Storage namespaces a repository was created on, deleted repositories' included: lakeFS leaves its
   * `_lakefs/dummy` marker there, and refuses the namespace to the next repository.
   */
  usedNamespaces?: string[];
  /** With the repository cache on (caches.ts): deleted repositories it still answers, by name. */
  cachedRepositories?: Table<CachedRepository>;
  /** Whether POST /setup_lakefs has run (or the scenario seeded users): GET /setup_lakefs's `state`. */
  initialized?: boolean;
}

export interface RepoOptions {
  /**
   * Whether the blockstore can presign multipart uploads (lakeFS: only S3 can). false: the three presigned
   * multipart operations answer 501 `presign multipart upload API is not supported`.
   */
  presignMultipart: boolean;
  /** Lifetime of the part upload URLs (lakeFS's `blockstore.s3.pre_signed_expiry`, 15 minutes). */
  presignExpirySeconds: number;
  /** What GET /config/version reports. */
  lakefsVersion: string;
  /**
   * The blockstore GET /config and GET /config/storage describe. lakeFS presigns on s3, gs and azure only; where it
   * does, its high-level Python client uploads and downloads through presigned URLs, elsewhere (local) directly.
   * Namespaces are not checked against it (the mock's own scenarios mix `s3://` and `mem://`).
   */
  blockstoreType: BlockstoreType;
  /** Override what the storage config reports as `pre_sign_support` (default: whether the blockstore presigns). */
  preSignSupport?: boolean;
}

export type BlockstoreType = 's3' | 'gs' | 'azure' | 'local' | 'mem';

export const defaultRepoOptions: RepoOptions = {
  presignMultipart: true,
  presignExpirySeconds: 900,
  lakefsVersion: '1.84.0',
  blockstoreType: 's3',
};

/** This folder's options: each one the scenario sets (`??`) over its default. */
export function resolveRepoOptions(given: Partial<RepoOptions>): RepoOptions {
  return {
    presignMultipart: given.presignMultipart ?? defaultRepoOptions.presignMultipart,
    presignExpirySeconds: given.presignExpirySeconds ?? defaultRepoOptions.presignExpirySeconds,
    lakefsVersion: given.lakefsVersion ?? defaultRepoOptions.lakefsVersion,
    blockstoreType: given.blockstoreType ?? defaultRepoOptions.blockstoreType,
    ...(given.preSignSupport !== undefined && { preSignSupport: given.preSignSupport }),
  };
}

/** Open uploads kept per session; starting one more forgets the oldest (S3 would keep them, a mock must not grow without end). */
export const MAX_OPEN_UPLOADS = 100;
/** S3's limits, which lakeFS checks too. */
export const MAX_UPLOAD_PARTS = 10000;

/**
 * Presigned multipart uploads (lakeFS controller.go CreatePresignMultipartUpload and friends, notes §8.11).
 * Each of the three checks fs:WriteObject on the object, then answers 501 when the scenario says the
 * blockstore cannot presign multipart uploads. Start reserves a signed address and hands out one part URL per
 * requested part, served by the mock blockstore (blockstore.ts). Complete checks the listed parts against
 * what was uploaded, as S3 does, and stages the object on the branch; abort forgets the upload. A completed
 * or aborted upload is gone: completing it (again) is 404.
 *
 * Beyond lakeFS: completing answers 409 `conflict found` when the path on the branch changed while the upload
 * was in progress (another upload completed there, a hard reset moved the branch), so a client's retry path
 * can be tested.
 */
import { trimTrailingSlashes } from '../../../engine/text.js';
import { createHash } from 'node:crypto';
import { arn } from '../arn.js';
import { authorize } from '../authorize.js';
import { lakefsErrors, messages } from '../errors.js';
import { empty, json } from '../reply.js';
import { unixSeconds, type LakefsContext } from '../state.js';
import { has, lookup, put, remove, rows } from '../table.js';
import { conflict } from '../../../engine/errors.js';
import { storeData } from './data.js';
import { qualify, requireRepository, resolveRef, visibleObject } from './refs.js';
import { LINK_ADDRESS_LIFETIME_SECONDS, newAddress, partUrl, signAddress, verifyAddress } from './signing.js';
import {
  MAX_OPEN_UPLOADS,
  MAX_UPLOAD_PARTS,
  type BranchRecord,
  type ObjectRecord,
  type RepoHandler,
  type RepositoryRecord,
  type UploadRecord,
} from './state.js';
import { isProtected } from './settings.js';

/** S3's words for an upload id it does not know (never started, completed or aborted). */
export const NO_SUCH_UPLOAD = 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.';
const INVALID_PART =
  "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.";
const INVALID_PART_ORDER = 'The list of parts was not in ascending order. Parts must be ordered by part number.';

interface CompleteBody {
  physical_address?: string;
  parts?: Array<{ part_number: number; etag: string }>;
  user_metadata?: Record<string, string>;
  content_type?: string;
}

/** What a client sees at a path of a branch: the upload's baseline, compared again on completion. */
function fingerprint(object: ObjectRecord | undefined): string {
  return object ? `${object.checksum}@${object.physicalAddress}` : '';
}

function currentAt(repo: RepositoryRecord, branch: BranchRecord, path: string): ObjectRecord | undefined {
  const resolved = resolveRef(repo, branch.id);
  return resolved ? visibleObject(resolved, path) : undefined;
}

/**
 * Authorization, the repository, then the blockstore's ability — before the branch or anything else is looked up:
 * the real 1.80.0 on a local blockstore answers 404 `repository not found` first, and 501 even for an unknown branch.
 */
function admit(ctx: LakefsContext): { repo: RepositoryRecord; branchName: string; path: string } {
  const repoName = String(ctx.request.params.repository);
  const branchName = String(ctx.request.params.branch);
  const path = String(ctx.request.query.path ?? '');
  authorize(ctx, 'fs:WriteObject', arn.object(repoName, path));
  const repo = requireRepository(ctx, repoName);
  if (!ctx.options.presignMultipart) throw lakefsErrors.notImplemented('presign multipart upload API is not supported');
  return { repo, branchName, path };
}

export const createPresignMultipartUpload: RepoHandler = (ctx) => {
  const { repo, branchName, path } = admit(ctx);
  const repos = ctx.state.repos;
  const branch = lookup(repo.branches, branchName);
  if (!branch) throw lakefsErrors.notFound(`branch '${branchName}' not found`);
  if (path === '') throw lakefsErrors.badRequest(messages.pathRequired);
  const parts = typeof ctx.request.query.parts === 'number' ? ctx.request.query.parts : 0;
  if (parts < 0 || parts > MAX_UPLOAD_PARTS) throw lakefsErrors.badRequest(`parts can be between 0 and ${MAX_UPLOAD_PARTS}`);

  const secret = ctx.options.jwtSecret;
  const now = unixSeconds(ctx.now);
  let uploadId: string;
  do uploadId = ctx.faker.string.alphanumeric(64);
  while (has(repos.uploads, uploadId));
  const address = signAddress(secret, repo.id, newAddress(ctx.faker));

  const open = rows(repos.uploads);
  if (open.length >= MAX_OPEN_UPLOADS) {
    const oldest = open.reduce((a, b) => (b.createdAt < a.createdAt ? b : a));
    remove(repos.uploads, oldest.id);
  }
  const upload: UploadRecord = {
    id: uploadId,
    repository: repo.id,
    branch: branch.id,
    path,
    address,
    createdAt: now,
    baseline: fingerprint(currentAt(repo, branch, path)),
    parts: {},
  };
  put(repos.uploads, uploadId, upload);

  const expires = now + ctx.options.presignExpirySeconds;
  const urls = Array.from({ length: parts }, (_, i) =>
    partUrl(ctx.request.origin, secret, { uploadId, partNumber: i + 1, expires, session: ctx.session }),
  );
  return json(ctx, 201, {
    upload_id: uploadId,
    physical_address: qualify(repo.storageNamespace, address),
    ...(urls.length > 0 && { presigned_urls: urls }),
  });
};

/**
 * The upload an id and a physical address name together, after lakeFS's address checks: the address must lie
 * in the repository's namespace and carry a valid signature. Any other mismatch is S3's NoSuchUpload.
 */
function findUpload(ctx: LakefsContext, repo: RepositoryRecord, uploadId: string, physicalAddress: string): UploadRecord {
  const relative = relativeAddress(repo.storageNamespace, physicalAddress);
  if (relative === undefined) throw lakefsErrors.badRequest('physical address must be relative to the storage namespace');
  verifyAddress(ctx.options.jwtSecret, repo.id, relative);
  const upload = lookup(ctx.state.repos.uploads, uploadId);
  if (!upload || upload.repository !== repo.id || upload.address !== relative) throw lakefsErrors.notFound(NO_SUCH_UPLOAD);
  return upload;
}

/** lakeFS's normalizePhysicalAddress: strip the namespace; an address with another scheme is not relative. */
function relativeAddress(storageNamespace: string, address: string): string | undefined {
  const namespace = `${trimTrailingSlashes(storageNamespace)}/`;
  if (address.startsWith(namespace)) return address.slice(namespace.length);
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(address) ? undefined : address;
}

/** The multipart ETag S3 computes: MD5 of the concatenated binary part MD5s, then `-<number of parts>`. */
function multipartEtag(md5s: string[]): string {
  const hash = createHash('md5');
  for (const md5 of md5s) hash.update(Buffer.from(md5, 'hex'));
  return `${hash.digest('hex')}-${md5s.length}`;
}

const unquote = (etag: string) => etag.replace(/[\s"]/g, '');

export const completePresignMultipartUpload: RepoHandler = (ctx) => {
  const { repo, branchName, path } = admit(ctx);
  const uploadId = String(ctx.request.params.uploadId);
  const body = (ctx.request.body ?? {}) as CompleteBody;
  if (uploadId === '') throw lakefsErrors.badRequest(messages.uploadIdRequired);
  if (path === '') throw lakefsErrors.badRequest(messages.pathRequired);
  if (!body.physical_address) throw lakefsErrors.badRequest(messages.physicalAddressRequired);
  const listed = body.parts ?? [];
  if (listed.length === 0) throw lakefsErrors.badRequest('parts are required');
  const upload = findUpload(ctx, repo, uploadId, body.physical_address);
  const now = unixSeconds(ctx.now);
  if (now - upload.createdAt > LINK_ADDRESS_LIFETIME_SECONDS) throw lakefsErrors.badRequest('link address expired');

  const md5s: string[] = [];
  const chunks: Buffer[] = [];
  let size = 0;
  let previous = 0;
  for (const part of listed) {
    if (part.part_number <= previous) throw lakefsErrors.badRequest(INVALID_PART_ORDER);
    previous = part.part_number;
    const stored = lookup(upload.parts, String(part.part_number));
    if (!stored || unquote(part.etag) !== stored.md5) throw lakefsErrors.badRequest(INVALID_PART);
    md5s.push(stored.md5);
    chunks.push(Buffer.from(stored.data ?? '', 'base64'));
    size += stored.sizeBytes;
  }

  const branch = lookup(repo.branches, branchName);
  if (!branch) throw lakefsErrors.notFound(messages.branchNotFound);
  if (isProtected(repo, branch, ctx.now)) throw lakefsErrors.forbidden(messages.protectedBranchWrite);
  if (repo.readOnly) throw lakefsErrors.forbidden(messages.readOnlyRepository);
  if (upload.branch === branch.id && upload.path === path && fingerprint(currentAt(repo, branch, path)) !== upload.baseline) {
    throw conflict('conflict found');
  }

  const object: ObjectRecord = {
    path,
    physicalAddress: upload.address,
    checksum: multipartEtag(md5s),
    sizeBytes: size,
    mtime: now,
    contentType: body.content_type ?? '',
    metadata: body.user_metadata ?? {},
  };
  // The parts become the object's data, as S3 assembles them: an object staged here reads back like an upload.
  storeData(ctx.state.repos, repo.id, upload.address, Buffer.concat(chunks));
  put(branch.staged, path, object);
  remove(ctx.state.repos.uploads, upload.id);
  return json(ctx, 200, {
    checksum: object.checksum,
    content_type: object.contentType,
    metadata: object.metadata,
    mtime: object.mtime,
    path: object.path,
    path_type: 'object',
    physical_address: object.physicalAddress,
    size_bytes: object.sizeBytes,
  });
};

export const abortPresignMultipartUpload: RepoHandler = (ctx) => {
  const { repo, path } = admit(ctx);
  const uploadId = String(ctx.request.params.uploadId);
  const body = (ctx.request.body ?? {}) as { physical_address?: string };
  if (uploadId === '') throw lakefsErrors.badRequest(messages.uploadIdRequired);
  if (path === '') throw lakefsErrors.badRequest(messages.pathRequired);
  if (!body.physical_address) throw lakefsErrors.badRequest(messages.physicalAddressRequired);
  const upload = findUpload(ctx, repo, uploadId, body.physical_address);
  remove(ctx.state.repos.uploads, upload.id);
  return empty(ctx, 204);
};

/**
 * uploadPart: a presigned URL for one part, on demand (controller.go UploadPart). After authorization and the
 * repository, the address must be relative to the namespace and signed by lakeFS (400 `address is not signed: link
 * address invalid` otherwise, as the real 1.80.0 answers), then the blockstore presigns the part: one that cannot
 * answers 400 `operation not supported`. Like S3's presigner, nothing checks that the upload exists: its part URL
 * does (404 when the part is PUT).
 */
export const uploadPart: RepoHandler = (ctx) => {
  const repoName = String(ctx.request.params.repository);
  const path = String(ctx.request.query.path ?? '');
  authorize(ctx, 'fs:WriteObject', arn.object(repoName, path));
  const repo = requireRepository(ctx, repoName);
  const relative = relativeAddress(repo.storageNamespace, String((ctx.request.body as { physical_address: string }).physical_address));
  if (relative === undefined) throw lakefsErrors.badRequest('physical address must be relative to the storage namespace');
  verifyAddress(ctx.options.jwtSecret, repo.id, relative);
  if (!ctx.options.presignMultipart) throw lakefsErrors.badRequest('operation not supported');
  const expires = unixSeconds(ctx.now) + ctx.options.presignExpirySeconds;
  const uploadId = String(ctx.request.params.uploadId);
  const partNumber = Number(ctx.request.params.partNumber);
  return json(ctx, 200, { presigned_url: partUrl(ctx.request.origin, ctx.options.jwtSecret, { uploadId, partNumber, expires, session: ctx.session }) });
};

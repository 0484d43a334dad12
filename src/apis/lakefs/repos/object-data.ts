/**
 * Object data through the lakeFS API (controller.go UploadObject, GetObject, HeadObject): upload to a branch
 * (a raw body of any type, or multipart/form-data with a `content` part), read at any reference with ETag,
 * Last-Modified, Range and If-None-Match as lakeFS answers them, and HEAD with the same headers and no body.
 *
 * The data is kept (data.ts): an object uploaded here and one staged by a presigned multipart upload are the
 * same kind of object, and both read back byte for byte.
 */
import { createHash } from 'node:crypto';
import { MockError } from '../../../engine/errors.js';
import type { HeaderMap, Reply } from '../../../engine/types.js';
import { arn } from '../arn.js';
import { authorize } from '../authorize.js';
import { lakefsErrors, messages } from '../errors.js';
import { json } from '../reply.js';
import { unixSeconds, type LakefsContext } from '../state.js';
import { lookup, put } from '../table.js';
import { MAX_SYNTHETIC_BYTES, readRange, storeData, storedData } from './data.js';
import { boundaryOf, parseFormData } from './form-data.js';
import { toObjectStats } from './present.js';
import { checkRef, requireRepository, resolveRef, visibleObject } from './refs.js';
import { newAddress } from './signing.js';
import type { ObjectRecord, RepoHandler, RepositoryRecord } from './state.js';
import { isProtected } from './settings.js';

/** User metadata travels as `X-Lakefs-Meta-<key>` headers (lakeFS lower-cases the keys). */
const META_PREFIX = 'x-lakefs-meta-';
const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** Content types lakeFS lets a browser show inline (safeContentTypesForInline); anything else is an attachment. */
const INLINE_TYPES = new Set([
  'image/jpeg', 'image/jpg', 'image/png', 'image/gif', 'image/webp', 'image/svg+xml', 'application/pdf', 'text/plain',
  'text/markdown', 'text/x-markdown', 'text/html', 'text/css', 'text/javascript', 'application/javascript',
  'application/json', 'application/xml', 'text/xml', 'video/mp4', 'video/webm', 'audio/mpeg', 'audio/wav', 'audio/webm',
]);

const header = (headers: HeaderMap, name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

function userMetadata(headers: HeaderMap): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith(META_PREFIX) && value !== undefined) put(metadata, name.slice(META_PREFIX.length), String(value));
  }
  return metadata;
}

/** The object's bytes and content type from the request: the `content` form part, or the body as sent. */
function uploadedContent(ctx: LakefsContext): { bytes: Buffer; contentType: string } {
  const body: unknown = ctx.request.body;
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body));
  const contentType = header(ctx.request.headers, 'content-type')?.trim() || DEFAULT_CONTENT_TYPE;
  if (!/^multipart\/form-data\b/i.test(contentType)) return { bytes, contentType };
  const boundary = boundaryOf(contentType);
  // lakeFS answers these with 500: Go's multipart reader fails before anything is written.
  if (!boundary) throw lakefsErrors.failedRequest('no multipart boundary param in Content-Type');
  const content = parseFormData(bytes, boundary)?.find((p) => p.name === 'content');
  if (!content) throw lakefsErrors.failedRequest("multipart upload missing key 'content': http: no such file");
  return { bytes: content.data, contentType: content.contentType };
}

export const uploadObject: RepoHandler = (ctx) => {
  const repoName = String(ctx.request.params.repository);
  const branchName = String(ctx.request.params.branch);
  const path = String(ctx.request.query.path ?? '');
  authorize(ctx, 'fs:WriteObject', arn.object(repoName, path));
  const repo = requireRepository(ctx, repoName);
  const branch = lookup(repo.branches, branchName);
  if (!branch) throw lakefsErrors.notFound(`branch '${branchName}' not found`);
  if (path === '') throw lakefsErrors.badRequest(messages.pathRequired);
  const resolved = resolveRef(repo, branch.id)!;
  if (header(ctx.request.headers, 'if-none-match') === '*' && visibleObject(resolved, path)) {
    throw lakefsErrors.preconditionFailed('path already exists');
  }
  const { bytes, contentType } = uploadedContent(ctx);
  if (isProtected(repo, branch, ctx.now)) throw lakefsErrors.forbidden(messages.protectedBranchWrite);
  if (repo.readOnly && ctx.request.query.force !== true) throw lakefsErrors.forbidden(messages.readOnlyRepository);

  const object: ObjectRecord = {
    path,
    physicalAddress: newAddress(ctx.faker),
    checksum: createHash('md5').update(bytes).digest('hex'),
    sizeBytes: bytes.length,
    mtime: unixSeconds(ctx.now),
    contentType,
    metadata: userMetadata(ctx.request.headers),
  };
  storeData(ctx.state.repos, repo.id, object.physicalAddress, bytes);
  put(branch.staged, path, object);
  return json(ctx, 201, toObjectStats(repo, object, true));
};

/** The object a read names, after lakeFS's checks in its order; 404 `not found` for a missing ref or path. */
function objectToRead(ctx: LakefsContext): { repo: RepositoryRecord; object: ObjectRecord } {
  const repoName = String(ctx.request.params.repository);
  const path = String(ctx.request.query.path ?? '');
  authorize(ctx, 'fs:ReadObject', arn.object(repoName, path));
  const repo = requireRepository(ctx, repoName);
  const ref = String(ctx.request.params.ref);
  checkRef(ref);
  const resolved = resolveRef(repo, ref);
  const object = resolved && path !== '' ? visibleObject(resolved, path) : undefined;
  if (!object) throw lakefsErrors.notFound();
  return { repo, object };
}

/** The headers every read of an object carries (GET and HEAD alike). */
function objectHeaders(ctx: LakefsContext, object: ObjectRecord): Record<string, string> {
  return {
    ETag: `"${object.checksum}"`,
    'Last-Modified': new Date(object.mtime * 1000).toUTCString(),
    'Content-Type': object.contentType || DEFAULT_CONTENT_TYPE,
    // lakeFS keeps object data out of browser and proxy caches.
    'Cache-Control': 'no-store, must-revalidate',
    Expires: '0',
    'X-Request-ID': ctx.requestId,
  };
}

type ByteRange = { start: number; end: number };

/**
 * One `bytes=` range against a size, as lakeFS's httputil.ParseRange reads it: `a-b` (clipped to the end),
 * `a-` and the suffix `-n`; 'unsatisfiable' when it starts past the end. Only the first of a list counts.
 */
function parseRange(value: string, size: number): ByteRange | 'unsatisfiable' {
  const first = value.replace(/^bytes=/, '').split(',')[0]!.trim();
  const [from = '', to = ''] = first.split('-');
  if (from === '') {
    const suffix = Number(to);
    if (to === '' || suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(from);
  if (start >= size) return 'unsatisfiable';
  const end = to === '' ? size - 1 : Math.min(Number(to), size - 1);
  if (end < start) return 'unsatisfiable';
  return { start, end };
}

export const getObject: RepoHandler = (ctx) => {
  const { repo, object } = objectToRead(ctx);
  const etag = `"${object.checksum}"`;
  if (header(ctx.request.headers, 'if-none-match') === etag) return { status: 304, headers: { 'X-Request-ID': ctx.requestId } };
  if (ctx.request.query.presign === true && !presigns(ctx)) {
    throw lakefsErrors.badRequest(`${ctx.options.blockstoreType} adapter presigned URL: operation not supported`);
  }
  const headers: Record<string, string> = {
    ...objectHeaders(ctx, object),
    'Content-Disposition': INLINE_TYPES.has(object.contentType) ? 'inline' : 'attachment',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'SAMEORIGIN',
    'Content-Security-Policy': "default-src 'none'",
  };
  const rangeHeader = header(ctx.request.headers, 'range');
  const range = rangeHeader === undefined ? undefined : parseRange(rangeHeader, object.sizeBytes);
  if (range === 'unsatisfiable' || (range === undefined && object.sizeBytes > MAX_SYNTHETIC_BYTES && !storedData(ctx.state.repos, repo.id, object))) {
    return {
      status: 416,
      body: { message: 'Requested Range Not Satisfiable' },
      newlineTerminated: true,
      headers: { ...headers, 'Content-Type': 'application/json', 'Content-Range': `bytes */${object.sizeBytes}` },
    };
  }
  const { start, end } = range ?? { start: 0, end: object.sizeBytes - 1 };
  const bytes = readRange(ctx.state.repos, repo.id, object, start, end);
  if (range) headers['Content-Range'] = `bytes ${start}-${end}/${object.sizeBytes}`;
  headers['Content-Length'] = String(bytes.length);
  const reply: Reply = { status: range ? 206 : 200, body: bytes, contentType: headers['Content-Type'], headers };
  return reply;
};

/** HEAD answers carry no body, errors included (lakeFS writes only the status). */
export const headObject: RepoHandler = (ctx) => {
  try {
    const { object } = objectToRead(ctx);
    const headers: Record<string, string> = { ...objectHeaders(ctx, object), 'Accept-Ranges': 'bytes' };
    const rangeHeader = header(ctx.request.headers, 'range');
    if (rangeHeader === undefined) return { status: 200, headers: { ...headers, 'Content-Length': String(object.sizeBytes) } };
    const range = parseRange(rangeHeader, object.sizeBytes);
    if (range === 'unsatisfiable') return { status: 416, headers };
    return {
      status: 206,
      headers: { ...headers, 'Content-Range': `bytes ${range.start}-${range.end}/${object.sizeBytes}`, 'Content-Length': String(range.end - range.start + 1) },
    };
  } catch (err) {
    // A 400 is rendered like the engine's own validation 400s (the spec declares one shape for both; HTTP drops
    // the body of any answer to HEAD on the wire).
    if (err instanceof MockError && err.status !== 400) return { status: err.status, headers: { ...err.headers, 'X-Request-ID': ctx.requestId } };
    throw err;
  }
};

/** Whether the scenario's blockstore hands out presigned URLs (GET /config/storage's pre_sign_support). */
export function presigns(ctx: LakefsContext): boolean {
  return ctx.options.preSignSupport ?? ['s3', 'gs', 'azure'].includes(ctx.options.blockstoreType);
}

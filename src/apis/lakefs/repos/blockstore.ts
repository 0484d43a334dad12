/**
 * The mock blockstore's one operation (specs/lakefs/blockstore.yaml): PUT a part to the URL that
 * createPresignMultipartUpload handed out. Like S3's UploadPart it answers 200 with the part's ETag (the
 * quoted MD5 of the bytes) and no body; uploading a part again replaces it. The bytes are kept with the
 * upload (base64, bounded by the body limit per part) until it completes or is aborted. Errors are lakeFS-shaped `{"message"}` (S3 would answer XML): a client's error path for the lakeFS
 * API covers the uploads too.
 *
 * The URL is the credential: a signature that does not match or an expired URL is 403, as with S3. A URL
 * carries the mockgate session it was issued in as `__session` (a plain PUT sends no X-Mock-Session header),
 * and the signature covers it, so the URL is refused in any other session.
 */
import { createHash } from 'node:crypto';
import type { Reply } from '../../../engine/types.js';
import { lakefsErrors } from '../errors.js';
import { unixSeconds } from '../state.js';
import { lookup, put } from '../table.js';
import { NO_SUCH_UPLOAD } from './multipart.js';
import { partSignature, sameText } from './signing.js';
import type { RepoHandler } from './state.js';

export const putPresignedPart: RepoHandler = (ctx) => {
  const uploadId = String(ctx.request.params.uploadId);
  const partNumber = Number(ctx.request.params.partNumber);
  const expires = Number(ctx.request.query.expires);
  // The URL's `__session` chose ctx.session; the signature covers it, so a URL replayed in another session fails.
  const expected = partSignature(ctx.options.jwtSecret, { uploadId, partNumber, expires, session: ctx.session });
  if (!sameText(expected, String(ctx.request.query.signature ?? ''))) {
    throw lakefsErrors.forbidden('The request signature we calculated does not match the signature you provided.');
  }
  if (expires < unixSeconds(ctx.now)) throw lakefsErrors.forbidden('Request has expired');
  const upload = lookup(ctx.state.repos.uploads, uploadId);
  if (!upload) throw lakefsErrors.notFound(NO_SUCH_UPLOAD);

  const bytes = bodyBytes(ctx.request.body);
  const md5 = createHash('md5').update(bytes).digest('hex');
  // The bytes are kept: completing the upload makes them the object's data, read back by getObject.
  put(upload.parts, String(partNumber), { sizeBytes: bytes.length, md5, data: bytes.toString('base64') });
  const reply: Reply = { status: 200, headers: { ETag: `"${md5}"`, 'X-Request-ID': ctx.requestId } };
  return reply;
};

/**
 * The bytes as sent: the spec takes any type as binary, so the engine hands over the Buffer. A user's spec
 * that declares JSON or text instead gets its parsed body hashed as re-serialised.
 */
function bodyBytes(body: unknown): Buffer {
  if (body === undefined || body === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(JSON.stringify(body), 'utf8');
}

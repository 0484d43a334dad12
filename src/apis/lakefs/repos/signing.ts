/**
 * The two signatures of a presigned multipart upload, both HMAC-SHA256 keyed by the scenario's jwtSecret:
 *
 * - the physical address lakeFS reserves for the object, `data/<xid>/<xid>,<signature>` (lakeFS signs its
 *   link addresses the same way, so a client cannot complete an upload into an address it made up);
 * - each part URL, over the upload id, the part number, the expiry and the mockgate session, so the mock
 *   blockstore refuses URLs it did not hand out.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Faker } from '@faker-js/faker';
import { lakefsErrors } from '../errors.js';

/** Where blockstore.yaml is mounted (its `servers` URL). */
export const BLOCKSTORE_PREFIX = '/mockgate/lakefs/blockstore';
/** The engine's session when a request names none (X-Mock-Session absent); its URLs carry no session. */
export const DEFAULT_SESSION = 'default';
/** lakeFS refuses link addresses older than this (LinkAddressTime). */
export const LINK_ADDRESS_LIFETIME_SECONDS = 24 * 3600;

const XID_ALPHABET = '0123456789abcdefghijklmnopqrstuv';

/** A hook run id, as lakeFS's actions service makes them (an xid: 20 base32hex characters). */
export function newRunId(faker: Faker): string {
  return faker.string.fromCharacters(XID_ALPHABET, 20);
}

/** A fresh object address in the repository: unsigned part first, as lakeFS's PathProvider makes them. */
export function newAddress(faker: Faker): string {
  return `data/${faker.string.fromCharacters(XID_ALPHABET, 20)}/${faker.string.fromCharacters(XID_ALPHABET, 20)}`;
}

export function signAddress(secret: string, repository: string, address: string): string {
  return `${address},${addressSignature(secret, repository, address)}`;
}

function addressSignature(secret: string, repository: string, address: string): string {
  return createHmac('sha256', secret).update(`address\n${repository}\n${address}`).digest('base64url');
}

/** lakeFS's VerifyLinkAddress texts: an unsigned address, then a signature that does not match. */
export function verifyAddress(secret: string, repository: string, signed: string): void {
  const comma = signed.lastIndexOf(',');
  if (comma < 0) throw lakefsErrors.badRequest('address is not signed: link address invalid');
  const expected = addressSignature(secret, repository, signed.slice(0, comma));
  if (!sameText(expected, signed.slice(comma + 1))) throw lakefsErrors.badRequest('invalid address signature: invalid address');
}

export interface PartGrant {
  uploadId: string;
  partNumber: number;
  /** Unix seconds. */
  expires: number;
  session: string;
}

export function partSignature(secret: string, grant: PartGrant): string {
  return createHmac('sha256', secret)
    .update(`part\n${grant.uploadId}\n${grant.partNumber}\n${grant.expires}\n${grant.session}`)
    .digest('hex');
}

/** An absolute part URL on the origin the client used. */
export function partUrl(origin: string, secret: string, grant: PartGrant): string {
  const query = new URLSearchParams({ expires: String(grant.expires), signature: partSignature(secret, grant) });
  // The engine picks the session from `__session` when a client sends no X-Mock-Session header.
  if (grant.session !== DEFAULT_SESSION) query.set('__session', grant.session);
  return `${origin}${BLOCKSTORE_PREFIX}/uploads/${encodeURIComponent(grant.uploadId)}/parts/${grant.partNumber}?${query}`;
}

export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

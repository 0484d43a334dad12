/**
 * Minting credentials the way the service's STS call hands them out: a temporary `ASIA…` key id, a 40-char
 * secret, an opaque session token and a whole-second expiry; plus the inline session policy's resources and
 * the AWS console sign-in URL. Random parts come from the seeded faker, so `--seed` makes them repeatable.
 */
import { trimTrailingSlashes } from '../../engine/text.js';
import type { Faker } from '@faker-js/faker';
import type { Access, IssuedCredential, ResolvedOptions } from './state.js';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// Regional STS session tokens start with this base64 preamble; clients treat the rest as opaque.
const SESSION_TOKEN_PREFIX = 'IQoJb3JpZ2luX2Vj';

export interface Location {
  bucket_name: string;
  path: string;
}

export interface MintInput {
  access: Access;
  username: string;
  location: Location;
  consoleSession: boolean;
  now: Date;
  faker: Faker;
  options: ResolvedOptions;
}

export interface Minted {
  issued: IssuedCredential;
  consoleSessionUrl: string | null;
}

export function mint(input: MintInput): Minted {
  const { faker, now, options, location } = input;
  const accessKeyId = `ASIA${faker.string.fromCharacters(BASE32, 16)}`;
  const secretAccessKey = faker.string.fromCharacters(BASE64, 40);
  const sessionToken = `${SESSION_TOKEN_PREFIX}${faker.string.fromCharacters(BASE64, 340)}`;
  const expiry = pythonIsoFormat(new Date(now.getTime() + options.sessionDurationSeconds * 1000));
  const issued: IssuedCredential = {
    accessKeyId,
    secretAccessKey,
    sessionToken,
    expiry,
    access: input.access,
    username: input.username,
    roleSessionName: `${input.username},${input.access}-prog-bucket-access`,
    bucket: location.bucket_name,
    path: location.path,
    grants: grants(location, input.access),
    consoleSession: input.consoleSession,
    issuedAt: now.toISOString(),
  };
  const consoleSessionUrl = input.consoleSession ? consoleUrl(location, options, faker.string.fromCharacters(BASE64URL, 320)) : null;
  return { issued, consoleSessionUrl };
}

/** STS expirations have whole seconds; pydantic writes the aware datetime with isoformat(): "+00:00", no "Z". */
export function pythonIsoFormat(date: Date): string {
  return `${date.toISOString().slice(0, 19)}+00:00`;
}

/**
 * The service's inline policy: the whole bucket is listable; objects under the location (the prefix itself,
 * "prefix/" and "prefix/*", trailing slashes trimmed, so an empty path means the whole bucket) are readable,
 * and writable too for write credentials.
 */
function grants(location: Location, access: Access): IssuedCredential['grants'] {
  const bucketArn = `arn:aws:s3:::${location.bucket_name}`;
  const base = trimTrailingSlashes(`${bucketArn}/${location.path}`);
  const objects = [base, `${base}/`, `${base}/*`];
  return { list: [bucketArn, `${bucketArn}/*`], read: objects, write: access === 'write' ? [...objects] : [] };
}

/**
 * AWS federation login URL as the service builds it: Issuer inserted as is, Destination (the S3 console
 * at the bucket and prefix) quote_plus-encoded, then the sign-in token. The 2022 service is assumed to use
 * the request's bucket (its later code uses the configured storage bucket).
 */
function consoleUrl(location: Location, options: ResolvedOptions, signinToken: string): string {
  const destination = `https://s3.console.aws.amazon.com/s3/buckets/${location.bucket_name}?prefix=${location.path}&region=${options.consoleRegion}`;
  return `https://signin.aws.amazon.com/federation?Action=login&Issuer=${options.consoleIssuer}&Destination=${quotePlus(destination)}&SigninToken=${signinToken}`;
}

/** Python's urllib.parse.quote_plus: UTF-8 bytes, only A-Z a-z 0-9 _ . - ~ kept, spaces as "+". */
export function quotePlus(text: string): string {
  let out = '';
  // Buffer.from replaces lone surrogates instead of throwing as encodeURIComponent would.
  for (const byte of Buffer.from(text, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9_.\-~]/.test(ch)) out += ch;
    else if (byte === 0x20) out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

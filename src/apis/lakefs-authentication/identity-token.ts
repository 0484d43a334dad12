/**
 * The AWS IAM identity proof lakeFS clients send (lakectl, the Go client and the Python wrapper's
 * `from_aws_role` all build the same one): `{"identity_token": base64(JSON)}`, where the JSON describes a
 * presigned STS GetCallerIdentity request — method, host, region, action, date (YYYYMMDDTHHMMSSZ),
 * expiration_duration (seconds, as text), access_key_id, signature, signed_headers, version, algorithm and
 * security_token. A real service replays that request against STS; the mock reads the access key out of it.
 */
import { identityRequestInvalid } from './errors.js';

export interface IdentityTokenInfo {
  accessKeyId: string;
  securityToken?: string;
  /** When the presigned request stops being accepted, if the token says. */
  validUntil?: Date;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

export function readIdentityToken(identityRequest: unknown): IdentityTokenInfo {
  const token = isObject(identityRequest) ? identityRequest.identity_token : undefined;
  if (typeof token !== 'string' || token.trim() === '') throw identityRequestInvalid('identity request has no identity_token');
  const decoded = decode(token.trim());
  if (!decoded) throw identityRequestInvalid('identity_token is not base64-encoded JSON');
  const accessKeyId = decoded.access_key_id;
  if (typeof accessKeyId !== 'string' || accessKeyId === '') throw identityRequestInvalid('identity token has no access_key_id');
  const securityToken = typeof decoded.security_token === 'string' && decoded.security_token !== '' ? decoded.security_token : undefined;
  return { accessKeyId, securityToken, validUntil: validUntil(decoded.date, decoded.expiration_duration) };
}

function decode(token: string): Record<string, unknown> | undefined {
  // Buffer.from skips characters outside the alphabet; check first so garbage is refused, not half-read.
  const standard = token.replace(/-/g, '+').replace(/_/g, '/');
  if (!BASE64.test(standard)) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(standard, 'base64').toString('utf8'));
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** date + expiration_duration, when both are there and readable. */
function validUntil(date: unknown, duration: unknown): Date | undefined {
  if (typeof date !== 'string') return undefined;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
  const seconds = typeof duration === 'number' ? duration : typeof duration === 'string' && /^\d+$/.test(duration) ? Number(duration) : NaN;
  if (!m || !Number.isFinite(seconds)) return undefined;
  const signedAt = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return Number.isNaN(signedAt) ? undefined : new Date(signedAt + seconds * 1000);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

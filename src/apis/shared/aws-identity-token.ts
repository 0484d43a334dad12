/**
 * The AWS IAM identity proof of lakeFS's external principal login. lakectl, the Go client and the Python
 * wrapper's `from_aws_role` all send `{"identity_token": base64(JSON)}`, where the JSON describes a presigned
 * STS GetCallerIdentity request: method, host, region, action, date (YYYYMMDDTHHMMSSZ), expiration_duration
 * (seconds, as text), access_key_id, signature, signed_headers, version, algorithm and security_token. lakeFS
 * forwards it to its authentication service, which replays the request against STS to learn who signed it.
 * Both mocks read it instead: lakeFS's simulated authentication service matches seeded fields against it, the
 * authentication service mock looks up the signing access key.
 */

export interface AwsIdentityToken {
  /** The decoded description, every field as sent. */
  fields: Record<string, unknown>;
  /** The signer's access key id, when the description has a non-empty one. */
  accessKeyId?: string;
  /** The session token of temporary credentials, when there is one. */
  securityToken?: string;
  /** When STS stops accepting the presigned request (date + expiration_duration), when both are readable. */
  validUntil?: Date;
}

/**
 * Well-formed base64, padding optional: Buffer.from skips characters outside the alphabet and reads a dangling
 * sixth bit, so the text is checked first and garbage is refused rather than half read.
 */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/;

/** The token's description, when it is standard or URL-safe base64 of a JSON object; anything else is undefined. */
export function decodeAwsIdentityToken(token: unknown): AwsIdentityToken | undefined {
  if (typeof token !== 'string') return undefined;
  const standard = token.trim().replace(/-/g, '+').replace(/_/g, '/');
  if (standard === '' || !BASE64.test(standard)) return undefined;
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(standard, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!isObject(fields)) return undefined;
  return {
    fields,
    accessKeyId: nonEmptyString(fields.access_key_id),
    securityToken: nonEmptyString(fields.security_token),
    validUntil: validUntil(fields.date, fields.expiration_duration),
  };
}

/** The presigned request's X-Amz-Date plus X-Amz-Expires. */
function validUntil(date: unknown, duration: unknown): Date | undefined {
  if (typeof date !== 'string') return undefined;
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date);
  const seconds = typeof duration === 'number' ? duration : typeof duration === 'string' && /^\d+$/.test(duration) ? Number(duration) : NaN;
  if (!m || !Number.isFinite(seconds)) return undefined;
  const signedAt = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return Number.isNaN(signedAt) ? undefined : new Date(signedAt + seconds * 1000);
}

const nonEmptyString = (value: unknown) => (typeof value === 'string' && value !== '' ? value : undefined);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

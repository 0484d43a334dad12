/**
 * externalPrincipalLogin: who signed this presigned GetCallerIdentity request? The seeded entries stand in
 * for STS: the token's access key id picks the entry (and its session token must match when the entry
 * names one), and the answer is the entry's ARN. lakeFS maps this operation's 400 to "invalid request",
 * 401 to "invalid token format" and 403 to "session expired", so those are the statuses used here.
 */
import type { Handler } from '../../../engine/types.js';
import { decodeAwsIdentityToken, type AwsIdentityToken } from '../../shared/aws-identity-token.js';
import { identityRefused, identityRequestInvalid, sessionExpired } from '../errors.js';
import { jsonReply } from '../reply.js';
import { hasExpired, type AuthServiceState, type ResolvedOptions } from '../state.js';

export const externalPrincipalLogin: Handler<AuthServiceState, ResolvedOptions> = (ctx) => {
  const { token, accessKeyId } = readIdentityRequest(ctx.request.body);
  const entry = ctx.state.externalPrincipals.find((p) => p.accessKeyId === accessKeyId);
  if (!entry) throw identityRefused('the identity token was not signed by a known AWS identity');
  if (entry.securityToken !== undefined && entry.securityToken !== token.securityToken) {
    throw identityRefused('the identity token carries the wrong security token');
  }
  if (entry.expired || hasExpired(entry.expiresAt, ctx.now)) throw sessionExpired();
  // STS refuses a presigned request once X-Amz-Date + X-Amz-Expires has passed.
  if (ctx.options.checkIdentityTokenExpiry && token.validUntil && token.validUntil.getTime() <= ctx.now.getTime()) throw sessionExpired();
  return jsonReply(200, { id: entry.id });
};

/** The identity token of the request, with the access key that signed it; 400 with the reason otherwise. */
function readIdentityRequest(identityRequest: unknown): { token: AwsIdentityToken; accessKeyId: string } {
  const raw = isObject(identityRequest) ? identityRequest.identity_token : undefined;
  if (typeof raw !== 'string' || raw.trim() === '') throw identityRequestInvalid('identity request has no identity_token');
  const token = decodeAwsIdentityToken(raw);
  if (!token) throw identityRequestInvalid('identity_token is not base64-encoded JSON');
  if (token.accessKeyId === undefined) throw identityRequestInvalid('identity token has no access_key_id');
  return { token, accessKeyId: token.accessKeyId };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

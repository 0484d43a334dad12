/**
 * The sign-ins lakeFS delegates to its authentication service, with that service simulated from the
 * scenario: externalPrincipalLogin (an AWS IAM identity proof → the attached principal's user) and stsLogin
 * (an OIDC authorization code → the user whose external id is the `sub` claim). Both answer 501 in
 * open-source lakeFS, and issue ordinary login tokens, without a cookie.
 */
import type { Handler } from '../../../../engine/types.js';
import { decodeAwsIdentityToken } from '../../../shared/aws-identity-token.js';
import { lakefsErrors, messages, notImplementedIn } from '../../errors.js';
import { issueLoginToken } from '../../jwt.js';
import { json } from '../../reply.js';
import type { LakefsOptions, LakefsState } from '../../state.js';
import { has, lookup } from '../../table.js';
import { isCommunity, nowSeconds } from '../options.js';
import { flowsOf, type ExternalIdentity } from '../state.js';
import { userByExternalId } from '../users.js';

type LoginHandler = Handler<LakefsState, LakefsOptions>;

/** lakeFS caps STS tokens at 12 hours and gives them one hour by default. */
const STS_DEFAULT_TTL_SECONDS = 3600;
const STS_MAX_TTL_SECONDS = 12 * 3600;

interface ExternalLoginInformation {
  identityRequest: Record<string, unknown>;
  token_expiration_duration?: number;
}

/**
 * The authentication service names the principal whose seeded proof the request matches (401 `invalid token
 * format` when none does — lakeFS's text for the service's 401; 403 `session expired` when the proof is marked
 * expired); lakeFS then looks the principal up among those attached to its users (404 `not found` when it is
 * not attached). A request with nothing to match (no body, empty identityRequest) is the service's 400,
 * which lakeFS reports as `invalid request`.
 */
export const externalPrincipalLogin: LoginHandler = async (ctx) => {
  const { options } = ctx;
  if (isCommunity(options) || !options.externalPrincipals) throw notImplementedIn(options);
  const body = ctx.request.body as ExternalLoginInformation | undefined;
  const request = body?.identityRequest;
  if (!isObject(request) || Object.keys(request).length === 0) throw lakefsErrors.badRequest(messages.invalidRequest);

  const decoded = decodeAwsIdentityToken(request.identity_token)?.fields;
  const known = flowsOf(ctx.state).externalIdentities.find((entry) => proves(entry, request, decoded));
  if (!known) throw lakefsErrors.unauthorizedText('invalid token format');
  const principal = lookup(ctx.state.externalPrincipals, known.principalId);
  if (known.expired || principal?.expired) throw lakefsErrors.forbidden(messages.sessionExpired);
  if (!principal || !has(ctx.state.users, principal.userId)) throw lakefsErrors.notFound();

  const asked = body?.token_expiration_duration ?? 0;
  const lifetime = Math.min(asked > 0 ? asked : options.loginTokenLifetimeSeconds, options.loginTokenMaxLifetimeSeconds);
  return json(ctx, 200, await issueLoginToken(principal.userId, options.jwtSecret, ctx.now, lifetime));
};

interface StsAuthRequest {
  code: string;
  state: string;
  redirect_uri: string;
  ttl_seconds?: number;
}

/**
 * Unknown or spent code, a state or redirect_uri other than the code's, or claims without `sub`: 401
 * `Unauthorized`. A code marked expired: 403 `session expired`. No user with that external id: 404. The
 * lifetime is ttl_seconds (no lower bound, as upstream), one hour by default, twelve hours at most.
 */
export const stsLogin: LoginHandler = async (ctx) => {
  const { options } = ctx;
  if (isCommunity(options)) throw notImplementedIn(options);
  const body = ctx.request.body as StsAuthRequest;
  const entry = lookup(flowsOf(ctx.state).stsCodes, body.code);
  const refused =
    !entry ||
    (options.stsSingleUseCodes && entry.usedAt !== undefined) ||
    (entry.state !== undefined && entry.state !== body.state) ||
    (entry.redirectUri !== undefined && entry.redirectUri !== body.redirect_uri);
  if (refused) throw lakefsErrors.unauthorizedText();
  if (entry.expired) throw lakefsErrors.forbidden(messages.sessionExpired);
  const sub = entry.claims.sub;
  if (!sub) throw lakefsErrors.unauthorizedText();
  const user = userByExternalId(ctx.state, sub);
  if (!user) throw lakefsErrors.notFound();

  // Spent before the token is signed (asynchronously): a redemption arriving meanwhile finds the code used.
  entry.usedAt = nowSeconds(ctx.now);
  const ttl = Math.min(body.ttl_seconds ?? STS_DEFAULT_TTL_SECONDS, STS_MAX_TTL_SECONDS);
  return json(ctx, 200, await issueLoginToken(user.id, options.jwtSecret, ctx.now, ttl));
};

/**
 * Every seeded field must be in the request: at the top of identityRequest, or inside its identity_token
 * (base64 of the JSON description of a presigned GetCallerIdentity request that AWS clients send).
 */
function proves(entry: ExternalIdentity, request: Record<string, unknown>, decoded: Record<string, unknown> | undefined): boolean {
  const wanted = Object.entries(entry.identity);
  if (wanted.length === 0) return false;
  return wanted.every(([field, value]) => holds(request, field, value) || (decoded !== undefined && holds(decoded, field, value)));
}

function holds(source: Record<string, unknown>, field: string, value: string): boolean {
  if (!Object.hasOwn(source, field)) return false;
  const actual = source[field];
  return (typeof actual === 'string' || typeof actual === 'number' || typeof actual === 'boolean') && String(actual) === value;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

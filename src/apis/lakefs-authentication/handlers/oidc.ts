/**
 * The two OIDC operations: STSLogin redeems a code for the ID token's claims (lakeFS calls it for its own
 * /sts/login), oauthCallback is where the provider sends the browser back. Codes are checked the same way
 * for both, and are spent only by a successful redemption (a refused request changes nothing).
 */
import type { Handler } from '../../../engine/types.js';
import { codeRefused } from '../errors.js';
import { jsonReply } from '../reply.js';
import { hasExpired, type AuthServiceState, type ResolvedOptions } from '../state.js';

interface StsAuthRequest {
  code: string;
  state: string;
  redirect_uri: string;
}

interface Redeemable {
  state?: string;
  expiresAt?: string;
  usedAt: string | null;
}

function checkCode<C extends Redeemable>(entry: C | undefined, options: ResolvedOptions, now: Date): C {
  if (!entry) throw codeRefused('invalid authorization code');
  if (options.singleUseCodes && entry.usedAt !== null) throw codeRefused('authorization code already used');
  if (hasExpired(entry.expiresAt, now)) throw codeRefused('authorization code expired');
  return entry;
}

export const STSLogin: Handler<AuthServiceState, ResolvedOptions> = (ctx) => {
  const request = ctx.request.body as StsAuthRequest;
  const entry = checkCode(
    ctx.state.stsCodes.find((c) => c.code === request.code),
    ctx.options,
    ctx.now,
  );
  if (entry.state !== undefined && entry.state !== request.state) throw codeRefused('state does not match the authorization request');
  if (entry.redirectUri !== undefined && entry.redirectUri !== request.redirect_uri) {
    throw codeRefused('redirect_uri does not match the authorization request');
  }
  const claims: Record<string, string> = { ...entry.claims };
  // lakeFS reads `exp` (seconds, as text) to bound the session; a provider always sets it.
  claims.exp ??= String(Math.floor(ctx.now.getTime() / 1000) + ctx.options.stsClaimsLifetimeSeconds);
  entry.usedAt = ctx.now.toISOString();
  return jsonReply(200, { claims });
};

export const oauthCallback: Handler<AuthServiceState, ResolvedOptions> = (ctx) => {
  const { code, state } = callbackQuery(ctx.request.rawQuery);
  const entry = checkCode(
    code === undefined ? undefined : ctx.state.oidcCodes.find((c) => c.code === code),
    ctx.options,
    ctx.now,
  );
  if (entry.state !== undefined && entry.state !== state) throw codeRefused('state does not match the authorization request');
  entry.usedAt = ctx.now.toISOString();
  ctx.stateChanged();
  return { status: 302, headers: { Location: entry.location ?? ctx.options.oidcCallbackLocation } };
};

/** Read from the raw query: upstream's document declares no parameters on the callback, and a user may mount it. */
function callbackQuery(query: Record<string, string | string[]>): { code?: string; state?: string } {
  const pick = (name: string) => {
    const value = query[name];
    const first = Array.isArray(value) ? value[0] : value;
    return typeof first === 'string' && first !== '' ? first : undefined;
  };
  return { code: pick('code'), state: pick('state') };
}

/**
 * Verifiers for the three security schemes. API tokens serve both ApiKeyAuth and OAuth2 (the mock has no
 * authorization server: a seeded token stands in for an access token). A principal carries the workspace
 * ids it may act in; scope.ts turns that into 403s.
 */
import { unauthorized } from '../../engine/errors.js';
import type { PresentedCredential, Principal, SecurityContext, Verifier } from '../../engine/types.js';
import type { TiledbOptions, TiledbState } from './state.js';

export interface TiledbPrincipal extends Principal {
  /** Workspace ids this caller may use. */
  workspaces: string[];
  username?: string;
}

type Ctx = SecurityContext<TiledbState, TiledbOptions>;

/** A seeded token, unless it is unknown, revoked or past its expiry (checked against the session clock). */
export function verifyApiToken(credential: PresentedCredential, ctx: Ctx): TiledbPrincipal {
  const token = ctx.state.tokens.find((t) => t.token === credential.value);
  if (!token) throw unauthorized('invalid', 'Invalid API token');
  if (token.revoked) throw unauthorized('revoked', 'API token has been revoked');
  if (token.expiresAt && Date.parse(token.expiresAt) <= ctx.now.getTime()) {
    throw unauthorized('expired', 'API token has expired');
  }
  return {
    id: token.user ?? `token@${token.workspace}`,
    scheme: credential.scheme,
    username: token.user,
    workspaces: [token.workspace],
  };
}

/** A seeded user whose password matches; it may use every workspace it is a member of. */
export function verifyBasicAuth(credential: PresentedCredential, ctx: Ctx): TiledbPrincipal {
  const user = ctx.state.users.find((u) => u.username === credential.username);
  if (!user || user.password !== credential.password) throw unauthorized('invalid', 'Invalid username or password');
  return { id: user.id, scheme: credential.scheme, username: user.username, workspaces: [...user.workspaces] };
}

/** Keyed by scheme name, with credential-type fallbacks for user-supplied specs that name schemes differently. */
export const verifiers: Record<string, Verifier<TiledbState, TiledbOptions>> = {
  ApiKeyAuth: verifyApiToken,
  OAuth2: verifyApiToken,
  BasicAuth: verifyBasicAuth,
  apiKey: verifyApiToken,
  bearer: verifyApiToken,
  basic: verifyBasicAuth,
};

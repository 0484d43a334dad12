/**
 * The login flows' part of the lakeFS state (owned by login/): SSO cookie sessions, and — as this folder
 * grows — OIDC / STS codes and token mailboxes.
 */
import type { Table } from '../table.js';
import { lookup } from '../table.js';

/** A browser session created by the OIDC callback (or SAML), or seeded by a scenario. */
export interface SsoSession {
  userId: string;
  /** The identity provider's claims (sub, email, …), kept for GET /user and the dashboard. */
  claims: Record<string, string>;
  /** Unix seconds; absent: never expires. */
  expiresAt?: number;
}

export interface LoginState {
  /** `oidc_auth_session` cookie value → session. */
  oidcSessions: Table<SsoSession>;
  /** `saml_auth_session` cookie value → session. */
  samlSessions: Table<SsoSession>;
}

// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface LoginOptions {}

/** The user behind an SSO session cookie, if the session exists and has not expired. */
export function ssoSessionUser(login: LoginState, kind: 'oidc' | 'saml', cookie: string, now: Date): string | undefined {
  const session = lookup(kind === 'oidc' ? login.oidcSessions : login.samlSessions, cookie);
  if (!session) return undefined;
  if (session.expiresAt !== undefined && session.expiresAt * 1000 < now.getTime()) return undefined;
  return session.userId;
}

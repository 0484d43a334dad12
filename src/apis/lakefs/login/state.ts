/**
 * The login flows' part of the lakeFS state (owned by login/): SSO cookie sessions, what the simulated
 * identity provider and authentication service know (OIDC identities, STS codes, AWS identities, directory
 * users), the OIDC codes the mock's sign-in page has issued, and the token mailboxes of `lakectl login`.
 * Times are Unix seconds.
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

/** Someone the mock's identity provider can sign in (`sso.oidcIdentities`). */
export interface OidcIdentity {
  sub: string;
  email?: string;
  name?: string;
  /** Groups a user created at first sign-in joins (lakeFS's initial-groups claim); the option's defaults otherwise. */
  groups?: string[];
}

/** A code issued by the mock's authorize page, redeemed by GET /oidc/callback. */
export interface OidcCode {
  sub: string;
  redirectUri: string;
  /** The state the sign-in started with; the callback must hand back the same. */
  state?: string;
  expiresAt: number;
}

/** An authorization code the simulated authentication service redeems for claims (`sso.stsCodes`). */
export interface StsCode {
  code: string;
  /** When set, the request's state must equal it. */
  state?: string;
  /** When set, the request's redirect_uri must equal it. */
  redirectUri?: string;
  claims: Record<string, string>;
  /** The provider says the session behind the code has expired: 403 `session expired`. */
  expired?: boolean;
  /** Unix seconds of the successful redemption (codes work once unless `stsSingleUseCodes: false`). */
  usedAt?: number;
}

/**
 * An identity proof the simulated authentication service recognises, and the principal it names. Seeded
 * from `users[].externalPrincipals[].identity` and `sso.externalIdentities`; kept here so that detaching the
 * principal from its user leaves the proof known (lakeFS then answers 404, as upstream).
 */
export interface ExternalIdentity {
  principalId: string;
  /** Every field must equal the request's: top-level in identityRequest, or inside its decoded identity_token. */
  identity: Record<string, string>;
  expired?: boolean;
}

/** A directory account of the remote authenticator that POST /auth/login falls back to (`sso.ldapUsers`). */
export interface LdapUser {
  username: string;
  password: string;
  /** The external id the directory reports (a DN); the username when absent. */
  dn?: string;
}

/** A login request opened by getTokenRedirect: its token is public, its mailbox secret. */
export interface LoginRequest {
  mailbox: string;
  expiresAt: number;
}

export interface Mailbox {
  expiresAt: number;
  /** Set by releaseTokenToMailbox; handed out once by getTokenFromMailbox. */
  token?: { token: string; token_expiration: number };
}

/**
 * The state's login part. Only the two session tables are always there (the foundation's seeding and
 * security.ts rely on them); the rest is filled in by createLoginState, and by flowsOf() for a state made
 * before this folder grew (a snapshot or --state-file from an older mockgate).
 */
export interface LoginState {
  /** `oidc_auth_session` cookie value → session. */
  oidcSessions: Table<SsoSession>;
  /** `saml_auth_session` cookie value → session. */
  samlSessions: Table<SsoSession>;
  oidcIdentities?: OidcIdentity[];
  /** code → the sign-in it stands for. */
  oidcCodes?: Table<OidcCode>;
  /** code → STS code. */
  stsCodes?: Table<StsCode>;
  externalIdentities?: ExternalIdentity[];
  /** username → directory account. */
  ldapUsers?: Table<LdapUser>;
  /** login request token → request. */
  loginRequests?: Table<LoginRequest>;
  /** mailbox id → mailbox. */
  mailboxes?: Table<Mailbox>;
}

export type LoginFlows = Required<LoginState>;

/** The login flows' switches under `apis.lakefs.options`. */
export interface LoginOptions {
  /** Where GET /logout sends the browser (lakeFS's `auth.logout_redirect_url`). */
  logoutRedirect: string;
  /** Where the OIDC callback sends the browser once signed in. */
  oidcRedirect: string;
  /** Groups a user created by the OIDC callback joins when its identity names none (`auth.oidc.default_initial_groups`). */
  oidcDefaultGroups: string[];
  /** Lifetime of the codes the mock's authorize page issues. */
  oidcCodeLifetimeSeconds: number;
  /** Whether an STS code works only once. */
  stsSingleUseCodes: boolean;
  /** How long a token-mailbox login request (and its mailbox) stays open. */
  tokenMailboxLifetimeSeconds: number;
  /** Group a directory user joins when POST /auth/login creates it (`auth.remote_authenticator.default_user_group`). */
  ldapDefaultGroup: string;
}

export const loginDefaults: LoginOptions = {
  logoutRedirect: '/',
  oidcRedirect: '/',
  oidcDefaultGroups: [],
  oidcCodeLifetimeSeconds: 300,
  stsSingleUseCodes: true,
  tokenMailboxLifetimeSeconds: 600,
  ldapDefaultGroup: 'Viewers',
};

/** This folder's options: each one the scenario sets (to anything but undefined) over its default. */
export function resolveLoginOptions(given: Partial<LoginOptions>): LoginOptions {
  const set = Object.entries(given).filter(([key, value]) => Object.hasOwn(loginDefaults, key) && value !== undefined);
  return { ...loginDefaults, ...Object.fromEntries(set) };
}

export function emptyLoginState(): LoginFlows {
  return {
    oidcSessions: {},
    samlSessions: {},
    oidcIdentities: [],
    oidcCodes: {},
    stsCodes: {},
    externalIdentities: [],
    ldapUsers: {},
    loginRequests: {},
    mailboxes: {},
  };
}

/** The login part with every table present (missing ones are added empty, in place). */
export function flowsOf(state: { login: LoginState }): LoginFlows {
  const login = state.login as Partial<LoginFlows>;
  for (const [key, value] of Object.entries(emptyLoginState()) as Array<[keyof LoginFlows, unknown]>) {
    if (login[key] === undefined) (login as Record<string, unknown>)[key] = value;
  }
  return login as LoginFlows;
}

/** The user behind an SSO session cookie, if the session exists and has not expired. */
export function ssoSessionUser(login: LoginState, kind: 'oidc' | 'saml', cookie: string, now: Date): string | undefined {
  const session = lookup(kind === 'oidc' ? login.oidcSessions : login.samlSessions, cookie);
  if (!session) return undefined;
  if (session.expiresAt !== undefined && session.expiresAt * 1000 < now.getTime()) return undefined;
  return session.userId;
}

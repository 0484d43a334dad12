/**
 * Per-session state of the external authentication service: the directory entries, the AWS identities the
 * simulated STS recognises, and the OIDC authorization codes the simulated identity provider has issued.
 * Codes record when they were redeemed, so a test (or a state snapshot) can see that a sign-in consumed one.
 */

export interface AuthServiceOptions {
  /** Where GET /oidc/callback sends the browser after a good code (a code may override it). */
  oidcCallbackLocation?: string;
  /** OIDC codes (STS login and callback) work once, as real authorization codes do. */
  singleUseCodes?: boolean;
  /** Lifetime written into the `exp` claim when a seeded STS code's claims have none. */
  stsClaimsLifetimeSeconds?: number;
  /** Refuse identity tokens whose presigned request has expired (date + expiration_duration). */
  checkIdentityTokenExpiry?: boolean;
  /** Base of the DN given to directory users seeded without one: `uid=<username>,<base>`. */
  ldapUserBaseDn?: string;
}

export interface ResolvedOptions {
  oidcCallbackLocation: string;
  singleUseCodes: boolean;
  stsClaimsLifetimeSeconds: number;
  checkIdentityTokenExpiry: boolean;
  ldapUserBaseDn: string;
}

export const DEFAULTS: ResolvedOptions = {
  oidcCallbackLocation: '/',
  singleUseCodes: true,
  stsClaimsLifetimeSeconds: 3600,
  checkIdentityTokenExpiry: true,
  ldapUserBaseDn: 'ou=people,dc=example,dc=org',
};

/**
 * The scenario's options (any subset) spread over the defaults: what handlers see as `ctx.options`. Seeding
 * calls it too, as createState receives the options as the scenario wrote them (directory users' DNs).
 */
export function resolveOptions(options: AuthServiceOptions | undefined): ResolvedOptions {
  return { ...DEFAULTS, ...(options ?? {}) };
}

export interface LdapUser {
  username: string;
  password: string;
  dn: string;
  /** A disabled entry refuses every bind, like an account locked in the directory. */
  disabled: boolean;
}

export interface ExternalPrincipalEntry {
  /** The caller's ARN, as GetCallerIdentity reports it. */
  id: string;
  /** Access key id of the credentials that signed the presigned request (ASIA… for role sessions). */
  accessKeyId: string;
  /** When set, the token's security_token must equal it. */
  securityToken?: string;
  expired: boolean;
  /** ISO date-time from which the identity counts as expired. */
  expiresAt?: string;
}

export interface StsCode {
  code: string;
  /** When set, the request's state must equal it. */
  state?: string;
  /** When set, the request's redirect_uri must equal it. */
  redirectUri?: string;
  claims: Record<string, string>;
  expiresAt?: string;
  /** ISO date-time of the successful redemption; null while unused. */
  usedAt: string | null;
}

export interface OidcCode {
  code: string;
  state?: string;
  /** Overrides options.oidcCallbackLocation for this code. */
  location?: string;
  expiresAt?: string;
  usedAt: string | null;
}

export interface AuthServiceState {
  ldapUsers: LdapUser[];
  externalPrincipals: ExternalPrincipalEntry[];
  stsCodes: StsCode[];
  oidcCodes: OidcCode[];
}

/** A seeded code or identity whose `expiresAt` has passed. */
export function hasExpired(expiresAt: string | undefined, now: Date): boolean {
  return expiresAt !== undefined && Date.parse(expiresAt) <= now.getTime();
}

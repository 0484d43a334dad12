/**
 * The per-session state of the lakeFS API: the identity store (users, groups, policies, credentials and the
 * relations between them) that authentication and authorization read, plus the login flows' and the
 * repositories' own parts, each owned by its folder. Plain JSON: snapshots, --state-file and reset work on it
 * as is. Times are Unix seconds, as lakeFS sends them.
 */
import type { HandlerContext, SecurityContext } from '../../engine/types.js';
import { resolveLoginOptions, type LoginOptions, type LoginState } from './login/state.js';
import { resolveRepoOptions, type RepoOptions, type RepoState } from './repos/state.js';
import type { Table } from './table.js';
import { resolveCaches, type AuthCacheState, type CacheSeconds } from './caches.js';

export interface UserRecord {
  /** The username: lakeFS's public `id`. */
  id: string;
  creationDate: number;
  friendlyName?: string;
  email?: string;
  /** The identity provider's subject for users created or matched by OIDC / SAML / STS logins. */
  externalId?: string;
}

export interface GroupRecord {
  id: string;
  /** Display name; equal to the id in lakeFS's reference backends. */
  name: string;
  description?: string;
  creationDate: number;
}

export type Effect = 'allow' | 'deny';

/** `{ IpAddress: { SourceIp: ['10.0.0.0/8'] } }` and the like (lakeFS pkg/auth/condition.go). */
export type PolicyCondition = Record<string, Record<string, string[]>>;

export interface PolicyStatement {
  effect: Effect;
  action: string[];
  /** One ARN, `*`, or a JSON array of ARNs encoded as a string, as lakeFS stores it. */
  resource: string;
  condition?: PolicyCondition;
}

export interface PolicyRecord {
  id: string;
  creationDate: number;
  statement: PolicyStatement[];
}

export interface CredentialRecord {
  accessKeyId: string;
  secretAccessKey: string;
  userId: string;
  creationDate: number;
}

export interface ExternalPrincipalRecord {
  /** The principal's id, e.g. an AWS IAM role ARN. */
  id: string;
  userId: string;
  /**
   * Seeded only: the fields an identity request must carry (all of them, equal) for
   * externalPrincipalLogin to resolve to this principal.
   */
  identity?: Record<string, string>;
  /** Seeded only: logins resolving to this principal answer 403 `session expired`. */
  expired?: boolean;
}

export interface LakefsOptions extends LoginOptions, RepoOptions {
  /**
   * `rbac`: lakeFS Enterprise / RBAC mode, policies evaluated. `community`: open-source lakeFS's single-user mode,
   * where every call of the one user is allowed and groups, policies and external principals answer 501.
   */
  mode: 'rbac' | 'community';
  /** HS256 secret of the login tokens (lakeFS's `auth.encrypt.secret_key`). */
  jwtSecret: string;
  /** Lifetime of `POST /auth/login` tokens (lakeFS's `auth.login_duration`, 168h). */
  loginTokenLifetimeSeconds: number;
  /** Longest lifetime a caller may ask for (lakeFS's `auth.login_max_duration`, 336h). */
  loginTokenMaxLifetimeSeconds: number;
  /** Whether external principals are enabled (`auth.authentication_api.external_principals_enabled`). */
  externalPrincipals: boolean;
  /**
   * lakeFS's caches (caches.ts): how long a deleted repository or user stays readable, and new branch protection
   * rules wait. The scenario writes `off` (the default), `lakefs-defaults`, or an object of seconds.
   */
  caches: CacheSeconds;
}

export interface LakefsState {
  users: Table<UserRecord>;
  groups: Table<GroupRecord>;
  policies: Table<PolicyRecord>;
  /** By access key id. */
  credentials: Table<CredentialRecord>;
  /** group id → member user ids. */
  groupMembers: Table<string[]>;
  /** user id → directly attached policy ids. */
  userPolicies: Table<string[]>;
  /** group id → attached policy ids. */
  groupPolicies: Table<string[]>;
  externalPrincipals: Table<ExternalPrincipalRecord>;
  /** Owned by login/: cookie sessions, OIDC / STS codes, token mailboxes. */
  login: LoginState;
  /** With the auth cache on (caches.ts): deleted users and credentials it still answers. */
  authCache?: AuthCacheState;
  /** Owned by repos/: repositories, branches, commits, objects, multipart uploads. */
  repos: RepoState;
}

export type LakefsContext = HandlerContext<LakefsState, LakefsOptions>;
export type LakefsSecurityContext = SecurityContext<LakefsState, LakefsOptions>;

export const defaultOptions = {
  mode: 'rbac',
  jwtSecret: 'mockgate-lakefs-dev-secret',
  loginTokenLifetimeSeconds: 168 * 3600,
  loginTokenMaxLifetimeSeconds: 336 * 3600,
  externalPrincipals: true,
} satisfies Partial<LakefsOptions>;

/**
 * What handlers and verifiers see as `ctx.options`: the scenario's options (any subset) spread over the
 * foundation's defaults, with the login flows' and the repositories' filled in by their own folders.
 */
export function resolveOptions(given: Partial<LakefsOptions> | undefined): LakefsOptions {
  const options = given ?? {};
  return {
    ...defaultOptions,
    ...options,
    ...resolveLoginOptions(options),
    ...resolveRepoOptions(options),
    caches: resolveCaches((options as { caches?: unknown }).caches),
  };
}

export const unixSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

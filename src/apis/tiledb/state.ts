/**
 * The per-session state of the TileDB API (plain JSON: the engine persists it) and the scenario options.
 * Secrets are stored as sent; they are redacted only on the way out (material.ts).
 */
import type { Material } from './material.js';

export const CLOUD_PROVIDERS = ['AWS', 'AZURE', 'GCP'] as const;
export type CloudProvider = (typeof CLOUD_PROVIDERS)[number];
export type CredentialType = 'workspace' | 'teamspace';

export interface Teamspace { id: string; name: string }
export interface Workspace { id: string; name: string; teamspaces: Teamspace[] }

/** A member who signs in with HTTP Basic; `workspaces` holds workspace ids. */
export interface User { id: string; username: string; password: string; workspaces: string[] }

/** An API token (also accepted as an OAuth2 bearer token); it grants its one workspace. */
export interface ApiToken {
  token: string;
  workspace: string;
  user?: string;
  /** ISO date-time; the token answers 401 from then on. */
  expiresAt?: string;
  revoked: boolean;
}

export interface StoredCredential extends Material {
  id: string;
  workspace_id: string;
  /** null for a workspace credential. */
  teamspace_id: string | null;
  name: string;
  provider: CloudProvider;
  provider_default: boolean;
  allowed_in_tasks: boolean;
  created_at: string;
  updated_at?: string;
}

export interface TiledbState {
  workspaces: Workspace[];
  users: User[];
  tokens: ApiToken[];
  credentials: StoredCredential[];
}

/** Where a credential lives: a workspace, or one teamspace of it. */
export interface Scope { workspace: Workspace; teamspace?: Teamspace }

/** Behaviour switches for what the real server does not document (see the README's TileDB section). */
export interface TiledbOptions {
  /** Status of a create or rename onto a name already used in the scope. */
  duplicateNameStatus: 409 | 400;
  /** A second `provider_default: true` for a provider: clear the old default, or answer 409. */
  providerDefaultConflict: 'replace' | 'reject';
  /** Page size when `per_page` is absent. */
  defaultPerPage: number;
  /** Larger `per_page` values are lowered to this. */
  maxPerPage: number;
  /** Role ARNs (`*` matches any run of characters) whose simulated AssumeRole fails on verify. */
  verifyDeniedRoleArns: string[];
  /** When not empty, only role ARNs matching one of these pass verify. */
  verifyAllowedRoleArns: string[];
}

export const DEFAULT_OPTIONS: TiledbOptions = Object.freeze({
  duplicateNameStatus: 409,
  providerDefaultConflict: 'replace',
  defaultPerPage: 10,
  maxPerPage: 100,
  verifyDeniedRoleArns: [],
  verifyAllowedRoleArns: [],
}) as TiledbOptions;

/** The scenario's options (any subset) spread over the defaults: what handlers see as `ctx.options`. */
export function resolveOptions(given: Partial<TiledbOptions> | undefined): TiledbOptions {
  return { ...DEFAULT_OPTIONS, ...(given ?? {}) };
}

export function emptyState(): TiledbState {
  return { workspaces: [], users: [], tokens: [], credentials: [] };
}

export function credentialType(credential: StoredCredential): CredentialType {
  return credential.teamspace_id === null ? 'workspace' : 'teamspace';
}

export function inScope(credential: StoredCredential, scope: Scope): boolean {
  return credential.workspace_id === scope.workspace.id && credential.teamspace_id === (scope.teamspace?.id ?? null);
}

export function findCredential(state: TiledbState, scope: Scope, name: string): StoredCredential | undefined {
  return state.credentials.find((c) => inScope(c, scope) && c.name === name);
}

/** The credential that is currently the scope's default for a provider, other than `exceptId`. */
export function defaultHolder(
  state: TiledbState,
  scope: Scope,
  provider: CloudProvider,
  exceptId?: string,
): StoredCredential | undefined {
  return state.credentials.find(
    (c) => inScope(c, scope) && c.provider === provider && c.provider_default && c.id !== exceptId,
  );
}

export function scopeLabel(scope: Scope): string {
  return scope.teamspace ? `teamspace ${scope.teamspace.name}` : `workspace ${scope.workspace.name}`;
}

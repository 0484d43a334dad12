/**
 * The stored-credential operations. Each handler runs its checks in one order, documented in the README:
 * request-only rules (400), scope (404 workspace / 403 / 404 teamspace), the target credential (404), then
 * rules against the stored state (400 consistency, 409 conflicts); only then does it mutate, with no await
 * in between, so concurrent requests cannot both pass a uniqueness check.
 */
import type { HandlerContext, Reply } from '../../../engine/types.js';
import { credentialNotFound, nameTaken, providerDefaultTaken } from '../errors.js';
import { materialToStore, MATERIAL_KINDS, presentKinds } from '../material.js';
import { forReading } from '../../../engine/collection.js';
import { pageByKey, readPageRequest } from '../pagination.js';
import { reply, toAccessCredential } from '../present.js';
import { resolveScope } from '../scope.js';
import {
  defaultHolder,
  findCredential,
  inScope,
  scopeLabel,
  credentialType,
  type CloudProvider,
  type Scope,
  type StoredCredential,
  type TiledbOptions,
  type TiledbState,
} from '../state.js';
import { newId } from '../ids.js';
import {
  credentialRequestIssues,
  isCloudProvider,
  materialIssues,
  storedMaterialIssues,
  throwIfIssues,
  updateRequestIssues,
} from '../validation.js';
import type { ValidationIssue } from '../../../engine/errors.js';

type Ctx = HandlerContext<TiledbState, TiledbOptions>;

const scopeOf = (ctx: Ctx): Scope => resolveScope(ctx, ctx.request.params.workspace, ctx.request.query.teamspace_id);

function existingCredential(ctx: Ctx, scope: Scope): StoredCredential {
  const credential = findCredential(ctx.state, scope, String(ctx.request.params.name ?? ''));
  if (!credential) throw credentialNotFound();
  return credential;
}

/**
 * The credential that must stop being the provider default when `self` becomes it, or undefined. In
 * 'reject' mode a current holder is a 409 instead.
 */
function displacedDefault(ctx: Ctx, scope: Scope, provider: CloudProvider, selfId?: string): StoredCredential | undefined {
  const holder = defaultHolder(ctx.state, scope, provider, selfId);
  if (holder && ctx.options.providerDefaultConflict === 'reject') {
    throw providerDefaultTaken(provider, holder.name);
  }
  return holder;
}

function assertNameFree(ctx: Ctx, scope: Scope, name: string): void {
  if (findCredential(ctx.state, scope, name)) {
    throw nameTaken(name, scopeLabel(scope), ctx.options.duplicateNameStatus);
  }
}

export function createCredential(ctx: Ctx): Reply {
  const body = ctx.request.body;
  throwIfIssues(credentialRequestIssues(body));
  const scope = scopeOf(ctx);
  assertNameFree(ctx, scope, body.name);
  const displaced = body.provider_default === true ? displacedDefault(ctx, scope, body.provider) : undefined;
  const now = ctx.now.toISOString();
  if (displaced) Object.assign(displaced, { provider_default: false, updated_at: now });
  ctx.state.credentials.push({
    id: newId('cred', ctx.faker),
    workspace_id: scope.workspace.id,
    teamspace_id: scope.teamspace?.id ?? null,
    name: body.name,
    provider: body.provider,
    provider_default: body.provider_default ?? false,
    allowed_in_tasks: body.allowed_in_tasks ?? false,
    created_at: now,
    ...materialToStore(body),
  });
  return reply(ctx, 201);
}

export function getCredentials(ctx: Ctx): Reply {
  const query = ctx.request.query;
  const page = readPageRequest(query, ctx.options);
  throwIfIssues([...page.issues, ...listFilterIssues(query)]);
  const scope = scopeOf(ctx);
  const listed = (c: StoredCredential) =>
    inScope(c, scope) &&
    (query.provider === undefined || c.provider === query.provider) &&
    (query.type === undefined || credentialType(c) === query.type);
  // Names are unique within a scope, so they order the page. Read from the state itself: a listing writes nothing.
  const { data, pagination_metadata } = pageByKey(forReading(ctx.state).credentials, listed, (c) => c.name, page.request);
  return reply(ctx, 200, { data: data.map(toAccessCredential), pagination_metadata });
}

function listFilterIssues(query: Record<string, unknown>): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (query.provider !== undefined && !isCloudProvider(query.provider)) {
    issues.push({ in: 'query', path: ['provider'], message: 'must be one of AWS, AZURE, GCP', keyword: 'enum' });
  }
  if (query.type !== undefined && query.type !== 'workspace' && query.type !== 'teamspace') {
    issues.push({ in: 'query', path: ['type'], message: 'must be one of workspace, teamspace', keyword: 'enum' });
  }
  return issues;
}

export function getCredentialByName(ctx: Ctx): Reply {
  const credential = existingCredential(ctx, scopeOf(ctx));
  return reply(ctx, 200, { data: toAccessCredential(credential) });
}

export function patchCredentialByName(ctx: Ctx): Reply {
  const body = ctx.request.body;
  throwIfIssues(updateRequestIssues(body));
  const scope = scopeOf(ctx);
  const current = existingCredential(ctx, scope);
  const provider: CloudProvider = body.provider ?? current.provider;
  const sendsMaterial = presentKinds(body).length > 0;
  // The sub-field must match the provider the credential will have, sent or kept.
  throwIfIssues(sendsMaterial ? materialIssues(body, provider, 'at-most-one') : storedMaterialIssues(current, provider));
  if (body.name !== undefined && body.name !== current.name) assertNameFree(ctx, scope, body.name);
  const willBeDefault: boolean = body.provider_default ?? current.provider_default;
  const displaced = willBeDefault ? displacedDefault(ctx, scope, provider, current.id) : undefined;

  const now = ctx.now.toISOString();
  if (displaced) Object.assign(displaced, { provider_default: false, updated_at: now });
  for (const field of ['name', 'provider', 'provider_default', 'allowed_in_tasks'] as const) {
    if (body[field] !== undefined) (current as any)[field] = body[field];
  }
  if (sendsMaterial) {
    for (const kind of MATERIAL_KINDS) delete current[kind];
    Object.assign(current, materialToStore(body));
  }
  current.updated_at = now;
  return reply(ctx, 204);
}

export function deleteCredentialByName(ctx: Ctx): Reply {
  const credential = existingCredential(ctx, scopeOf(ctx));
  ctx.state.credentials.splice(ctx.state.credentials.indexOf(credential), 1);
  return reply(ctx, 204);
}

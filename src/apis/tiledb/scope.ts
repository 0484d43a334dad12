/**
 * Resolves the scope a request addresses: a workspace (path parameter, by name or id) and optionally one of
 * its teamspaces (by id only, as the SDK resolves names first). Order: unknown workspace 404, then 403 for
 * a caller who is not a member, then unknown teamspace 404, so outsiders learn nothing about teamspaces.
 */
import { forbidden, unauthorized } from '../../engine/errors.js';
import type { HandlerContext } from '../../engine/types.js';
import { teamspaceNotFound, workspaceNotFound } from './errors.js';
import type { TiledbPrincipal } from './security.js';
import type { Scope, TiledbOptions, TiledbState } from './state.js';

type Ctx = HandlerContext<TiledbState, TiledbOptions>;

export function resolveScope(ctx: Ctx, workspaceRef: unknown, teamspaceId: unknown): Scope {
  const ref = typeof workspaceRef === 'string' ? workspaceRef : '';
  // An id wins over a workspace whose name happens to look like one.
  const workspace = ctx.state.workspaces.find((w) => w.id === ref) ?? ctx.state.workspaces.find((w) => w.name === ref);
  if (!workspace) throw workspaceNotFound();
  const principal = ctx.principal as TiledbPrincipal | undefined;
  if (!principal) throw unauthorized('missing');
  if (!principal.workspaces?.includes(workspace.id)) throw forbidden('You do not have access to this workspace');
  // "Teamspace id should be empty" for workspace-level calls: an empty value means no teamspace.
  if (teamspaceId === undefined || teamspaceId === null || teamspaceId === '') return { workspace };
  const teamspace = workspace.teamspaces.find((t) => t.id === teamspaceId);
  if (!teamspace) throw teamspaceNotFound();
  return { workspace, teamspace };
}

/** How stored credentials and successful answers look on the wire. */
import type { HandlerContext, Reply } from '../../engine/types.js';
import { redactMaterial } from './material.js';
import { credentialType, type StoredCredential } from './state.js';

/** The AccessCredential a client sees: metadata, identifiers, and redacted secrets. */
export function toAccessCredential(c: StoredCredential): Record<string, unknown> {
  return {
    id: c.id,
    name: c.name,
    provider: c.provider,
    credential_type: credentialType(c),
    provider_default: c.provider_default,
    allowed_in_tasks: c.allowed_in_tasks,
    created_at: c.created_at,
    ...(c.updated_at ? { updated_at: c.updated_at } : {}),
    ...redactMaterial(c),
  };
}

/** Every answer carries the request id that error bodies also show, for tracing. */
export function reply(ctx: HandlerContext, status: number, body?: unknown): Reply {
  const headers = { 'X-Request-Id': ctx.requestId };
  return body === undefined ? { status, headers } : { status, body, headers };
}

/**
 * lakeFS answers: JSON written by Go's json.Encoder (trailing newline) with `X-Content-Type-Options: nosniff`,
 * `X-Request-ID` on every answer (its logging middleware), and no Content-Type or body on 201/204 answers
 * that return nothing.
 */
import type { Reply } from '../../engine/types.js';

export function json(ctx: { requestId: string }, status: number, body: unknown, headers: Record<string, string | string[]> = {}): Reply {
  return {
    status,
    body,
    newlineTerminated: true,
    headers: { 'X-Content-Type-Options': 'nosniff', 'X-Request-ID': ctx.requestId, ...headers },
  };
}

export function empty(ctx: { requestId: string }, status: 200 | 201 | 204 | 302 | 303 | 307, headers: Record<string, string | string[]> = {}): Reply {
  return { status, headers: { 'X-Request-ID': ctx.requestId, ...headers } };
}

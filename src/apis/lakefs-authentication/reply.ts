/**
 * How the service writes JSON: Go's API writers send `Content-Type: application/json` and
 * `X-Content-Type-Options: nosniff` with every JSON answer, success or error, and Go's json.Encoder ends
 * the text with "\n".
 */
import type { Reply } from '../../engine/types.js';

const NOSNIFF = { 'X-Content-Type-Options': 'nosniff' };

export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): Reply {
  return { status, body, contentType: 'application/json', newlineTerminated: true, headers: { ...headers, ...NOSNIFF } };
}

export function errorReply(status: number, message: string, headers: Record<string, string> = {}): Reply {
  return jsonReply(status, { message }, headers);
}

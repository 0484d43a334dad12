/**
 * RFC 7807 (now RFC 9457) problem details: the error shape a user's spec gets when it declares nothing for the
 * status (no exact code, no `4XX` range, no `default`). `type` is `about:blank` — the problem is the status itself,
 * so `title` is the status's reason phrase, the same for every occurrence (RFC 7807 §4.2) — and `detail` says
 * what happened this time. What mockgate knows beyond that (the validation issues of a refused request, or of an
 * answer that broke the spec) goes in extension members (§3.2), so a client reads them where it read them before.
 */
import { http } from './node-http.js';
import { httpStatusText, type MockError } from './errors.js';
import type { Reply } from './types.js';

export const PROBLEM_JSON = 'application/problem+json';

export interface ProblemDetails {
  type: 'about:blank';
  title: string;
  status: number;
  detail: string;
  /** The validation issues, when the error has any (an extension member). */
  issues?: MockError['issues'];
}

/** The error as problem+json, with the error's own headers (WWW-Authenticate, Retry-After, Allow, …). */
export function problemReply(error: MockError): Reply {
  const body: ProblemDetails = { type: 'about:blank', title: reasonPhrase(error.status), status: error.status, detail: error.message };
  if (error.issues.length) body.issues = error.issues;
  return { status: error.status, headers: error.headers, body, contentType: PROBLEM_JSON };
}

/** The status's reason phrase: mockgate's own table first (it knows 420), then Node's (418, 451, …). */
export function reasonPhrase(status: number): string {
  const ours = httpStatusText(status);
  return ours === `HTTP ${status}` ? (http.STATUS_CODES[status] ?? ours) : ours;
}

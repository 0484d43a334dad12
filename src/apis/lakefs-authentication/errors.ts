/**
 * The service answers like lakeFS itself (both are Go servers validating with kin-openapi): errors are
 * `{"message": "..."}` with `X-Content-Type-Options: nosniff`, request-validation failures are 400 with
 * kin-openapi's wording, and statuses the spec declares without a body (420 on externalPrincipalLogin,
 * 401 on oauthCallback) are sent without one.
 */
import { ErrorCode, MockError, httpStatusText, type ValidationIssue } from '../../engine/errors.js';
import type { RenderContext, Reply } from '../../engine/types.js';
import { errorReply } from './reply.js';

/** Statuses each operation declares with no content: the renderer must not add a body to them. */
const BODILESS: Record<string, ReadonlySet<number>> = {
  externalPrincipalLogin: new Set([420]),
  oauthCallback: new Set([302, 401]),
  healthCheck: new Set([204]),
};

export function renderError(error: MockError, ctx: RenderContext): Reply {
  const status = statusOf(error);
  const headers = { ...error.headers };
  if (status === 204 || status === 304 || (ctx.operationId && BODILESS[ctx.operationId]?.has(status))) {
    return { status, headers };
  }
  return errorReply(status, messageOf(error), headers);
}

/** kin-openapi reports a body of the wrong content type as a 400 request error, not a 415. */
function statusOf(error: MockError): number {
  return error.code === ErrorCode.UnsupportedMediaType ? 400 : error.status;
}

function messageOf(error: MockError): string {
  switch (error.code) {
    case ErrorCode.ValidationFailed:
      // kin-openapi stops at the first problem it finds.
      return error.issues.length ? kinOpenApiText(error.issues[0]!) : error.message;
    case ErrorCode.MalformedBody:
      return `request body has an error: failed to decode request body: ${goJsonError(error)}`;
    case ErrorCode.UnsupportedMediaType: {
      // The refused media type travels as a typed field; an edge 415 (an unknown Content-Encoding) has none.
      const type = typeof error.detail.contentType === 'string' ? error.detail.contentType : '';
      return `request body has an error: header Content-Type has unexpected value: ${JSON.stringify(type)}`;
    }
    case ErrorCode.RouteNotFound:
      return 'invalid API endpoint';
    case ErrorCode.RateLimited:
      return 'too many requests';
    case ErrorCode.InjectedStatus:
    case ErrorCode.MethodNotAllowed:
    case ErrorCode.NotImplemented:
      return httpStatusText(error.status);
    default:
      return error.message;
  }
}

/** kin-openapi's RequestError text for the first validation issue. */
export function kinOpenApiText(issue: ValidationIssue): string {
  if (issue.in === 'body') {
    if (issue.keyword === 'required' && issue.path.length === 0) return 'request body has an error: value is required but missing';
    return `request body has an error: doesn't match schema: ${schemaErrorText(issue)}`;
  }
  const name = issue.path[0] ?? '';
  const inner = { ...issue, path: issue.path.slice(1) };
  if (issue.keyword === 'required' && issue.path.length <= 1) return `parameter "${name}" in ${issue.in} has an error: value is required but missing`;
  return `parameter "${name}" in ${issue.in} has an error: ${schemaErrorText(inner)}`;
}

function schemaErrorText(issue: ValidationIssue): string {
  let at = issue.path;
  let reason: string;
  switch (issue.keyword) {
    case 'required':
      // The issue's path ends with the missing property; kin-openapi names it and points at its parent.
      at = issue.path.slice(0, -1);
      reason = `property ${JSON.stringify(String(issue.path.at(-1) ?? ''))} is missing`;
      break;
    case 'additionalProperties':
      at = issue.path.slice(0, -1);
      reason = `property ${JSON.stringify(String(issue.path.at(-1) ?? ''))} is unsupported`;
      break;
    case 'type':
      reason = `value must be ${article(issue.expectedType ?? 'object')}`;
      break;
    default:
      reason = issue.message;
  }
  return at.length ? `Error at "/${at.join('/')}": ${reason}` : reason;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/**
 * What Go's encoding/json says about the text: end of input, or the first character it could not use. Go
 * names the context more precisely ("after object key", …); the mock keeps to the most common wording.
 * The character comes from V8's message (which names it) or from the engine's position.
 */
function goJsonError(error: MockError): string {
  const doc = typeof error.detail.doc === 'string' ? error.detail.doc : '';
  const named = /Unexpected token '(.+?)'/u.exec(error.message)?.[1];
  const position = error.position ?? 0;
  const c = named ?? (/end of JSON input|Unterminated/.test(error.message) || position >= doc.length ? undefined : doc[position]);
  if (doc.trim() === '' || c === undefined) return 'unexpected end of JSON input';
  return `invalid character '${c === "'" ? "\\'" : c}' looking for beginning of value`;
}

// The service's own refusals. Messages are mockgate's choice: the real texts are not published.
export const invalidCredentials = () => new MockError(ErrorCode.Unauthenticated, 401, { authFailure: 'invalid', message: 'invalid credentials' });
export const identityRequestInvalid = (message: string) => new MockError(ErrorCode.BadRequest, 400, { message });
export const identityRefused = (message: string) => new MockError(ErrorCode.Unauthenticated, 401, { authFailure: 'invalid', message });
export const sessionExpired = () => new MockError(ErrorCode.Forbidden, 403, { message: 'session expired' });
export const codeRefused = (message: string) => new MockError(ErrorCode.Unauthenticated, 401, { authFailure: 'invalid', message });

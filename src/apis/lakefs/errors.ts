/**
 * lakeFS's error shape: `{"message": "..."}` written by Go's json.Encoder (so with a trailing newline), with
 * `Content-Type: application/json` and `X-Content-Type-Options: nosniff`. Validation errors read like
 * kin-openapi's (the validator lakeFS runs before authentication); everything else carries lakeFS's own texts
 * (notes/lakefs-api.md §8.6). The exact texts are part of the contract: SDK users match on them.
 */
import { ErrorCode, MockError, type ValidationIssue } from '../../engine/errors.js';
import type { RenderContext, Reply } from '../../engine/types.js';

/** lakeFS's texts, in one place. */
export const messages = {
  authenticating: 'error authenticating request',
  alreadyExists: 'Already exists',
  notFound: 'not found',
  userNotFound: 'user not found',
  groupNotFound: 'group not found',
  policyNotFound: 'policy not found',
  credentialsNotFound: 'credentials not found',
  notImplemented: 'Not Implemented',
  invalidEndpoint: 'invalid API endpoint',
  sessionExpired: 'session expired',
  unauthorized: 'Unauthorized',
} as const;

export function renderError(error: MockError, ctx: RenderContext): Reply {
  const headers: Record<string, string> = { ...error.headers, 'X-Request-ID': ctx.requestId };
  // lakeFS documents 429 (and the legacy client 420) with no body, and 204/304 cannot carry one; a rule that
  // injects a status without a body of its own gets an empty one there too.
  if (error.code === ErrorCode.RateLimited || error.status === 204 || error.status === 304 || bodiless.has(error.status)) {
    return { status: error.status, headers };
  }
  headers['X-Content-Type-Options'] = 'nosniff';
  return {
    // kin-openapi reports a body of the wrong content type as a request error: 400, not 415.
    status: error.code === ErrorCode.UnsupportedMediaType ? 400 : error.status,
    body: { message: messageOf(error) },
    newlineTerminated: true,
    headers,
  };
}

const bodiless = new Set([420, 429]);

function messageOf(error: MockError): string {
  switch (error.code) {
    case ErrorCode.ValidationFailed:
      return error.issues.length ? kinOpenapiText(error.issues[0]!) : error.message;
    case ErrorCode.MalformedBody:
      return `request body has an error: failed to decode request body: ${error.message}`;
    case ErrorCode.UnsupportedMediaType: {
      // The refused media type travels as a typed field; an edge 415 (an unknown Content-Encoding) has none.
      const type = typeof error.detail.contentType === 'string' ? error.detail.contentType : error.message;
      return `request body has an error: header Content-Type has unexpected value: ${JSON.stringify(type)}`;
    }
    case ErrorCode.Unauthenticated:
      // Every authentication failure reads the same on the wire (lakeFS masks the cause), unless the
      // thrower chose a lakeFS text of its own (`Unauthorized`, `invalid token format`).
      return error.detail.lakefsText === true ? error.message : messages.authenticating;
    case ErrorCode.RouteNotFound:
      return messages.invalidEndpoint;
    case ErrorCode.NotImplemented:
      return error.detail.lakefsText === true ? error.message : messages.notImplemented;
    default:
      return error.message;
  }
}

/** The first issue in kin-openapi's words: lakeFS reports one error per request. */
export function kinOpenapiText(issue: ValidationIssue): string {
  const what = schemaText(issue);
  if (issue.in === 'body') {
    if (issue.keyword === 'required' && issue.path.length === 0) return 'request body has an error: value is required but missing';
    const at = issue.keyword === 'required' ? issue.path.slice(0, -1) : issue.path;
    return `request body has an error: doesn't match schema: Error at "/${at.join('/')}": ${what}`;
  }
  const name = String(issue.path[0] ?? '');
  if (issue.keyword === 'required') return `parameter "${name}" in ${issue.in} has an error: value is required but missing`;
  return `parameter "${name}" in ${issue.in} has an error: ${what}`;
}

function schemaText(issue: ValidationIssue): string {
  const limit = /(-?\d+(?:\.\d+)?)/.exec(issue.message)?.[1];
  switch (issue.keyword) {
    case 'required':
      return `property "${issue.path[issue.path.length - 1]}" is missing`;
    case 'type':
      return `value must be ${article(issue.expectedType ?? 'value')}`;
    case 'maximum':
      return `number must be at most ${limit}`;
    case 'minimum':
      return `number must be at least ${limit}`;
    case 'minLength':
      return `minimum string length is ${limit}`;
    case 'maxLength':
      return `maximum string length is ${limit}`;
    case 'minItems':
      return `minimum number of items is ${limit}`;
    case 'maxItems':
      return `maximum number of items is ${limit}`;
    case 'enum':
      return `value is not one of the allowed values ${issue.message.replace(/^must be one of /, '')}`;
    case 'additionalProperties':
      return `property "${issue.path[issue.path.length - 1]}" is unsupported`;
    case 'pattern':
      return `string doesn't match the regular expression`;
    case 'format':
      // kin-openapi checks int32 / int64 ranges on numbers, and formats on strings.
      if (typeof issue.received === 'number') return `number must be an ${issue.format}`;
      return `string doesn't match the format: ${issue.message}`;
    default:
      return issue.message;
  }
}

const article = (type: string) => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

/** A lakeFS text that is not one of the engine's defaults (`Unauthorized`, `invalid token format`, `session expired`). */
function withLakefsText(error: MockError): MockError {
  error.detail.lakefsText = true;
  return error;
}

export const lakefsErrors = {
  /** Missing, bad or expired credentials; also a token of a deleted user. */
  authenticating: (why: 'missing' | 'invalid' | 'expired' | 'revoked' = 'invalid') =>
    new MockError(ErrorCode.Unauthenticated, 401, { authFailure: why, message: messages.authenticating }),
  /** Permission denied is 401 in lakeFS, not 403 (esti/auth_test.go asserts it). */
  insufficientPermissions: (action: string, denied: boolean) =>
    withLakefsText(
      new MockError(ErrorCode.Unauthenticated, 401, {
        authFailure: 'insufficient-role',
        message: `insufficient permissions: ${denied ? 'denied permission to' : 'not allowed to'} ${action}`,
        detail: { action },
      }),
    ),
  /** STS login failures and the authentication service's ErrInsufficientPermissions. */
  unauthorizedText: (text: string = messages.unauthorized) =>
    withLakefsText(new MockError(ErrorCode.Unauthenticated, 401, { authFailure: 'invalid', message: text })),
  notFound: (text: string = messages.notFound) => new MockError(ErrorCode.NotFound, 404, { message: text }),
  alreadyExists: () => new MockError(ErrorCode.Conflict, 409, { message: messages.alreadyExists }),
  badRequest: (text: string) => new MockError(ErrorCode.BadRequest, 400, { message: text }),
  forbidden: (text: string) => new MockError(ErrorCode.Forbidden, 403, { message: text }),
  notImplemented: (text: string = messages.notImplemented) =>
    withLakefsText(new MockError(ErrorCode.NotImplemented, 501, { message: text })),
};

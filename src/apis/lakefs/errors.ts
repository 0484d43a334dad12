/**
 * lakeFS's error shape: `{"message": "..."}` written by Go's json.Encoder (so with a trailing newline), with
 * `Content-Type: application/json` and `X-Content-Type-Options: nosniff`. Validation errors read like
 * kin-openapi's (the validator lakeFS runs before authentication, worded in ../shared/kin-openapi.ts); everything
 * else carries lakeFS's own texts (notes/lakefs-api.md §8.6). The exact texts are part of the contract: SDK users
 * match on them.
 */
import { ErrorCode, MockError } from '../../engine/errors.js';
import type { RenderContext, Reply } from '../../engine/types.js';
import { requestErrorText, undecodableBodyText, unexpectedMediaTypeText, type KinOpenapiWording } from '../shared/kin-openapi.js';

/**
 * lakeFS's texts that more than one check (or the renderer) answers with, in one place. A text that a single
 * check gives stays next to that check.
 */
export const messages = {
  authenticating: 'error authenticating request',
  alreadyExists: 'Already exists',
  notFound: 'not found',
  userNotFound: 'user not found',
  groupNotFound: 'group not found',
  policyNotFound: 'policy not found',
  credentialsNotFound: 'credentials not found',
  repositoryNotFound: 'repository not found',
  branchNotFound: 'branch not found',
  notImplemented: 'Not Implemented',
  invalidEndpoint: 'invalid API endpoint',
  invalidRequest: 'invalid request',
  sessionExpired: 'session expired',
  unauthorized: 'Unauthorized',
  readOnlyRepository: 'read-only repository',
  protectedBranchWrite: 'cannot write to protected branch',
  pathRequired: 'path is required',
  uploadIdRequired: 'upload_id is required',
  physicalAddressRequired: 'physical_address is required',
} as const;

export function renderError(error: MockError, ctx: RenderContext): Reply {
  const headers: Record<string, string> = { ...error.headers, 'X-Request-ID': ctx.requestId };
  // lakeFS documents 429 (and the legacy client 420) with no body, and 204/304 cannot carry one; a rule that
  // injects a status without a body of its own gets an empty one there too.
  if (error.code === ErrorCode.RateLimited || error.status === 204 || error.status === 304 || bodiless.has(error.status)) {
    return { status: error.status, headers };
  }
  headers['X-Content-Type-Options'] = 'nosniff';
  // lakeFS's router has no 405: a method a path does not serve falls through to the API's catch-all, 404
  // `invalid API endpoint` (recorded from the real 1.80.0, test/fidelity), with no Allow header.
  if (error.code === ErrorCode.MethodNotAllowed) {
    delete headers.Allow;
    return { status: 404, body: { message: messages.invalidEndpoint }, newlineTerminated: true, headers };
  }
  return {
    // kin-openapi reports a body of the wrong content type as a request error: 400, not 415.
    status: error.code === ErrorCode.UnsupportedMediaType ? 400 : error.status,
    body: { message: messageOf(error) },
    newlineTerminated: true,
    headers,
  };
}

const bodiless = new Set([420, 429]);

/** A problem at the root of the body is located: `doesn't match schema: Error at "/": property "id" is missing`. */
const KIN_OPENAPI_WORDING: KinOpenapiWording = { locateRootBodyErrors: true, truncatedBody: 'unexpected EOF' };

function messageOf(error: MockError): string {
  switch (error.code) {
    case ErrorCode.ValidationFailed:
      // kin-openapi's full text (validation.ts), when it could be reproduced.
      if (error.detail.lakefsText === true) return error.message;
      // kin-openapi stops at the first problem it finds.
      return error.issues.length ? requestErrorText(error.issues[0]!, KIN_OPENAPI_WORDING) : error.message;
    case ErrorCode.MalformedBody:
      return undecodableBodyText(error, KIN_OPENAPI_WORDING);
    case ErrorCode.UnsupportedMediaType:
      return unexpectedMediaTypeText(error);
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
  /** A condition (If-None-Match: *) that does not hold. */
  preconditionFailed: (text: string) => new MockError(ErrorCode.Conflict, 412, { message: text }),
  /**
   * A request lakeFS fails with 500 by design (an upload form without its `content` part): the client's fault,
   * not the mock's, so not an internal failure in the journal.
   */
  failedRequest: (text: string) => new MockError(ErrorCode.MalformedRequest, 500, { message: text }),
  notImplemented: (text: string = messages.notImplemented) =>
    withLakefsText(new MockError(ErrorCode.NotImplemented, 501, { message: text })),
};

/**
 * The 501 of an operation the deployment lacks (Community mode, no external principals), worded as the scenario's
 * lakeFS version words it: "Not implemented" up to 1.80 (recorded from the real 1.80.0, test/fidelity), "Not
 * Implemented" from 1.81.0 on (the notes' text, which mockgate followed before).
 */
export function notImplementedIn(options: { lakefsVersion: string }): MockError {
  return lakefsErrors.notImplemented(versionBefore(options.lakefsVersion, [1, 81, 0]) ? 'Not implemented' : messages.notImplemented);
}

/** Whether a lakeFS version ("1.80.0", "v1.84.1-rc1") is older than major.minor.patch; an unreadable one is not. */
export function versionBefore(version: string, [major, minor, patch]: [number, number, number]): boolean {
  // Three numeric fields compared in order: semver's precedence for released versions, without its range syntax.
  const [a = NaN, b = 0, c = 0] = version.replace(/^v/, '').split(/[.-]/, 3).map(Number);
  if (!Number.isInteger(a)) return false;
  return a !== major ? a < major : b !== minor ? b < minor : c < patch;
}

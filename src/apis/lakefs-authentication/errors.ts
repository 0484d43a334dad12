/**
 * The service answers like lakeFS itself (both are Go servers validating with kin-openapi): errors are
 * `{"message": "..."}` with `X-Content-Type-Options: nosniff`, request-validation failures are 400 with
 * kin-openapi's wording, and statuses the spec declares without a body (420 on externalPrincipalLogin,
 * 401 on oauthCallback) are sent without one.
 */
import { ErrorCode, MockError, httpStatusText } from '../../engine/errors.js';
import type { RenderContext, Reply } from '../../engine/types.js';
import { requestErrorText, undecodableBodyText, unexpectedMediaTypeText, type KinOpenapiWording } from '../shared/kin-openapi.js';
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

/** A problem at the root of the body is not located: `doesn't match schema: property "username" is missing`. */
const KIN_OPENAPI_WORDING: KinOpenapiWording = { locateRootBodyErrors: false, truncatedBody: 'unexpected end of JSON input' };

function messageOf(error: MockError): string {
  switch (error.code) {
    case ErrorCode.ValidationFailed:
      // kin-openapi stops at the first problem it finds.
      return error.issues.length ? requestErrorText(error.issues[0]!, KIN_OPENAPI_WORDING) : error.message;
    case ErrorCode.MalformedBody:
      return undecodableBodyText(error, KIN_OPENAPI_WORDING);
    case ErrorCode.UnsupportedMediaType:
      return unexpectedMediaTypeText(error);
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

// The service's own refusals. Messages are mockgate's choice: the real texts are not published.
export const invalidCredentials = () => new MockError(ErrorCode.Unauthenticated, 401, { authFailure: 'invalid', message: 'invalid credentials' });
export const identityRequestInvalid = (message: string) => new MockError(ErrorCode.BadRequest, 400, { message });
export const identityRefused = (message: string) => new MockError(ErrorCode.Unauthenticated, 401, { authFailure: 'invalid', message });
export const sessionExpired = () => new MockError(ErrorCode.Forbidden, 403, { message: 'session expired' });
export const codeRefused = (message: string) => new MockError(ErrorCode.Unauthenticated, 401, { authFailure: 'invalid', message });

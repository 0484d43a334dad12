/**
 * TileDB's error shape: `{code, message, request_id}` plus `validation_error.fields` for rejected input.
 * The real `code` points at a file and line of the private server; ours is one stable number per kind of
 * failure (table below, listed in the README), optionally refined per resource via `detail.code`.
 */
import { MockError, ErrorCode, badRequest, conflict, type ValidationIssue } from '../../engine/errors.js';
import type { RenderContext, Reply } from '../../engine/types.js';
import { fieldName, issueSummary } from './validation.js';

export const ERROR_CODES: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 1000,
  BAD_REQUEST: 1001,
  MALFORMED_BODY: 1002,
  UNSUPPORTED_MEDIA_TYPE: 1003,
  PAYLOAD_TOO_LARGE: 1004,
  HEADER_TOO_LARGE: 1005,
  MALFORMED_REQUEST: 1006,
  UNAUTHENTICATED: 2000,
  FORBIDDEN: 2001,
  NOT_FOUND: 3000,
  ROUTE_NOT_FOUND: 3001,
  METHOD_NOT_ALLOWED: 3002,
  STATUS_NOT_DECLARED: 3003,
  EXAMPLE_NOT_DECLARED: 3004,
  CONFLICT: 4000,
  RATE_LIMITED: 5000,
  INJECTED_STATUS: 6000,
  NOT_IMPLEMENTED: 9000,
  RESPONSE_INVALID: 9001,
  INTERNAL: 9002,
};

/** Refinements of NOT_FOUND / CONFLICT / BAD_REQUEST, so clients can tell which resource is meant. */
export const RESOURCE_CODES = {
  workspaceNotFound: 3010,
  teamspaceNotFound: 3020,
  credentialNotFound: 3030,
  nameTaken: 4010,
  providerDefaultTaken: 4020,
  assumeRoleFailed: 1010,
} as const;

const MISSING_CREDENTIALS = 'Authentication required: send an X-TILEDB-REST-API-KEY header, Basic credentials or a bearer token';

export function renderError(error: MockError, ctx: RenderContext): Reply {
  const detailCode = error.detail.code;
  const body: Record<string, unknown> = {
    code: typeof detailCode === 'number' ? detailCode : ERROR_CODES[error.code] ?? 9002,
    message: messageOf(error),
    request_id: ctx.requestId,
  };
  if (error.issues.length > 0 && error.status === 400) body.validation_error = { fields: error.issues.map(toField) };
  const headers = { ...error.headers, 'X-Request-Id': ctx.requestId };
  // 204 and 304 cannot carry a body; a rule may still inject them.
  if (error.status === 204 || error.status === 304) return { status: error.status, headers };
  return { status: error.status, body, headers };
}

/**
 * Schema violations found by the engine and rule violations found here read alike: the message lists every
 * field, since clients show only `"<message> - Code: <code>"`.
 */
function messageOf(error: MockError): string {
  if (error.code === ErrorCode.ValidationFailed && error.issues.length) return `Invalid request: ${issueSummary(error.issues)}`;
  if (error.code === ErrorCode.Unauthenticated && error.authFailure === 'missing') return MISSING_CREDENTIALS;
  return error.message;
}

function toField(issue: ValidationIssue): { field: string; message: string } {
  return { field: fieldName(issue.path, issue.in), message: issue.message };
}

export const workspaceNotFound = () =>
  new MockError(ErrorCode.NotFound, 404, { message: 'Workspace does not exist', detail: { code: RESOURCE_CODES.workspaceNotFound } });
export const teamspaceNotFound = () =>
  new MockError(ErrorCode.NotFound, 404, { message: 'Teamspace does not exist', detail: { code: RESOURCE_CODES.teamspaceNotFound } });
export const credentialNotFound = () =>
  new MockError(ErrorCode.NotFound, 404, { message: 'Credential does not exist', detail: { code: RESOURCE_CODES.credentialNotFound } });

/** A name already used in the scope: 409, or 400 naming the field when the scenario asks for it. */
export function nameTaken(name: string, where: string, status: 409 | 400): MockError {
  const message = `A credential named "${name}" already exists in ${where}`;
  const error =
    status === 400
      ? badRequest(message, [{ in: 'body', path: ['name'], message: 'is already used in this scope', keyword: 'unique' }])
      : conflict(message);
  error.detail.code = RESOURCE_CODES.nameTaken;
  return error;
}

export function providerDefaultTaken(provider: string, holder: string): MockError {
  return new MockError(ErrorCode.Conflict, 409, {
    message: `"${holder}" is already the default ${provider} credential of this scope`,
    detail: { code: RESOURCE_CODES.providerDefaultTaken },
  });
}

export function assumeRoleFailed(roleArn: string): MockError {
  return new MockError(ErrorCode.BadRequest, 400, {
    message: `Could not assume role ${roleArn}: access denied`,
    detail: { code: RESOURCE_CODES.assumeRoleFailed },
  });
}

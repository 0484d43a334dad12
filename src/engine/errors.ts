/**
 * The one catalogue of errors mockgate raises. Errors are typed values with a stable code; each API's
 * renderer turns them into its own wire shape ({message}, {detail}, {code,message,request_id}), so no
 * code ever matches on message text.
 */

/** Where a request validation issue was found. */
export type IssueLocation = 'path' | 'query' | 'header' | 'cookie' | 'body';

/** One request (or response) validation problem, already mapped out of ajv's vocabulary. */
export interface ValidationIssue {
  in: IssueLocation;
  /** Path inside the location, e.g. ['s3_location', 'path'] for a body field, ['page'] for a query param. */
  path: Array<string | number>;
  message: string;
  /** The JSON Schema keyword that failed (required, type, format, enum, …), or 'parse' for malformed JSON. */
  keyword: string;
  /** The schema type expected, when keyword is 'type' (lets FastAPI-style renderers name type_error.str etc). */
  expectedType?: string;
  /** The offending value, when it is null or a primitive (renderers that say "none is not an allowed value" need it). */
  received?: string | number | boolean | null;
  /** The format that failed, when keyword is 'format' (int64, date-time, …). */
  format?: string;
  /** The bound that failed, for maximum / minimum / minLength / maxLength / minItems / maxItems. */
  limit?: number;
  /** The values allowed, when keyword is 'enum'. */
  allowedValues?: unknown[];
  /** The pattern that failed, when keyword is 'pattern'. */
  pattern?: string;
}

export const ErrorCode = {
  ValidationFailed: 'VALIDATION_FAILED',
  MalformedBody: 'MALFORMED_BODY',
  UnsupportedMediaType: 'UNSUPPORTED_MEDIA_TYPE',
  PayloadTooLarge: 'PAYLOAD_TOO_LARGE',
  HeaderTooLarge: 'HEADER_TOO_LARGE',
  MalformedRequest: 'MALFORMED_REQUEST',
  BadRequest: 'BAD_REQUEST',
  Unauthenticated: 'UNAUTHENTICATED',
  Forbidden: 'FORBIDDEN',
  NotFound: 'NOT_FOUND',
  RouteNotFound: 'ROUTE_NOT_FOUND',
  MethodNotAllowed: 'METHOD_NOT_ALLOWED',
  Conflict: 'CONFLICT',
  RateLimited: 'RATE_LIMITED',
  NotImplemented: 'NOT_IMPLEMENTED',
  StatusNotDeclared: 'STATUS_NOT_DECLARED',
  ExampleNotDeclared: 'EXAMPLE_NOT_DECLARED',
  InjectedStatus: 'INJECTED_STATUS',
  ResponseInvalid: 'RESPONSE_INVALID',
  Internal: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * Why authentication failed. Renderers that distinguish texts (FastAPI's "Not authenticated" vs "Could not
 * validate credentials") switch on this, never on the message.
 */
export type AuthFailure = 'missing' | 'invalid' | 'expired' | 'revoked' | 'malformed' | 'insufficient-role';

export interface MockErrorInit {
  message?: string;
  issues?: ValidationIssue[];
  authFailure?: AuthFailure;
  /** Seconds until a rate-limited client may retry. */
  retryAfterSeconds?: number;
  /** Extra headers the response must carry (WWW-Authenticate, Retry-After, …). */
  headers?: Record<string, string>;
  /** For MalformedBody: character offset of the parse error. */
  position?: number;
  /** Free-form detail an API renderer may use (e.g. the lakeFS action that was denied). */
  detail?: Record<string, unknown>;
}

export class MockError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly issues: ValidationIssue[];
  readonly authFailure?: AuthFailure;
  readonly retryAfterSeconds?: number;
  readonly headers: Record<string, string>;
  readonly position?: number;
  readonly detail: Record<string, unknown>;

  constructor(code: ErrorCode, status: number, init: MockErrorInit = {}) {
    super(init.message ?? defaultMessages[code] ?? `HTTP ${status}`);
    this.name = 'MockError';
    this.code = code;
    this.status = status;
    this.issues = init.issues ?? [];
    this.authFailure = init.authFailure;
    this.retryAfterSeconds = init.retryAfterSeconds;
    this.headers = init.headers ?? {};
    this.position = init.position;
    this.detail = init.detail ?? {};
  }
}

const defaultMessages: Partial<Record<ErrorCode, string>> = {
  VALIDATION_FAILED: 'request failed validation',
  MALFORMED_BODY: 'request body is not valid JSON',
  UNSUPPORTED_MEDIA_TYPE: 'unsupported content type',
  PAYLOAD_TOO_LARGE: 'request body too large',
  HEADER_TOO_LARGE: 'request header fields too large',
  MALFORMED_REQUEST: 'malformed HTTP request',
  BAD_REQUEST: 'bad request',
  UNAUTHENTICATED: 'authentication required',
  FORBIDDEN: 'forbidden',
  NOT_FOUND: 'not found',
  ROUTE_NOT_FOUND: 'not found',
  METHOD_NOT_ALLOWED: 'method not allowed',
  CONFLICT: 'already exists',
  RATE_LIMITED: 'too many requests',
  NOT_IMPLEMENTED: 'not implemented',
  RESPONSE_INVALID: 'the mock produced a response that violates the spec',
  INTERNAL: 'internal error',
};

export const validationFailed = (issues: ValidationIssue[], message?: string) =>
  new MockError(ErrorCode.ValidationFailed, 400, { issues, message });
/**
 * Why a body that is not plain bad JSON syntax was refused: bytes that are not UTF-8 (RFC 8259 §8.1), or
 * nesting deeper than the engine accepts. Renderers whose real server words these differently (FastAPI
 * answers both with 400 "There was an error parsing the body") switch on it.
 */
export type MalformedBodyReason = 'invalid-utf8' | 'too-deep';

/** `doc` is the body text, so renderers can reproduce their own parser's wording and positions. */
export const malformedBody = (message: string, position: number | undefined, doc: string, reason?: MalformedBodyReason) =>
  new MockError(ErrorCode.MalformedBody, 400, {
    message,
    position,
    detail: reason ? { doc, reason } : { doc },
    issues: [{ in: 'body', path: [], message, keyword: 'parse' }],
  });
/** `detail.contentType` is the refused media type as sent ('' when none was), for renderers that quote it. */
export const unsupportedMediaType = (contentType: string) =>
  new MockError(ErrorCode.UnsupportedMediaType, 415, { message: `unsupported content type: ${contentType || '(none)'}`, detail: { contentType } });
export const payloadTooLarge = (limitBytes: number) =>
  new MockError(ErrorCode.PayloadTooLarge, 413, { message: `request body exceeds ${limitBytes} bytes` });
/** The HTTP parser refused the request's header section (more than the server's bound): 431. */
export const headerTooLarge = (limitBytes: number) =>
  new MockError(ErrorCode.HeaderTooLarge, 431, { message: `request header fields exceed ${limitBytes} bytes` });
/** The HTTP parser refused the request itself (bytes not allowed in the request line or a header, bad framing). */
export const malformedRequest = (reason: string, status = 400) =>
  new MockError(ErrorCode.MalformedRequest, status, { message: `malformed HTTP request: ${reason}` });
export const badRequest = (message: string, issues: ValidationIssue[] = []) =>
  new MockError(ErrorCode.BadRequest, 400, { message, issues });
export const unauthorized = (authFailure: AuthFailure, message?: string) =>
  new MockError(ErrorCode.Unauthenticated, 401, { authFailure, message });
export const forbidden = (message?: string, detail?: Record<string, unknown>) =>
  new MockError(ErrorCode.Forbidden, 403, { message, detail });
export const notFound = (message?: string) => new MockError(ErrorCode.NotFound, 404, { message });
export const routeNotFound = (method: string, path: string) =>
  new MockError(ErrorCode.RouteNotFound, 404, { message: `no route for ${method} ${path}` });
export const methodNotAllowed = (allowed: string[]) =>
  new MockError(ErrorCode.MethodNotAllowed, 405, { headers: { Allow: allowed.join(', ') } });
export const conflict = (message?: string) => new MockError(ErrorCode.Conflict, 409, { message });
export const rateLimited = (status: number, retryAfterSeconds: number, headers: Record<string, string> = {}) =>
  new MockError(ErrorCode.RateLimited, status, { retryAfterSeconds, headers });
export const notImplemented = (message?: string) => new MockError(ErrorCode.NotImplemented, 501, { message });
export const statusNotDeclared = (status: number) =>
  new MockError(ErrorCode.StatusNotDeclared, 404, {
    message: `Requested status code ${status} is not defined in the document.`,
  });
/** `Prefer: example=<name>` names an example the chosen response does not have: Prism's 404, in its words. */
export const exampleNotDeclared = (mediaType: string, name: string) =>
  new MockError(ErrorCode.ExampleNotDeclared, 404, {
    message: `Response for contentType: ${mediaType} and exampleKey: ${name} does not exist.`,
  });
/** A status forced by a scenario rule, admin fault or Prefer header that carries no body of its own. */
export const injectedStatus = (status: number, headers: Record<string, string> = {}) =>
  new MockError(ErrorCode.InjectedStatus, status, { headers, message: httpStatusText(status) });
export const responseInvalid = (issues: ValidationIssue[]) =>
  new MockError(ErrorCode.ResponseInvalid, 500, { issues });
export const internal = (message: string) => new MockError(ErrorCode.Internal, 500, { message });

export function isMockError(value: unknown): value is MockError {
  return value instanceof MockError;
}

const statusTexts: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed',
  408: 'Request Timeout', 409: 'Conflict', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 420: 'Enhance Your Calm',
  422: 'Unprocessable Entity', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large', 500: 'Internal Server Error', 501: 'Not Implemented',
  502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};
export function httpStatusText(status: number): string {
  return statusTexts[status] ?? `HTTP ${status}`;
}

/**
 * Renders every MockError the way FastAPI 0.88 with pydantic v1 answers: `{"detail": "<text>"}` for HTTP
 * errors and `422 {"detail": [{loc, msg, type}]}` for anything wrong with the request body.
 */
import { httpStatusText, type MockError, type ValidationIssue } from '../../engine/errors.js';
import type { RenderContext, Reply } from '../../engine/types.js';
import { BODY_MODELS, declarationRank } from './model.js';
import { formatPythonJsonError, locate, pythonJsonError, type PythonJsonError } from './python-json.js';
import { INCORRECT_STRUCTURE } from './security.js';

export interface PydanticError {
  loc: Array<string | number>;
  msg: string;
  type: string;
  ctx?: Record<string, unknown>;
}

export const AUTH_TEXTS = {
  missing: 'Not authenticated',
  invalid: 'Could not validate credentials',
  structure: 'Token had incorrect structure.',
  role: "You are not authorised to access this resource as you don't have the correct role.",
} as const;

// FastAPI's OAuth2PasswordBearer and the service's own 401s all carry this challenge.
const BEARER_CHALLENGE = { 'WWW-Authenticate': 'Bearer' };

export function renderError(error: MockError, ctx: RenderContext): Reply {
  const reply = renderBody(error, ctx);
  const headers = { ...error.headers, ...(reply.status === 401 ? BEARER_CHALLENGE : {}), ...reply.headers };
  return { ...reply, headers };
}

function renderBody(error: MockError, ctx: RenderContext): Reply {
  switch (error.code) {
    case 'VALIDATION_FAILED':
      return unprocessable(validationErrors(error.issues, ctx.operationId));
    case 'MALFORMED_BODY':
      // Bytes that are not UTF-8 and nesting past Python's recursion limit raise UnicodeDecodeError and
      // RecursionError in json.loads, not JSONDecodeError: FastAPI's generic 400.
      if (error.detail.reason !== undefined) return detail(400, PARSE_ERROR);
      return jsonDecodeOrParseError(error);
    case 'UNSUPPORTED_MEDIA_TYPE':
      // FastAPI hands a non-JSON body to pydantic as raw bytes, which is not a dict.
      return unprocessable([{ loc: ['body'], msg: 'value is not a valid dict', type: 'type_error.dict' }]);
    case 'BAD_REQUEST':
      return error.issues.length
        ? unprocessable(validationErrors(error.issues, ctx.operationId))
        : detail(400, PARSE_ERROR);
    case 'UNAUTHENTICATED':
      return detail(401, authText(error));
    case 'NOT_FOUND':
    case 'ROUTE_NOT_FOUND':
      return detail(404, 'Not Found');
    case 'INJECTED_STATUS':
      // A scripted 422 still has to be a list of errors to match the declared schema.
      if (error.status === 422) return unprocessable([{ loc: ['body'], msg: httpStatusText(422), type: 'value_error' }]);
      return detail(error.status, httpStatusText(error.status));
    case 'MALFORMED_REQUEST':
      // uvicorn refuses what its HTTP parser cannot read before FastAPI runs.
      return detail(error.status, error.status === 400 ? 'Invalid HTTP request received.' : httpStatusText(error.status));
    case 'HEADER_TOO_LARGE':
    case 'RATE_LIMITED':
    case 'METHOD_NOT_ALLOWED':
    case 'FORBIDDEN':
    case 'CONFLICT':
    case 'PAYLOAD_TOO_LARGE':
    case 'NOT_IMPLEMENTED':
      return detail(error.status, httpStatusText(error.status));
    default:
      // Mock-side problems (response invalid, Prefer for an undeclared status, internal): say what happened.
      return detail(error.status, error.message);
  }
}

function authText(error: MockError): string {
  if (error.authFailure === 'missing') return AUTH_TEXTS.missing;
  if (error.authFailure === 'insufficient-role') return AUTH_TEXTS.role;
  if (error.detail.reason === INCORRECT_STRUCTURE) return AUTH_TEXTS.structure;
  return AUTH_TEXTS.invalid;
}

const detail = (status: number, text: string): Reply => ({ status, body: { detail: text } });
const PARSE_ERROR = 'There was an error parsing the body';
const unprocessable = (errors: PydanticError[]): Reply => ({ status: 422, body: { detail: errors } });

/** pydantic reports one error per field, in declaration order, where ajv reports `required` first. */
export function validationErrors(issues: ValidationIssue[], operationId: string | undefined): PydanticError[] {
  const model = operationId ? BODY_MODELS[operationId] : undefined;
  const seen = new Set<string>();
  const errors: Array<{ error: PydanticError; rank: number[]; order: number }> = [];
  issues.forEach((issue, order) => {
    const loc = [issue.in, ...issue.path];
    const key = JSON.stringify(loc);
    if (seen.has(key)) return;
    seen.add(key);
    const rank = issue.in === 'body' ? declarationRank(model, issue.path) : [-1];
    errors.push({ error: { loc, ...pydanticText(issue) }, rank, order });
  });
  errors.sort((a, b) => compareRanks(a.rank, b.rank) || a.order - b.order);
  return errors.map((e) => e.error);
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** pydantic v1's wording for the JSON Schema keyword that failed. */
function pydanticText(issue: ValidationIssue): { msg: string; type: string } {
  if (issue.keyword === 'required') return { msg: 'field required', type: 'value_error.missing' };
  // pydantic v1 checks for None before the type: a JSON null in a required field has its own message.
  if (issue.keyword === 'type' && issue.received === null) return { msg: 'none is not an allowed value', type: 'type_error.none.not_allowed' };
  if (issue.keyword === 'type') {
    switch (issue.expectedType) {
      case 'object':
        return { msg: 'value is not a valid dict', type: 'type_error.dict' };
      case 'string':
        return { msg: 'str type expected', type: 'type_error.str' };
      case 'boolean':
        return { msg: 'value could not be parsed to a boolean', type: 'type_error.bool' };
      case 'integer':
        return { msg: 'value is not a valid integer', type: 'type_error.integer' };
      case 'number':
        return { msg: 'value is not a valid float', type: 'type_error.float' };
      case 'array':
        return { msg: 'value is not a valid list', type: 'type_error.list' };
    }
  }
  if (issue.keyword === 'format' && issue.format === 'date-time') return { msg: 'invalid datetime format', type: 'value_error.datetime' };
  return { msg: issue.message, type: 'value_error' };
}

/**
 * FastAPI: `loc: ["body", pos]`, Python's json message, and the JSONDecodeError's fields as ctx. When the
 * engine hands over the body text (detail.doc), the position and wording are Python's own; otherwise the
 * engine's position is kept and the message is the most common one.
 */
function jsonDecodeOrParseError(error: MockError): Reply {
  const doc = typeof error.detail.doc === 'string' ? error.detail.doc : undefined;
  const found = doc !== undefined ? pythonJsonError(doc) : undefined;
  if (found?.recursion) return detail(400, PARSE_ERROR);
  return unprocessable([jsonDecodeError(error, doc, found)]);
}

function jsonDecodeError(error: MockError, doc: string | undefined, found: PythonJsonError | undefined): PydanticError {
  const e = found ?? locate(doc !== undefined ? Array.from(doc) : [], 'Expecting value', error.position ?? 0);
  const ctx = doc !== undefined ? { msg: e.msg, doc, pos: e.pos, lineno: e.lineno, colno: e.colno } : undefined;
  return { loc: ['body', e.pos], msg: formatPythonJsonError(e), type: 'value_error.jsondecode', ...(ctx ? { ctx } : {}) };
}

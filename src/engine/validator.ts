/**
 * Request and response validation with openapi-backend's OpenAPIValidator. Its ajv validators are compiled
 * once per operation at start-up; per request we only build the small parameter object they check, instead
 * of going through its validateRequest (which re-parses the request and re-compiles the path template).
 */
import { OpenAPIValidator } from 'openapi-backend';
import addFormats from 'ajv-formats';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { ValidationIssue, IssueLocation } from './errors.js';
import type { LoadedSpec, Operation } from './spec.js';

export interface RequestParts {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  headers: Record<string, unknown>;
  cookies: Record<string, unknown>;
  /** Parsed body; undefined when the request had none. */
  body: unknown;
  hasBody: boolean;
}

interface CompiledOperation {
  request: ValidateFunction[];
  /** By status key as declared: "200", "2XX", "default". */
  responses: Record<string, ValidateFunction | undefined>;
  declaredStatuses: string[];
  /** Responses declared without any content. */
  emptyStatuses: Set<string>;
  queryNames: Set<string>;
  arrayQueryNames: Set<string>;
}

export class SpecValidator {
  private readonly compiled = new Map<string, CompiledOperation>();

  constructor(spec: LoadedSpec) {
    // openapi-backend makes a fresh Ajv instance for every validator it compiles, and by default compiles
    // validators we never call (a oneOf of all responses, four header validators per status). Start-up was
    // 70% ajv: so compile lazily, only what is used below, on one shared Ajv per validation context.
    const sharedAjv = new Map<unknown, unknown>();
    const validator = new OpenAPIValidator({
      definition: spec.definition,
      router: spec.router,
      lazyCompileValidators: true,
      // verbose: failing values are kept on the error, so issues can say what was received
      ajvOpts: { allErrors: true, strict: false, verbose: true },
      customizeAjv: (ajv, _opts, context) => {
        if (!sharedAjv.has(context)) {
          addFormats.default(ajv as any);
          sharedAjv.set(context, ajv);
        }
        return sharedAjv.get(context) as typeof ajv;
      },
    });
    for (const op of spec.operations) {
      const statusValidators = (validator.getStatusBasedResponseValidatorForOperation(op.operationId) ?? {}) as Record<
        string,
        ValidateFunction
      >;
      const emptyStatuses = new Set(
        Object.entries(op.responses)
          .filter(([, r]) => !r?.content || Object.keys(r.content).length === 0)
          .map(([status]) => status),
      );
      const queryParams = op.parameters.filter((p) => p.in === 'query');
      this.compiled.set(op.operationId, {
        request: (validator.getRequestValidatorsForOperation(op.operationId) ?? []) as ValidateFunction[],
        responses: statusValidators,
        declaredStatuses: Object.keys(op.responses),
        emptyStatuses,
        queryNames: new Set(queryParams.map((p) => p.name)),
        arrayQueryNames: new Set(queryParams.filter((p) => p.schema?.type === 'array').map((p) => p.name)),
      });
    }
  }

  /**
   * Validates a request against its operation. Query and header values are coerced in place to their schema
   * types (ajv coerceTypes), so the returned parts are what handlers see.
   */
  validateRequest(op: Operation, parts: RequestParts): { issues: ValidationIssue[]; query: Record<string, unknown> } {
    const c = this.compiled.get(op.operationId)!;
    // Real servers ignore query parameters they don't know; the compiled schema would reject them.
    const query: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(parts.query)) {
      if (!c.queryNames.has(name)) continue;
      query[name] = c.arrayQueryNames.has(name) && !Array.isArray(value) ? [value] : value;
    }
    const input: Record<string, unknown> = { path: parts.params, query, header: parts.headers, cookie: parts.cookies };
    if (parts.hasBody) input.requestBody = parts.body;
    const issues: ValidationIssue[] = [];
    for (const validate of c.request) {
      if (!validate(input)) issues.push(...(validate.errors ?? []).map(toIssue));
    }
    return { issues, query };
  }

  /** Statuses the operation declares ("200", "4XX", "default", …). */
  declaredStatuses(op: Operation): string[] {
    return this.compiled.get(op.operationId)!.declaredStatuses;
  }

  /** The declared status key that covers this status: exact, then "4XX"-style, then "default". */
  statusKey(op: Operation, status: number): string | undefined {
    const declared = op.responses;
    const range = `${Math.floor(status / 100)}XX`;
    if (declared[String(status)]) return String(status);
    if (declared[range]) return range;
    if (declared[range.toLowerCase()]) return range.toLowerCase();
    if (declared.default) return 'default';
    return undefined;
  }

  validateResponse(op: Operation, status: number, body: unknown, hasBody: boolean, contentType?: string): ValidationIssue[] {
    const c = this.compiled.get(op.operationId)!;
    const key = this.statusKey(op, status);
    if (!key) return [responseIssue([], `status ${status} is not declared for ${op.operationId}`, 'status')];
    if (c.emptyStatuses.has(key)) {
      return hasBody ? [responseIssue([], `status ${status} is declared without a body, but one was sent`, 'content')] : [];
    }
    const media = Object.keys(op.responses[key]?.content ?? {});
    if (contentType && !/json/i.test(contentType)) {
      const type = contentType.split(';')[0].trim();
      return media.includes(type) ? [] : [responseIssue([], `content type ${type} is not declared for status ${status}`, 'content')];
    }
    const validate = c.responses[key];
    if (!validate) return []; // declared with a non-JSON media type only: nothing ajv can check
    if (validate(hasBody ? body : null)) return [];
    return (validate.errors ?? []).map((e) => ({ ...toIssue(e), in: 'body' as const }));
  }
}

function responseIssue(path: Array<string | number>, message: string, keyword: string): ValidationIssue {
  return { in: 'body', path, message, keyword };
}

const locations: Record<string, IssueLocation> = {
  path: 'path',
  query: 'query',
  header: 'header',
  cookie: 'cookie',
  requestBody: 'body',
};

/** Turns an ajv error on the {path, query, header, cookie, requestBody} object into an issue. */
function toIssue(error: ErrorObject): ValidationIssue {
  const segments = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const params = error.params as Record<string, any>;
  if (error.keyword === 'required') segments.push(params.missingProperty);
  if (error.keyword === 'additionalProperties') segments.push(params.additionalProperty);
  const [head, ...rest] = segments;
  const location = locations[String(head)] ?? 'body';
  const path = locations[String(head)] ? rest : segments;
  let message = error.message ?? 'is invalid';
  if (error.keyword === 'required') message = location === 'body' && path.length === 0 ? 'request body is required' : 'is required';
  if (error.keyword === 'enum') message = `must be one of ${JSON.stringify(params.allowedValues)}`;
  return {
    in: location,
    path,
    message,
    keyword: error.keyword,
    expectedType: error.keyword === 'type' ? String(params.type) : undefined,
    received: error.data === null || ['string', 'number', 'boolean'].includes(typeof error.data) ? (error.data as ValidationIssue['received']) : undefined,
  };
}

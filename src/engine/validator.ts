/**
 * Request and response validation with openapi-backend's OpenAPIValidator. Its ajv validators are compiled
 * once per operation; per request we only build the small parameter object they check, instead of going
 * through its validateRequest (which re-parses the request and re-compiles the path template).
 *
 * Compiling is most of mockgate's start-up, so it is arranged to cost as little as possible and not to stand
 * between start and the first answer:
 * - one Ajv per validation context and spec, without meta-schema validation of our own schemas (each Ajv
 *   compiled the JSON Schema meta-schema first) or code-generation optimisation passes;
 * - response validators are compiled by schema: openapi-backend clones every response schema before
 *   compiling it, so the one error schema an API uses for 400, 401, 403, 404, 409 and 429 of every operation
 *   was compiled once per operation and status; here it is compiled once per spec;
 * - an operation's validators are compiled the first time a request needs them (3–12 ms, once per operation),
 *   so the server answers as soon as the routes are built and holds validators only for what clients call.
 *   With --warm-up, a background warm-up compiles the rest shortly after start, one operation per event-loop
 *   turn, so that nothing is compiled on a request any more (except in a spec of more than
 *   WARM_UP_MAX_OPERATIONS operations: memory, below).
 *
 * Why the warm-up is no longer the default (issue 17's memory target): warming every bundled operation left the
 * process ~15 MB larger for as long as it ran. Measured on Node 24, the image's node flags, getUser at 50
 * connections for 15 s after start, three alternating runs: 126–136 MB of RSS with the warm-up, 115–119 MB
 * without. Only ~4.5 MB of it is the validators themselves (heap snapshots, 30.2 vs 25.7 MB live); the rest is
 * the compile's garbage, left in the old generation after start-up's last mark-compact, which a steady load
 * never triggers again (nothing more is promoted). Compiling on first use costs the first request of each
 * operation 3–12 ms.
 */
import { OpenAPIValidator } from 'openapi-backend';
import addFormats from 'ajv-formats';
import { Ajv, type ErrorObject, type Options as AjvOptions, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { internal, type MockError, type ValidationIssue, type IssueLocation } from './errors.js';
import type { LoadedSpec, Operation } from './spec.js';

export interface RequestParts {
  params: Record<string, unknown>;
  query: Record<string, unknown>;
  /** The request's header map (lower-case names); not modified. */
  headers: Record<string, unknown>;
  cookies: Record<string, unknown>;
  /** Parsed body; undefined when the request had none. */
  body: unknown;
  hasBody: boolean;
}

interface OperationInfo {
  declaredStatuses: string[];
  /** Responses declared without any content. */
  emptyStatuses: Set<string>;
  queryNames: Set<string>;
  arrayQueryNames: Set<string>;
  /** Lower-case names of the header parameters: only these are handed to the validator. */
  headerNames: string[];
  /** Compiled on first use (or by the warm-up). */
  request?: ValidateFunction[];
  /** Set when the request schemas cannot be compiled: every request to the operation answers it (a 500). */
  requestFailure?: MockError;
  /**
   * By status key as declared: "200", "2XX", "default". Compiled on first use (or by the warm-up); a schema ajv
   * refuses is kept as its failure, and answers with that failure as the one issue.
   */
  responses?: Record<string, ValidateFunction | MockError | undefined>;
}

const AJV_OPTIONS = {
  allErrors: true,
  strict: false,
  // Not verbose: an issue's received value is read from the validated data at the error's path (valueAt), rather than
  // kept on each error by code generated into every validator. Measured on Node 24 with every bundled operation
  // compiled: idle RSS 120–123 MB against 124–129 MB verbose.
  verbose: false,
  // Our own documents' schemas are not checked against the meta-schema (openapi-backend compiled it once per
  // Ajv instance); a broken schema still fails to compile, with ajv's message.
  validateSchema: false,
  code: { optimize: false },
  // A format ajv does not know (idn-email, a vendor's own) passes, silently: it is not ours to report on stderr.
  logger: false as const,
  // Patterns as the spec's authors test them (ECMA-262 without the u flag): `{` unescaped, as in many real specs.
  unicodeRegExp: false,
};

/** OpenAPI 3.0's schemas are ajv's default dialect (with `nullable`); 3.1's are JSON Schema 2020-12. */
type Dialect = LoadedSpec['dialect'];

/** How long after construction the background warm-up starts. */
const WARM_UP_DELAY_MS = 1000;

/**
 * Specs with more operations than this are not warmed up even with --warm-up: their validators are compiled on first
 * use only. Compiling all of GitHub's 1,223 operations in the background took the process from 245 MB to 500 MB of
 * RSS within ten seconds of start (measured with the image's node flags; without the warm-up it stayed at 245 MB),
 * for operations a client may never call. The bundled specs (at most about a hundred operations each) are warmed.
 */
export const WARM_UP_MAX_OPERATIONS = 300;

/**
 * Called once per schema that cannot be compiled (ajv refuses it: `nullable` without `type`, an unknown format
 * in strict mode, a broken $ref), so the failure is logged once, not once per request.
 */
export type CompileFailureListener = (failure: MockError) => void;

export interface SpecValidatorOptions {
  /** Compile every operation in the background shortly after start (default false: each on first use). */
  warmUp?: boolean;
  onCompileFailure?: CompileFailureListener;
}

/** An Ajv with the OpenAPI formats, as mockgate validates with: ajv-formats, and int64 bounded as Go bounds it. */
export function newAjv(dialect: Dialect = 'oas30', options: AjvOptions = {}): Ajv {
  const all = { ...AJV_OPTIONS, ...options };
  const ajv = dialect === 'draft2020' ? (new Ajv2020(all) as unknown as Ajv) : new Ajv(all);
  // `nullable` is OpenAPI 3.0's; in a 3.1 document it means nothing (ajv's own keyword would refuse it without a type).
  if (dialect === 'draft2020') ajv.removeKeyword('nullable');
  configureAjv(ajv);
  return ajv;
}

function configureAjv(ajv: Ajv): void {
  addFormats.default(ajv);
  // ajv-formats' int64 only checks that the number is an integer; Go servers refuse what does not fit.
  ajv.addFormat('int64', { type: 'number', validate: isInt64 });
}

export class SpecValidator {
  private readonly operations = new Map<string, { op: Operation; info: OperationInfo }>();
  private readonly backend: OpenAPIValidator;
  /** The Ajv that compiles response schemas (one per spec, made on first use). */
  private responseAjv?: Ajv;
  /** Compiled response validators by schema object (the document is dereferenced: a shared $ref is one object). */
  private readonly responseValidators = new Map<object, ValidateFunction | MockError>();
  private readonly onCompileFailure: CompileFailureListener;
  readonly dialect: Dialect;

  constructor(spec: LoadedSpec, options: SpecValidatorOptions = {}) {
    this.onCompileFailure = options.onCompileFailure ?? (() => {});
    this.dialect = spec.dialect ?? 'oas30';
    const dialect = this.dialect;
    // openapi-backend makes a fresh Ajv instance for every request validator it compiles; customizeAjv hands
    // back one shared Ajv per validation context instead, configured as ours (a 2020-12 Ajv for OpenAPI 3.1).
    const sharedAjv = new Map<unknown, Ajv>();
    this.backend = new OpenAPIValidator({
      definition: spec.definition,
      router: spec.router,
      lazyCompileValidators: true,
      ajvOpts: AJV_OPTIONS,
      customizeAjv: (ajv, opts, context) => {
        if (!sharedAjv.has(context)) {
          if (dialect === 'draft2020') ajv = newAjv(dialect, opts as AjvOptions);
          else configureAjv(ajv);
          sharedAjv.set(context, ajv);
        }
        return sharedAjv.get(context)!;
      },
    });
    // openapi-backend strips binary properties from `required` by walking the request body schema without noting
    // where it has been: on a recursive schema that overflowed the stack. The same walk, once per object.
    (this.backend as unknown as { removeBinaryPropertiesFromRequired: (schema: unknown) => void }).removeBinaryPropertiesFromRequired = removeBinaryFromRequired;
    for (const op of spec.operations) {
      const emptyStatuses = new Set(
        Object.entries(op.responses)
          .filter(([, r]) => !r?.content || Object.keys(r.content).length === 0)
          .map(([status]) => status),
      );
      const queryParams = op.parameters.filter((p) => p.in === 'query');
      this.operations.set(op.operationId, {
        op,
        info: {
          declaredStatuses: Object.keys(op.responses),
          emptyStatuses,
          queryNames: new Set(queryParams.map((p) => p.name)),
          arrayQueryNames: new Set(queryParams.filter((p) => p.schema?.type === 'array').map((p) => p.name)),
          headerNames: op.parameters.filter((p) => p.in === 'header').map((p) => p.name.toLowerCase()),
        },
      });
    }
    if (options.warmUp === true && this.operations.size <= WARM_UP_MAX_OPERATIONS) this.warmUp();
  }

  /**
   * Compiles every operation's validators in the background, one operation per event-loop turn, so requests
   * keep being answered meanwhile. The timers are unref'd: a process that is done does not wait for them.
   */
  private warmUp(): void {
    const pending = [...this.operations.values()];
    const step = () => {
      const next = pending.shift();
      if (!next) return;
      // A schema ajv refuses is recorded (and reported once) by the compile step; the warm-up goes on. Thrown
      // from this timer it would have ended the process.
      this.compileQuietly(next.op, next.info);
      setTimeout(step, 0).unref();
    };
    // Started a little later, so it does not compete with the rest of start-up (other specs, the scenario).
    setTimeout(step, WARM_UP_DELAY_MS).unref();
  }

  /** Compiles everything now (tests and benchmarks that want no compile after this point). */
  compileAll(): void {
    for (const { op, info } of this.operations.values()) this.compileQuietly(op, info);
  }

  /** Operations with a schema that cannot be compiled, each with the reason (after compileAll or the warm-up). */
  compileFailures(): MockError[] {
    const failures: MockError[] = [];
    for (const { info } of this.operations.values()) if (info.requestFailure) failures.push(info.requestFailure);
    for (const value of this.responseValidators.values()) if (!(typeof value === 'function')) failures.push(value);
    return failures;
  }

  private compileQuietly(op: Operation, info: OperationInfo): void {
    try {
      this.requestValidators(op, info);
    } catch {
      // recorded on info.requestFailure
    }
    this.responseValidatorsOf(op, info);
  }

  private info(op: Operation): OperationInfo {
    return this.operations.get(op.operationId)!.info;
  }

  /** The operation's request validators; throws the (recorded) 500 when its schemas cannot be compiled. */
  private requestValidators(op: Operation, info: OperationInfo): ValidateFunction[] {
    if (info.request) return info.request;
    if (info.requestFailure) throw info.requestFailure;
    try {
      info.request = (this.backend.getRequestValidatorsForOperation(op.operationId) ?? []) as ValidateFunction[];
      return info.request;
    } catch (err) {
      info.requestFailure = uncompilable(`${op.operationId}: its request schema (${requestSchemaParts(op, this.dialect)})`, err);
      this.onCompileFailure(info.requestFailure);
      throw info.requestFailure;
    }
  }

  private responseValidatorsOf(op: Operation, info: OperationInfo): Record<string, ValidateFunction | MockError | undefined> {
    if (info.responses) return info.responses;
    const validators: Record<string, ValidateFunction | MockError | undefined> = {};
    for (const [status, response] of Object.entries<any>(op.responses)) {
      // The application/json schema of each declared status, else its first JSON media type's
      // (application/problem+json, application/vnd.github+json): the one mock-response.ts answers with.
      const schema = jsonMedia(response?.content)?.schema;
      if (schema && typeof schema === 'object') validators[status] = this.responseValidator(schema, `${op.operationId}: its ${status} response schema`);
    }
    info.responses = validators;
    return validators;
  }

  /** The compiled validator of a response schema, or the recorded failure when ajv refuses it. */
  private responseValidator(schema: object, label: string): ValidateFunction | MockError {
    let validate = this.responseValidators.get(schema);
    if (!validate) {
      this.responseAjv ??= newAjv(this.dialect);
      try {
        // A required property that is writeOnly is required in requests only (OpenAPI 3.0, "writeOnly").
        validate = this.responseAjv.compile(decycle(schema, { response: true }));
      } catch (err) {
        validate = uncompilable(label, err);
        this.onCompileFailure(validate);
      }
      this.responseValidators.set(schema, validate);
    }
    return validate;
  }

  /**
   * Validates a request against its operation. Query and header values are coerced in place to their schema
   * types (ajv coerceTypes), so the returned parts are what handlers see.
   */
  validateRequest(op: Operation, parts: RequestParts): { issues: ValidationIssue[]; query: Record<string, unknown> } {
    const c = this.info(op);
    // Real servers ignore query parameters they don't know; the compiled schema would reject them.
    const query: Record<string, unknown> = {};
    for (const name in parts.query) {
      if (!c.queryNames.has(name)) continue;
      const value = parts.query[name];
      query[name] = c.arrayQueryNames.has(name) && !Array.isArray(value) ? [value] : value;
    }
    // Only the declared header parameters are handed over: the schema allows any others, and ajv coerces the
    // declared ones in place, so they are copied out of the request's own header map.
    const header: Record<string, unknown> = {};
    for (const name of c.headerNames) if (parts.headers[name] !== undefined) header[name] = parts.headers[name];
    const input: Record<string, unknown> = { path: parts.params, query, header, cookie: parts.cookies };
    if (parts.hasBody) input.requestBody = parts.body;
    const issues: ValidationIssue[] = [];
    for (const validate of this.requestValidators(op, c)) {
      if (!validate(input)) issues.push(...(validate.errors ?? []).map((e) => toIssue(e, input)));
    }
    return { issues, query };
  }

  /** Statuses the operation declares ("200", "4XX", "default", …). */
  declaredStatuses(op: Operation): string[] {
    return this.info(op).declaredStatuses;
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

  /** The compiled response validator for an operation's declared status key, when it has a JSON schema. */
  responseCheck(op: Operation, key: string): ValidateFunction | MockError | undefined {
    return this.responseValidatorsOf(op, this.info(op))[key];
  }

  /**
   * A value checked against one schema of the spec as an answer would be (writeOnly properties not required): the
   * items of a list answer, a stored item, a seed. Compiled once per schema object, shared with the responses'.
   */
  checkSchema(schema: object, value: unknown, label: string): ValidationIssue[] {
    const validate = this.responseValidator(schema, label);
    if (typeof validate !== 'function') return [responseIssue([], validate.message, 'schema')];
    if (validate(value)) return [];
    return (validate.errors ?? []).map((e) => toIssue(e, value, true));
  }

  validateResponse(op: Operation, status: number, body: unknown, hasBody: boolean, contentType?: string): ValidationIssue[] {
    const c = this.info(op);
    // OpenAPI 3.1 lets an operation declare no responses: nothing is promised, so nothing can be broken.
    if (c.declaredStatuses.length === 0) return [];
    const key = this.statusKey(op, status);
    if (!key) return [responseIssue([], `status ${status} is not declared for ${op.operationId}`, 'status')];
    if (c.emptyStatuses.has(key)) {
      return hasBody ? [responseIssue([], `status ${status} is declared without a body, but one was sent`, 'content')] : [];
    }
    const media = Object.keys(op.responses[key]?.content ?? {});
    if (contentType && !/json/i.test(contentType)) {
      const type = contentType.split(';')[0].trim();
      // A declared `*/*` or `text/*` covers any type (or any text type): an object store answers what it stored.
      const covered = media.some((m) => m === type || m === '*/*' || (m.endsWith('/*') && type.startsWith(m.slice(0, -1))));
      return covered ? [] : [responseIssue([], `content type ${type} is not declared for status ${status}`, 'content')];
    }
    const validate = this.responseValidatorsOf(op, c)[key];
    if (!validate) return []; // declared with a non-JSON media type only: nothing ajv can check
    // The spec's schema for this answer cannot be compiled: the answer cannot be checked, which is an issue of
    // its own (a 500 in --strict, a journal note otherwise), never an exception.
    if (typeof validate !== 'function') return [responseIssue([], validate.message, 'schema')];
    const answer = hasBody ? body : null;
    if (validate(answer)) return [];
    return (validate.errors ?? []).map((e) => toIssue(e, answer, true));
  }
}

/** Binary properties cannot be checked in a parsed body: they are not required of it (cycle-safe). */
function removeBinaryFromRequired(root: unknown): void {
  const seen = new Set<object>();
  const walk = (schema: any): void => {
    if (!schema || typeof schema !== 'object' || seen.has(schema)) return;
    seen.add(schema);
    if (schema.properties && Array.isArray(schema.required)) {
      const binary = Object.keys(schema.properties).filter((name) => schema.properties[name]?.type === 'string' && schema.properties[name]?.format === 'binary');
      if (binary.length) schema.required = schema.required.filter((name: string) => !binary.includes(name));
    }
    if (schema.properties) Object.values(schema.properties).forEach(walk);
    for (const key of ['allOf', 'anyOf', 'oneOf']) if (Array.isArray(schema[key])) schema[key].forEach(walk);
  };
  walk(root);
}

/** The media type object answers are checked against: application/json, else the first `…json` one. */
export function jsonMedia(content: unknown): { schema?: unknown } | undefined {
  if (!content || typeof content !== 'object') return undefined;
  const media = content as Record<string, any>;
  if (media['application/json']) return media['application/json'];
  const key = Object.keys(media).find((type) => /json/i.test(type));
  return key ? media[key] : undefined;
}

/**
 * Within int64. As doubles, 2^63 − 1 and 2^63 are the same number, so the bound is inclusive of it; a JSON
 * literal that is really past the bound but would round onto it is moved off it when the body is read
 * (request-body.ts), so it fails here as Go's decoder fails it.
 */
function isInt64(value: number): boolean {
  return Number.isInteger(value) && value >= -9223372036854775808 && value <= 9223372036854775807;
}

/**
 * The schema as a tree ajv can compile. The dereferenced document is a graph: a recursive schema points back at
 * an object above it, which becomes a `$ref` to where that object first stands (a JSON Pointer into the copy).
 * An object shared without a cycle (one error schema under many statuses) is copied once and reused.
 */
export function decycle(schema: object, options: { response?: boolean } = {}): object {
  const onPath = new Map<object, string>();
  const copies = new Map<object, unknown>();
  const copy = (value: unknown, pointer: string): unknown => {
    if (value === null || typeof value !== 'object') return value;
    const above = onPath.get(value);
    if (above !== undefined) return { $ref: above };
    const done = copies.get(value);
    if (done !== undefined) return done;
    onPath.set(value, pointer);
    let out: unknown;
    if (Array.isArray(value)) out = value.map((item, i) => copy(item, `${pointer}/${i}`));
    else {
      const object: Record<string, unknown> = {};
      const source = value as Record<string, any>;
      for (const [key, child] of Object.entries(value)) {
        if (options.response && key === 'required' && Array.isArray(child) && source.properties && typeof source.properties === 'object') {
          object.required = child.filter((name) => !(typeof name === 'string' && Object.hasOwn(source.properties, name) && source.properties[name]?.writeOnly === true));
          continue;
        }
        // Defined, not assigned: a property may be named `__proto__`.
        Object.defineProperty(object, key, { value: copy(child, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`), enumerable: true, writable: true, configurable: true });
      }
      out = object;
    }
    onPath.delete(value);
    copies.set(value, out);
    return out;
  };
  return copy(schema, '#') as object;
}

/** The 500 for a schema ajv cannot compile, naming the operation, the schema and ajv's reason. */
function uncompilable(label: string, err: unknown): MockError {
  const reason = ((err as Error)?.message ?? String(err)).split('\n')[0];
  return internal(`the spec's schema cannot be compiled: ${label}: ${reason}; fix the schema in the spec`);
}

/**
 * Which part of an operation's request ajv refuses, for the message: each parameter's and body media type's
 * schema is compiled alone (only after the whole failed, so never on a good spec's start-up).
 */
function requestSchemaParts(op: Operation, dialect: Dialect): string {
  const parts: Array<[string, unknown]> = op.parameters.map((p) => [`${p.in} parameter ${p.name}`, p.schema]);
  for (const [media, content] of Object.entries(op.requestBody?.content ?? {})) parts.push([`request body ${media}`, content?.schema]);
  const ajv = newAjv(dialect);
  const refused = parts.filter(([, schema]) => {
    if (!schema || typeof schema !== 'object') return false;
    try {
      ajv.compile(decycle(schema));
      return false;
    } catch {
      return true;
    }
  });
  return (refused.length ? refused : parts).map(([label]) => label).join(', ') || 'no parameters or body';
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

/**
 * Turns an ajv error into an issue: on the {path, query, header, cookie, requestBody} object of a request, or (with
 * `answer`) on an answer's body, whose own top-level keys may well be named `path` or `query`. `data` is what was
 * validated: the value at the error's path is read from it (what the issue says was received).
 */
function toIssue(error: ErrorObject, data: unknown, answer = false): ValidationIssue {
  const keys = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const received = valueAt(data, keys);
  const segments: Array<string | number> = keys.map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  const params = error.params as Record<string, any>;
  if (error.keyword === 'required') segments.push(params.missingProperty);
  if (error.keyword === 'additionalProperties') segments.push(params.additionalProperty);
  const [head, ...rest] = segments;
  const location = answer ? 'body' : (locations[String(head)] ?? 'body');
  const path = !answer && locations[String(head)] ? rest : segments;
  let message = error.message ?? 'is invalid';
  if (error.keyword === 'required') message = location === 'body' && path.length === 0 ? 'request body is required' : 'is required';
  if (error.keyword === 'enum') message = `must be one of ${JSON.stringify(params.allowedValues)}`;
  return {
    in: location,
    path,
    message,
    keyword: error.keyword,
    expectedType: error.keyword === 'type' ? String(params.type) : undefined,
    format: error.keyword === 'format' ? String(params.format) : undefined,
    limit: typeof params.limit === 'number' ? params.limit : undefined,
    allowedValues: error.keyword === 'enum' ? (params.allowedValues as unknown[]) : undefined,
    pattern: error.keyword === 'pattern' ? String(params.pattern) : undefined,
    received: received === null || ['string', 'number', 'boolean'].includes(typeof received) ? (received as ValidationIssue['received']) : undefined,
  };
}

/** The value under these keys (an ajv instancePath, unescaped) in the validated data; undefined where there is none. */
function valueAt(data: unknown, keys: string[]): unknown {
  let value = data;
  for (const key of keys) {
    if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

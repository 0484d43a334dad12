/**
 * A diff script: the requests `mockgate diff` sends to a reference server and to the mock, read from YAML and
 * checked against a JSON Schema (through ajv, as scenario files are), then against what a schema cannot say —
 * step names unique, every capture expression well formed, every `{{var}}` set by `vars` or captured by an
 * earlier step. Every mistake is one line, `file:line:col: /pointer: what is wrong`.
 *
 *   name: lakefs-community
 *   base: /api/v1                       # joined before every step's path
 *   errorText: [message]                # body fields compared as error text (default message, detail, error)
 *   headers: { X-Extra: v }             # sent with every step
 *   credentials: { basic: [key, secret] }   # basic | bearer | none | header; a step's own replaces it
 *   normalize:                          # volatile values, applied to both answers before comparing
 *     - { pattern: '[0-9a-f]{8}-…', replace: '<uuid>' }   # over error texts and header values
 *     - { field: creation_date }        # a body field at any depth: value ignored, type still compared
 *   ignoreHeaders: [Date]
 *   vars: { repo: example-repo }
 *   steps:
 *     - name: log in
 *       method: POST
 *       path: /auth/login
 *       body: { access_key_id: '…', secret_access_key: '…' }
 *       capture: { token: body.token }
 *     - name: who am I
 *       method: GET
 *       path: /user
 *       credentials: { bearer: '{{token}}' }
 */
import { Ajv, type ErrorObject } from 'ajv';
import { parseYaml, yamlFailure, yamlPosition } from '../engine/yaml.js';
import { parseCapturePath, CapturePathError, type CapturePath } from './capture.js';
import { compilePattern } from './normalize.js';

export const ASPECTS = ['status', 'text', 'shape', 'contentType', 'headers'] as const;
export type Aspect = (typeof ASPECTS)[number];

export type Credentials = { basic: [string, string] } | { bearer: string } | { none: true } | { header: Record<string, string> };

export interface NormalizeRule {
  /** A regular expression (JavaScript syntax, global) over error texts and header values… */
  pattern?: string;
  replace?: string;
  /** …or a body field, at any depth, whose value is ignored (its type is still compared). */
  field?: string;
}

export interface DiffStep {
  name: string;
  method: string;
  path: string;
  query?: Record<string, string | number | boolean | Array<string | number | boolean>>;
  /** null removes a header: a default one, or the Content-Type a body adds. */
  headers?: Record<string, string | null>;
  credentials?: Credentials;
  /** JSON body (sent as application/json unless a Content-Type header says otherwise). */
  body?: unknown;
  /** A raw body, sent as written (for malformed JSON and other media types). */
  bodyText?: string;
  /** A form body (application/x-www-form-urlencoded). */
  form?: Record<string, string | number | boolean>;
  capture?: Record<string, string>;
  /** The aspects compared for this step; default every one. */
  expect?: Aspect[];
  note?: string;
}

export interface DiffScript {
  name: string;
  /** The file it was read from, for messages. */
  file: string;
  base: string;
  errorText: string[];
  headers: Record<string, string>;
  credentials?: Credentials;
  normalize: NormalizeRule[];
  ignoreHeaders: string[];
  vars: Record<string, string>;
  steps: DiffStep[];
  /** Each step's capture expressions, parsed (same order as `steps`). */
  captures: Array<Array<{ name: string; path: CapturePath }>>;
}

export const DEFAULT_ERROR_TEXT = ['message', 'detail', 'error'];

export class ScriptError extends Error {}

const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const scalar = { type: ['string', 'number', 'boolean'] };
const credentialsSchema = {
  type: 'object',
  minProperties: 1,
  maxProperties: 1,
  additionalProperties: false,
  properties: {
    basic: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 2 },
    bearer: { type: 'string' },
    none: { const: true },
    header: { ...stringMap, minProperties: 1 },
  },
};

/** The script's JSON Schema: its shape; the checks across fields are in parseScript. */
export const scriptSchema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: 'mockgate diff script',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'steps'],
  properties: {
    name: { type: 'string', minLength: 1 },
    description: { type: 'string' },
    base: { type: 'string', pattern: '^(/.*)?$' },
    errorText: { type: 'array', items: { type: 'string', minLength: 1 } },
    headers: stringMap,
    credentials: credentialsSchema,
    normalize: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        properties: { pattern: { type: 'string', minLength: 1 }, replace: { type: 'string' }, field: { type: 'string', minLength: 1 } },
        anyOf: [{ required: ['pattern'] }, { required: ['field'] }],
      },
    },
    ignoreHeaders: { type: 'array', items: { type: 'string', minLength: 1 } },
    vars: { type: 'object', additionalProperties: scalar },
    steps: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'method', 'path'],
        properties: {
          name: { type: 'string', minLength: 1 },
          method: { type: 'string', pattern: '^[A-Za-z]+$' },
          path: { type: 'string', pattern: '^/' },
          query: { type: 'object', additionalProperties: { anyOf: [scalar, { type: 'array', items: scalar }] } },
          // null: this step sends no such header (a default one, or the Content-Type a body would add).
          headers: { type: 'object', additionalProperties: { type: ['string', 'null'] } },
          credentials: credentialsSchema,
          body: {},
          bodyText: { type: 'string' },
          form: { type: 'object', additionalProperties: scalar },
          capture: stringMap,
          expect: { type: 'array', minItems: 1, items: { enum: [...ASPECTS] } },
          note: { type: 'string' },
        },
      },
    },
  },
} as const;

let validator: ReturnType<Ajv['compile']> | undefined;
function validate(value: unknown): ErrorObject[] {
  validator ??= new Ajv({ allErrors: true, strict: false }).compile(scriptSchema);
  return validator(value) ? [] : [...(validator.errors ?? [])];
}

/** Reads and checks a script; throws a ScriptError, `file:line:col: /pointer: reason`, on the first mistake. */
export function parseScript(text: string, file: string): DiffScript {
  let root: unknown;
  try {
    root = parseYaml(text);
  } catch (err) {
    throw new ScriptError(yamlFailure(err, file));
  }
  const fail = (pointer: Array<string | number>, reason: string, atKey = false): never => {
    const position = yamlPosition(text, pointer, { key: atKey });
    throw new ScriptError(`${file}:${position ? `${position.line}:${position.col}:` : ''} /${pointer.join('/')}: ${reason}`);
  };
  if (root === null || typeof root !== 'object' || Array.isArray(root)) fail([], 'expected a mapping with "name" and "steps"');
  const errors = validate(root);
  if (errors.length > 0) {
    const error = mostUseful(errors);
    const pointer = pointerOf(error);
    fail(pointer, describe(error), error.keyword === 'additionalProperties');
  }
  // Checked by the schema above: this is its shape.
  const raw = root as {
    name: string;
    base?: string;
    errorText?: string[];
    headers?: Record<string, string>;
    credentials?: Credentials;
    normalize?: NormalizeRule[];
    ignoreHeaders?: string[];
    vars?: Record<string, string | number | boolean>;
    steps: DiffStep[];
  };
  const steps = raw.steps;

  const seen = new Map<string, number>();
  steps.forEach((step, i) => {
    if (seen.has(step.name)) fail(['steps', i, 'name'], `step name "${step.name}" is already used by step ${seen.get(step.name)}; names must be unique (a transcript is matched by them)`);
    seen.set(step.name, i);
    const bodies = (['body', 'bodyText', 'form'] as const).filter((k) => step[k] !== undefined);
    if (bodies.length > 1) fail(['steps', i, bodies[1]!], `a step has one body: "${bodies[0]}" or "${bodies[1]}", not both`, true);
  });

  const normalize = (raw.normalize ?? []) as NormalizeRule[];
  normalize.forEach((rule, i) => {
    if (rule.pattern === undefined) return;
    try {
      compilePattern(rule.pattern);
    } catch (err) {
      fail(['normalize', i, 'pattern'], `not a regular expression (${(err as Error).message})`);
    }
  });

  const captures = steps.map((step, i) =>
    Object.entries(step.capture ?? {}).map(([name, expression]) => {
      if (!/^\w+$/.test(name)) fail(['steps', i, 'capture', name], `"${name}" is not a variable name (letters, digits, _)`, true);
      try {
        return { name, path: parseCapturePath(expression) };
      } catch (err) {
        if (err instanceof CapturePathError) return fail(['steps', i, 'capture', name], err.message);
        throw err;
      }
    }),
  );

  // Every {{var}} must be known before its step is sent: in vars, or captured by an earlier step.
  const known = new Set(Object.keys(raw.vars ?? {}));
  const check = (value: unknown, pointer: Array<string | number>, stepIndex: number | undefined) => {
    walkStrings(value, pointer, (s, at) => {
      for (const name of placeholders(s)) {
        if (known.has(name)) continue;
        const where = stepIndex === undefined ? 'vars' : 'vars or the capture of an earlier step';
        fail(at, `{{${name}}} is never set before it is used; add it to ${where} (known here: ${[...known].join(', ') || 'none'})`);
      }
    });
  };
  check(raw.headers, ['headers'], undefined);
  check(raw.credentials, ['credentials'], undefined);
  steps.forEach((step, i) => {
    for (const key of ['path', 'query', 'headers', 'credentials', 'body', 'bodyText', 'form'] as const) check(step[key], ['steps', i, key], i);
    for (const { name } of captures[i]!) known.add(name);
  });

  return {
    name: raw.name,
    file,
    base: raw.base ?? '',
    errorText: raw.errorText ?? DEFAULT_ERROR_TEXT,
    headers: raw.headers ?? {},
    credentials: raw.credentials,
    normalize,
    ignoreHeaders: raw.ignoreHeaders ?? [],
    vars: Object.fromEntries(Object.entries(raw.vars ?? {}).map(([k, v]) => [k, String(v)])),
    steps: steps.map((step) => ({ ...step, method: step.method.toUpperCase() })),
    captures,
  };
}

/** The `{{name}}` placeholders of a string, in order. */
export function placeholders(s: string): string[] {
  const names: string[] = [];
  for (const m of s.matchAll(/\{\{(\w+)\}\}/g)) names.push(m[1]!);
  return names;
}

/** Every string of a value (keys of mappings too), with its pointer. */
function walkStrings(value: unknown, pointer: Array<string | number>, visit: (s: string, at: Array<string | number>) => void): void {
  if (typeof value === 'string') visit(value, pointer);
  else if (Array.isArray(value)) value.forEach((v, i) => walkStrings(v, [...pointer, i], visit));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      visit(k, [...pointer, k]);
      walkStrings(v, [...pointer, k], visit);
    }
  }
}

/** The error a person should see first: the deepest one (anyOf noise sits at shallower paths). */
function mostUseful(errors: ErrorObject[]): ErrorObject {
  const depth = (e: ErrorObject) => pointerOf(e).length + (e.keyword === 'additionalProperties' || e.keyword === 'required' ? 0.5 : 0);
  const deepest = [...errors].sort((a, b) => depth(b) - depth(a))[0]!;
  // A "required" inside an anyOf is one of the alternatives; the anyOf says what is wanted.
  return (deepest.keyword === 'required' && errors.find((e) => e.keyword === 'anyOf' && e.instancePath === deepest.instancePath)) || deepest;
}

function pointerOf(error: ErrorObject): string[] {
  const segments = error.instancePath === '' ? [] : error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (error.keyword === 'additionalProperties') segments.push((error.params as { additionalProperty: string }).additionalProperty);
  return segments;
}

function describe(error: ErrorObject): string {
  const params = error.params as { additionalProperty?: string; missingProperty?: string; allowedValues?: unknown[] };
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown key "${params.additionalProperty}"; remove it or check its spelling`;
    case 'required':
      return `missing required key "${params.missingProperty}"`;
    case 'enum':
      return `must be one of ${(params.allowedValues ?? []).map((v: unknown) => JSON.stringify(v)).join(', ')}`;
    case 'anyOf':
      return 'a normalize rule needs "pattern" (with "replace") or "field"';
    case 'pattern':
      return error.instancePath.endsWith('/path') ? 'a step path starts with "/"' : error.instancePath === '/base' ? 'base starts with "/"' : `${error.message}`;
    case 'maxProperties':
    case 'minProperties':
      return error.instancePath.endsWith('credentials') ? 'credentials name one kind: basic: [user, password] | bearer: token | none: true | header: {Name: value}' : `${error.message}`;
    default:
      return `${error.message}`;
  }
}

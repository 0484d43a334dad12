/**
 * Which problem kin-openapi (v0.131, the version lakeFS 1.80–1.84 pins) reports first for a request, and its full
 * text: openapi3filter.ValidateRequest without MultiError stops at the first failing parameter, then the body,
 * and within a schema at the first failing keyword in its own order (properties by sorted name before `required`,
 * items in order). Its SchemaError dumps the failing schema and value:
 *
 *   request body has an error: doesn't match schema #/components/schemas/LoginInformation: Error at "/access_key_id": property "access_key_id" is missing
 *   Schema:
 *     {
 *       "properties": {
 *     …
 *   Value:
 *     {}
 *
 * The schema is printed as kin-openapi marshals it: the fields it knows (and `x-` extensions), keys sorted, a
 * nested schema that is a component as `{"$ref": "#/components/schemas/X"}`. The body's schema is named by its
 * `$ref` (or its title). Everything is derived from the mounted document and the request, so a user who mounts
 * lakeFS's own swagger.yml gets lakeFS's texts to the byte.
 *
 * What it covers: parameters of scalar types in query, path and header (strconv's parsing, `empty value is not
 * allowed`, then the schema), and JSON bodies: type, nullable, enum, not / allOf / anyOf / oneOf, number bounds
 * and multipleOf, string lengths and patterns, array bounds, uniqueness and items, object property counts,
 * properties, additionalProperties and required, with the defaults kin-openapi writes into the body first.
 * Whether a string matches its pattern is the schema validation's finding (its issues), so no regex is built here.
 * What it does not: formats, readOnly properties, array and object parameters, content parameters. For those it
 * answers `undefined`, and the caller keeps its own text.
 */
import type { ValidationIssue } from '../../engine/errors.js';
import type { LoadedSpec, Operation, Parameter } from '../../engine/spec.js';
import { goFloat } from './kin-openapi.js';
import { jsonMedia } from '../../engine/validator.js';

/** kin-openapi's SchemaError: where (forward path), why, and the schema and value to dump (unless it has an origin). */
export interface KinSchemaError {
  path: string[];
  reason: string;
  schema: Record<string, any>;
  value: unknown;
  /** An error that stands for this one in the text (allOf's failing branch): printed instead of reason and dump. */
  origin?: KinSchemaError;
}

/** A request error: the text kin-openapi gives, and where it stands (a parameter, or the body). */
export interface KinRequestError {
  text: string;
  in: 'query' | 'path' | 'header' | 'body';
  /** The parameter's name, or the pointer inside the body. */
  path: Array<string | number>;
  keyword: string;
}

export interface KinRequestInput {
  spec: Pick<LoadedSpec, 'definition'>;
  operation: Operation;
  /** Path parameters, decoded. */
  params: Record<string, unknown>;
  /** The query as received (strings, or arrays of strings for a repeated name). */
  query: Record<string, unknown>;
  /** Lower-case header names. */
  headers: Record<string, unknown>;
  /** The parsed JSON body; undefined without one. */
  body: unknown;
  hasBody: boolean;
  /**
   * Whether a parameter may be sent empty although the mounted document does not mark it `allowEmptyValue` (an
   * API whose bundled spec leaves the keyword out, where its server's document has it).
   */
  allowsEmpty?: (parameter: Parameter) => boolean;
  /** What the schema validation found: which values failed a pattern (this module compiles no regex of its own). */
  issues: ValidationIssue[];
}

/** A lookup of the pattern failures the schema validation found in one location, by pointer below `base`. */
function patternIssues(issues: ValidationIssue[], location: string, base: string[]): (at: string[]) => boolean {
  const failed = new Set(
    issues
      .filter((issue) => issue.keyword === 'pattern' && issue.in === location)
      .map((issue) => issue.path.map(String))
      .filter((path) => base.every((key, i) => path[i] === key))
      .map((path) => JSON.stringify(path.slice(base.length))),
  );
  return (at) => failed.has(JSON.stringify(at));
}

/** Not covered here: the caller's own text stands. */
const UNKNOWN = Symbol('unknown');
type Outcome<T> = T | undefined | typeof UNKNOWN;

/**
 * The first request error kin-openapi reports, with its text; undefined when it reports none, or when the
 * problem is one this emulation does not cover (see the module comment).
 */
export function kinRequestError(input: KinRequestInput): KinRequestError | undefined {
  for (const parameter of input.operation.parameters) {
    if (parameter.in === 'cookie') continue;
    const found = parameterError(parameter, input);
    if (found === UNKNOWN) return undefined;
    if (found) return found;
  }
  if (!input.hasBody) return undefined;
  const media = jsonMedia(input.operation.requestBody?.content) as { schema?: any } | undefined;
  if (!media?.schema || typeof media.schema !== 'object') return undefined;
  const visitor = new Visitor(componentNames(input.spec.definition), patternIssues(input.issues, 'body', []));
  const error = visitor.visit(media.schema, structuredClone(input.body));
  if (error === UNKNOWN || !error) return undefined;
  const name = visitor.names.get(media.schema) ?? (typeof media.schema.title === 'string' ? media.schema.title.trim() : '');
  const innermost = innermostPath(error);
  return {
    text: `request body has an error: doesn't match schema${name ? ` ${name}` : ''}: ${schemaErrorText(error, visitor)}`,
    in: 'body',
    path: innermost,
    keyword: 'schema',
  };
}

/**
 * kin-openapi's one refusal of a request the schemas accept: a parameter sent with an empty value, that has no
 * default and is not marked allowEmptyValue (`parameter "path" in query has an error: empty value is not allowed`).
 * Cheap enough for every request: only parameters sent empty are looked at.
 */
export function kinEmptyValueError(input: KinRequestInput): KinRequestError | undefined {
  for (const parameter of input.operation.parameters as Array<Parameter & { allowEmptyValue?: boolean }>) {
    if (parameter.in !== 'query' && parameter.in !== 'header') continue;
    const source = parameter.in === 'query' ? input.query : input.headers;
    const raw = source[parameter.in === 'header' ? parameter.name.toLowerCase() : parameter.name];
    const first = Array.isArray(raw) ? raw[0] : raw;
    if (first !== '' || !parameter.schema || typeof parameter.schema !== 'object') continue;
    if (parameter.schema.default !== undefined || parameter.allowEmptyValue || input.allowsEmpty?.(parameter)) continue;
    // A schema with a pattern and no type takes the raw text, empty or not.
    if (parameter.schema.type === undefined && parameter.schema.pattern) continue;
    return {
      in: parameter.in,
      path: [parameter.name],
      keyword: 'allowEmptyValue',
      text: `parameter ${goQuote(parameter.name)} in ${parameter.in} has an error: empty value is not allowed`,
    };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------- parameters

function parameterError(parameter: Parameter & { allowEmptyValue?: boolean }, input: KinRequestInput): Outcome<KinRequestError> {
  const schema = parameter.schema;
  if (!schema || typeof schema !== 'object') return undefined;
  const source = parameter.in === 'query' ? input.query : parameter.in === 'path' ? input.params : input.headers;
  const key = parameter.in === 'header' ? parameter.name.toLowerCase() : parameter.name;
  const raw = Object.hasOwn(source, key) ? source[key] : undefined;
  const found = raw !== undefined;
  const first = Array.isArray(raw) ? raw[0] : raw;
  if (found && typeof first !== 'string') return UNKNOWN;
  const prefix = `parameter ${goQuote(parameter.name)} in ${parameter.in} has an error`;
  const at = { in: parameter.in as KinRequestError['in'], path: [parameter.name] };

  let value: unknown;
  if (found) {
    const parsed = parsePrimitive(first as string, schema);
    if (parsed === UNKNOWN) return UNKNOWN;
    if ('error' in parsed) return { ...at, keyword: 'type', text: `${prefix}: ${parsed.error}` };
    value = parsed.value;
  }
  // A parameter without a value takes its schema's default (and is then validated with it).
  if (value === undefined && schema.default !== undefined) value = schema.default;
  if (parameter.required && !found) return { ...at, keyword: 'required', text: `${prefix}: value is required but missing` };
  if (value === undefined) {
    if (found && !parameter.allowEmptyValue && !input.allowsEmpty?.(parameter)) return { ...at, keyword: 'allowEmptyValue', text: `${prefix}: empty value is not allowed` };
    return undefined;
  }
  const visitor = new Visitor(componentNames(input.spec.definition), patternIssues(input.issues, parameter.in, [parameter.name]));
  const error = visitor.visit(schema, value);
  if (error === UNKNOWN) return UNKNOWN;
  if (!error) return undefined;
  return { ...at, keyword: 'schema', text: `${prefix}: ${schemaErrorText(error, visitor)}` };
}

/**
 * kin-openapi's parsePrimitive: the first value of a form-style parameter as its schema's scalar type, with
 * strconv's rules (ParseInt base 0: `0x1f`, `0o17`, `017`, `1_000` after a prefix; ParseFloat; ParseBool). An
 * empty value is no value. Arrays and objects are not covered.
 */
function parsePrimitive(raw: string, schema: Record<string, any>): typeof UNKNOWN | { value: unknown } | { error: string } {
  const types: unknown[] = Array.isArray(schema.type) ? schema.type : schema.type === undefined ? [] : [schema.type];
  // A schema with a pattern and no type takes the raw text (DecodePrimitive), before anything else.
  if (types.length === 0 && schema.pattern) return { value: raw };
  if (raw === '') return { value: undefined };
  if (types.length === 0) return UNKNOWN;
  let last: { error: string } | undefined;
  for (const type of types) {
    switch (type) {
      case 'integer': {
        const parsed = parseGoInt(raw, schema.format === 'int32' ? 32 : 64);
        if (typeof parsed === 'string') last = { error: `value ${raw}: an invalid integer: ${parsed}` };
        else return { value: parsed };
        break;
      }
      case 'number': {
        const parsed = parseGoFloat(raw);
        if (typeof parsed === 'string') last = { error: `value ${raw}: an invalid number: ${parsed}` };
        else return { value: parsed };
        break;
      }
      case 'boolean':
        if (TRUE.has(raw)) return { value: true };
        if (FALSE.has(raw)) return { value: false };
        last = { error: `value ${raw}: an invalid boolean: invalid syntax` };
        break;
      case 'string':
        return { value: raw };
      default:
        return UNKNOWN;
    }
  }
  return last ?? UNKNOWN;
}

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** strconv.ParseInt(raw, 0, bits): the number, or strconv's reason (`invalid syntax`, `value out of range`). */
export function parseGoInt(raw: string, bits: 32 | 64): number | string {
  const match = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|0[0-7_]*|[1-9][0-9]*)$/.exec(raw);
  if (!match) return 'invalid syntax';
  const [, sign, body] = match as unknown as [string, string, string];
  let digits = body;
  let base = 10;
  if (/^0[xX]/.test(body)) [base, digits] = [16, body.slice(2)];
  else if (/^0[bB]/.test(body)) [base, digits] = [2, body.slice(2)];
  else if (/^0[oO]/.test(body)) [base, digits] = [8, body.slice(2)];
  else if (body.length > 1 && body.startsWith('0')) [base, digits] = [8, body.slice(1)];
  // Underscores only between digits, or right after a base prefix (Go's underscoreOK).
  if (digits.includes('_') && (base === 10 || /__|_$/.test(body))) return 'invalid syntax';
  const clean = digits.replace(/_/g, '');
  if (clean === '') return 'invalid syntax';
  let n = 0n;
  for (const c of clean) n = n * BigInt(base) + BigInt(parseInt(c, base));
  if (sign === '-') n = -n;
  const limit = 1n << BigInt(bits - 1);
  if (n >= limit || n < -limit) return 'value out of range';
  return Number(n);
}

/** strconv.ParseFloat(raw, 64) for decimal literals and inf / nan: the number, or strconv's reason. */
function parseGoFloat(raw: string): number | string {
  if (/^[+-]?(inf|infinity)$/i.test(raw)) return raw.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(raw)) return NaN;
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(raw)) return 'invalid syntax';
  const n = Number(raw);
  return Number.isFinite(n) ? n : 'value out of range';
}

// ---------------------------------------------------------------------------------------------- schemas

/** The dereferenced document's component schemas, by object: the `$ref` kin-openapi still knows them by. */
const namesByDefinition = new WeakMap<object, Map<object, string>>();

function componentNames(definition: any): Map<object, string> {
  if (!definition || typeof definition !== 'object') return new Map();
  let names = namesByDefinition.get(definition);
  if (!names) {
    names = new Map();
    const schemas = definition.components?.schemas;
    if (schemas && typeof schemas === 'object') {
      for (const [name, schema] of Object.entries(schemas)) {
        if (schema && typeof schema === 'object' && !names.has(schema)) names.set(schema, `#/components/schemas/${escapePointer(name)}`);
      }
    }
    namesByDefinition.set(definition, names);
  }
  return names;
}

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

class Visitor {
  constructor(
    readonly names: Map<object, string>,
    /** Whether the value at this pointer (inside the body, or the parameter's) failed its schema's pattern. */
    private readonly patternFails: (at: string[]) => boolean,
  ) {}

  /** Schema.visitJSON in request mode: the first error, none, or UNKNOWN for what is not covered. */
  visit(schema: any, value: unknown, at: string[] = []): Outcome<KinSchemaError> {
    if (!schema || typeof schema !== 'object') return undefined;
    if (value === null && permitsNull(schema)) return undefined;
    if (typeof value === 'number' && !Number.isFinite(value)) return UNKNOWN;
    if (isEmptySchema(schema)) return value === null ? this.nullError(schema) : undefined;

    if (schema.not && typeof schema.not === 'object') {
      const inner = this.visit(schema.not, value, at);
      if (inner === UNKNOWN) return UNKNOWN;
      if (!inner) return { path: [], reason: 'Doesn\'t match schema "not"', schema, value };
    }
    const xof = this.visitXOf(schema, value, at);
    if (xof === UNKNOWN || xof.error) return xof === UNKNOWN ? UNKNOWN : xof.error;
    if (!xof.run) return undefined;
    if (Array.isArray(schema.enum) && schema.enum.length > 0 && !schema.enum.some((allowed: unknown) => deepEqual(allowed, value))) {
      return { path: [], reason: `value is not one of the allowed values ${goJson(schema.enum)}`, schema, value };
    }
    if (value === null) return this.nullError(schema);
    switch (typeof value) {
      case 'boolean':
        return permits(schema, 'boolean') ? undefined : expectedType(schema, value);
      case 'number':
        return this.visitNumber(schema, value);
      case 'string':
        return this.visitString(schema, value, at);
      case 'object':
        return Array.isArray(value) ? this.visitArray(schema, value, at) : this.visitObject(schema, value as Record<string, unknown>, at);
      default:
        return UNKNOWN;
    }
  }

  private nullError(schema: any): KinSchemaError {
    return { path: [], reason: 'Value is not nullable', schema, value: null };
  }

  private visitXOf(schema: any, value: unknown, at: string[]): typeof UNKNOWN | { error?: KinSchemaError; run: boolean } {
    let visited = false;
    if (Array.isArray(schema.oneOf) && schema.oneOf.length > 0) {
      if (schema.discriminator) return UNKNOWN;
      let matches = 0;
      for (const branch of schema.oneOf) {
        const error = this.visit(branch, structuredClone(value), at);
        if (error === UNKNOWN) return UNKNOWN;
        if (!error) matches++;
      }
      // kin-openapi words a miss with every branch's error joined: not reproduced.
      if (matches !== 1) return UNKNOWN;
      visited = true;
    }
    if (Array.isArray(schema.anyOf) && schema.anyOf.length > 0) {
      let matched = false;
      for (const branch of schema.anyOf) {
        const error = this.visit(branch, structuredClone(value), at);
        if (error === UNKNOWN) return UNKNOWN;
        if (!error) {
          matched = true;
          break;
        }
      }
      if (!matched) return { error: { path: [], reason: 'doesn\'t match any schema from "anyOf"', schema, value }, run: false };
      visited = true;
    }
    for (const branch of Array.isArray(schema.allOf) ? schema.allOf : []) {
      const error = this.visit(branch, value, at);
      if (error === UNKNOWN) return UNKNOWN;
      if (error) return { error: { path: [], reason: 'doesn\'t match all schemas from "allOf"', schema, value, origin: error }, run: false };
      visited = true;
    }
    return { run: !(visited && value === null) };
  }

  private visitNumber(schema: any, value: number): Outcome<KinSchemaError> {
    const error = (reason: string): KinSchemaError => ({ path: [], reason, schema, value });
    if (permits(schema, 'integer') && !permits(schema, 'number')) {
      if (!Number.isInteger(value)) return error('value must be an integer');
    } else if (!permits(schema, 'number')) return expectedType(schema, value);
    if (schema.format) return formatCovered(schema.format, value) ? this.numberBounds(schema, value, error) : UNKNOWN;
    return this.numberBounds(schema, value, error);
  }

  private numberBounds(schema: any, value: number, error: (reason: string) => KinSchemaError): Outcome<KinSchemaError> {
    // The document was read into JSON Schema's form (exclusiveMinimum: <bound>); kin-openapi has OpenAPI 3.0's.
    const exclusiveMin = typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : schema.exclusiveMinimum === true ? schema.minimum : undefined;
    const exclusiveMax = typeof schema.exclusiveMaximum === 'number' ? schema.exclusiveMaximum : schema.exclusiveMaximum === true ? schema.maximum : undefined;
    if (exclusiveMin !== undefined && !(exclusiveMin < value)) return error(`number must be more than ${goFloat(exclusiveMin)}`);
    if (exclusiveMax !== undefined && !(exclusiveMax > value)) return error(`number must be less than ${goFloat(exclusiveMax)}`);
    if (typeof schema.minimum === 'number' && !(schema.minimum <= value)) return error(`number must be at least ${goFloat(schema.minimum)}`);
    if (typeof schema.maximum === 'number' && !(schema.maximum >= value)) return error(`number must be at most ${goFloat(schema.maximum)}`);
    if (typeof schema.multipleOf === 'number' && !Number.isInteger(value / schema.multipleOf)) return error(`number must be a multiple of ${goFloat(schema.multipleOf)}`);
    return undefined;
  }

  private visitString(schema: any, value: string, at: string[]): Outcome<KinSchemaError> {
    if (!permits(schema, 'string')) return expectedType(schema, value);
    const error = (reason: string): KinSchemaError => ({ path: [], reason, schema, value });
    if (schema.minLength || schema.maxLength !== undefined) {
      // UTF-16 code units, as kin-openapi counts them.
      const length = value.length;
      if (schema.minLength && length < schema.minLength) return error(`minimum string length is ${schema.minLength}`);
      if (typeof schema.maxLength === 'number' && length > schema.maxLength) return error(`maximum string length is ${schema.maxLength}`);
    }
    // Whether the pattern matches is the schema validation's finding (it compiled the document's patterns once).
    if (typeof schema.pattern === 'string' && schema.pattern !== '' && this.patternFails(at)) {
      return error(`string doesn't match the regular expression "${schema.pattern}"`);
    }
    if (schema.format) return UNKNOWN;
    return undefined;
  }

  private visitArray(schema: any, value: unknown[], at: string[]): Outcome<KinSchemaError> {
    if (!permits(schema, 'array')) return expectedType(schema, value);
    const error = (reason: string): KinSchemaError => ({ path: [], reason, schema, value });
    if (schema.minItems && value.length < schema.minItems) return error(`minimum number of items is ${schema.minItems}`);
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) return error(`maximum number of items is ${schema.maxItems}`);
    if (schema.uniqueItems === true && new Set(value.map((item) => goJson(item))).size !== value.length) return error('duplicate items found');
    if (schema.items && typeof schema.items === 'object') {
      for (const [i, item] of value.entries()) {
        const inner = this.visit(schema.items, item, [...at, String(i)]);
        if (inner === UNKNOWN) return UNKNOWN;
        if (inner) return prefixed(inner, String(i));
      }
    }
    return undefined;
  }

  private visitObject(schema: any, value: Record<string, unknown>, at: string[]): Outcome<KinSchemaError> {
    if (!permits(schema, 'object')) return expectedType(schema, value);
    const properties: Record<string, any> = schema.properties && typeof schema.properties === 'object' ? schema.properties : {};
    // In a request, a property's default is written into the body before anything is checked.
    for (const name of Object.keys(properties).sort()) {
      const property = properties[name];
      if (property?.readOnly === true && value[name] != null) return UNKNOWN;
      if ((value[name] === undefined || value[name] === null) && property?.default !== undefined && property.readOnly !== true) {
        value[name] = structuredClone(property.default);
      }
    }
    const error = (reason: string): KinSchemaError => ({ path: [], reason, schema, value });
    const count = Object.keys(value).length;
    if (schema.minProperties && count < schema.minProperties) return error(`there must be at least ${schema.minProperties} properties`);
    if (typeof schema.maxProperties === 'number' && count > schema.maxProperties) return error(`there must be at most ${schema.maxProperties} properties`);
    const additional = schema.additionalProperties;
    for (const name of Object.keys(value).sort()) {
      if (Object.hasOwn(properties, name)) {
        const inner = this.visit(properties[name], value[name], [...at, name]);
        if (inner === UNKNOWN) return UNKNOWN;
        if (inner) return prefixed(inner, name);
        continue;
      }
      if (additional === false) return error(`property ${goQuote(name)} is unsupported`);
      if (additional && typeof additional === 'object') {
        const inner = this.visit(additional, value[name], [...at, name]);
        if (inner === UNKNOWN) return UNKNOWN;
        if (inner) return prefixed(inner, name);
      }
    }
    for (const name of Array.isArray(schema.required) ? schema.required : []) {
      if (Object.hasOwn(value, name)) continue;
      if (properties[name]?.readOnly === true) continue;
      return { path: [name], reason: `property ${goQuote(name)} is missing`, schema, value };
    }
    return undefined;
  }
}

function prefixed(error: KinSchemaError, key: string): KinSchemaError {
  error.path.unshift(key);
  return error;
}

/** The pointer an error (or the error standing for it) is at. */
function innermostPath(error: KinSchemaError): string[] {
  return error.origin ? [...error.path, ...innermostPath(error.origin)] : error.path;
}

const typesOf = (schema: any): string[] | undefined =>
  schema.type === undefined ? undefined : Array.isArray(schema.type) ? schema.type : [schema.type];

function permits(schema: any, type: string): boolean {
  const types = typesOf(schema);
  if (!types) return true;
  return types.includes(type) || (type === 'integer' && types.includes('number'));
}

function permitsNull(schema: any): boolean {
  return schema.nullable === true || (typesOf(schema)?.includes('null') ?? false);
}

/** Schema.expectedType: `value must be an object`, `value must be one of string, integer`. */
function expectedType(schema: any, value: unknown): KinSchemaError {
  const types = typesOf(schema) ?? [];
  const reason =
    types.length === 1 ? `value must be ${['array', 'object', 'integer'].includes(types[0]!) ? 'an' : 'a'} ${types[0]}` : `value must be one of ${types.join(', ')}`;
  return { path: [], reason, schema, value };
}

/** The number formats kin-openapi checks and this emulation reproduces (bounds of int32 / int64 only). */
function formatCovered(format: string, value: number): boolean {
  if (format === 'int64') return Number.isInteger(value) && Math.abs(value) <= 9223372036854775807;
  if (format === 'int32') return Number.isInteger(value) && value >= -2147483648 && value <= 2147483647;
  return format === 'float' || format === 'double';
}

/** Schema.IsEmpty: a schema that constrains nothing. */
function isEmptySchema(schema: any): boolean {
  const constraining = [
    'type', 'format', 'enum', 'uniqueItems', 'exclusiveMinimum', 'exclusiveMaximum', 'nullable', 'readOnly', 'writeOnly',
    'allowEmptyValue', 'minimum', 'maximum', 'multipleOf', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems',
    'required', 'minProperties', 'maxProperties',
  ];
  for (const key of constraining) {
    const v = schema[key];
    if (v === undefined || v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0)) continue;
    return false;
  }
  if (schema.not && !isEmptySchema(schema.not)) return false;
  if (schema.additionalProperties === false) return false;
  if (schema.additionalProperties && typeof schema.additionalProperties === 'object' && !isEmptySchema(schema.additionalProperties)) return false;
  if (schema.items && typeof schema.items === 'object' && !isEmptySchema(schema.items)) return false;
  for (const key of ['properties']) {
    for (const child of Object.values<any>(schema[key] ?? {})) if (child && typeof child === 'object' && !isEmptySchema(child)) return false;
  }
  for (const key of ['allOf', 'anyOf', 'oneOf']) {
    for (const child of Array.isArray(schema[key]) ? schema[key] : []) if (child && typeof child === 'object' && !isEmptySchema(child)) return false;
  }
  return true;
}

function deepEqual(a: unknown, b: unknown): boolean {
  return goJson(a) === goJson(b);
}

// ---------------------------------------------------------------------------------------------- the text

/** SchemaError.Error(): `Error at "/a/b": reason`, then the schema and the value, each as json.Encoder indents it. */
function schemaErrorText(error: KinSchemaError, visitor: Visitor): string {
  const at = error.path.length > 0 ? `Error at "${error.path.map((key) => `/${key}`).join('')}": ` : '';
  if (error.origin) return `${at}${schemaErrorText(error.origin, visitor)}`;
  const schema = goIndent(goJson(kinSchema(error.schema, visitor.names, true), true));
  const value = goIndent(goJson(error.value, true));
  return `${at}${error.reason}\nSchema:\n  ${schema}\n\nValue:\n  ${value}\n`;
}

/** json.Encoder with SetIndent("  ", "  "): every line after the first starts with the prefix. */
const goIndent = (json: string) => json.replace(/\n/g, '\n  ');

/** The fields of kin-openapi's Schema (MarshalYAML), in the form it marshals them; nested components as $refs. */
function kinSchema(schema: any, names: Map<object, string>, top: boolean): unknown {
  if (!schema || typeof schema !== 'object') return schema;
  if (!top && names.has(schema)) return { $ref: names.get(schema) };
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) if (key.startsWith('x-')) out[key] = value;
  const nested = (child: unknown) => kinSchema(child, names, false);
  const set = (key: string, value: unknown) => {
    if (value !== undefined) out[key] = value;
  };
  for (const key of ['oneOf', 'anyOf', 'allOf']) if (Array.isArray(schema[key]) && schema[key].length) set(key, schema[key].map(nested));
  if (schema.not) set('not', nested(schema.not));
  set('type', schema.type);
  for (const key of ['title', 'format', 'description']) if (typeof schema[key] === 'string' && schema[key] !== '') set(key, schema[key]);
  if (Array.isArray(schema.enum) && schema.enum.length) set('enum', schema.enum);
  if (schema.default !== undefined && schema.default !== null) set('default', schema.default);
  if (schema.example !== undefined && schema.example !== null) set('example', schema.example);
  set('externalDocs', schema.externalDocs);
  for (const key of ['uniqueItems', 'nullable', 'readOnly', 'writeOnly', 'allowEmptyValue', 'deprecated']) if (schema[key] === true) set(key, true);
  // OpenAPI 3.0's exclusive bounds are flags beside minimum / maximum (the loader moved them into the flag).
  let { minimum, maximum } = schema;
  if (typeof schema.exclusiveMinimum === 'number') [minimum, out.exclusiveMinimum] = [schema.exclusiveMinimum, true];
  else if (schema.exclusiveMinimum === true) out.exclusiveMinimum = true;
  if (typeof schema.exclusiveMaximum === 'number') [maximum, out.exclusiveMaximum] = [schema.exclusiveMaximum, true];
  else if (schema.exclusiveMaximum === true) out.exclusiveMaximum = true;
  set('xml', schema.xml);
  set('minimum', minimum);
  set('maximum', maximum);
  set('multipleOf', schema.multipleOf);
  if (schema.minLength) set('minLength', schema.minLength);
  set('maxLength', schema.maxLength);
  if (typeof schema.pattern === 'string' && schema.pattern !== '') set('pattern', schema.pattern);
  if (schema.minItems) set('minItems', schema.minItems);
  set('maxItems', schema.maxItems);
  if (schema.items) set('items', nested(schema.items));
  if (Array.isArray(schema.required) && schema.required.length) set('required', schema.required);
  if (schema.properties && typeof schema.properties === 'object' && Object.keys(schema.properties).length) {
    set('properties', Object.fromEntries(Object.entries(schema.properties).map(([name, child]) => [name, nested(child)])));
  }
  if (schema.minProperties) set('minProperties', schema.minProperties);
  set('maxProperties', schema.maxProperties);
  if (typeof schema.additionalProperties === 'boolean') set('additionalProperties', schema.additionalProperties);
  else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') set('additionalProperties', nested(schema.additionalProperties));
  set('discriminator', schema.discriminator);
  return out;
}

/**
 * Go's encoding/json of a decoded value: map keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped (json.Encoder's
 * default), optionally indented by two spaces.
 */
export function goJson(value: unknown, indent = false): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(v).sort()) Object.defineProperty(out, key, { value: sorted((v as Record<string, unknown>)[key]), enumerable: true });
      return out;
    }
    return v;
  };
  const text = JSON.stringify(sorted(value), null, indent ? 2 : undefined) ?? 'null';
  return text.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Go's %q for the names quoted here: for their printable ASCII, JSON's quoting is the same. */
const goQuote = (text: string) => JSON.stringify(text);

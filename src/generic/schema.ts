/**
 * Reading a user's (dereferenced) schemas the way the generic resource layer needs them: the JSON schema an
 * operation answers with, the properties an object schema has once its top-level allOf is merged (Petstore's
 * `Pet` is `allOf: [NewPet, {id}]`), and where a list answer keeps its items.
 */
import type { Operation } from '../engine/spec.js';

/**
 * A schema of a user's (dereferenced) spec, as this layer reads it: the keywords it uses, typed as the spec should
 * have written them — every read still checks, since a spec may not have.
 */
export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  allOf?: Schema[];
  items?: Schema;
  nullable?: boolean;
  readOnly?: boolean;
  writeOnly?: boolean;
  format?: string;
  minimum?: number;
  default?: unknown;
  'x-mockgate-id'?: unknown;
  [keyword: string]: unknown;
}

/** A stored item, or any JSON object. */
export type JsonObject = Record<string, unknown>;

export const isPlainObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A media type mockgate answers as JSON (application/json, application/vnd.github+json, …). */
export const isJsonMedia = (mediaType: string): boolean => mediaType.toLowerCase().includes('json');

/**
 * The success status an operation answers with: `preferred` when it declares it (201 for a create, 204 for a
 * delete), else its lowest declared 2xx, else `preferred` when it declares a 2XX range or only `default`.
 */
export function successStatus(op: Operation, preferred: number): { key: string; code: number } | undefined {
  const keys = Object.keys(op.responses);
  if (keys.includes(String(preferred))) return { key: String(preferred), code: preferred };
  const lowest = keys.filter((k) => k.length === 3 && k.startsWith('2') && Number.isInteger(Number(k))).sort()[0];
  if (lowest) return { key: lowest, code: Number(lowest) };
  const range = keys.find((k) => k.toUpperCase() === '2XX');
  if (range) return { key: range, code: preferred };
  if (keys.includes('default')) return { key: 'default', code: preferred };
  return undefined;
}

/** The JSON media type and schema a declared response answers with (the one mock-response.ts would pick). */
export function responseMedia(op: Operation, key: string): { mediaType?: string; schema?: Schema } {
  const content: Record<string, { schema?: unknown } | undefined> = op.responses[key]?.content ?? {};
  const types = Object.keys(content);
  const json = types.find(isJsonMedia);
  if (!json) return { mediaType: types[0] };
  const schema = content[json]?.schema;
  return { mediaType: json, schema: isPlainObject(schema) ? schema : undefined };
}

/** The JSON schema of an operation's success answer, when it has one. */
export function successSchema(op: Operation, preferred: number): Schema | undefined {
  const status = successStatus(op, preferred);
  return status ? responseMedia(op, status.key).schema : undefined;
}

/** The JSON request body schema of an operation, when it has one. */
export function requestSchema(op: Operation): Schema | undefined {
  const content: Record<string, { schema?: unknown }> = op.requestBody?.content ?? {};
  const json = Object.keys(content).find(isJsonMedia);
  const schema = json ? content[json]?.schema : undefined;
  return isPlainObject(schema) ? schema : undefined;
}

export interface ObjectShape {
  properties: Record<string, Schema>;
  required: Set<string>;
}

/**
 * An object schema's properties and required names with its top-level allOf merged in (cycle-safe). oneOf /
 * anyOf branches are not merged: which one applies depends on the value.
 */
export function objectShape(schema: Schema | undefined, seen = new Set<object>()): ObjectShape {
  const shape: ObjectShape = { properties: {}, required: new Set() };
  if (!isPlainObject(schema) || seen.has(schema)) return shape;
  seen.add(schema);
  for (const part of Array.isArray(schema.allOf) ? schema.allOf : []) {
    const inner = objectShape(part, seen);
    Object.assign(shape.properties, inner.properties);
    for (const name of inner.required) shape.required.add(name);
  }
  if (isPlainObject(schema.properties)) {
    for (const [name, property] of Object.entries(schema.properties)) if (isPlainObject(property)) shape.properties[name] = property;
  }
  if (Array.isArray(schema.required)) for (const name of schema.required) if (typeof name === 'string') shape.required.add(name);
  return shape;
}

/** The schema's type as one name ('object', 'array', …); a 3.1 type list gives its first non-null entry. */
export function typeOf(schema: Schema | undefined): string | undefined {
  if (!isPlainObject(schema)) return undefined;
  const type = Array.isArray(schema.type) ? schema.type.find((t: unknown) => t !== 'null') : schema.type;
  if (typeof type === 'string') return type;
  if (schema.properties || schema.allOf) return 'object';
  if (schema.items) return 'array';
  return undefined;
}

/** Whether null is a value the schema allows (3.0 `nullable`, or `null` in a 3.1 type list). */
export const allowsNull = (schema: Schema | undefined): boolean =>
  isPlainObject(schema) && (schema.nullable === true || (Array.isArray(schema.type) && schema.type.includes('null')) || schema.type === 'null');

/** Property names a list envelope keeps its items under, most likely first. */
const ITEM_ARRAY_NAMES = ['items', 'data', 'results', 'records', 'content', 'entries', 'values', 'list', 'elements', 'resources', 'rows', 'nodes'];

/**
 * Where a list answer keeps its items: the answer itself (a bare array), or one array property of an object
 * envelope — a conventional name first, else the resource's own name (`{pets: [...]}`), else the only array
 * property. Undefined when the answer has no such place.
 */
export function listItems(schema: Schema | undefined, resourceWord: string): { property?: string; items: Schema } | undefined {
  const type = typeOf(schema);
  if (type === 'array') return isPlainObject(schema!.items) ? { items: schema!.items } : { items: {} };
  if (type !== 'object') return undefined;
  const { properties } = objectShape(schema);
  const arrays = Object.keys(properties).filter((name) => typeOf(properties[name]) === 'array');
  const property =
    ITEM_ARRAY_NAMES.find((name) => arrays.includes(name)) ??
    arrays.find((name) => name === resourceWord) ??
    (arrays.length === 1 ? arrays[0] : undefined);
  if (property === undefined) return undefined;
  const items = properties[property]!.items;
  return { property, items: isPlainObject(items) ? items : {} };
}

/**
 * Every answer, stored or generated, satisfies the spec. A stored item is what a client sent plus what the mock
 * added; the schema it is answered with may require fields the client never sends (ids, dates, server fields),
 * forbid fields it did send, or differ between operations. So a value is conformed to a schema before it is stored
 * or answered: checked (the spec's own compiled validator), and each problem repaired in place from a value
 * generated for the same schema (json-schema-faker, checked the same way) — a missing required field is filled
 * from the generated one, a wrong one replaced by it, an extra one a closed schema refuses dropped. Whatever the
 * client sent and the schema allows is kept. A value that still fails after a few rounds is replaced by the
 * generated one: never an answer that breaks the spec.
 */
import type { Faker } from '@faker-js/faker';
import type { ValidationIssue } from '../engine/errors.js';
import { mockResponse } from '../engine/mock-response.js';
import type { Operation } from '../engine/spec.js';
import type { SpecValidator } from '../engine/validator.js';
import { isPlainObject, objectShape, type JsonObject, type Schema } from './schema.js';

/** Rounds of repair before the generated value is answered instead. */
const ROUNDS = 4;

/** A deep copy of plain JSON state. structuredClone cannot copy the undo log's views (proxies); JSON can. */
export const copy = <T>(value: T): T => (value === undefined ? value : JSON.parse(JSON.stringify(value)));

export class Conformer {
  /** One stand-in operation per schema: mock-response.ts generates answers for operations. */
  private readonly standIns = new WeakMap<object, Operation>();

  constructor(
    private readonly validator: () => SpecValidator,
    private readonly label: string,
  ) {}

  check(schema: Schema, value: unknown): ValidationIssue[] {
    // A schema ajv cannot compile cannot judge anything: the pipeline's own check reports it on the answer.
    return this.validator().checkSchema(schema, value, `${this.label}: a schema`).filter((issue) => issue.keyword !== 'schema');
  }

  /** A value generated for the schema and checked against it; undefined when none fits. */
  generate(schema: Schema, faker: Faker): unknown {
    let op = this.standIns.get(schema);
    if (!op) {
      op = { operationId: this.label, method: 'get', pathTemplate: '', parameters: [], responses: { '200': { content: { 'application/json': { schema } } } }, security: [] };
      this.standIns.set(schema, op);
    }
    try {
      return mockResponse(op, { statusKey: '200', status: 200, check: (body) => this.check(schema, body) }, faker).body;
    } catch {
      return undefined;
    }
  }

  /** The value, repaired until the schema accepts it (a copy; the value itself is not changed). */
  conform(value: unknown, schema: Schema | undefined, faker: Faker): unknown {
    if (!schema) return value;
    let issues = this.check(schema, value);
    if (issues.length === 0) return value;
    const generated = this.generate(schema, faker);
    if (!isPlainObject(value) || !isPlainObject(generated)) return generated ?? value;
    const current = copy(value);
    for (let round = 0; round < ROUNDS && issues.length; round++) {
      for (const issue of issues) if (!repair(current, generated, issue)) return generated;
      issues = this.check(schema, current);
    }
    return issues.length ? generated : current;
  }
}

/** The value at `path` in `root`, array indices past the end read as the last element (generated arrays are short). */
function lookup(root: unknown, path: Array<string | number>): unknown {
  let node: unknown = root;
  for (const key of path) {
    if (Array.isArray(node)) {
      if (node.length === 0) return undefined;
      node = node[Math.min(Number(key), node.length - 1)];
    } else if (isPlainObject(node) && Object.hasOwn(node, key)) {
      node = node[key as string];
    } else {
      return undefined;
    }
  }
  return node;
}

/** Sets (or, for `undefined`, deletes) the value at `path`; false when the path does not lead into a container. */
function assign(root: JsonObject, path: Array<string | number>, value: unknown): boolean {
  let node: unknown = root;
  for (const key of path.slice(0, -1)) {
    node = (node as Record<string | number, unknown>)[key];
    if (node === null || typeof node !== 'object') return false;
  }
  const key = path[path.length - 1]!;
  if (value === undefined) {
    if (Array.isArray(node)) return false;
    delete (node as JsonObject)[key];
  } else {
    // Defined, not assigned: a property may be named `__proto__`.
    Object.defineProperty(node as object, key, { value: copy(value), enumerable: true, writable: true, configurable: true });
  }
  return true;
}

/**
 * Repairs one problem: a property the schema does not allow is dropped; anything else takes the generated value at
 * the deepest place of the problem's path that the generated value has. False when only the whole value would do.
 */
function repair(current: JsonObject, generated: JsonObject, issue: ValidationIssue): boolean {
  const path = issue.path;
  if (path.length === 0) return false;
  if (issue.keyword === 'additionalProperties' || issue.keyword === 'unevaluatedProperties') {
    if (lookup(generated, path) === undefined) return assign(current, path, undefined);
  }
  for (let depth = path.length; depth > 0; depth--) {
    const at = path.slice(0, depth);
    const value = lookup(generated, at);
    if (value !== undefined) return assign(current, at, value);
  }
  return false;
}

/** The top-level properties a schema marks writeOnly: kept in the store, never answered. */
export function writeOnlyProperties(schema: Schema | undefined): string[] {
  const { properties } = objectShape(schema);
  return Object.keys(properties).filter((name) => properties[name]!.writeOnly === true);
}

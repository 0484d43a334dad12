/**
 * A user's spec's state, as plain JSON per session (so sessions, reset, snapshots, --state-file and the undo log of
 * each request carry it like any bundled API's state):
 *
 *   { collections: { pets: { "": { order: ["1", "2"], items: { "1": {…}, "2": {…} } } },
 *                    "users.keys": { "alice": { order: [...], items: {...} } } },
 *     singletons:  { "users.settings": { "alice": {…} } } }
 *
 * Items are kept per scope — the values of the path parameters before the collection, joined with `/` (each
 * percent-encoded), "" for a top-level collection — by their id as text, with the ids in creation order beside them
 * (the order lists answer in). Why not one array of items: every read through a request's undo log (a write, or any
 * request under --strict) wraps each object it touches, so finding an item in an array cost a wrap per stored item.
 * Measured in-process on Petstore with 1 000 pets stored: a create 1.6–1.9 ms with an array, 0.13 ms keyed; a read
 * under --strict 0.44 ms with an array, 0.014 ms keyed (ids are plain strings, read without wrapping anything).
 *
 * A collection exists in the state when something can create its items, or when the scenario seeds it; a
 * read-only resource with no seed has none, and its reads are answered from the schema.
 *
 * `apis.<name>.options.stateless` lists operations a scenario wants answered from the schema (its own `x-mockgate:
 * none`, for a spec it cannot edit); the state's shape does not change with it.
 *
 * Seeds come from `apis.<name>.collections.<resource>` in a scenario: an array for a top-level collection, an
 * object of arrays keyed by the parent's id for a nested one; and `apis.<name>.singletons.<resource>`: the object,
 * or an object of them keyed by the parent's id. Each item is checked against the resource's item
 * schema when the scenario loads, and refused with the place and the fix.
 */
import { closest } from 'fastest-levenshtein';
import type { CredentialTable } from './auth.js';
import type { Conformer } from './conform.js';
import type { Inference, Resource } from './inference.js';
import { isPlainObject, type JsonObject, type Schema } from './schema.js';

/** The items of one collection under one parent: by id (as text), and the ids in creation order. */
export interface Scope {
  order: string[];
  items: Record<string, JsonObject>;
}

export interface GenericState {
  collections: Record<string, Record<string, Scope>>;
  /** A singleton never written is absent (answered from the schema); a deleted one is null. */
  singletons: Record<string, Record<string, JsonObject | null>>;
  /** The credentials the scenario lists (auth.ts); absent when it lists none: any well-formed credential passes. */
  credentials?: CredentialTable;
}

export interface GenericSeed {
  collections?: Record<string, unknown>;
  singletons?: Record<string, unknown>;
  credentials?: Record<string, unknown>;
  options?: Record<string, unknown>;
}

/** The scope key of an item: its parents' ids, each percent-encoded, joined with `/`. */
export const scopeKey = (values: string[]): string => values.map(encodeURIComponent).join('/');

/** An item's key in its scope: its id as text (path values are text; body ids may be numbers). */
export const keyOf = (id: unknown): string => String(id);

/**
 * A key's own value: scope keys come from path parameters, and a client may well ask for `__proto__`, which on a
 * plain object reads its prototype.
 */
export function own<T>(container: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(container, key) ? container[key] : undefined;
}

/** Stores under a key, as an own property whatever the key (defined, not assigned: `__proto__` included). */
export function put<T>(container: Record<string, T>, key: string, value: T): T {
  Object.defineProperty(container, key, { value, enumerable: true, writable: true, configurable: true });
  return value;
}

/** JSON Schema of `apis.<name>` for a user's spec: its inferred collections by name. */
export function seedSchemaOf(inference: Inference): Schema {
  const collections = Object.fromEntries(
    inference.resources
      .filter((r) => r.kind === 'collection')
      .map((r) => [
        r.name,
        r.scopeDepth === 0
          ? { type: 'array', items: { type: 'object' }, description: `Items of ${r.name}, each checked against ${r.itemSchemaSource}.` }
          : { type: 'object', additionalProperties: { type: 'array', items: { type: 'object' } }, description: `Items of ${r.name} by parent id (${r.scopeDepth > 1 ? 'ids joined with /' : 'the parent item’s id'}).` },
      ]),
  );
  const singletons = Object.fromEntries(
    inference.resources
      .filter((r) => r.kind === 'singleton')
      .map((r) => [
        r.name,
        r.scopeDepth === 0
          ? { type: 'object', description: `The ${r.name}, checked against ${r.itemSchemaSource}.` }
          : { type: 'object', additionalProperties: { type: 'object' }, description: `The ${r.name} of each parent, by its id (${r.scopeDepth > 1 ? 'ids joined with /' : 'the parent item’s id'}).` },
      ]),
  );
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      collections: { type: 'object', additionalProperties: false, properties: collections },
      singletons: { type: 'object', additionalProperties: false, properties: singletons },
      options: {
        type: 'object',
        additionalProperties: false,
        properties: {
          stateless: {
            type: 'array',
            items: { type: 'string' },
            description: 'operationIds answered from the schema under this scenario, whatever was inferred (the scenario-side `x-mockgate: none`).',
          },
        },
      },
    },
  };
}

/** The scenario's options for a user's spec, as handlers read them. */
export interface GenericOptions {
  /** operationIds answered from the schema under this scenario. */
  stateless: ReadonlySet<string>;
}

export function resolveGenericOptions(given: Record<string, unknown> | undefined): GenericOptions {
  return { stateless: new Set(Array.isArray(given?.stateless) ? given.stateless.filter((id): id is string => typeof id === 'string') : []) };
}

/**
 * A fresh session state from the scenario's `apis.<name>`: an empty collection for each resource that can create
 * items, the seeded items (checked) for any. Throws one line naming the place and the fix for a bad seed.
 */
export function createGenericState(apiName: string, seed: GenericSeed | undefined, inference: Inference, conformer: Conformer, operationIds: readonly string[]): GenericState {
  checkOptions(apiName, seed?.options, operationIds);
  const state: GenericState = { collections: {}, singletons: {} };
  for (const resource of inference.resources) {
    if (resource.kind === 'collection' && !resource.readOnly) state.collections[resource.name] = {};
    if (resource.kind === 'singleton') state.singletons[resource.name] = {};
  }
  for (const [name, given] of Object.entries(seed?.collections ?? {})) {
    const resource = inference.resources.find((r) => r.name === name && r.kind === 'collection')!;
    const at = `/apis/${apiName}/collections/${pointerKey(name)}`;
    const scopes: Record<string, unknown> = resource.scopeDepth === 0 ? { '': given } : (given as Record<string, unknown>);
    const collection: Record<string, Scope> = {};
    for (const [parent, items] of Object.entries(scopes)) {
      const where = resource.scopeDepth === 0 ? at : `${at}/${pointerKey(parent)}`;
      const scope = resource.scopeDepth === 0 ? '' : scopeKey(parent.split('/'));
      put(collection, scope, checkedScope(resource, items as unknown[], where, conformer));
    }
    state.collections[name] = collection;
  }
  for (const [name, given] of Object.entries(seed?.singletons ?? {})) {
    const resource = inference.resources.find((r) => r.name === name && r.kind === 'singleton')!;
    const at = `/apis/${apiName}/singletons/${pointerKey(name)}`;
    const scopes: Record<string, unknown> = resource.scopeDepth === 0 ? { '': given } : (given as Record<string, unknown>);
    const stored: Record<string, JsonObject | null> = {};
    for (const [parent, value] of Object.entries(scopes)) {
      const where = resource.scopeDepth === 0 ? at : `${at}/${pointerKey(parent)}`;
      const [issue] = conformer.check(resource.itemSchema, value);
      if (issue) throw new Error(`${where}${issue.path.length ? `/${issue.path.join('/')}` : ''}: ${issue.message} (the ${name} is checked against ${resource.itemSchemaSource}); fix it or remove it`);
      put(stored, resource.scopeDepth === 0 ? '' : scopeKey(parent.split('/')), value as JsonObject);
    }
    state.singletons[name] = stored;
  }
  return state;
}

/** A key as a JSON pointer segment. */
const pointerKey = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');

/** The options name operations the spec has: a misspelt operationId is refused, with the closest one. */
function checkOptions(apiName: string, options: Record<string, unknown> | undefined, operationIds: readonly string[]): void {
  const named = Array.isArray(options?.stateless) ? options.stateless : [];
  named.forEach((id, i) => {
    if (typeof id === 'string' && operationIds.includes(id)) return;
    const hint = typeof id === 'string' && operationIds.length ? `; did you mean "${closest(id, [...operationIds])}"?` : '';
    throw new Error(`/apis/${apiName}/options/stateless/${i}: ${JSON.stringify(id)} is not an operationId of the spec${hint}`);
  });
}

function checkedScope(resource: Resource, items: unknown[], where: string, conformer: Conformer): Scope {
  const scope: Scope = { order: [], items: {} };
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const place = `${where}/${i}`;
    if (!isPlainObject(item)) throw new Error(`${place}: an item of ${resource.name} must be an object`);
    const [issue] = conformer.check(resource.itemSchema, item);
    if (issue) {
      const field = issue.path.length ? `/${issue.path.join('/')}` : '';
      throw new Error(`${place}${field}: ${issue.message} (items of ${resource.name} are checked against ${resource.itemSchemaSource}); fix the item or remove it`);
    }
    const idField = resource.idField;
    // A collection whose items carry no id (a list and a create, nothing addressed) keys them by position.
    let key = String(i + 1);
    if (idField !== undefined) {
      if (item[idField] === undefined || item[idField] === null) throw new Error(`${place}: the item has no ${idField}, the id of ${resource.name}; add one`);
      key = keyOf(item[idField]);
      if (seen.has(key)) throw new Error(`${place}/${idField}: ${JSON.stringify(item[idField])} is already the id of item ${seen.get(key)}; ids of ${resource.name} must be unique`);
      seen.set(key, i);
    }
    scope.order.push(key);
    put(scope.items, key, item);
  });
  return scope;
}

/**
 * Which operations of a user's spec are resources, inferred from its paths and methods once, at mount:
 *
 * - A path ending in a literal segment is a collection (`/pets`, `/users/{id}/keys`) when its items can be
 *   listed (GET) and created (POST) there, or addressed: the same path with one more parameter segment is its
 *   item (`/pets/{petId}`). A POST alone (`/pets/{id}/feed`, `/login`) is an action. The collection's GET lists, POST creates; the item's GET
 *   reads, PUT replaces, PATCH merges, DELETE deletes. Anything else (a POST on an item, a PUT on a collection,
 *   `/pets/{id}/actions/feed`) is an action: stateless, answered from the schema as before.
 * - Path parameters before the collection segment scope it: `/users/{id}/keys` holds one set of keys per user, and
 *   its parent is the `users` resource when there is one (a key of a user that does not exist is not found).
 * - A collection path with PUT or PATCH but no POST and no item path is a singleton (`/users/{id}/settings`).
 * - The item's id field is, in order: an operation's `x-mockgate: {id: field}`, the item schema's
 *   `x-mockgate-id`, the scalar property named like the item's path parameter (`petId`, `pet_id`), or `id`. A resource
 *   with no id field is left stateless (its operations are listed with the reason).
 * - A resource nothing can create (no POST on the collection, no PUT on the item) is read-only: it is served from
 *   the store only when a scenario seeds it, and from the schema otherwise — GitHub's description mostly reads.
 * - `x-mockgate` on an operation overrides all of this: `x-mockgate: none` (or `{action: none}`) keeps it
 *   stateless; `{resource: pets, action: create}` binds it to a resource (made if the paths did not infer one).
 *
 * Resource names are the last literal segment of each level, joined with dots: `/v1/users/{id}/keys` is
 * `users.keys`. Scenario seeds name resources this way.
 */
import { SpecError, type LoadedSpec, type Operation } from '../engine/spec.js';
import { isPlainObject, listItems, objectShape, requestSchema, successSchema, typeOf, type Schema } from './schema.js';

export type Action = 'create' | 'read' | 'list' | 'replace' | 'merge' | 'delete';
export const ACTIONS: readonly string[] = ['create', 'read', 'list', 'replace', 'merge', 'delete', 'none'];

export interface Resource {
  name: string;
  kind: 'collection' | 'singleton';
  /** The collection's path template as first written (for the report). */
  path: string;
  /** The body field holding the item's id (collections only). */
  idField?: string;
  /** The schema a stored item must satisfy: the read's answer, else the list's items, the create's answer, … */
  itemSchema: Schema;
  /** Where that schema comes from, for messages: `GET /pets/{petId} 200`. */
  itemSchemaSource: string;
  /** The resource scoping this one (`users` for `users.keys`), when the spec has it. */
  parent?: string;
  /** Number of path parameters that scope an item (0 for a top-level collection). */
  scopeDepth: number;
  /** Nothing creates its items: served from the store only when seeded. */
  readOnly: boolean;
  /** operationId → action. */
  operations: Record<string, Action>;
}

/** How one stateful operation reaches its resource. */
export interface OperationBinding {
  resource: Resource;
  action: Action;
  /** Path parameter names scoping the item, outermost first. */
  scopeParams: string[];
  /** The path parameter holding the item's id (item actions on collections). */
  idParam?: string;
}

export interface Inference {
  resources: Resource[];
  bindings: Map<string, OperationBinding>;
  /** operationId → why it is answered from the schema. */
  stateless: Map<string, string>;
}

/** An operation's `x-mockgate` extension, read from the document (Operation does not carry vendor extensions). */
interface Override {
  resource?: string;
  action?: Action | 'none';
  id?: string;
}

const escapePointer = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');

const isParam = (segment: string) => segment.length > 2 && segment.startsWith('{') && segment.endsWith('}') && segment.indexOf('{', 1) < 0;
const paramName = (segment: string) => segment.slice(1, -1);

interface Group {
  /** Normalised collection path (parameters as `{}`): the key of the group. */
  key: string;
  path: string;
  segments: string[];
  collectionOps: Operation[];
  itemOps: Operation[];
}

export function inferResources(spec: LoadedSpec): Inference {
  const stateless = new Map<string, string>();
  const overrides = new Map<string, Override>();
  for (const op of spec.operations) {
    const override = overrideOf(spec, op);
    if (override) overrides.set(op.operationId, override);
  }

  // 1. Group operations by the collection they belong to.
  const groups = new Map<string, Group>();
  const groupOf = (segments: string[], path: string): Group => {
    const key = segments.map((s) => (isParam(s) ? '{}' : s)).join('/');
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { key, path, segments, collectionOps: [], itemOps: [] }));
    return group;
  };
  const overridden: Operation[] = [];
  for (const op of spec.operations) {
    const override = overrides.get(op.operationId);
    if (override?.action === 'none') {
      stateless.set(op.operationId, 'x-mockgate: none');
      continue;
    }
    if (override?.resource !== undefined || override?.action !== undefined) {
      overridden.push(op);
      continue;
    }
    const segments = op.pathTemplate.split('/').filter(Boolean);
    const last = segments[segments.length - 1];
    if (last === undefined) {
      stateless.set(op.operationId, 'the root path is not a collection');
    } else if (!isParam(last)) {
      groupOf(segments, op.pathTemplate).collectionOps.push(op);
    } else {
      const before = segments[segments.length - 2];
      if (before === undefined || isParam(before)) stateless.set(op.operationId, 'an item path needs a collection segment before its id');
      else groupOf(segments.slice(0, -1), '/' + segments.slice(0, -1).join('/')).itemOps.push(op);
    }
  }

  // 2. Each group is a collection, a singleton or a set of actions.
  const resources = new Map<string, Resource>();
  const bindings = new Map<string, OperationBinding>();
  const byKey = new Map<string, Resource>();
  const names = namesFor([...groups.values()].map((g) => g.segments));
  for (const group of groups.values()) {
    const name = names.get(group.segments.join('/'))!;
    const collectionAction = (op: Operation): Action | undefined => (op.method === 'get' ? 'list' : op.method === 'post' ? 'create' : undefined);
    const itemAction = (op: Operation): Action | undefined =>
      op.method === 'get' ? 'read' : op.method === 'put' ? 'replace' : op.method === 'patch' ? 'merge' : op.method === 'delete' ? 'delete' : undefined;
    const hasPost = group.collectionOps.some((op) => op.method === 'post');
    const hasList = group.collectionOps.some((op) => op.method === 'get');
    const singleton = group.itemOps.length === 0 && !hasPost && group.collectionOps.some((op) => op.method === 'put' || op.method === 'patch');
    // A POST alone is an action (`/pets/{id}/feed`, `/login`): a collection is one whose items can be listed or addressed.
    const collection = group.itemOps.length > 0 || (hasPost && hasList);
    if (!singleton && !collection) {
      for (const op of group.collectionOps) stateless.set(op.operationId, 'an action: no item path, and not both GET and POST here');
      continue;
    }
    const planned: Array<[Operation, Action, boolean]> = [];
    for (const op of group.collectionOps) {
      const action = singleton ? itemAction(op) : collectionAction(op);
      if (action && !declaresSuccess(op)) stateless.set(op.operationId, NO_SUCCESS);
      else if (action) planned.push([op, action, singleton]);
      else stateless.set(op.operationId, `an action: ${op.method.toUpperCase()} on a ${singleton ? 'singleton' : 'collection'}`);
    }
    for (const op of group.itemOps) {
      const action = itemAction(op);
      if (action && !declaresSuccess(op)) stateless.set(op.operationId, NO_SUCCESS);
      else if (action) planned.push([op, action, false]);
      else stateless.set(op.operationId, `an action: ${op.method.toUpperCase()} on an item`);
    }
    const resource = makeResource(name, singleton ? 'singleton' : 'collection', group.path, planned.map(([op, action]) => [op, action]), overrides);
    if (typeof resource === 'string') {
      for (const [op] of planned) stateless.set(op.operationId, resource);
      continue;
    }
    resource.scopeDepth = group.segments.filter(isParam).length;
    resources.set(name, resource);
    byKey.set(group.key, resource);
    for (const [op, action, onSingleton] of planned) bindings.set(op.operationId, bindingOf(resource, op, action, onSingleton));
  }

  // 3. Operations an x-mockgate names a resource or action for.
  for (const op of overridden) {
    const override = overrides.get(op.operationId)!;
    const segments = op.pathTemplate.split('/').filter(Boolean);
    // `none` was taken out above: what is left names an action, or none at all.
    const action = (override.action as Action | undefined) ?? defaultAction(op);
    if (!action) {
      stateless.set(op.operationId, `x-mockgate names no action, and ${op.method.toUpperCase()} implies none`);
      continue;
    }
    if (!declaresSuccess(op)) {
      stateless.set(op.operationId, NO_SUCCESS);
      continue;
    }
    const itemLevel = action === 'read' || action === 'replace' || action === 'merge' || action === 'delete';
    const literalName = segments.filter((s) => !isParam(s)).pop() ?? 'root';
    const name = override.resource ?? literalName;
    let resource = resources.get(name);
    if (!resource) {
      const made = makeResource(name, 'collection', op.pathTemplate, [[op, action]], overrides);
      if (typeof made === 'string') {
        stateless.set(op.operationId, made);
        continue;
      }
      resource = made;
      const params = segments.filter(isParam).length;
      resource.scopeDepth = itemLevel ? Math.max(0, params - 1) : params;
      resources.set(name, resource);
    }
    resource.operations[op.operationId] = action;
    if (action === 'create' || action === 'replace') resource.readOnly = false;
    bindings.set(op.operationId, bindingOf(resource, op, action, resource.kind === 'singleton'));
  }

  // 4. Parents: `users/{}/keys` is scoped by an item of `users`.
  for (const [key, resource] of byKey) {
    const parts = key.split('/');
    let end = parts.length;
    while (end > 0 && parts[end - 1] !== '{}') end--;
    if (end === 0) continue;
    const parent = byKey.get(parts.slice(0, end - 1).join('/'));
    if (parent && parent.kind === 'collection' && parent.idField !== undefined && parent !== resource) resource.parent = parent.name;
  }
  return { resources: [...resources.values()], bindings, stateless };
}

const NO_SUCCESS = 'it declares no success answer (2xx or default) to answer a stored item with';

/** Whether the operation declares an answer for success: a 2xx, a 2XX range or `default`. */
const declaresSuccess = (op: Operation) => Object.keys(op.responses).some((key) => key.startsWith('2') || key === 'default');

/** What a method means when an x-mockgate names a resource but no action. */
function defaultAction(op: Operation): Action | undefined {
  const last = op.pathTemplate.split('/').filter(Boolean).pop() ?? '';
  const item = isParam(last);
  switch (op.method) {
    case 'get':
      return item ? 'read' : 'list';
    case 'post':
      return 'create';
    case 'put':
      return 'replace';
    case 'patch':
      return 'merge';
    case 'delete':
      return 'delete';
    default:
      return undefined;
  }
}

function bindingOf(resource: Resource, op: Operation, action: Action, onSingleton: boolean): OperationBinding {
  const params = op.pathTemplate.split('/').filter(isParam).map(paramName);
  const itemLevel = !onSingleton && (action === 'read' || action === 'replace' || action === 'merge' || action === 'delete');
  return itemLevel ? { resource, action, scopeParams: params.slice(0, -1), idParam: params[params.length - 1] } : { resource, action, scopeParams: params };
}

/** The resource for these operations, or why there is none. */
function makeResource(name: string, kind: Resource['kind'], path: string, planned: Array<[Operation, Action]>, overrides: Map<string, Override>): Resource | string {
  const find = (action: Action) => planned.find(([, a]) => a === action)?.[0];
  const word = name.split('.').pop()!;
  // The schema an item is stored as: what reading it answers, else what listing, creating or writing it answers.
  const candidates: Array<[Schema | undefined, string]> = [];
  const read = find('read');
  if (read) candidates.push([successSchema(read, 200), `${read.method.toUpperCase()} ${read.pathTemplate}`]);
  const list = find('list');
  if (list && kind === 'collection') candidates.push([listItems(successSchema(list, 200), word)?.items, `the items of ${list.method.toUpperCase()} ${list.pathTemplate}`]);
  for (const action of ['create', 'replace', 'merge'] as const) {
    const op = find(action);
    if (op) candidates.push([successSchema(op, action === 'create' ? 201 : 200), `${op.method.toUpperCase()} ${op.pathTemplate}`]);
  }
  const create = find('create') ?? find('replace');
  if (create) candidates.push([requestSchema(create), `the request body of ${create.method.toUpperCase()} ${create.pathTemplate}`]);
  const chosen = candidates.find(([schema]) => isPlainObject(schema) && objectLike(schema));
  if (!chosen) return `${name}: no JSON object schema describes its items`;
  const [itemSchema, itemSchemaSource] = chosen as [Schema, string];

  let idField: string | undefined;
  if (kind === 'collection') {
    const { properties } = objectShape(itemSchema);
    const declared = planned.map(([op]) => overrides.get(op.operationId)?.id).find((id) => id !== undefined) ?? (typeof itemSchema['x-mockgate-id'] === 'string' ? itemSchema['x-mockgate-id'] : undefined);
    if (declared !== undefined) {
      idField = declared;
    } else {
      const itemParam = planned
        .map(([op]) => op.pathTemplate.split('/').filter(Boolean).pop() ?? '')
        .find(isParam);
      const param = itemParam ? paramName(itemParam) : undefined;
      const variants = param ? [param, snake(param), camel(param)] : [];
      // An id is a scalar: GitHub's `assignee` property is a whole user, not the `{assignee}` login in the path.
      const scalar = (name: string) => Object.hasOwn(properties, name) && !['object', 'array'].includes(typeOf(properties[name]) ?? '');
      idField = variants.find(scalar) ?? (scalar('id') ? 'id' : undefined);
      if (idField === undefined) {
        const addressed = planned.some(([, action]) => action !== 'create' && action !== 'list');
        if (addressed) return `${name}: no field of its items holds the id${param ? ` in {${param}}` : ''} (declare x-mockgate-id on the item schema)`;
      }
    }
  }
  const writable = planned.some(([, action]) => action === 'create' || (action === 'replace' && kind === 'collection')) || kind === 'singleton';
  return {
    name,
    kind,
    path,
    idField,
    itemSchema,
    itemSchemaSource,
    scopeDepth: 0,
    readOnly: !writable,
    operations: Object.fromEntries(planned.map(([op, action]) => [op.operationId, action])),
  };
}

/** Whether answers of this schema are JSON objects a store can keep and patch. */
function objectLike(schema: Schema): boolean {
  if (schema.type === 'object' || Array.isArray(schema.allOf) || isPlainObject(schema.properties)) return true;
  return Array.isArray(schema.type) && schema.type.includes('object');
}

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const camel = (name: string) => name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * Resource names: the last literal segment of each level joined with dots (`users.keys`). Two collections that
 * would share a name (`/v1/pets` and `/v2/pets`) keep every literal of each level instead (`v1-pets`), then a
 * number.
 */
function namesFor(paths: string[][]): Map<string, string> {
  const levels = (segments: string[], full: boolean) => {
    const runs: string[][] = [[]];
    for (const s of segments) {
      if (isParam(s)) {
        if (runs[runs.length - 1]!.length) runs.push([]);
      } else runs[runs.length - 1]!.push(s);
    }
    return runs.filter((r) => r.length).map((r) => (full ? r.join('-') : r[r.length - 1]!)).join('.');
  };
  const short = paths.map((p) => levels(p, false));
  const names = new Map<string, string>();
  const used = new Set<string>();
  paths.forEach((p, i) => {
    let name = short.filter((n) => n === short[i]).length > 1 ? levels(p, true) : short[i]!;
    for (let n = 2; used.has(name); n++) name = `${short[i]}~${n}`;
    used.add(name);
    names.set(p.join('/'), name);
  });
  return names;
}

function overrideOf(spec: LoadedSpec, op: Operation): Override | undefined {
  const raw = spec.definition?.paths?.[op.pathTemplate]?.[op.method]?.['x-mockgate'];
  if (raw === undefined) return undefined;
  if (raw === 'none' || raw === false) return { action: 'none' };
  const pointer = `/paths/${escapePointer(op.pathTemplate)}/${op.method}/x-mockgate`;
  const refuse = (where: string, reason: string) => new SpecError(`${spec.file}: ${pointer}${where}: ${reason}`);
  if (!isPlainObject(raw)) throw refuse('', 'must be none or an object {resource, action, id}');
  const override: Override = {};
  for (const key of ['resource', 'id'] as const) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value !== 'string' || !value) throw refuse(`/${key}`, 'must be a non-empty string');
    override[key] = value;
  }
  const action = raw.action;
  if (action !== undefined) {
    if (typeof action !== 'string' || !ACTIONS.includes(action)) throw refuse('/action', `${JSON.stringify(action)} is not one of ${ACTIONS.join(', ')}`);
    override.action = action as Override['action'];
  }
  return override;
}

/** Names a start-up line lists per kind; GET /__admin/specs lists them all (GitHub's description infers 240). */
const LINE_NAMES = 8;

/**
 * `3 resources (pets, users, users.keys), 1 read-only, stored when seeded (orgs), 2 stateless`: what the start-up
 * report says.
 */
export function inferenceLine(inference: Inference): string {
  const stored = inference.resources.filter((r) => !r.readOnly);
  const readOnly = inference.resources.filter((r) => r.readOnly);
  const names = (list: Resource[]) => list.slice(0, LINE_NAMES).map((r) => r.name).join(', ') + (list.length > LINE_NAMES ? `, … ${list.length - LINE_NAMES} more` : '');
  const parts = [`${stored.length} ${stored.length === 1 ? 'resource' : 'resources'}${stored.length ? ` (${names(stored)})` : ''}`];
  if (readOnly.length) parts.push(`${readOnly.length} read-only, stored when seeded (${names(readOnly)})`);
  parts.push(`${inference.stateless.size} stateless`);
  return parts.join(', ');
}

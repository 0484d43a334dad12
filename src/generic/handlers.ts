/**
 * The handlers of a user's spec's inferred resources (inference.ts), one per stateful operation:
 *
 * - create (POST on a collection) stores the validated body, plus an id when it has none and whatever the item
 *   schema requires that the body lacks (conform.ts), and answers 201 (or the declared success) with the item;
 *   an id already stored answers 409;
 * - read and list answer from the store (list filters, pages and wraps as paging.ts says); an unknown id answers 404;
 * - replace (PUT) stores the body as the item, keeping the id of the path; merge (PATCH) applies the body to the
 *   item as a JSON Merge Patch (RFC 7386), or as a JSON Patch (RFC 6902, json-patch.ts) when it is sent as
 *   application/json-patch+json; delete answers 204 (or the declared success), and the item is gone.
 *
 * 404 and 409 are answered only where the operation declares them (or a 4XX range, or `default`); otherwise the
 * nearest declared 4xx by number stands in, leaving out 401, 407 and 429, which tell a client to authenticate or
 * to retry, not that something is missing. An operation that declares no 4xx at all has no way to say so: a read
 * then answers from the schema (as before state), a delete of nothing succeeds, PUT and PATCH create, and a
 * duplicate create replaces. Errors are rendered by the API in the shape the spec declares for that status.
 *
 * Read-only resources without a seed, and list answers with no place for items, are answered from the schema.
 */
import mergePatch from 'json-merge-patch';
import { ErrorCode, MockError } from '../engine/errors.js';
import { mockResponse } from '../engine/mock-response.js';
import type { Operation } from '../engine/spec.js';
import type { Handler, HandlerContext, Reply } from '../engine/types.js';
import type { SpecValidator } from '../engine/validator.js';
import { copy, writeOnlyProperties, type Conformer } from './conform.js';
import type { Inference, OperationBinding, Resource } from './inference.js';
import { applyJsonPatch, isJsonPatch } from './json-patch.js';
import { envelope, filtered, filtersOf, nextLink, pageOf, pagingOf } from './paging.js';
import { isJsonMedia, isPlainObject, listItems, objectShape, responseMedia, successSchema, successStatus, typeOf, type JsonObject, type Schema } from './schema.js';
import { keyOf, own, put, scopeKey, type GenericOptions, type GenericState, type Scope } from './store.js';

export interface HandlerDeps {
  operations: Operation[];
  validator: () => SpecValidator;
  conformer: Conformer;
  inference: Inference;
}

type Ctx = HandlerContext<GenericState, GenericOptions | undefined>;

/** Statuses that never stand in for 404 / 409: they ask the client to authenticate or to retry. */
const SIGNALS = new Set([401, 407, 429]);
const NOT_FOUND: ReadonlySet<number> = new Set([404]);

export function resourceHandlers(deps: HandlerDeps): Record<string, Handler<GenericState, GenericOptions | undefined>> {
  const handlers: Record<string, Handler<GenericState, GenericOptions | undefined>> = {};
  for (const op of deps.operations) {
    const binding = deps.inference.bindings.get(op.operationId);
    if (binding) handlers[op.operationId] = handlerFor(op, binding, deps);
  }
  return handlers;
}

function handlerFor(op: Operation, binding: OperationBinding, deps: HandlerDeps): Handler<GenericState, GenericOptions | undefined> {
  const { resource } = binding;
  const answers = new Answers(op, deps);
  if (resource.kind === 'singleton') return singletonHandler(op, binding, answers);
  const idField = resource.idField;
  const paging = pagingOf(op);
  const filters = filtersOf(op, paging, resource.itemSchema);
  const listStatus = successStatus(op, 200);
  const linkHeader = Object.keys(listStatus ? (op.responses[listStatus.key]?.headers ?? {}) : {}).find((name) => name.toLowerCase() === 'link');
  const listShape = binding.action === 'list' ? listItems(successSchema(op, 200), resource.name.split('.').pop()!) : undefined;
  const parent = resource.parent ? deps.inference.resources.find((r) => r.name === resource.parent) : undefined;
  const creates = Object.values(resource.operations).includes('create');
  const shape = objectShape(resource.itemSchema);
  const readOnly = Object.keys(shape.properties).filter((name) => shape.properties[name]!.readOnly === true);

  const writes = binding.action !== 'read' && binding.action !== 'list';

  return (ctx) => {
    if (ctx.options?.stateless.has(op.operationId)) return answers.generated(ctx);
    const { scope, scopeValues, id } = locate(binding, ctx);
    const collection = container(ctx.state, 'collections', resource.name, writes && !resource.readOnly) as GenericState['collections'][string] | undefined;
    if (!collection) return answers.generated(ctx);
    checkParent(ctx, parent, scopeValues, answers);
    const stored = own(collection, scope);
    const found = id !== undefined && stored ? own(stored.items, keyOf(id)) : undefined;
    const label = `${resource.name} ${id ?? ''}`.trim();
    /** This scope's items, made on the first write to it. */
    const scopeForWrite = () => stored ?? put(collection, scope, { order: [], items: {} });

    switch (binding.action) {
      case 'list': {
        if (!listShape) return answers.generated(ctx);
        const itemOf = (key: string) => own(stored!.items, key)!;
        // Only a filter reads every item; paging counts ids.
        const keys = stored ? filtered(stored.order, filters, ctx.request.query, itemOf) : [];
        const page = pageOf(keys, paging, ctx.request.query, (key) => key);
        const hidden = writeOnlyProperties(listShape.items);
        const answered = { ...page, items: page.items.map((key) => answers.conform(omit(itemOf(key), hidden), listShape.items, ctx)) };
        const reply = answers.with(200, envelope(successSchema(op, 200), listShape.property, answered, paging), ctx);
        const link = linkHeader ? nextLink(ctx.request.origin, ctx.request.path, ctx.request.query, paging, page) : undefined;
        return link ? { ...reply, headers: { ...reply.headers, [linkHeader!]: link } } : reply;
      }
      case 'read': {
        if (!found) return answers.missing(ctx, `${label} not found`);
        return answers.with(200, found, ctx);
      }
      case 'create': {
        const body: JsonObject = isPlainObject(ctx.request.body) ? copy(ctx.request.body) : {};
        const target = scopeForWrite();
        let key: string;
        if (idField !== undefined) {
          if (body[idField] === undefined || body[idField] === null) body[idField] = newId(resource, target, ctx, deps.conformer);
          key = keyOf(body[idField]);
          if (own(target.items, key)) answers.refuse(409, `${resource.name} ${body[idField]} already exists`);
        } else {
          // Items that carry no id (nothing addresses them) are keyed by the next free position.
          let n = target.order.length + 1;
          while (own(target.items, String(n))) n++;
          key = String(n);
        }
        const ordered = idField !== undefined ? withId(body, idField, body[idField]) : body;
        const item = deps.conformer.conform(ordered, resource.itemSchema, ctx.faker) as JsonObject;
        // A duplicate where the operation declares no error to say so replaces the item, in its place.
        if (!own(target.items, key)) target.order.push(key);
        put(target.items, key, item);
        return answers.with(201, item, ctx);
      }
      case 'replace':
      case 'merge': {
        if (!found && (creates || binding.action === 'merge')) answers.refuse(404, `${label} not found`);
        const body = isPlainObject(ctx.request.body) ? copy(ctx.request.body) : {};
        // A JSON Patch (RFC 6902: application/json-patch+json) applies its operations, all or none (json-patch.ts).
        // Otherwise JSON Merge Patch (RFC 7386) with json-merge-patch (maintained, one small dependency), on a copy: it
        // changes its target in place. It stops at a `__proto__` / `constructor` / `prototype` key of the patch, so
        // such a key and those after it are not applied.
        const jsonPatched = binding.action === 'merge' && isJsonPatch(ctx.request.headers['content-type']) ? answers.jsonPatched(found ?? {}, ctx.request.body) : undefined;
        const merged = jsonPatched ?? (binding.action === 'merge' ? mergePatch.apply(copy(found ?? {}), body) : body);
        let next: JsonObject = isPlainObject(merged) ? merged : {};
        // A replacement carries the server's own fields (readOnly: ids, creation dates) over when it leaves them out.
        if (binding.action === 'replace' && found) {
          for (const name of readOnly) if (next[name] === undefined && found[name] !== undefined) next[name] = copy(found[name]);
        }
        if (idField !== undefined && id !== undefined) next = withId(next, idField, typedId(resource, id));
        // A JSON Patch's result is checked, not repaired: the client said exactly what the item becomes.
        if (jsonPatched) answers.checkPatched(next, resource);
        const item = deps.conformer.conform(next, resource.itemSchema, ctx.faker) as JsonObject;
        const target = scopeForWrite();
        // Keyed by the id as stored (`/pets/007` stores id 7 under "7").
        const key = keyOf(idField !== undefined && item[idField] != null ? item[idField] : id);
        if (!own(target.items, key)) target.order.push(key);
        put(target.items, key, item);
        return answers.with(found ? 200 : 201, item, ctx);
      }
      case 'delete': {
        if (!found) {
          answers.refuse(404, `${label} not found`);
          return answers.with(204, undefined, ctx);
        }
        const key = keyOf(id);
        stored!.order.splice(stored!.order.indexOf(key), 1);
        delete stored!.items[key];
        return answers.with(204, found, ctx);
      }
    }
  };
}

function singletonHandler(op: Operation, binding: OperationBinding, answers: Answers): Handler<GenericState, GenericOptions | undefined> {
  const { resource } = binding;
  return (ctx) => {
    if (ctx.options?.stateless.has(op.operationId)) return answers.generated(ctx);
    const { scope } = locate(binding, ctx);
    const store = container(ctx.state, 'singletons', resource.name, binding.action !== 'read') as GenericState['singletons'][string] | undefined;
    if (!store) return answers.generated(ctx);
    const current = own(store, scope);
    const body = isPlainObject(ctx.request.body) ? copy(ctx.request.body) : {};
    switch (binding.action) {
      case 'read':
        // Never written: it exists as the schema describes it. Deleted (null): gone.
        if (current === undefined) return answers.generated(ctx);
        if (current === null) return answers.missing(ctx, `${resource.name} not found`);
        return answers.with(200, current, ctx);
      case 'delete':
        if (current === null) answers.refuse(404, `${resource.name} not found`);
        put(store, scope, null);
        return answers.with(204, current ?? undefined, ctx);
      default: {
        const base = binding.action === 'merge' ? (current ?? answers.conform({}, resource.itemSchema, ctx)) : {};
        const merged = binding.action === 'merge' ? mergePatch.apply(copy(base), body) : body;
        const item = answers.conform(isPlainObject(merged) ? merged : {}, resource.itemSchema, ctx) as JsonObject;
        put(store, scope, item);
        return answers.with(current ? 200 : 201, item, ctx);
      }
    }
  };
}

/** An operation's answers: the stored value conformed to its declared success, generated ones, and its errors. */
class Answers {
  constructor(
    private readonly op: Operation,
    private readonly deps: HandlerDeps,
  ) {}

  conform(value: unknown, schema: Schema | undefined, ctx: Ctx): unknown {
    return this.deps.conformer.conform(value, schema, ctx.faker);
  }

  /** The value as the operation's success answer (`preferred` when declared: 201 for a create, 204 for a delete). */
  with(preferred: number, value: unknown, ctx: Ctx): Reply {
    const status = successStatus(this.op, preferred);
    if (!status) return this.generated(ctx);
    const { mediaType, schema } = responseMedia(this.op, status.key);
    if (!mediaType) return { status: status.code };
    if (!isJsonMedia(mediaType) || value === undefined) return this.generated(ctx, status);
    if (!schema) return { status: status.code, body: value };
    return { status: status.code, body: this.conform(omit(value, writeOnlyProperties(schema)), schema, ctx) };
  }

  /** An answer from the schema alone, as an operation without state answers. */
  generated(ctx: Ctx, status = successStatus(this.op, 200)): Reply {
    const { op } = this;
    ctx.answeredFromSchema?.();
    // Inference binds only operations that declare a success; this is for the unexpected (as the pipeline chooses).
    const first = Object.keys(op.responses).find((key) => key.length === 3 && Number.isInteger(Number(key)));
    const chosen = status ?? (first ? { key: first, code: Number(first) } : { key: 'default', code: 200 });
    const check = (body: unknown, contentType?: string) =>
      this.deps.validator().validateResponse(op, chosen.code, body, body !== undefined && body !== null && body !== '', contentType);
    return mockResponse(op, { statusKey: chosen.key, status: chosen.code, check }, ctx.faker);
  }

  /** Not found: the declared error, or — when the operation declares no 4xx — the answer from the schema. */
  missing(ctx: Ctx, message: string): Reply {
    this.refuse(404, message);
    return this.generated(ctx);
  }

  /** Throws 404 / 409 (or the nearest declared 4xx); returns when the operation declares no 4xx to say it with. */
  refuse(wanted: 404 | 409, message: string): void {
    const status = errorStatus(this.op, wanted, this.deps.validator());
    if (status !== undefined) throw new MockError(wanted === 404 ? ErrorCode.NotFound : ErrorCode.Conflict, status, { message });
  }

  /**
   * The item with a JSON Patch applied, or a refusal: 400 for a malformed patch, 422 for one that cannot apply (the
   * nearest declared 4xx). Unlike a missing item, a patch that cannot apply is refused even where the operation
   * declares no 4xx (then as problem+json): applying part of it, or none silently, would lose what the client asked.
   */
  jsonPatched(item: JsonObject, patch: unknown): JsonObject {
    const outcome = applyJsonPatch(item, patch);
    if ('item' in outcome) return outcome.item;
    throw this.unprocessable(outcome.status, outcome.message);
  }

  /** A JSON Patch's result must be an item of its resource: 422 (or the nearest declared 4xx) naming the first issue. */
  checkPatched(item: JsonObject, resource: Resource): void {
    const [issue] = this.deps.conformer.check(resource.itemSchema, item);
    if (!issue) return;
    const where = issue.path.length ? `/${issue.path.join('/')}` : 'the item';
    throw this.unprocessable(422, `the patched ${resource.name} item is not valid: ${where}: ${issue.message}; nothing was changed`);
  }

  private unprocessable(wanted: 400 | 422, message: string): MockError {
    // The item was found: a declared 404 would tell the client the wrong thing.
    return new MockError(ErrorCode.BadRequest, errorStatus(this.op, wanted, this.deps.validator(), NOT_FOUND) ?? wanted, { message });
  }
}

/**
 * The status an error is answered with: `wanted` when covered, else the nearest declared 4xx (ties: the lower), never
 * one of SIGNALS or of `unfit` (statuses that would say something else of this error).
 */
export function errorStatus(op: Operation, wanted: number, validator: SpecValidator, unfit?: ReadonlySet<number>): number | undefined {
  if (validator.statusKey(op, wanted) !== undefined) return wanted;
  const declared = Object.keys(op.responses)
    .filter((key) => key.length === 3 && key.startsWith('4') && Number.isInteger(Number(key)))
    .map(Number)
    .filter((code) => !SIGNALS.has(code) && !unfit?.has(code))
    .sort((a, b) => Math.abs(a - wanted) - Math.abs(b - wanted) || a - b);
  return declared[0];
}

function locate(binding: OperationBinding, ctx: Ctx): { scope: string; scopeValues: string[]; id?: string } {
  const params = ctx.request.params;
  const scopeValues = binding.scopeParams.map((name) => String(params[name]));
  return { scope: scopeKey(scopeValues), scopeValues, id: binding.idParam !== undefined ? String(params[binding.idParam]) : undefined };
}

/**
 * A resource's place in the state, made when a write needs it and missing: a snapshot restored with
 * `PUT /__admin/state`, or a --state-file written before the spec gained the resource, may not have it. A read never
 * writes (it finds nothing, and answers from the schema).
 */
function container(state: GenericState, kind: 'collections' | 'singletons', name: string, make: boolean): Record<string, unknown> | undefined {
  const root = state as unknown as Record<string, Record<string, Record<string, unknown>>>;
  let all = isPlainObject(root[kind]) ? root[kind] : undefined;
  if (!all) {
    if (!make) return undefined;
    all = put(root, kind, {});
  }
  return own(all, name) ?? (make ? put(all, name, {}) : undefined);
}

/** A nested item's parent must exist when the parent is stored: the keys of a user nobody created are not found. */
function checkParent(ctx: Ctx, parent: Resource | undefined, scopeValues: string[], answers: Answers): void {
  if (!parent?.idField || scopeValues.length !== parent.scopeDepth + 1) return;
  const stored = container(ctx.state, 'collections', parent.name, false) as GenericState['collections'][string] | undefined;
  if (!stored) return;
  const parentId = scopeValues[scopeValues.length - 1]!;
  const siblings = own(stored, scopeKey(scopeValues.slice(0, -1)));
  if (!siblings || !own(siblings.items, keyOf(parentId))) answers.refuse(404, `${parent.name} ${parentId} not found`);
}

/** The path's id as the item stores it: a number when the id field is numeric. */
function typedId(resource: Resource, id: string): string | number {
  const type = typeOf(objectShape(resource.itemSchema).properties[resource.idField!]);
  const n = Number(id);
  return (type === 'integer' || type === 'number') && id.trim() !== '' && Number.isFinite(n) ? n : id;
}

/**
 * A new id for a created item, unique in its scope: the next number for a numeric id (one past the largest), a
 * UUID for `format: uuid`, the next free number as text for a plain string, else one generated from the id's schema.
 */
function newId(resource: Resource, scope: Scope, ctx: Ctx, conformer: Conformer): unknown {
  const field = resource.idField!;
  const schema: Schema = objectShape(resource.itemSchema).properties[field] ?? {};
  const taken = (value: unknown) => own(scope.items, keyOf(value)) !== undefined;
  const fits = (value: unknown) => conformer.check(schema, value).length === 0 && !taken(value);
  const type = typeOf(schema);
  if (type === 'integer' || type === 'number') {
    // The keys are the ids as text: plain strings, read without touching the items.
    const floor = typeof schema.minimum === 'number' ? schema.minimum - 1 : 0;
    const next = Math.floor(scope.order.reduce((max, key) => (Number(key) > max ? Number(key) : max), floor)) + 1;
    if (fits(next)) return next;
  } else if (type === 'string' || type === undefined) {
    if (schema.format === 'uuid') return ctx.faker.string.uuid();
    for (let n = scope.order.length + 1; n <= scope.order.length + 3; n++) if (fits(String(n))) return String(n);
  }
  for (let attempt = 0; attempt < 5; attempt++) {
    const value = conformer.generate(schema, ctx.faker);
    if (value !== undefined && !taken(value)) return value;
  }
  return ctx.faker.string.uuid();
}

/** The item with this id, the id first (as people write items). */
function withId(item: JsonObject, field: string, id: unknown): JsonObject {
  const out: JsonObject = { [field]: id };
  // Defined, not assigned: a body may carry a `__proto__` key.
  for (const [key, value] of Object.entries(item)) if (key !== field) Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  return out;
}

/** The value without the named top-level properties (writeOnly ones are stored but never answered). */
function omit(value: unknown, names: string[]): unknown {
  if (!names.length || !isPlainObject(value)) return value;
  const out = { ...value };
  for (const name of names) delete out[name];
  return out;
}

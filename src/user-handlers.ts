/**
 * Handlers of your own (`--handlers ./my-handlers.mjs`): an ES module whose exports map operationIds to functions
 * `(ctx) => reply`, each given what a bundled handler gets — the validated request, the principal, the session's state
 * for that API, the scenario's options, the clock, faker — plus `ctx.next()`, the answer the operation would have
 * given without it (its stateful handler's, or one generated from the schema), and `ctx.errors`, the typed errors
 * (notFound, conflict, …) that the API renders in its own shape.
 *
 *   export function getPet(ctx) {
 *     if (ctx.request.params.petId === 13) throw ctx.errors.notFound('pet 13 is unlucky');
 *     return ctx.next();
 *   }
 *   export const listPets = () => ({ status: 200, body: [] });
 *
 * The handlers are the module's named exports, and the entries of its default export when that is an object. Each is
 * keyed by operationId, or by `METHOD /path` as the spec writes the path (`'GET /pets/{petId}'`, also with the mount's
 * prefix: `'GET /v1/pets/{petId}'`) for specs without operationIds or to pick one spec's operation; a default export
 * can hold such keys, a named export cannot. A handler keyed by operationId replaces the operation's answer in every
 * mounted spec that has the operationId, bundled APIs included; one keyed by path, in every spec with that method and
 * path. It is checked at start: a key that names no operation of a mounted spec (with the nearest keys that do), two
 * keys for one operation, an export that is not a function, a module that cannot be imported — each refused with one
 * line naming the file (HandlersError). At request time a handler that throws
 * something other than a typed error answers 500 in the API's shape (the pipeline logs it), one that returns no reply
 * answers 500 saying so, and every answer is checked against the spec like any other (a 500 under --strict).
 *
 * The state a handler changes is kept only if the request succeeds, like a bundled handler's; a handler may write on
 * a GET (its operation is listed in the module's `writesOnSafeMethods`).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { closest, distance } from 'fastest-levenshtein';
import { badRequest, conflict, forbidden, internal, isMockError, MockError, notFound, unauthorized, type ErrorCode, type MockErrorInit } from './engine/errors.js';
import { mockResponse } from './engine/mock-response.js';
import type { Mount } from './engine/mount.js';
import { isPromise } from './engine/security.js';
import type { Operation } from './engine/spec.js';
import type { ApiModule, Handler, HandlerContext, Reply } from './engine/types.js';
import type { SpecValidator } from './engine/validator.js';

/** A --handlers module that cannot be used: one line, naming the file. */
export class HandlersError extends Error {}

/** The typed errors a handler throws; the API renders each in its own error shape. */
const errors = { badRequest, unauthorized, forbidden, notFound, conflict } as const;

/**
 * What a handler of your own gets: a bundled handler's context, the answer it replaces, and the typed errors. S is the
 * API's state, O its scenario options; untyped by default, as HandlerContext's (a plain JavaScript module names neither).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the defaults of HandlerContext, which it extends
export interface UserHandlerContext<S = any, O = any> extends HandlerContext<S, O> {
  /** The answer the operation gives without your handler: its stateful handler's, or one generated from its schema. */
  next(): Reply | Promise<Reply>;
  /** Typed errors to throw: `throw ctx.errors.notFound('no such pet')` answers 404 in the spec's declared shape. */
  errors: typeof errors;
}

/** One handler of your own: `(ctx) => reply`, or a promise of one. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as UserHandlerContext
export type UserHandler<S = any, O = any> = (ctx: UserHandlerContext<S, O>) => Reply | Promise<Reply>;

/** A --handlers module's exports: operationId, or `METHOD /path` as the spec writes it (`'GET /pets/{petId}'`) → handler. */
export type UserHandlers = Record<string, UserHandler>;

export interface LoadedHandlers {
  /** The file as given, or `handlers` for an object passed in (for messages). */
  file: string;
  handlers: Map<string, UserHandler>;
}

/**
 * The handlers of a module file (imported), or of an object passed to startMockgate / createApp; refuses a module that
 * cannot be imported or that exports anything but handlers.
 */
export async function loadUserHandlers(source: string | Readonly<Record<string, unknown>>): Promise<LoadedHandlers> {
  if (typeof source !== 'string') return collect({ ...source }, 'handlers');
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path.resolve(source)).href)) as Record<string, unknown>;
  } catch (err) {
    throw new HandlersError(`${source}: the handlers module cannot be imported: ${firstLine(err)}`);
  }
  const exported: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(module)) if (name !== 'default') exported[name] = value;
  const fallback = module.default;
  if (fallback !== undefined) {
    if (typeof fallback !== 'object' || fallback === null || Array.isArray(fallback)) {
      throw new HandlersError(`${source}: the default export is ${kindOf(fallback)}; export an object mapping operationIds to handlers, or each handler by its operationId`);
    }
    for (const [name, value] of Object.entries(fallback)) {
      if (name in exported) throw new HandlersError(`${source}: "${name}" is exported twice (by name and in the default export); keep one`);
      exported[name] = value;
    }
  }
  return collect(exported, source);
}

function collect(exported: Record<string, unknown>, file: string): LoadedHandlers {
  const handlers = new Map<string, UserHandler>();
  for (const [name, value] of Object.entries(exported)) {
    if (typeof value !== 'function') throw new HandlersError(`${file}: "${name}" is ${kindOf(value)}, not a handler; export a function (ctx) => reply`);
    handlers.set(name, value as UserHandler);
  }
  if (handlers.size === 0) throw new HandlersError(`${file}: the module exports no handlers; export functions named by operationId`);
  return { file, handlers };
}

/**
 * Gives each mounted API the handlers of its specs' operations, replacing what answered them. Each API module is
 * copied (the bundled ones are shared by every app in the process), once, whatever number of specs it serves. Returns
 * the operationIds that were given a handler, for the start-up report.
 */
export function applyUserHandlers(mounts: Mount[], loaded: LoadedHandlers): ReadonlySet<string> {
  const served = mounts.filter((m) => !m.internal);
  const chosen = handlersByOperation(served, loaded);
  const answered = new Set<string>();
  const copies = new Map<ApiModule, ApiModule>();
  for (const mount of served) {
    const original = mount.api;
    let copy = copies.get(original);
    const ops = mount.spec.operations.filter((op) => chosen.has(op));
    for (const op of ops) answered.add(op.operationId);
    if (!ops.length && !copy) continue;
    if (!copy) {
      copy = { ...original, handlers: { ...original.handlers }, writesOnSafeMethods: [...(original.writesOnSafeMethods ?? [])] };
      copies.set(original, copy);
    }
    const writers = copy.writesOnSafeMethods as string[];
    for (const op of ops) {
      // An API serving several specs with one operationId (one handler map) is given one wrapper: the first spec's.
      if (copy.handlers[op.operationId] !== original.handlers[op.operationId]) continue;
      copy.handlers[op.operationId] = wrap(op, chosen.get(op)!, original.handlers[op.operationId], mount.validator, loaded.file);
      // A handler of your own may write on a GET: its changes are then tracked, and kept only if it succeeds.
      if (!writers.includes(op.operationId)) writers.push(op.operationId);
    }
    mount.api = copy;
  }
  return answered;
}

/** `GET /pets/{petId}`: an operation's method and path as a handler key names it (the path as the spec writes it). */
const pathKey = (method: string, path: string) => `${method.toUpperCase()} ${path}`;

/** A key of the `METHOD /path` form, its method upper-cased (`get /pets` is `GET /pets`); undefined for any other. */
function asPathKey(key: string): string | undefined {
  const match = /^([A-Za-z]+) +(\/\S*)$/.exec(key.trim());
  return match ? pathKey(match[1]!, match[2]!) : undefined;
}

/**
 * Which handler answers which operation of the mounted specs: the one keyed by its operationId, or by its method and
 * path (the spec's, or with the mount's prefix). Refuses a key that names no operation — listing the keys nearest to
 * it — and an operation named by two keys.
 */
function handlersByOperation(served: Mount[], loaded: LoadedHandlers): Map<Operation, UserHandler> {
  const byPath = new Map<string, string>();
  for (const key of loaded.handlers.keys()) {
    const normal = asPathKey(key);
    if (normal !== undefined) byPath.set(normal, key);
  }
  const chosen = new Map<Operation, UserHandler>();
  const keyOf = new Map<Operation, string>();
  const used = new Set<string>();
  for (const mount of served) {
    for (const op of mount.spec.operations) {
      const keys = [op.operationId, byPath.get(pathKey(op.method, op.pathTemplate)), byPath.get(pathKey(op.method, mount.prefix + op.pathTemplate))];
      for (const key of keys) {
        if (key === undefined || !loaded.handlers.has(key)) continue;
        const earlier = keyOf.get(op);
        if (earlier !== undefined && earlier !== key) {
          throw new HandlersError(`${loaded.file}: "${earlier}" and "${key}" both name ${pathKey(op.method, mount.prefix + op.pathTemplate)} (${op.operationId}); keep one`);
        }
        keyOf.set(op, key);
        chosen.set(op, loaded.handlers.get(key)!);
        used.add(key);
      }
    }
  }
  for (const key of loaded.handlers.keys()) if (!used.has(key)) throw new HandlersError(unknownKey(key, served, loaded.file));
  return chosen;
}

/** The refusal of a key no mounted spec has, with the keys nearest to it of the same kind (operationId or path). */
function unknownKey(key: string, served: Mount[], file: string): string {
  const normal = asPathKey(key);
  if (normal === undefined) {
    const known = [...new Set(served.flatMap((m) => m.spec.operations.map((op) => op.operationId)))];
    const hint = known.length ? `; did you mean "${closest(key, known)}"?` : '';
    return `${file}: "${key}" is not an operationId of any mounted spec${hint}`;
  }
  const paths = [...new Set(served.flatMap((m) => m.spec.operations.map((op) => pathKey(op.method, op.pathTemplate))))];
  // Parameter names count for nothing in the distance: `{id}` for `{petId}` is the likeliest slip.
  const unnamed = (key: string) => key.replace(/\{[^{}]*\}/g, '{}');
  const near = paths
    .map((candidate) => ({ candidate, d: distance(unnamed(normal), unnamed(candidate)) }))
    .sort((a, b) => a.d - b.d || a.candidate.localeCompare(b.candidate))
    .slice(0, 3)
    .map(({ candidate }) => `"${candidate}"`);
  const hint = near.length ? `; the nearest are ${near.join(', ')}` : '';
  return `${file}: "${key}" is not the method and path of any mounted spec's operation${hint}; key the handler by operationId, or by "METHOD /path" with the path as the spec writes it`;
}

function wrap(op: Operation, handler: UserHandler, original: Handler | undefined, validator: SpecValidator, file: string): Handler {
  const { operationId } = op;
  return (ctx) => {
    const next = () => (original ? original(ctx) : fromSchema(op, validator, ctx));
    let answer: Reply | Promise<Reply>;
    try {
      answer = handler({ ...ctx, next, errors });
    } catch (err) {
      throw typed(err);
    }
    if (!isPromise(answer)) return checked(answer, operationId, file);
    return answer.then(
      (reply) => checked(reply, operationId, file),
      (err: unknown) => {
        throw typed(err);
      },
    );
  };
}

/** The answer as the operation's own would be made without a handler: generated from its declared success. */
function fromSchema(op: Operation, validator: SpecValidator, ctx: HandlerContext): Reply {
  const keys = Object.keys(op.responses).filter((key) => !key.startsWith('1'));
  const ok = keys.filter((key) => /^2\d\d$/.test(key)).sort()[0] ?? keys.find((key) => /^2xx$/i.test(key)) ?? keys.find((key) => /^\d{3}$/.test(key)) ?? 'default';
  const status = /^\d{3}$/.test(ok) ? Number(ok) : 200;
  const check = (body: unknown, contentType?: string) => validator.validateResponse(op, status, body, body !== undefined && body !== null && body !== '', contentType);
  return mockResponse(op, { statusKey: ok, status, check }, ctx.faker);
}

/** A reply, or a 500 that says what came back instead. */
function checked(reply: unknown, operationId: string, file: string): Reply {
  const status = (reply as Reply | undefined)?.status;
  if (typeof reply === 'object' && reply !== null && Number.isInteger(status) && status! >= 100 && status! <= 599) return reply as Reply;
  throw internal(`the handler of ${operationId} in ${file} returned ${kindOf(reply)}, not a reply; return { status, body?, headers?, contentType? } (or ctx.next())`);
}

/**
 * A typed error from another copy of mockgate (a handler module that imports its own `mockgate`) is one of ours: it
 * is rendered in the API's shape, not taken for a crash. Anything else is thrown as it is, for the pipeline to log
 * and answer 500.
 */
function typed(err: unknown): unknown {
  if (isMockError(err)) return err;
  if (!(err instanceof Error) || err.name !== 'MockError') return err;
  const e = err as Error & Partial<MockError>;
  if (typeof e.code === 'string' && Number.isInteger(e.status)) {
    const init: MockErrorInit = { message: e.message, issues: e.issues, authFailure: e.authFailure, headers: e.headers, detail: e.detail, retryAfterSeconds: e.retryAfterSeconds };
    return new MockError(e.code as ErrorCode, e.status!, init);
  }
  return err;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}${typeof value === 'function' ? '' : ` (${JSON.stringify(value)?.slice(0, 40)})`}`;
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!.trim();
}

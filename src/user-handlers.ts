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
 * The handlers are the module's named exports, and the entries of its default export when that is an object. A
 * handler replaces the operation's answer in every mounted spec that has the operationId, bundled APIs included. It is
 * checked at start: an operationId no mounted spec has, an export that is not a function, a module that cannot be
 * imported — each refused with one line naming the file (HandlersError). At request time a handler that throws
 * something other than a typed error answers 500 in the API's shape (the pipeline logs it), one that returns no reply
 * answers 500 saying so, and every answer is checked against the spec like any other (a 500 under --strict).
 *
 * The state a handler changes is kept only if the request succeeds, like a bundled handler's; a handler may write on
 * a GET (its operation is listed in the module's `writesOnSafeMethods`).
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { closest } from 'fastest-levenshtein';
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

/** A --handlers module's exports: operationId → handler. */
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
  const known = new Set(served.flatMap((m) => m.spec.operations.map((op) => op.operationId)));
  for (const name of loaded.handlers.keys()) {
    if (known.has(name)) continue;
    const hint = known.size ? `; did you mean "${closest(name, [...known])}"?` : '';
    throw new HandlersError(`${loaded.file}: "${name}" is not an operationId of any mounted spec${hint}`);
  }
  const copies = new Map<ApiModule, ApiModule>();
  for (const mount of served) {
    const original = mount.api;
    let copy = copies.get(original);
    const ops = mount.spec.operations.filter((op) => loaded.handlers.has(op.operationId));
    if (!ops.length && !copy) continue;
    if (!copy) {
      copy = { ...original, handlers: { ...original.handlers }, writesOnSafeMethods: [...(original.writesOnSafeMethods ?? [])] };
      copies.set(original, copy);
    }
    const writers = copy.writesOnSafeMethods as string[];
    for (const op of ops) {
      // An API serving several specs with one operationId (one handler map) is given one wrapper: the first spec's.
      if (copy.handlers[op.operationId] !== original.handlers[op.operationId]) continue;
      copy.handlers[op.operationId] = wrap(op, loaded.handlers.get(op.operationId)!, original.handlers[op.operationId], mount.validator, loaded.file);
      // A handler of your own may write on a GET: its changes are then tracked, and kept only if it succeeds.
      if (!writers.includes(op.operationId)) writers.push(op.operationId);
    }
    mount.api = copy;
  }
  return new Set(loaded.handlers.keys());
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

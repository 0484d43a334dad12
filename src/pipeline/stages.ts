/**
 * The stages of the request pipeline, each a named function over the exchange. A stage reads what the stages
 * before it filled in, fills in its own part, and may answer (set `exchange.reply`: the stages after it do not
 * run) or throw a MockError (rendered in the API's shape). pipeline.ts composes them per mount, in the order
 * drawn in the README ("How a request is handled").
 */
import { internal, statusNotDeclared, validationFailed, type ValidationIssue } from '../engine/errors.js';
import { mockResponse } from '../engine/mock-response.js';
import { hasResponseOverride, parsePreferences } from '../engine/prefer.js';
import { parseCookies, readBody } from '../engine/request-body.js';
import { authenticate, credentialKey, isPromise, readCredentials } from '../engine/security.js';
import type { Operation } from '../engine/spec.js';
import type { ApiModule, HandlerContext } from '../engine/types.js';
import type { AnswerSource } from '../journal/journal.js';
import type { RuleOutcome, RuleService } from '../rules/types.js';
import type { Scenario } from '../scenario/types.js';
import type { Sessions } from '../state/sessions.js';
import { StateConflict, StoreUnavailableError } from '../state/store-errors.js';
import { Transaction, type ChangeOp } from '../state/transaction.js';
import type { Faker } from '@faker-js/faker';
import type { Exchange } from './exchange.js';

/** pino's shape, as much of it as the pipeline uses. */
export interface Logger {
  /** Lets the pipeline skip building a per-request log line nobody will see. */
  isLevelEnabled?(level: string): boolean;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** What stages may use besides the exchange. */
export interface StageContext {
  sessions: Sessions;
  rules: RuleService;
  /** --strict: every request keeps an undo log, and an undeclared GET write is an error. */
  strict: boolean;
  seed?: number;
  now: () => Date;
  faker: Faker;
  logger: Logger;
}

export interface Stage {
  /** For the README's drawing and for stack traces. */
  name: string;
  /** What the journal says produced the answer when this stage answers or fails. */
  source: AnswerSource;
  /** Runs even when an earlier stage has answered (committing what the answer's handler changed). */
  afterAnswer?: boolean;
  run(exchange: Exchange, ctx: StageContext): void | Promise<void>;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** No issues: shared and frozen (a stage that finds one makes its own list). */
const NO_ISSUES: ValidationIssue[] = Object.freeze([]) as unknown as ValidationIssue[];

/**
 * The session is in use: the caps count it from its first request, whether or not it reaches state. A client
 * coming back to a session the caps forgot is told (a response header, the journal, a warning in the log).
 */
export const useSession: Stage = {
  name: 'session',
  source: 'router',
  run(ex, ctx) {
    const notice = ctx.sessions.use(ex.session, true, ex.now.getTime());
    if (notice) {
      ex.trace.sessionForgotten = notice;
      ctx.logger.warn({ session: ex.session, cause: notice.cause, forgottenAt: new Date(notice.forgottenAtMs).toISOString() }, 'a client came back to a session the caps forgot: it starts again from its scenario');
    }
  },
};

/** Cookies, credentials and Prefer, read once from the request: rules and authentication share them. */
export const readRequest: Stage = {
  name: 'read request',
  source: 'router',
  run(ex) {
    const { headers, query } = ex.request;
    ex.cookies = parseCookies(headers.cookie);
    ex.presented = readCredentials(ex.mount.spec.securitySchemes, { headers, query, cookies: ex.cookies });
    ex.prefs = parsePreferences(headers.prefer, query);
  },
};

/**
 * Scenario rules and admin faults, before validation: a scripted 429 or 503 answers whatever the request looks like.
 * In memory the verdict is synchronous; shared by replicas (--store redis://) it is a promise (counted in Redis).
 */
export const applyRules: Stage = {
  name: 'rules',
  source: 'rule',
  run(ex, ctx) {
    const { request, operation } = ex;
    const verdict = ctx.rules.evaluate({
      api: ex.mount.api.name,
      operationId: operation!.operationId,
      method: request.method,
      path: request.path,
      credential: credentialKey(ex.presented, request.headers),
      clientAddress: request.clientAddress,
      session: ex.session,
    });
    if (isPromise(verdict)) {
      return verdict.then(
        (outcome) => followRules(ex, ctx, outcome),
        (err: unknown) => {
          throw storeFailed(ctx, err);
        },
      );
    }
    return followRules(ex, ctx, verdict);
  },
};

/** What the rules decided: their headers, a delay, a transport fault, an answer in place of the handler's. */
function followRules(ex: Exchange, ctx: StageContext, outcome: RuleOutcome): void | Promise<void> {
  ex.trace.rules = outcome.fired;
  ex.trace.ruleHeaders = outcome.headers;
  ex.trace.transport = outcome.answer?.reply?.transport ?? outcome.transport;
  const delayMs = outcome.delayMs + (ex.prefs.delayMs ?? 0);
  // Synchronous unless there is a delay to wait: most requests spend no microtask here.
  if (delayMs > 0) {
    return sleep(delayMs).then(() => {
      // The handler sees the time after the wait (creation dates, token expiry).
      ex.now = ctx.now();
      answerWith(ex, outcome.answer);
    });
  }
  answerWith(ex, outcome.answer);
}

/** A rule's answer: a reply sent as the rule gives it, or an error the API renders in its own shape. */
function answerWith(ex: Exchange, answer: RuleOutcome['answer']): void {
  if (!answer) return;
  ex.trace.explicit = true;
  if (answer.reply) ex.reply = answer.reply;
  else throw answer.error;
}

/**
 * The body, parsed as its Content-Type says (malformed JSON fails here, before validation or authentication,
 * for every API), then the API's own input coercion (pydantic-style for the registry).
 */
export const readRequestBody: Stage = {
  name: 'read body',
  source: 'validation',
  run(ex) {
    const op = ex.operation!;
    const { api } = ex.mount;
    const body = readBody(op, ex.request.rawBody, ex.request.headers);
    // prepareRequest changes the query in place: it gets a copy; validation builds its own object anyway.
    ex.query = api.prepareRequest ? { ...ex.request.query } : ex.request.query;
    if (api.prepareRequest) {
      const prepared = { operationId: op.operationId, query: ex.query, body: body.body };
      api.prepareRequest(prepared);
      body.body = prepared.body;
    }
    ex.body = body;
  },
};

/**
 * The session's state for the API, behind this request's undo log when it may write: whatever the stages after
 * this one change is kept only if the request succeeds (commitChanges), and undone if anything fails — a handler
 * that throws half-way, a state-file write that fails. Reads skip the log (its views cost ~8 µs on a getUser and
 * ~50 µs on a 100-user list); the API lists the safe-method operations that write, and --strict checks the list.
 */
export const openState: Stage = {
  name: 'open state',
  source: 'validation',
  run(ex, ctx) {
    // A shared store (--store redis://) first brings the session up to date: one round trip.
    const synced = ctx.sessions.sync(ex.session);
    if (!synced) return open(ex, ctx);
    return synced.then(
      () => open(ex, ctx),
      (err: unknown) => {
        throw storeFailed(ctx, err);
      },
    );
  },
};

/** The session's state for the API, behind the request's undo log when it may write. */
function open(ex: Exchange, ctx: StageContext): void {
  const { api } = ex.mount;
  ex.stateGeneration = ctx.sessions.generationOf(ex.session);
  const raw = ctx.sessions.apiState(ex.session, api.name);
  ex.mayWrite = !SAFE_METHODS.has(ex.request.method) || writesOnSafeMethods(api).has(ex.operation!.operationId);
  if (ex.mayWrite || ctx.strict) ex.tx = new Transaction();
  ex.state = ex.tx ? ex.tx.view(raw, [ex.session, api.name]) : raw;
  ex.options = optionsFor(ctx.sessions.scenarioFor(ex.session), api);
}

/**
 * Before a request runs again on state reloaded after a StateConflict (another process changed its session while
 * it ran; its changes were undone): what the stages from `readRequestBody` on fill in is cleared, so they run as
 * on a fresh request (the body is parsed again: a handler may have changed the parsed one). Rules are not counted
 * twice: they ran before.
 */
export function rewindForRerun(ex: Exchange): void {
  ex.reply = undefined;
  ex.tx = undefined;
  ex.state = undefined;
  ex.principal = undefined;
  ex.checkedAnswer = undefined;
  ex.validated = undefined;
  ex.body = undefined;
  ex.trace.explicit = false;
  ex.trace.stateChanged = false;
  ex.trace.requestIssues = undefined;
}

/** A session store (Redis) that does not answer: the request's 500, in the API's shape, saying so. */
function storeFailed(ctx: StageContext, err: unknown): unknown {
  if (!(err instanceof StoreUnavailableError)) return err;
  ctx.logger.error({ err: err.message }, 'session store unavailable');
  if (err.inDoubt) return internal(`${err.message}; the change was sent before the connection failed, so it may or may not have been saved: read it back once the store is back`);
  return internal(`${err.message}; nothing was changed, retry once it is back`);
}

/** Each API's options under each scenario, resolved once (defaults filled in by the API), not per request. */
const resolvedOptions = new WeakMap<Scenario, Map<ApiModule, unknown>>();

function optionsFor(scenario: Scenario, api: ApiModule): unknown {
  let byApi = resolvedOptions.get(scenario);
  if (!byApi) resolvedOptions.set(scenario, (byApi = new Map()));
  if (!byApi.has(api)) {
    const given = scenario.apis[api.name]?.options as Record<string, unknown> | undefined;
    byApi.set(api, api.resolveOptions ? api.resolveOptions(given) : (given ?? {}));
  }
  return byApi.get(api);
}

/** The request as handlers see it: path parameters percent-decoded, the rest as read. */
export const decodeRequest: Stage = {
  name: 'decode request',
  source: 'validation',
  run(ex) {
    const { request } = ex;
    const decoded = decodeParams(ex.rawParams);
    ex.paramIssues = decoded.issues;
    ex.validated = {
      method: request.method,
      path: request.path,
      params: decoded.params,
      query: ex.query,
      rawQuery: request.query,
      headers: request.headers,
      cookies: ex.cookies,
      body: ex.body!.body,
      clientAddress: request.clientAddress,
      origin: request.origin,
    };
  },
};

/** Request validation against the operation's schemas (compiled once); query and header values are coerced. */
export const validateRequest: Stage = {
  name: 'validate',
  source: 'validation',
  run(ex) {
    const body = ex.body!;
    if (body.mediaTypeError) throw body.mediaTypeError;
    const request = ex.validated!;
    const parts = {
      params: request.params,
      query: ex.query,
      headers: request.headers,
      cookies: ex.cookies,
      body: body.body,
      hasBody: body.hasBody && body.validatable,
    };
    const result = ex.mount.validator.validateRequest(ex.operation!, parts);
    const issues = ex.paramIssues.length ? [...ex.paramIssues, ...result.issues] : result.issues;
    ex.trace.requestIssues = issues;
    // The API's framework may word (or order) the refusal its own way, or refuse what the schemas allow.
    const refused = ex.mount.api.checkRequest?.({ ...parts, operation: ex.operation!, spec: ex.mount.spec, issues });
    if (refused) {
      // The journal keeps the schema validation's issues (located, typed); the API's own only when there were none.
      if (issues.length === 0 && refused.issues.length) ex.trace.requestIssues = refused.issues;
      throw refused;
    }
    if (issues.length) throw validationFailed(issues);
    request.query = result.query;
  },
};

/** The operation's security requirements, each credential checked by the API's verifier. */
export const authenticateCaller: Stage = {
  name: 'authenticate',
  source: 'security',
  run(ex) {
    const { api } = ex.mount;
    const op = ex.operation!;
    const principal = authenticate(op.security, ex.presented, api, {
      api: api.name,
      operationId: op.operationId,
      session: ex.session,
      state: ex.state,
      options: ex.options,
      now: ex.now,
      request: ex.validated!,
    });
    if (!isPromise(principal)) {
      ex.principal = principal;
      return;
    }
    return principal.then((found) => {
      ex.principal = found;
    });
  },
};

/** Prism-compatible Prefer overrides (`code=`, `example=`, `dynamic=`) answer from the spec instead of the handler. */
export const preferOverride: Stage = {
  name: 'prefer',
  source: 'prefer',
  run(ex, ctx) {
    const prefs = ex.prefs;
    if (!hasResponseOverride(prefs)) return;
    ex.trace.explicit = true;
    const op = ex.operation!;
    const wanted = prefs.code ?? successStatus(op).code;
    const key = ex.mount.validator.statusKey(op, wanted);
    // Prism answers 404 NOT_FOUND when the requested status is not in the document.
    if (!key) throw statusNotDeclared(wanted);
    ex.reply = mockResponse(op, { statusKey: key, status: wanted, example: prefs.example, dynamic: prefs.dynamic, seed: ctx.seed, check: responseCheck(ex, wanted) }, ctx.faker);
  },
};

/** The API's handler for the operation, on the session's state; the schema's example when it has none. */
export const runHandler: Stage = {
  name: 'handler',
  source: 'handler',
  run(ex, ctx) {
    const { api } = ex.mount;
    const op = ex.operation!;
    const handler = api.handlers[op.operationId];
    if (!handler) {
      ex.trace.source = 'mock';
      const declared = Object.keys(op.responses);
      if (declared.length && declared.every((k) => /^1/.test(k))) {
        throw internal(`${op.operationId} declares only interim responses (${declared.join(', ')}), and an interim response cannot be the answer; declare a final status in the spec`);
      }
      const status = successStatus(op);
      ex.reply = mockResponse(op, { statusKey: status.key, status: status.code, seed: ctx.seed, check: responseCheck(ex, status.code) }, ctx.faker);
      return;
    }
    const trace = ex.trace;
    const handlerContext: HandlerContext = {
      api: api.name,
      operationId: op.operationId,
      session: ex.session,
      request: ex.validated!,
      principal: ex.principal,
      state: ex.state,
      options: ex.options,
      now: ex.now,
      faker: ctx.faker,
      requestId: ex.requestId,
      stateChanged: () => {
        trace.stateChanged = true;
      },
      answeredFromSchema: () => {
        trace.source = 'mock';
      },
    };
    // Most handlers answer synchronously: awaited only when one returns a promise.
    const reply = handler(handlerContext);
    if (!isPromise(reply)) {
      ex.reply = reply;
      return;
    }
    return reply.then((answer) => {
      ex.reply = answer;
    });
  },
};

/**
 * Keeps what the request changed: saved to --state-file (a failure is the request's 500, and the pipeline then
 * undoes its changes), committed, and counted against the session's byte bound.
 */
export const commitChanges: Stage = {
  name: 'commit',
  source: 'handler',
  afterAnswer: true,
  run(ex, ctx) {
    const tx = ex.tx;
    if (tx?.changed && !ex.mayWrite) {
      throw internal(`${ex.operation!.operationId} changed state on a ${ex.request.method} but its API does not list it in writesOnSafeMethods`);
    }
    const changed = tx?.changed || ex.trace.stateChanged;
    if (!changed) {
      tx?.commit();
      return;
    }
    const kept = () => {
      tx?.commit();
      ctx.sessions.grew(ex.session, ex.request.rawBody?.length ?? 0);
    };
    // In memory nothing is written, so nothing is waited for (and no change set is computed).
    if (!ctx.sessions.persistent) return kept();
    return saveState(ctx, changeSet(ex, ctx), ex).then(kept);
  },
};

/**
 * What the request changed: its Transaction's change set, or its API's whole state when the handler changed state
 * where the Transaction could not see it (HandlerContext.stateChanged without a Transaction).
 */
function changeSet(ex: Exchange, ctx: StageContext): ChangeOp[] {
  const api = ex.mount.api.name;
  if (ex.tx?.changed && !ex.trace.stateChanged) return ex.tx.changes();
  return [...(ex.tx?.changes() ?? []), { p: [ex.session, api], v: ctx.sessions.apiState(ex.session, api) }];
}

/** Writes the request's changes to --state-file; a failure is the request's 500. */
function saveState(ctx: StageContext, ops: ChangeOp[], ex: Exchange): Promise<void> {
  const tx = ex.tx;
  // undo: a shared store that catches the session up in place first takes this request's changes back out.
  const undo = tx && !ex.trace.stateChanged ? () => tx.rollback() : undefined;
  const commit = ex.stateGeneration === undefined ? undefined : { session: ex.session, generation: ex.stateGeneration, undo };
  return ctx.sessions.persist(ops, commit).catch((err: unknown) => {
    // Another process changed the session meanwhile: the pipeline re-runs the request on the state reloaded.
    if (err instanceof StateConflict) throw err;
    if (err instanceof StoreUnavailableError) throw storeFailed(ctx, err);
    ctx.logger.error({ err }, 'state file write failed');
    throw internal(`the change could not be saved to the state file (${(err as Error)?.message ?? String(err)}); nothing was changed`);
  });
}

const safeWriters = new WeakMap<ApiModule, ReadonlySet<string>>();
/** The API's safe-method writers as a set, built once per module. */
function writesOnSafeMethods(api: ApiModule): ReadonlySet<string> {
  let set = safeWriters.get(api);
  if (!set) safeWriters.set(api, (set = new Set(api.writesOnSafeMethods ?? [])));
  return set;
}

/** What a generated answer must pass before it is sent: the same check the pipeline makes of every answer. */
function responseCheck(ex: Exchange, status: number): (body: unknown, contentType?: string) => ValidationIssue[] {
  return (body, contentType) => {
    const issues = ex.mount.validator.validateResponse(ex.operation!, status, body, body !== undefined && body !== null && body !== '', contentType);
    ex.checkedAnswer = { status, body, contentType, issues };
    return issues;
  };
}

/** The status an operation answers on success: its lowest declared 2xx, else its first declared status. */
export function successStatus(op: Operation): { key: string; code: number } {
  // 1xx are interim responses: one can never be the final answer.
  const keys = Object.keys(op.responses).filter((k) => !/^1/.test(k));
  const ok = keys.filter((k) => /^2\d\d$/.test(k)).sort()[0];
  if (ok) return { key: ok, code: Number(ok) };
  if (keys.some((k) => /^2xx$/i.test(k))) return { key: keys.find((k) => /^2xx$/i.test(k))!, code: 200 };
  const first = keys.find((k) => /^\d{3}$/.test(k));
  return first ? { key: first, code: Number(first) } : { key: 'default', code: 200 };
}

/** Path parameters percent-decoded, in one pass; a value that is not valid percent-encoded UTF-8 stays raw and is an issue. */
function decodeParams(raw: Record<string, string>): { params: Record<string, string>; issues: ValidationIssue[] } {
  // Null-prototype: parameter names come from the spec, and `__proto__` is a name like any other.
  const params: Record<string, string> = Object.create(null);
  // Made only when a value does not decode: the common request shares the empty list.
  let issues: ValidationIssue[] = NO_ISSUES;
  for (const name in raw) {
    const value = raw[name]!;
    if (value.indexOf('%') < 0) {
      params[name] = value;
      continue;
    }
    try {
      params[name] = decodeURIComponent(value);
    } catch {
      params[name] = value;
      if (issues === NO_ISSUES) issues = [];
      issues.push({ in: 'path', path: [name], message: 'is not valid percent-encoded UTF-8', keyword: 'format' });
    }
  }
  return { params, issues };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The request pipeline: an ordered list of named stages (stages.ts) over one exchange, composed per mount when
 * the specs are mounted:
 *
 *   mocked API   session → read request → rules → read body → open state → decode → validate ⇄ authenticate
 *                (the API's order) → Prefer → handler → commit
 *   admin API    read request → read body → decode → authenticate → validate → handler
 *
 * Then, for every request: an error from any stage is rendered once, by the API that owns the mount (and the
 * request's state changes are undone); the answer is checked against the spec (500 in --strict); JSON is
 * serialised once; and the finished exchange goes to the mount's listeners — the journal, coverage and the
 * request log for mocked APIs, nobody for the admin API.
 */
import { randomUUID } from 'node:crypto';
import { ErrorCode, internal, isMockError, methodNotAllowed, responseInvalid, routeNotFound, type MockError, type ValidationIssue } from '../engine/errors.js';
import { NO_PREFERENCES } from '../engine/prefer.js';
import type { Mount } from '../engine/mount.js';
import type { Router } from '../engine/router.js';
import { isAnswerlessFault, type EngineRequest, type Reply } from '../engine/types.js';
import { StateConflict } from '../state/store-errors.js';
import { DEFAULT_SESSION, SESSION_FORGOTTEN_HEADER, SESSION_HEADER, SESSION_QUERY, sessionForgottenValue } from '../state/sessions.js';
import type { CompletedExchange, Exchange, ExchangeListener, Trace } from './exchange.js';
import {
  applyRules,
  authenticateCaller,
  commitChanges,
  decodeRequest,
  openState,
  preferOverride,
  readRequest,
  readRequestBody,
  rewindForRerun,
  runHandler,
  useSession,
  validateRequest,
  type Stage,
  type StageContext,
} from './stages.js';

export type { Logger } from './stages.js';

/** What the stages use, and the route table. */
export interface PipelineDeps extends StageContext {
  router: Router<Mount>;
}

/** What a mount runs: its stages, and who hears about its finished exchanges. */
interface Composition {
  stages: Stage[];
  listeners: ExchangeListener[];
}

/**
 * How long a request keeps being re-run when other processes keep changing its session under it (shared store),
 * counted from its first conflict, and the cap of the random wait before each re-run. A re-run is cheap (the
 * conflict caught the cache up), so the wait is short and capped rather than doubling without bound; and the bound
 * is a time, not a count: a count small enough to answer soon starved requests under contention (16 concurrent
 * writers on one session over three replicas lost 10 races in a row with doubling waits; 48 lost 32 in a row with
 * waits capped at 32 ms), while a few seconds of re-runs is a slow answer rather than a failed test.
 */
const RERUN_BUDGET_MS = 10_000;
const MAX_RERUN_WAIT_MS = 32;

/** Stages whose 4xx refuses the request before any answer was chosen. */
const REFUSING_STAGES = new Set(['router', 'validation', 'security']);

const NO_RULES: string[] = Object.freeze([]) as unknown as string[];
const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;
const NO_LISTENERS: ExchangeListener[] = Object.freeze([]) as unknown as ExchangeListener[];
/** What a request has before a stage finds otherwise: shared and frozen, never written to. */
const NO_ISSUES: ValidationIssue[] = Object.freeze([]) as unknown as ValidationIssue[];
/** Replaced by readRequest before anyone reads it; never written to. */
const NO_CREDENTIALS: Exchange['presented'] = new Map();

/** Validation and authentication in the order the API's real server runs them. */
function checks(mount: Mount): Stage[] {
  return mount.api.order === 'validate-first' ? [validateRequest, authenticateCaller] : [authenticateCaller, validateRequest];
}

/** The stages of a mocked API. */
function apiStages(mount: Mount): Stage[] {
  return [useSession, readRequest, applyRules, readRequestBody, openState, decodeRequest, ...checks(mount), preferOverride, runHandler, commitChanges];
}

/** The admin API's: no session state, rules, Prefer or journal (its handlers work on the services themselves). */
function adminStages(mount: Mount): Stage[] {
  return [readRequest, readRequestBody, decodeRequest, ...checks(mount), runHandler];
}

export class Pipeline {
  private readonly compositions = new Map<Mount, Composition>();
  /** Listeners of the mocked APIs' finished exchanges (journal, coverage, request log). */
  private readonly listeners: ExchangeListener[] = [];
  constructor(
    private readonly deps: PipelineDeps,
    mounts: Mount[],
  ) {
    for (const mount of mounts) {
      this.compositions.set(mount, mount.internal ? { stages: adminStages(mount), listeners: NO_LISTENERS } : { stages: apiStages(mount), listeners: this.listeners });
    }
  }

  /** Hears every finished exchange of a mocked API, once its answer is final. */
  onExchange(listener: ExchangeListener): void {
    this.listeners.push(listener);
  }

  async handle(req: EngineRequest): Promise<Reply> {
    return this.answer(req);
  }

  /**
   * The answer to a request: a Reply when every stage ran synchronously (the common case: no delay, no state
   * file, no asynchronous verifier or handler), else a promise of it. The edge calls this rather than handle()
   * so a synchronous answer costs no promise and no microtask turn.
   */
  answer(req: EngineRequest): Reply | Promise<Reply> {
    const started = performance.now();
    const match = this.deps.router.match(req.method, req.path);
    if (match.kind === 'no-mount') return { status: 404, body: { message: `no API is mounted at ${req.path}` } };
    const mount = match.mount;
    const composition = this.compositions.get(mount)!;
    const ex = newExchange(req, mount, match.kind === 'operation' ? match.operation : undefined, match.kind === 'operation' ? match.rawParams : {}, started, this.deps.now());
    let pending: Promise<void> | undefined;
    try {
      if (match.kind === 'not-found') throw routeNotFound(req.method, req.path);
      if (match.kind === 'method-not-allowed') throw methodNotAllowed(match.allowed);
      pending = this.run(composition.stages, ex, 0);
    } catch (err) {
      this.failed(ex, err);
    }
    if (!pending) return this.finish(ex, composition);
    return this.settle(pending, ex, composition, 1);
  }

  /**
   * The answer once the stages' promise settles. With a shared store (--store redis://) a commit may find that
   * another process changed the session while the request ran (StateConflict): its changes are undone and it runs
   * again from the body on the state caught up, for up to RERUN_BUDGET_MS after its first conflict, then fails
   * saying so.
   */
  private settle(pending: Promise<void>, ex: Exchange, composition: Composition, attempt: number, firstConflictAt?: number): Promise<Reply> {
    return pending.then(
      () => this.finish(ex, composition),
      (err: unknown) => {
        if (err instanceof StateConflict) {
          ex.tx?.rollback();
          const since = firstConflictAt ?? performance.now();
          if (performance.now() - since < RERUN_BUDGET_MS) {
            rewindForRerun(ex);
            // A random wait, doubling with each attempt up to its cap, so that replicas racing on one session do not
            // keep colliding in step (without it, 16 concurrent creates spread over three replicas starved some requests).
            const next = new Promise<void>((resolve) => setTimeout(resolve, Math.random() * Math.min(2 ** attempt, MAX_RERUN_WAIT_MS))).then(
              () => this.run(composition.stages, ex, composition.stages.indexOf(readRequestBody)),
            );
            return this.settle(next, ex, composition, attempt + 1, since);
          }
          err = internal(
            `session "${ex.session}" was changed by other mockgate processes ${attempt} times in ${Math.round((performance.now() - since) / 1000)} s while this request ran; nothing was changed, retry`,
          );
        }
        this.failed(ex, err);
        return this.finish(ex, composition);
      },
    );
  }

  /** The request failed in a stage: its changes are undone and the error is rendered by the mount's API. */
  private failed(ex: Exchange, err: unknown): void {
    ex.tx?.rollback();
    // The mock's own failure (a bug, a schema it cannot compile, a state file it cannot write) is reported as
    // it is: --strict must not replace that 500 by "the answer breaks the spec" and lose what went wrong.
    if (!isMockError(err) || err.code === ErrorCode.Internal) ex.trace.internalFailure = true;
    else if (err.status < 500) {
      ex.trace.typedError = true;
      if (REFUSING_STAGES.has(ex.trace.source)) ex.trace.refused = true;
    }
    ex.reply = this.renderError(ex.mount, err, ex.requestId, ex.operation?.operationId);
  }

  /** The final answer, handed to the mount's listeners. */
  private finish(ex: Exchange, composition: Composition): Reply {
    if (!ex.reply) this.failed(ex, internal(`no stage answered ${ex.operation!.operationId}`));
    const reply = this.finalAnswer(ex);
    if (composition.listeners.length) this.emit(composition.listeners, ex, reply);
    return reply;
  }

  /** Renders an error raised at the edge (body too large, unreadable body) in the shape of the API at that path. */
  renderAt(path: string, error: MockError): Reply {
    const mount = this.deps.router.mountFor(path);
    if (!mount) return { status: error.status, headers: error.headers, body: { message: error.message } };
    return this.renderError(mount, error, randomUUID());
  }

  /**
   * Runs the stages in order, from `from`; once one has answered, only those that run after an answer (commit)
   * still do. Synchronous as long as the stages are: the first stage that returns a promise is waited for, and
   * the rest run after it (undefined: all ran). A stage's throw reaches the caller as it is, or as the
   * promise's rejection once one is pending. The journal's `source` is the stage that answered, or the one
   * running when the request failed.
   */
  private run(stages: Stage[], ex: Exchange, from: number): Promise<void> | undefined {
    for (let i = from; i < stages.length; i++) {
      const stage = stages[i]!;
      if (ex.reply) {
        if (!stage.afterAnswer) continue;
      } else {
        ex.trace.source = stage.source;
      }
      const pending = stage.run(ex, this.deps);
      if (pending) return pending.then(() => this.run(stages, ex, i + 1));
    }
    return undefined;
  }

  /** The rules' headers, the check of the answer against the spec, and JSON serialised once. */
  private finalAnswer(ex: Exchange): Reply {
    const { trace, operation, mount } = ex;
    let reply = ex.reply!;
    if (trace.transport) {
      // Nothing is sent in place of the answer: no headers to add, no answer to check against the spec.
      if (isAnswerlessFault(trace.transport)) return reply;
      reply = { ...reply, transport: trace.transport };
    }
    if (hasKeys(trace.ruleHeaders)) reply = { ...reply, headers: { ...trace.ruleHeaders, ...reply.headers } };
    if (trace.sessionForgotten) reply = { ...reply, headers: { ...reply.headers, [SESSION_FORGOTTEN_HEADER]: sessionForgottenValue(trace.sessionForgotten) } };
    if (operation) {
      const hasBody = reply.body !== undefined && reply.body !== null && reply.body !== '';
      // A generated answer was checked as it was made: the same body, status and type need no second look.
      const checked = ex.checkedAnswer;
      let issues =
        checked && checked.body === reply.body && checked.status === reply.status && checked.contentType === reply.contentType
          ? checked.issues
          : mount.validator.validateResponse(operation, reply.status, reply.body, hasBody, reply.contentType);
      // A request refused with a status the spec does not declare (a 400 where it lists none) has no declared answer
      // to be checked against: the client broke the contract first. It is answered as it is, never a strict 500. So is
      // a typed error of an API whose renderer has a fallback for statuses the spec does not declare (RFC 7807).
      const undeclaredFallback = trace.typedError === true && mount.api.answersUndeclaredErrors === true;
      if ((trace.refused || undeclaredFallback) && issues.every((issue) => issue.keyword === 'status')) issues = [];
      trace.responseIssues = issues;
      // An answer a test forced (fault, rule, Prefer) may break the spec on purpose: journaled, not warned about.
      if (issues.length && !trace.explicit && !trace.internalFailure) {
        this.deps.logger.warn({ operationId: operation.operationId, status: reply.status, issues }, 'response violates the spec');
        // A refused request keeps its 4xx even so: a 500 in its place would hide what the client got wrong.
        if (this.deps.strict && !trace.refused) reply = this.renderError(mount, responseInvalid(issues), ex.requestId, operation.operationId);
      }
    }
    // Serialised once, here: the edge sends this text and the journal keeps it.
    return serializeJson(reply);
  }

  private emit(listeners: ExchangeListener[], ex: Exchange, reply: Reply): void {
    const completed: CompletedExchange = {
      request: ex.request,
      requestId: ex.requestId,
      mount: ex.mount,
      operation: ex.operation,
      session: ex.session,
      reply,
      trace: ex.trace,
      // The request's clock reading: one per request (a Date per read adds up at tens of thousands a second).
      timeMs: ex.now.getTime(),
      durationMs: Math.round((performance.now() - ex.startedAt) * 100) / 100,
    };
    for (const listener of listeners) listener(completed);
  }

  private renderError(mount: Mount, err: unknown, requestId: string, operationId?: string): Reply {
    const error = isMockError(err) ? err : this.unexpected(err, operationId);
    // The API's rendering is final, headers included: it carries the error's (Retry-After, Allow, …) or, like
    // lakeFS for a wrong method, chooses not to.
    return mount.api.renderError(error, { requestId, operationId });
  }

  private unexpected(err: unknown, operationId?: string): MockError {
    this.deps.logger.error({ err, operationId }, 'handler failed');
    return internal(`unexpected error in ${operationId ?? 'routing'}: ${(err as Error)?.message ?? String(err)}`);
  }
}

function newExchange(request: EngineRequest, mount: Mount, operation: Exchange['operation'], rawParams: Record<string, string>, startedAt: number, now: Date): Exchange {
  const trace: Trace = { source: 'router', rules: NO_RULES, ruleHeaders: NO_HEADERS, explicit: false, stateChanged: false, internalFailure: false };
  return {
    request,
    requestId: randomUUID(),
    startedAt,
    mount,
    operation,
    rawParams,
    session: headerValue(request, SESSION_HEADER) || firstQueryValue(request.query[SESSION_QUERY]) || DEFAULT_SESSION,
    trace,
    cookies: NO_HEADERS,
    presented: NO_CREDENTIALS,
    prefs: NO_PREFERENCES,
    query: request.query,
    paramIssues: NO_ISSUES,
    state: undefined,
    mayWrite: false,
    options: NO_HEADERS,
    now,
  };
}

function hasKeys(object: object): boolean {
  for (const _ in object) return true;
  return false;
}

/** JSON bodies become their text, with the content type that says so; other bodies pass untouched. */
function serializeJson(reply: Reply): Reply {
  const { body } = reply;
  if (body === undefined || body === null || typeof body === 'string' || Buffer.isBuffer(body)) return reply;
  const text = JSON.stringify(body) + (reply.newlineTerminated ? '\n' : '');
  return { ...reply, body: text, contentType: reply.contentType ?? 'application/json' };
}

function headerValue(req: EngineRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function firstQueryValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The request pipeline, as an explicit ordered list of stages:
 *
 *   route → session → rules (faults, rate limits, delays) → read body → prepare (API coercion)
 *         → validate / authenticate (order chosen per API) → Prefer override → handler or schema mock
 *         → persist → response validation → journal + coverage
 *
 * Any stage may throw a MockError; it is rendered once, by the API that owns the mount.
 */
import { randomUUID } from 'node:crypto';
import type { Faker } from '@faker-js/faker';
import type { Coverage } from '../journal/coverage.js';
import { keptBodyText, type AnswerSource, type Journal } from '../journal/journal.js';
import type { RuleEngine } from '../rules/rules.js';
import type { RuleOutcome } from '../rules/types.js';
import { DEFAULT_SESSION, SESSION_HEADER, SESSION_QUERY, type Sessions } from '../state/sessions.js';
import {
  ErrorCode,
  injectedStatus,
  internal,
  isMockError,
  methodNotAllowed,
  MockError,
  rateLimited,
  responseInvalid,
  routeNotFound,
  statusNotDeclared,
  validationFailed,
  type ValidationIssue,
} from './errors.js';
import { mockResponse } from './mock-response.js';
import type { Mount } from './mount.js';
import { hasResponseOverride, parsePreferences, type Preferences } from './prefer.js';
import { parseCookies, readBody } from './request-body.js';
import type { Router } from './router.js';
import { authenticate, credentialKey, readCredentials, type PresentedCredentials } from './security.js';
import { Transaction } from '../state/transaction.js';
import type { Operation } from './spec.js';
import type { ApiModule, EngineRequest, HandlerContext, Principal, Reply, ValidatedRequest } from './types.js';

export interface Logger {
  /** pino's: lets the pipeline skip building a per-request log line nobody will see. */
  isLevelEnabled?(level: string): boolean;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface PipelineDeps {
  router: Router<Mount>;
  sessions: Sessions;
  rules: RuleEngine;
  journal: Journal;
  coverage: Coverage;
  strict: boolean;
  seed?: number;
  now: () => Date;
  faker: Faker;
  logger: Logger;
}

/** What the stages learned about one request, for the journal. */
interface Trace {
  source: AnswerSource;
  rules: string[];
  ruleHeaders: Record<string, string>;
  requestIssues?: ValidationIssue[];
  /** Answers a test asked for explicitly (rules, faults, Prefer) are recorded but never replaced in --strict. */
  explicit: boolean;
  /** The handler said it changed state in a way the undo log cannot see (HandlerContext.stateChanged). */
  stateChanged?: boolean;
  /** The answer reports the mock's own failure (a 500 of code Internal, or an unexpected exception). */
  internalFailure?: boolean;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const safeWriters = new WeakMap<ApiModule, ReadonlySet<string>>();
/** The API's safe-method writers as a set, built once per module. */
function writesOnSafeMethods(api: ApiModule): ReadonlySet<string> {
  let set = safeWriters.get(api);
  if (!set) safeWriters.set(api, (set = new Set(api.writesOnSafeMethods ?? [])));
  return set;
}
const NO_RULES: string[] = Object.freeze([]) as unknown as string[];
const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;

export class Pipeline {
  /** Whether per-request log lines are wanted (pino at info or below); decided once. */
  private readonly logRequests: boolean;

  constructor(private readonly deps: PipelineDeps) {
    this.logRequests = deps.logger.isLevelEnabled?.('info') ?? true;
  }

  async handle(req: EngineRequest): Promise<Reply> {
    const started = performance.now();
    const requestId = randomUUID();
    const match = this.deps.router.match(req.method, req.path);
    if (match.kind === 'no-mount') return { status: 404, body: { message: `no API is mounted at ${req.path}` } };
    const mount = match.mount;
    const session = headerValue(req, SESSION_HEADER) || firstQueryValue(req.query[SESSION_QUERY]) || DEFAULT_SESSION;
    const trace: Trace = { source: 'router', rules: NO_RULES, ruleHeaders: NO_HEADERS, explicit: false };
    const operation = match.kind === 'operation' ? match.operation : undefined;
    let reply: Reply;
    try {
      if (match.kind === 'not-found') throw routeNotFound(req.method, req.path);
      if (match.kind === 'method-not-allowed') throw methodNotAllowed(match.allowed);
      reply = await this.runOperation(mount, operation!, match.rawParams, req, session, requestId, trace);
    } catch (err) {
      // The mock's own failure (a bug, a schema it cannot compile, a state file it cannot write) is reported as
      // it is: --strict must not replace that 500 by "the answer breaks the spec" and lose what went wrong.
      if (!isMockError(err) || err.code === ErrorCode.Internal) trace.internalFailure = true;
      reply = this.renderError(mount, err, requestId, operation?.operationId);
    }
    if (hasKeys(trace.ruleHeaders)) reply = { ...reply, headers: { ...trace.ruleHeaders, ...reply.headers } };

    let responseIssues: ValidationIssue[] | undefined;
    if (operation) {
      const hasBody = reply.body !== undefined && reply.body !== null && reply.body !== '';
      responseIssues = mount.validator.validateResponse(operation, reply.status, reply.body, hasBody, reply.contentType);
      // An answer a test forced (fault, rule, Prefer) may break the spec on purpose: journaled, not warned about.
      if (responseIssues.length && !trace.explicit && !trace.internalFailure) {
        this.deps.logger.warn({ operationId: operation.operationId, status: reply.status, issues: responseIssues }, 'response violates the spec');
        if (this.deps.strict) reply = this.renderError(mount, responseInvalid(responseIssues), requestId, operation.operationId);
      }
    }
    // Serialised once, here: the edge sends this text and the journal keeps it.
    reply = serializeJson(reply);
    if (!mount.internal) this.record(req, reply, mount, operation, session, requestId, trace, responseIssues, started);
    return reply;
  }

  /** Renders an error raised at the edge (body too large, unreadable body) in the shape of the API at that path. */
  renderAt(path: string, error: MockError): Reply {
    const mount = this.deps.router.mountFor(path);
    if (!mount) return { status: error.status, headers: error.headers, body: { message: error.message } };
    return this.renderError(mount, error, randomUUID());
  }

  private async runOperation(
    mount: Mount,
    op: Operation,
    rawParams: Record<string, string>,
    req: EngineRequest,
    session: string,
    requestId: string,
    trace: Trace,
  ): Promise<Reply> {
    const { api } = mount;
    const cookies = parseCookies(req.headers.cookie);
    const presented = readCredentials(mount.spec.securitySchemes, { headers: req.headers, query: req.query, cookies });
    const prefs = parsePreferences(req.headers.prefer, req.query);

    // Stage: rules. Before validation, so a scripted 429 or 503 answers whatever the request looks like.
    if (!mount.internal) {
      const outcome = this.deps.rules.evaluate({
        api: api.name,
        operationId: op.operationId,
        method: req.method,
        path: req.path,
        credential: credentialKey(presented, req.headers),
        clientAddress: req.clientAddress,
        session,
      });
      trace.rules = outcome.fired;
      trace.ruleHeaders = outcome.headers;
      const delayMs = outcome.delayMs + (prefs.delayMs ?? 0);
      if (delayMs > 0) await sleep(delayMs);
      if (outcome.answer) {
        trace.source = 'rule';
        trace.explicit = true;
        return this.ruleAnswer(mount, outcome.answer, requestId, op.operationId);
      }
    }

    // Stage: read the body. Malformed JSON fails here, before validation or authentication, for every API.
    trace.source = 'validation';
    const body = readBody(op, req.rawBody, req.headers);
    // prepareRequest changes the query in place: it gets a copy; validation builds its own object anyway.
    const query: Record<string, any> = api.prepareRequest ? { ...req.query } : req.query;
    if (api.prepareRequest) {
      const prepared = { operationId: op.operationId, query, body: body.body };
      api.prepareRequest(prepared);
      body.body = prepared.body;
    }

    // The API's state, behind this request's undo log when it may write: whatever the stages below change is
    // kept only if the request succeeds — a handler that throws half-way, or a state-file write that fails,
    // leaves the session exactly as it was. Reads skip the log (its views cost ~8 µs on a getUser and ~50 µs on
    // a 100-user list); the API lists the safe-method operations that write, and --strict checks the list.
    const raw = mount.internal ? undefined : this.deps.sessions.apiState(session, api.name);
    const declaredWriter = !SAFE_METHODS.has(req.method) || writesOnSafeMethods(api).has(op.operationId);
    const tx = raw !== undefined && (declaredWriter || this.deps.strict) ? new Transaction() : undefined;
    const state = tx ? tx.view(raw) : raw;
    try {
      const reply = await this.answer(mount, op, rawParams, req, session, requestId, trace, { body, query, state, cookies, presented, prefs });
      if (tx?.changed && !declaredWriter) {
        throw internal(`${op.operationId} changed state on a ${req.method} but its API does not list it in writesOnSafeMethods`);
      }
      const changed = tx?.changed || trace.stateChanged;
      if (changed) await this.save();
      tx?.commit();
      // The session's size grows by what it stored (the byte bound on sessions counts it).
      if (changed) this.deps.sessions.grew(session, req.rawBody?.length ?? 0);
      return reply;
    } catch (err) {
      tx?.rollback();
      throw err;
    }
  }

  /** Writes the sessions to --state-file; a failure is the request's 500 (its changes are then rolled back). */
  private async save(): Promise<void> {
    try {
      await this.deps.sessions.persist();
    } catch (err) {
      this.deps.logger.error({ err }, 'state file write failed');
      throw internal(`the change could not be saved to the state file (${(err as Error)?.message ?? String(err)}); nothing was changed`);
    }
  }

  /** The stages after the rules: validation and security (in the API's order), Prefer, then handler or schema. */
  private async answer(
    mount: Mount,
    op: Operation,
    rawParams: Record<string, string>,
    req: EngineRequest,
    session: string,
    requestId: string,
    trace: Trace,
    read: { body: ReturnType<typeof readBody>; query: Record<string, any>; state: unknown; cookies: Record<string, string>; presented: PresentedCredentials; prefs: Preferences },
  ): Promise<Reply> {
    const { api } = mount;
    const { body, query, state, cookies, presented, prefs } = read;
    const options = mount.internal ? {} : (this.deps.sessions.scenarioFor(session).apis[api.name]?.options ?? {});
    const decoded = decodeParams(rawParams);
    const request: ValidatedRequest = {
      method: req.method,
      path: req.path,
      params: decoded.params,
      query,
      rawQuery: req.query,
      headers: req.headers,
      cookies,
      body: body.body,
      clientAddress: req.clientAddress,
      origin: req.origin,
    };
    const now = this.deps.now();

    // Stages: validation and security, in the order the API's real server uses.
    const validate = () => {
      if (body.mediaTypeError) throw body.mediaTypeError;
      const issues = decoded.issues;
      const result = mount.validator.validateRequest(op, {
        params: request.params,
        query,
        headers: req.headers,
        cookies,
        body: body.body,
        hasBody: body.hasBody && body.validatable,
      });
      issues.push(...result.issues);
      trace.requestIssues = issues;
      if (issues.length) throw validationFailed(issues);
      request.query = result.query;
    };
    let principal: Principal | undefined;
    const authenticateCaller = async () => {
      trace.source = 'security';
      principal = await authenticate(op.security, presented, api, {
        api: api.name,
        operationId: op.operationId,
        session,
        state,
        options,
        now,
        request,
      });
      trace.source = 'validation';
    };
    if (api.order === 'validate-first') {
      validate();
      await authenticateCaller();
    } else {
      await authenticateCaller();
      validate();
    }

    // Stage: Prefer overrides (Prism-compatible) answer from the spec instead of the handler.
    if (hasResponseOverride(prefs)) {
      trace.source = 'prefer';
      trace.explicit = true;
      return this.preferredAnswer(op, mount, prefs);
    }

    // Stage: the handler, or the schema when the API has none for this operation.
    const handler = api.handlers[op.operationId];
    if (!handler) {
      trace.source = 'mock';
      const status = successStatus(op);
      return mockResponse(op, { statusKey: status.key, status: status.code, seed: this.deps.seed }, this.deps.faker);
    }
    trace.source = 'handler';
    const ctx: HandlerContext = {
      api: api.name,
      operationId: op.operationId,
      session,
      request,
      principal,
      state,
      options,
      now,
      faker: this.deps.faker,
      requestId,
      stateChanged: () => {
        trace.stateChanged = true;
      },
    };
    return handler(ctx);
  }

  private ruleAnswer(mount: Mount, answer: NonNullable<RuleOutcome['answer']>, requestId: string, operationId: string): Reply {
    if (answer.body !== undefined) return { status: answer.status, headers: answer.headers, body: answer.body };
    const error = answer.rateLimited
      ? rateLimited(answer.status, answer.retryAfterSeconds ?? 1, answer.headers)
      : injectedStatus(answer.status, answer.headers);
    return this.renderError(mount, error, requestId, operationId);
  }

  private preferredAnswer(op: Operation, mount: Mount, prefs: Preferences): Reply {
    const wanted = prefs.code ?? successStatus(op).code;
    const key = mount.validator.statusKey(op, wanted);
    // Prism answers 404 NOT_FOUND when the requested status is not in the document.
    if (!key) throw statusNotDeclared(wanted);
    return mockResponse(op, { statusKey: key, status: wanted, example: prefs.example, dynamic: prefs.dynamic, seed: this.deps.seed }, this.deps.faker);
  }

  private renderError(mount: Mount, err: unknown, requestId: string, operationId?: string): Reply {
    const error = isMockError(err) ? err : this.unexpected(err, operationId);
    const reply = mount.api.renderError(error, { requestId, operationId });
    return { ...reply, headers: { ...error.headers, ...reply.headers } };
  }

  private unexpected(err: unknown, operationId?: string): MockError {
    this.deps.logger.error({ err, operationId }, 'handler failed');
    return internal(`unexpected error in ${operationId ?? 'routing'}: ${(err as Error)?.message ?? String(err)}`);
  }

  private record(
    req: EngineRequest,
    reply: Reply,
    mount: Mount,
    op: Operation | undefined,
    session: string,
    requestId: string,
    trace: Trace,
    responseIssues: ValidationIssue[] | undefined,
    started: number,
  ): void {
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    if (op) this.deps.coverage.record(session, mount.api.name, op.operationId, reply.status);
    this.deps.journal.record({
      timeMs: this.deps.now().getTime(),
      session,
      requestId,
      api: mount.api.name,
      operationId: op?.operationId,
      method: req.method,
      path: req.path,
      query: req.query,
      status: reply.status,
      durationMs,
      source: trace.source,
      rules: trace.rules,
      requestValid: trace.requestIssues ? trace.requestIssues.length === 0 : undefined,
      requestIssues: trace.requestIssues?.length ? trace.requestIssues : undefined,
      responseValid: responseIssues ? responseIssues.length === 0 : undefined,
      responseIssues: responseIssues?.length ? responseIssues : undefined,
      explicit: trace.explicit,
      request: { headers: req.headers, bodyText: keptBodyText(req.rawBody), bodyBytes: req.rawBody?.length ?? 0 },
      response: { headers: reply.headers ?? {}, bodyText: keptBodyText(reply.body as Buffer | string | undefined), bodyBytes: bodyLength(reply.body) },
    });
    if (this.logRequests) {
      this.deps.logger.info({ method: req.method, path: req.path, status: reply.status, operationId: op?.operationId, session, durationMs, source: trace.source });
    }
  }
}

/** The status an operation answers on success: its lowest declared 2xx, else its first declared status. */
function successStatus(op: Operation): { key: string; code: number } {
  const keys = Object.keys(op.responses);
  const ok = keys.filter((k) => /^2\d\d$/.test(k)).sort()[0];
  if (ok) return { key: ok, code: Number(ok) };
  if (keys.some((k) => /^2xx$/i.test(k))) return { key: keys.find((k) => /^2xx$/i.test(k))!, code: 200 };
  const first = keys.find((k) => /^\d{3}$/.test(k));
  return first ? { key: first, code: Number(first) } : { key: 'default', code: 200 };
}

/** Path parameters percent-decoded, in one pass; a value that is not valid percent-encoded UTF-8 stays raw and is an issue. */
function decodeParams(raw: Record<string, string>): { params: Record<string, string>; issues: ValidationIssue[] } {
  const params: Record<string, string> = {};
  const issues: ValidationIssue[] = [];
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
      issues.push({ in: 'path', path: [name], message: 'is not valid percent-encoded UTF-8', keyword: 'format' });
    }
  }
  return { params, issues };
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

function bodyLength(body: unknown): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : Buffer.isBuffer(body) ? body.length : 0;
}

function headerValue(req: EngineRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function firstQueryValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The listeners of finished exchanges: the journal, contract coverage and the one-line request log. They are
 * not stages; the pipeline hands each of them the exchange once its answer is final.
 */
import type { CoverageCounter } from '../journal/coverage.js';
import { appliedFault, keptBodyText, type RequestJournal } from '../journal/journal.js';
import type { CompletedExchange, ExchangeListener } from './exchange.js';
import type { Logger } from './stages.js';

export function journalObserver(journal: RequestJournal): ExchangeListener {
  return (ex: CompletedExchange) => {
    const { request, reply, trace } = ex;
    journal.record({
      timeMs: ex.timeMs,
      session: ex.session,
      requestId: ex.requestId,
      api: ex.mount.api.name,
      operationId: ex.operation?.operationId,
      method: request.method,
      path: request.path,
      query: request.query,
      status: reply.status,
      durationMs: ex.durationMs,
      source: trace.source,
      rules: trace.rules,
      fault: trace.transport && appliedFault(trace.transport),
      sessionForgotten: trace.sessionForgotten && { cause: trace.sessionForgotten.cause, at: new Date(trace.sessionForgotten.forgottenAtMs).toISOString() },
      requestValid: trace.requestIssues ? trace.requestIssues.length === 0 : undefined,
      requestIssues: trace.requestIssues?.length ? trace.requestIssues : undefined,
      responseValid: trace.responseIssues ? trace.responseIssues.length === 0 : undefined,
      responseIssues: trace.responseIssues?.length ? trace.responseIssues : undefined,
      explicit: trace.explicit,
      request: { headers: request.headers, bodyText: keptBodyText(request.rawBody), bodyBytes: request.rawBody?.length ?? 0 },
      response: { headers: reply.headers ?? {}, bodyText: keptBodyText(reply.body as Buffer | string | undefined), bodyBytes: bodyLength(reply.body) },
    });
  };
}

/**
 * Operation × status served, per session (requests that matched no operation are not an operation's). A request
 * that got a transport fault counts under the fault's name (reset, truncate, …): the client never read a whole
 * answer, and a consumer can require that its SDK met one.
 */
export function coverageObserver(coverage: CoverageCounter): ExchangeListener {
  return (ex) => {
    if (ex.operation) coverage.record(ex.session, ex.mount.api.name, ex.operation.operationId, ex.trace.transport?.action ?? ex.reply.status);
  };
}

/**
 * One structured line per request at `info`; nothing is built when the level is above it. At `debug` the line
 * also carries the rules that fired and the validation issues of the request and of the answer (both decided
 * here, once, so an `info` server does no extra work per request).
 */
export function requestLogObserver(logger: Logger): ExchangeListener | undefined {
  if (!(logger.isLevelEnabled?.('info') ?? true)) return undefined;
  const line = (ex: CompletedExchange) => ({
    method: ex.request.method,
    path: ex.request.path,
    status: ex.reply.status,
    operationId: ex.operation?.operationId,
    session: ex.session,
    durationMs: ex.durationMs,
    source: ex.trace.source,
    fault: ex.trace.transport?.action,
  });
  if (!(logger.isLevelEnabled?.('debug') ?? false)) return (ex) => logger.info(line(ex));
  return (ex) => {
    const { rules, requestIssues, responseIssues } = ex.trace;
    logger.info({
      ...line(ex),
      ...(rules.length ? { rules } : {}),
      ...(requestIssues?.length ? { requestIssues } : {}),
      ...(responseIssues?.length ? { responseIssues } : {}),
    });
  };
}

function bodyLength(body: unknown): number {
  return typeof body === 'string' ? Buffer.byteLength(body) : Buffer.isBuffer(body) ? body.length : 0;
}

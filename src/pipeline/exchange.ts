/**
 * One request on its way through the pipeline: what every stage reads and fills in. Stages are named functions
 * over this object (stages.ts), composed per mount (pipeline.ts); when the last one has run, or one has answered
 * or thrown, the finished exchange is handed to whoever listens (the journal, coverage, the request log).
 */
import type { ValidationIssue } from '../engine/errors.js';
import type { Mount } from '../engine/mount.js';
import type { Preferences } from '../engine/prefer.js';
import type { ReadBody } from '../engine/request-body.js';
import type { PresentedCredentials } from '../engine/security.js';
import type { Operation } from '../engine/spec.js';
import type { EngineRequest, Principal, Reply, TransportFault, ValidatedRequest } from '../engine/types.js';
import type { AnswerSource } from '../journal/journal.js';
import type { SessionNotice } from '../state/sessions.js';
import type { Transaction } from '../state/transaction.js';

/** What the stages learned about the request, for the journal and the answer's last checks. */
export interface Trace {
  /** The stage that answered, or that was running when the request failed. */
  source: AnswerSource;
  /** Rules that fired (delays, rate limits, faults). */
  rules: string[];
  /** Headers the rules add to whatever answer the request ends with (RateLimit-* countdown). */
  ruleHeaders: Record<string, string>;
  /** A transport fault a rule asked for: the edge delivers the answer badly, or not at all. */
  transport?: TransportFault;
  /** The session was forgotten by the caps since this client's last request (it was seeded afresh). */
  sessionForgotten?: SessionNotice;
  requestIssues?: ValidationIssue[];
  responseIssues?: ValidationIssue[];
  /** Answers a test asked for explicitly (rules, faults, Prefer) are recorded but never replaced in --strict. */
  explicit: boolean;
  /** The handler said it changed state in a way the undo log cannot see (HandlerContext.stateChanged). */
  stateChanged: boolean;
  /** The answer reports the mock's own failure (a 500 of code Internal, or an unexpected exception). */
  internalFailure: boolean;
  /** The request was refused (a 4xx from routing, validation or security) before any handler or mock answered. */
  refused?: boolean;
  /** The answer is the API's rendering of a typed error (a MockError below 500) that a stage threw. */
  typedError?: boolean;
}

export interface Exchange {
  readonly request: EngineRequest;
  readonly requestId: string;
  /** performance.now() when the request reached the pipeline. */
  readonly startedAt: number;
  readonly mount: Mount;
  /** Undefined when routing found the path but no operation (404 / 405 under a mount). */
  readonly operation: Operation | undefined;
  /** Path parameters as matched, still percent-encoded. */
  readonly rawParams: Record<string, string>;
  /** X-Mock-Session (or ?__session=), "default" when absent. */
  readonly session: string;
  readonly trace: Trace;

  // Read from the request by the first stage.
  cookies: Record<string, string>;
  presented: PresentedCredentials;
  prefs: Preferences;

  // Filled by the stages that follow.
  body?: ReadBody;
  /** The query the validator and handler see (a copy when the API prepares it). */
  query: Record<string, unknown>;
  /** The request as handlers see it: parameters decoded and coerced, body parsed. */
  validated?: ValidatedRequest;
  /** Path-parameter problems found while decoding (reported with the validator's). */
  paramIssues: ValidationIssue[];
  /** The API's state for the session: a recording view when the request may write (see `tx`). */
  state: unknown;
  /** Which load of the session's state the request's view is of (a shared store checks it on commit). */
  stateGeneration?: number;
  /** This request's undo log, when it may change state. */
  tx?: Transaction;
  /** Whether the operation may change state (not a safe method, or listed by its API). */
  mayWrite: boolean;
  /** The API's options from the session's scenario. */
  options: unknown;
  /** The app's clock, read once as the request arrives (again after a rule's delay): what its handler sees. */
  now: Date;
  principal?: Principal;
  /** Set by the stage that answers; the stages after it do not run. */
  reply?: Reply;
  /**
   * The last answer a generated reply was checked against the spec with, and what the check found: the final
   * check reuses it when the reply is still that answer, instead of validating the same body twice.
   */
  checkedAnswer?: { status: number; body: unknown; contentType?: string; issues: ValidationIssue[] };
}

/** A finished exchange, as listeners receive it: the answer as sent (JSON already serialised). */
export interface CompletedExchange {
  readonly request: EngineRequest;
  readonly requestId: string;
  readonly mount: Mount;
  readonly operation: Operation | undefined;
  readonly session: string;
  readonly reply: Reply;
  readonly trace: Trace;
  /** Wall-clock time of the request, epoch milliseconds (the app's clock, as its handler saw it). */
  readonly timeMs: number;
  readonly durationMs: number;
}

export type ExchangeListener = (exchange: CompletedExchange) => void;

/**
 * What a rule does when it fires: one entry per action, in the order they apply. An action owns a key of the rule
 * grammar (declared in schema.ts), compiles what it needs once per rule, and, when a rule that has its key fires,
 * adds to the outcome (a delay, headers, a way of delivering the answer) or answers in place of the handler — with a reply sent as is, or an
 * error the API renders in its own shape. The engine and the pipeline know no action: the rules stage turns any
 * answer into the request's reply. Adding an action is its key in schema.ts and its entry here (a transport fault
 * also needs its wire behaviour at the edge, src/server/http.ts).
 */
import { injectedStatus, rateLimited } from '../engine/errors.js';
import type { TransportFault } from '../engine/types.js';
import { parseDuration } from './duration.js';
import type { RateCounter } from './rate-limit.js';
import type { Rule, RuleAnswer, RuleOutcome, RuleRequest } from './types.js';

/** What an action may use when its rule fires. */
export interface ActionContext {
  rule: Rule;
  /** The rule's name (its own, or "rule #n" / "fault #n"), for the answer. */
  name: string;
  /** What this action compiled for the rule. */
  compiled: unknown;
  request: RuleRequest;
  outcome: RuleOutcome;
  nowMs: number;
  /** The rule's rate counter for the request's subject (credential, client or session). */
  limiter(): RateCounter;
  /** The rule's random numbers in [0, 1) for this session: the same sequence under --seed. */
  random(): number;
  /** The longest a stall or a dribble may hold a connection (--max-stall). */
  maxStallMs: number;
}

export interface RuleAction {
  /** The rule key the action owns (schema.ts declares it). */
  key: keyof Rule & string;
  /** Prepares what the action needs, once per rule (e.g. a duration parsed); throws on a bad value. */
  compile?(rule: Rule): unknown;
  /** Applies the action; an answer stops the rules there and replaces the handler's. */
  apply(ctx: ActionContext): RuleAnswer | undefined;
  /** Always answers when it fires: a rule may have only one such action (a status and a reset cannot both win). */
  alwaysAnswers?: boolean;
}

/** The rule's headers over the ones given (the rule's own win). */
const withRuleHeaders = (rule: Rule, headers: Record<string, string>) => ({ ...headers, ...(rule.headers ?? {}) });

const delay: RuleAction = {
  key: 'delay',
  compile: (rule) => parseDuration(rule.delay!),
  apply({ compiled, outcome }) {
    outcome.delayMs += compiled as number;
    return undefined;
  },
};

const rateLimit: RuleAction = {
  key: 'rateLimit',
  compile: (rule) => parseDuration(rule.rateLimit!.window),
  apply({ rule, name, outcome, nowMs, limiter }) {
    const decision = limiter().take(nowMs);
    outcome.headers['RateLimit-Limit'] = String(decision.limit);
    outcome.headers['RateLimit-Remaining'] = String(decision.remaining);
    outcome.headers['RateLimit-Reset'] = String(decision.resetSeconds);
    if (decision.allowed) return undefined;
    const status = rule.rateLimit!.status ?? 429;
    const headers = withRuleHeaders(rule, { ...outcome.headers, 'Retry-After': String(decision.resetSeconds) });
    if (rule.body !== undefined) return { rule: name, reply: { status, headers, body: rule.body } };
    return { rule: name, error: rateLimited(status, decision.resetSeconds, headers) };
  },
};

const status: RuleAction = {
  key: 'status',
  alwaysAnswers: true,
  apply({ rule, name }) {
    const headers = withRuleHeaders(rule, {});
    // Without a body of its own, the API renders its own error for that status.
    if (rule.body !== undefined) return { rule: name, reply: { status: rule.status!, headers, body: rule.body } };
    return { rule: name, error: injectedStatus(rule.status!, headers) };
  },
};

/**
 * A transport fault in place of the answer: the handler does not run, and the reply has no status (0) — the
 * edge (src/server/transport-faults.ts) does what the fault says instead of answering.
 */
const answerWith = (name: string, fault: TransportFault): RuleAnswer => ({ rule: name, reply: { status: 0, transport: fault } });

const reset: RuleAction = {
  key: 'reset',
  alwaysAnswers: true,
  apply: ({ name }) => answerWith(name, { action: 'reset' }),
};

const empty: RuleAction = {
  key: 'empty',
  alwaysAnswers: true,
  apply: ({ name }) => answerWith(name, { action: 'empty' }),
};

/** Bytes a client cannot read as HTTP: random ones (never a status line: a response starts with "HTTP/"). */
const GARBAGE_BYTES = 64;

const garbage: RuleAction = {
  key: 'garbage',
  alwaysAnswers: true,
  apply({ rule, name, random }) {
    const given = rule.garbage!;
    const bytes = typeof given === 'string' ? Buffer.from(given, 'utf8') : Buffer.from(Array.from({ length: GARBAGE_BYTES }, () => Math.floor(random() * 256)));
    return answerWith(name, { action: 'garbage', bytes });
  },
};

const stall: RuleAction = {
  key: 'stall',
  alwaysAnswers: true,
  compile: (rule) => (rule.stall === true ? Infinity : parseDuration(rule.stall as string | number)),
  apply: ({ compiled, name, maxStallMs }) => answerWith(name, { action: 'stall', ms: Math.min(compiled as number, maxStallMs) }),
};

const truncate: RuleAction = {
  key: 'truncate',
  apply({ rule, outcome }) {
    outcome.transport = { action: 'truncate', bytes: rule.truncate === true ? undefined : (rule.truncate as number) };
    return undefined;
  },
};

const dribble: RuleAction = {
  key: 'dribble',
  compile(rule) {
    const given = rule.dribble!;
    return typeof given === 'object' ? { ms: parseDuration(given.over), chunks: given.chunks ?? 10 } : { ms: parseDuration(given), chunks: 10 };
  },
  apply({ compiled, outcome, maxStallMs }) {
    const { ms, chunks } = compiled as { ms: number; chunks: number };
    outcome.transport = { action: 'dribble', ms: Math.min(ms, maxStallMs), chunks };
    return undefined;
  },
};

/**
 * Every action, in the order they apply when one rule has several: a delay, then a limit, then what answers (a
 * status, or a transport fault in its place); truncate and dribble change how whatever answer comes is sent.
 */
export const ACTIONS: readonly RuleAction[] = [delay, rateLimit, truncate, dribble, status, reset, empty, garbage, stall];

/** The actions of a rule that always answer: a rule may have one (compileRule refuses more). */
export const ANSWERING_KEYS: readonly string[] = ACTIONS.filter((action) => action.alwaysAnswers).map((action) => action.key);

/** The keys that make a rule do something: a fault queued through the admin API needs at least one. */
export const ACTION_KEYS: readonly string[] = ACTIONS.map((action) => action.key);

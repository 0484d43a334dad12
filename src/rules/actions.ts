/**
 * What a rule does when it fires: one entry per action, in the order they apply. An action owns a key of the rule
 * grammar (declared in schema.ts), compiles what it needs once per rule, and, when a rule that has its key fires,
 * adds to the outcome (a delay, headers) or answers in place of the handler — with a reply sent as is, or an
 * error the API renders in its own shape. The engine and the pipeline know no action: the rules stage turns any
 * answer into the request's reply. Adding an action is its key in schema.ts and its entry here (a transport fault
 * also needs its wire behaviour at the edge, src/server/http.ts).
 */
import { injectedStatus, rateLimited } from '../engine/errors.js';
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
}

export interface RuleAction {
  /** The rule key the action owns (schema.ts declares it). */
  key: keyof Rule & string;
  /** Prepares what the action needs, once per rule (e.g. a duration parsed); throws on a bad value. */
  compile?(rule: Rule): unknown;
  /** Applies the action; an answer stops the rules there and replaces the handler's. */
  apply(ctx: ActionContext): RuleAnswer | undefined;
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
  apply({ rule, name }) {
    const headers = withRuleHeaders(rule, {});
    // Without a body of its own, the API renders its own error for that status.
    if (rule.body !== undefined) return { rule: name, reply: { status: rule.status!, headers, body: rule.body } };
    return { rule: name, error: injectedStatus(rule.status!, headers) };
  },
};

/** Every action, in the order they apply when one rule has several (a delay, then a limit, then a status). */
export const ACTIONS: readonly RuleAction[] = [delay, rateLimit, status];

/** The keys that make a rule do something: a fault queued through the admin API needs at least one. */
export const ACTION_KEYS: readonly string[] = ACTIONS.map((action) => action.key);

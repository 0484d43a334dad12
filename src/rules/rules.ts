/**
 * The rule stage: scenario rules and admin faults, evaluated per session in order (faults first). Each rule that
 * fires applies its actions (actions.ts); one that answers (a status, an exhausted rate limit) stops the walk,
 * others (delays) add up and let the request go on. Counting and consuming happen synchronously, so concurrent
 * requests cannot both take the last one-shot fault.
 */
import { createFaker } from '../engine/faker.js';
import { ACTIONS, ANSWERING_KEYS, type ActionContext, type RuleAction } from './actions.js';
import { parseDuration } from './duration.js';
import { compileMatcher, type Matcher } from './match.js';
import { FixedWindow, TokenBucket, type RateCounter } from './rate-limit.js';
import type { Rule, RuleOutcome, RuleRequest, RuleService } from './types.js';

export interface CompiledRule {
  rule: Rule;
  name: string;
  matches: Matcher;
  /** The rule's actions, each with what it compiled for the rule. */
  actions: Array<{ action: RuleAction; compiled: unknown }>;
  /** The rate limit's window, for its counters. */
  windowMs: number;
}

interface SessionRuntime {
  /** Matching calls seen per rule (drives `after`). */
  seen: Map<CompiledRule, number>;
  /** Times each rule fired (drives `times`). */
  fired: Map<CompiledRule, number>;
  limiters: Map<string, RateCounter>;
  /** Each rule's random numbers (probability, garbage bytes), made on first use. */
  randoms: Map<CompiledRule, () => number>;
  faults: CompiledRule[];
}

export interface RuleEngineOptions {
  /** --seed: each session's rules draw the same random numbers in the same order. */
  seed?: number;
  /** --max-stall: the longest a stall or a dribble may hold a connection. */
  maxStallMs: number;
}

/** Rate-limit subjects kept per session; beyond this the oldest are forgotten, keeping memory flat. */
const MAX_LIMITERS = 10_000;

/** Prepares a rule for evaluation; throws (a message for the rule's author) on a value its actions refuse. */
export function compileRule(rule: Rule, index: number): CompiledRule {
  const answering = ANSWERING_KEYS.filter((key) => rule[key as keyof Rule] !== undefined);
  if (answering.length > 1) throw new Error(`a rule answers one way: it has ${answering.join(' and ')}; keep one, or write one rule for each`);
  return {
    rule,
    name: rule.name ?? `rule #${index + 1}`,
    matches: compileMatcher(rule.match),
    actions: ACTIONS.filter((action) => rule[action.key] !== undefined).map((action) => ({ action, compiled: action.compile?.(rule) })),
    windowMs: rule.rateLimit ? parseDuration(rule.rateLimit.window) : 0,
  };
}

/** What evaluate() answers when no fault is queued and no rule matches: shared, never mutated. */
export const NOTHING: RuleOutcome = Object.freeze({ delayMs: 0, headers: Object.freeze({}) as Record<string, string>, fired: Object.freeze([]) as unknown as string[] });

/** A scenario's rules compiled, once per rules list (the list is the scenario's: a switch brings a new one). */
export function compiledOnce(cache: WeakMap<Rule[], CompiledRule[]>, rules: Rule[]): CompiledRule[] {
  let compiled = cache.get(rules);
  if (!compiled) cache.set(rules, (compiled = rules.map(compileRule)));
  return compiled;
}

/** Whom a rate limit counts: the session, the client's address, or the credential (the address when there is none). */
export function rateSubject(limit: NonNullable<Rule['rateLimit']>, request: RuleRequest): string {
  const per = limit.per ?? 'credential';
  return per === 'session' ? request.session : per === 'client' ? request.clientAddress : (request.credential ?? `client:${request.clientAddress}`);
}

/**
 * Applies a fired rule's actions in order, onto the outcome, until one answers (true: the outcome holds that answer
 * and the rules stop there). Shared by the in-memory engine and the replicas' (src/replicas/rules.ts), which differ
 * only in where the counts, the limiter and the random numbers come from.
 */
export function applyActions(
  compiled: CompiledRule,
  request: RuleRequest,
  outcome: RuleOutcome,
  from: Pick<ActionContext, 'nowMs' | 'limiter' | 'random' | 'maxStallMs'>,
): boolean {
  for (const { action, compiled: prepared } of compiled.actions) {
    const answer = action.apply({ ...from, rule: compiled.rule, name: compiled.name, compiled: prepared, request, outcome });
    if (answer) {
      outcome.answer = answer;
      return true;
    }
  }
  return false;
}

export class RuleEngine implements RuleService {
  /**
   * Per-session counters, limiters and faults. As many as there are sessions: the session cap decides, and
   * forgets a session's runtime with the session (app.ts joins the engine to the sessions' lifecycle).
   */
  private readonly runtimes = new Map<string, SessionRuntime>();
  private readonly compiled = new WeakMap<Rule[], CompiledRule[]>();

  constructor(
    private readonly rulesFor: (session: string) => Rule[],
    private readonly nowMs: () => number,
    private readonly options: RuleEngineOptions,
  ) {}

  /** Queues a fault for one session (one-shot unless `times` says otherwise). */
  addFault(session: string, rule: Rule): string {
    const runtime = this.runtime(session);
    const compiled = compileRule({ times: 1, ...rule }, runtime.faults.length);
    if (!rule.name) compiled.name = `fault #${runtime.faults.length + 1}`;
    runtime.faults.push(compiled);
    return compiled.name;
  }

  pendingFaults(session: string): Rule[] {
    // Reading creates nothing (nor counts as use).
    return (this.runtimes.get(session)?.faults ?? []).map((f) => f.rule);
  }

  /** Forgets counters, limiters and faults of one session, or of all. */
  reset(session?: string): void {
    if (session === undefined) this.runtimes.clear();
    else this.runtimes.delete(session);
  }

  /** A session is forgotten (the session cap, a reset, a scenario switch): so are its faults and counters. */
  forgetSession(session: string | undefined): void {
    this.reset(session);
  }

  /**
   * The rules' verdict for one request. The outcome is shared and frozen when nothing fired: read it, do not
   * change it.
   */
  evaluate(request: RuleRequest): RuleOutcome {
    const scenarioRules = this.scenarioRules(request.session);
    const existing = this.runtimes.get(request.session);
    // The common case (no rule in the scenario, no fault queued) allocates nothing.
    if (scenarioRules.length === 0 && (!existing || existing.faults.length === 0)) return NOTHING;
    const outcome: RuleOutcome = { delayMs: 0, headers: {}, fired: [] };
    const runtime = existing ?? this.runtime(request.session);
    const candidates = runtime.faults.length ? [...runtime.faults, ...scenarioRules] : scenarioRules;
    for (const compiled of candidates) {
      if (!compiled.matches(request)) continue;
      const seen = (runtime.seen.get(compiled) ?? 0) + 1;
      runtime.seen.set(compiled, seen);
      const { rule } = compiled;
      if (rule.after !== undefined && seen < rule.after) continue;
      const fired = runtime.fired.get(compiled) ?? 0;
      if (rule.times !== undefined && fired >= rule.times) continue;
      // A roll that misses lets the request through as if the rule did not match it (and spends none of `times`).
      if (rule.probability !== undefined && !(this.random(runtime, compiled, request.session)() < rule.probability)) continue;
      runtime.fired.set(compiled, fired + 1);
      if (rule.times !== undefined && fired + 1 >= rule.times) this.dropFault(runtime, compiled);
      outcome.fired.push(compiled.name);
      const answered = applyActions(compiled, request, outcome, {
        nowMs: this.nowMs(),
        limiter: () => this.limiter(runtime, compiled, request),
        // Made on first draw: most actions draw nothing, and a seeded generator is a faker of its own.
        random: () => this.random(runtime, compiled, request.session)(),
        maxStallMs: this.options.maxStallMs,
      });
      if (answered) return outcome;
    }
    return outcome;
  }

  private scenarioRules(session: string): CompiledRule[] {
    return compiledOnce(this.compiled, this.rulesFor(session));
  }

  private dropFault(runtime: SessionRuntime, compiled: CompiledRule): void {
    const i = runtime.faults.indexOf(compiled);
    if (i >= 0) runtime.faults.splice(i, 1);
  }

  private limiter(runtime: SessionRuntime, compiled: CompiledRule, request: RuleRequest): RateCounter {
    const spec = compiled.rule.rateLimit!;
    const key = `${compiled.name}\u0000${rateSubject(spec, request)}`;
    let limiter = runtime.limiters.get(key);
    if (!limiter) {
      if (runtime.limiters.size >= MAX_LIMITERS) runtime.limiters.delete(runtime.limiters.keys().next().value!);
      limiter = spec.algorithm === 'token-bucket' ? new TokenBucket(spec.limit, compiled.windowMs) : new FixedWindow(spec.limit, compiled.windowMs);
      runtime.limiters.set(key, limiter);
    }
    return limiter;
  }

  private runtime(session: string): SessionRuntime {
    let runtime = this.runtimes.get(session);
    if (!runtime) this.runtimes.set(session, (runtime = { seen: new Map(), fired: new Map(), limiters: new Map(), randoms: new Map(), faults: [] }));
    return runtime;
  }

  /**
   * The rule's random numbers in this session. Under --seed, from a faker seeded by the seed, the session and the
   * rule's name: the same requests of a session fire the same way whatever other sessions do, and whatever other
   * rules draw.
   */
  private random(runtime: SessionRuntime, compiled: CompiledRule, session: string): () => number {
    let random = runtime.randoms.get(compiled);
    if (!random) runtime.randoms.set(compiled, (random = ruleRandom(this.options.seed, session, compiled.name)));
    return random;
  }
}

/**
 * A rule's random numbers in a session: Math.random, or under --seed a faker seeded by the seed, the session and the
 * rule's name (so the same requests of a session fire the same way whatever other sessions do, whatever other rules
 * draw, and on whichever replica).
 */
export function ruleRandom(seed: number | undefined, session: string, ruleName: string): () => number {
  if (seed === undefined) return Math.random;
  const faker = createFaker(seed, `rules\u0000${session}\u0000${ruleName}`);
  return () => faker.number.float();
}

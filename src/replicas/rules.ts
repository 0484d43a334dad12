/**
 * Scenario rules and admin faults counted in Redis (--store redis://), so that replicas behind a load balancer
 * count together: a rate limit of N per window lets N requests through across all of them, "the first N calls"
 * and `times` count every replica's calls, and a one-shot fault fires exactly once.
 *
 * Per request: one script (one round trip) reads the session's queued faults and its scenario tokens (see
 * scenarios.ts). When a rule or fault matches the request, one Lua script (a second round trip) walks the matching
 * ones in order, as RuleEngine.evaluate does in one process, and decides each atomically: its `after` count, its
 * `times` count, whether a one-shot fault is still queued (and takes it off the queue as it fires), and its rate limit (a fixed window: INCR, PEXPIRE on the first call, PTTL
 * for the countdown; a token bucket: tokens and last refill in a hash). The script stops where the in-memory walk
 * stops (a rule that answers, a rate limit exhausted); the actions then run here, with the decisions it returned.
 *
 * What differs from one process: a rule's `probability` is rolled before the script runs, so under --seed a roll
 * is drawn even when `after` or `times` then skip the rule (the sequence is per session and rule either way).
 *
 * Layout: `mockgate:f:<session>` the faults, a list of `{"id","name","rule"}` texts, oldest first;
 * `mockgate:n:<session>` a hash of counters (`s:<rule>` matches seen, `f:<rule>` times fired);
 * `mockgate:rl:<session>\0<rule>\0<subject>` one rate limiter (expires with its window), listed in
 * `mockgate:rls:<session>` so a reset finds them; `mockgate:rs` the sessions that have any of these.
 */
import { randomUUID } from 'node:crypto';
import { ANSWERING_KEYS } from '../rules/actions.js';
import type { RateCounter, RateDecision } from '../rules/rate-limit.js';
import { applyActions, compiledOnce, compileRule, NOTHING, rateSubject, ruleRandom, type CompiledRule, type RuleEngineOptions } from '../rules/rules.js';
import type { Rule, RuleOutcome, RuleRequest, RuleService } from '../rules/types.js';
import { SHARED_PREFIX, type SharedRedis } from './connection.js';
import { fieldOf, TOKENS_KEY, type SharedScenarios } from './scenarios.js';

export const faultsKey = (session: string) => `${SHARED_PREFIX}f:${session}`;
export const countersKey = (session: string) => `${SHARED_PREFIX}n:${session}`;
const limitersKey = (session: string) => `${SHARED_PREFIX}rls:${session}`;
const limiterKey = (session: string, rule: string, subject: string) => `${SHARED_PREFIX}rl:${session}\u0000${rule}\u0000${subject}`;
const RULE_SESSIONS_KEY = `${SHARED_PREFIX}rs`;

/** Arguments per step of EVALUATE_LUA. */
const STEP_ARGS = 10;

/**
 * KEYS: counters hash, faults list, limiters set, sessions set. ARGV: now (ms), ttl of the counters (ms, 0: none),
 * session, step count, then per step: counter field, after ('' none), times ('' none), rolled ('1' passes),
 * answers ('1': the rule answers when it fires), fault text ('' for a scenario rule), limiter key ('' none),
 * algorithm ('fixed' | 'bucket'), limit, window (ms). Answers per step evaluated: {fired, allowed, remaining,
 * reset ms}; stops after the step that answers.
 */
const EVALUATE_LUA = `
local now, ttl = tonumber(ARGV[1]), tonumber(ARGV[2])
local out = {}
local i = 5
for s = 1, tonumber(ARGV[4]) do
  local field, after, times, rolled, answers, fault = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5]
  local lkey, algo, limit, window = ARGV[i + 6], ARGV[i + 7], tonumber(ARGV[i + 8]), tonumber(ARGV[i + 9])
  i = i + ${STEP_ARGS}
  local fired, allowed, remaining, reset = 0, 1, 0, 0
  local queued = fault == '' or redis.call('LPOS', KEYS[2], fault)
  if queued then
    local seen = redis.call('HINCRBY', KEYS[1], 's:' .. field, 1)
    if after == '' or seen >= tonumber(after) then
      local count = tonumber(redis.call('HGET', KEYS[1], 'f:' .. field) or '0')
      if (times == '' or count < tonumber(times)) and rolled == '1' then
        redis.call('HINCRBY', KEYS[1], 'f:' .. field, 1)
        if fault ~= '' and times ~= '' and count + 1 >= tonumber(times) then redis.call('LREM', KEYS[2], 1, fault) end
        fired = 1
      end
    end
  end
  local stop = false
  if fired == 1 then
    if lkey ~= '' then
      redis.call('SADD', KEYS[3], lkey)
      if algo == 'fixed' then
        local used = redis.call('INCR', lkey)
        if used == 1 then redis.call('PEXPIRE', lkey, window) end
        reset = redis.call('PTTL', lkey)
        if reset < 0 then redis.call('PEXPIRE', lkey, window); reset = window end
        if used > limit then allowed = 0 else remaining = limit - used end
      else
        local held = redis.call('HMGET', lkey, 'tokens', 'last')
        local tokens, last = tonumber(held[1]) or limit, tonumber(held[2])
        local perMs = limit / window
        if last then tokens = math.min(limit, tokens + math.max(0, now - last) * perMs) end
        if tokens < 1 then
          allowed = 0
          reset = math.ceil((1 - tokens) / perMs)
        else
          tokens = tokens - 1
          remaining = math.floor(tokens)
          reset = math.ceil((limit - tokens) / perMs)
        end
        redis.call('HSET', lkey, 'tokens', tostring(tokens), 'last', tostring(now))
        redis.call('PEXPIRE', lkey, window * 2)
      end
      if allowed == 0 then stop = true end
    end
    if answers == '1' then stop = true end
  end
  out[#out + 1] = {fired, allowed, remaining, reset}
  if stop then break end
end
redis.call('SADD', KEYS[4], ARGV[3])
if ttl > 0 then
  redis.call('PEXPIRE', KEYS[1], ttl)
  redis.call('PEXPIRE', KEYS[3], ttl)
end
return out
`;

/** KEYS: faults list, scenario tokens hash. ARGV: the session's field. Answers the faults and both tokens ('' none). */
const VIEW_LUA = `
local tokens = redis.call('HMGET', KEYS[2], '*', ARGV[1])
return {redis.call('LRANGE', KEYS[1], 0, -1), tokens[1] or '', tokens[2] or ''}
`;

/** KEYS: faults list, counters hash. ARGV: the rule (JSON), its name ('' to number it), id, ttl (ms, 0: none). */
const ADD_FAULT_LUA = `
local name = ARGV[2]
if name == '' then name = 'fault #' .. (redis.call('LLEN', KEYS[1]) + 1) end
redis.call('RPUSH', KEYS[1], '{"id":' .. cjson.encode(ARGV[3]) .. ',"name":' .. cjson.encode(name) .. ',"rule":' .. ARGV[1] .. '}')
if tonumber(ARGV[4]) > 0 then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
return name
`;

/** KEYS: the sessions set. ARGV: session ('' all), key prefix. Deletes the sessions' faults, counters and limiters. */
const FORGET_LUA = `
local sessions = {ARGV[1]}
if ARGV[1] == '' then sessions = redis.call('SMEMBERS', KEYS[1]) end
for _, s in ipairs(sessions) do
  local limiters = ARGV[2] .. 'rls:' .. s
  for _, k in ipairs(redis.call('SMEMBERS', limiters)) do redis.call('DEL', k) end
  redis.call('DEL', limiters, ARGV[2] .. 'f:' .. s, ARGV[2] .. 'n:' .. s)
  redis.call('SREM', KEYS[1], s)
end
return 1
`;

/** A queued fault as kept in Redis. */
interface StoredFault {
  id: string;
  name: string;
  rule: Rule;
}

/** Compiled faults kept at most, by their text (they are compiled again when pushed out). */
const MAX_COMPILED_FAULTS = 10_000;

/** A rate counter whose decision the script already took. */
class Decided implements RateCounter {
  constructor(private readonly decision: RateDecision) {}
  take(): RateDecision {
    return this.decision;
  }
}

export interface SharedRulesOptions extends RuleEngineOptions {
  /** The sessions' idle expiry (ms; Infinity: none): the TTL of what is counted for a session. */
  idleMs: number;
}

export class SharedRules implements RuleService {
  private readonly viewScript;
  private readonly evaluateScript;
  private readonly addFaultScript;
  private readonly forgetScript;
  private readonly compiled = new WeakMap<Rule[], CompiledRule[]>();
  /** Queued faults compiled, by their text, with the counter field of each. */
  private readonly compiledFaults = new Map<string, { compiled: CompiledRule; field: string }>();
  /** Per session and rule, the rule's random numbers (under --seed, the same sequence in every replica). */
  private readonly randoms = new Map<string, () => number>();

  constructor(
    private readonly shared: SharedRedis,
    private readonly scenarios: SharedScenarios,
    private readonly rulesFor: (session: string) => Rule[],
    private readonly nowMs: () => number,
    private readonly options: SharedRulesOptions,
  ) {
    this.viewScript = shared.script('mockgateRulesView', 2, VIEW_LUA);
    this.evaluateScript = shared.script('mockgateRules', 4, EVALUATE_LUA);
    this.addFaultScript = shared.script('mockgateAddFault', 2, ADD_FAULT_LUA);
    this.forgetScript = shared.script('mockgateForgetRules', 1, FORGET_LUA);
  }

  private get ttlMs(): number {
    return Number.isFinite(this.options.idleMs) ? this.options.idleMs : 0;
  }

  async addFault(session: string, rule: Rule): Promise<string> {
    const merged: Rule = { times: 1, ...rule };
    compileRule(merged, 0);
    return this.shared.call((redis) =>
      this.addFaultScript(redis, faultsKey(session), countersKey(session), JSON.stringify(merged), rule.name ?? '', randomUUID(), String(this.ttlMs)),
    ) as Promise<string>;
  }

  async pendingFaults(session: string): Promise<Rule[]> {
    const texts = await this.shared.call((redis) => redis.lrange(faultsKey(session), 0, -1));
    return texts.map((text) => (JSON.parse(text) as StoredFault).rule);
  }

  /**
   * A reset or a scenario switch forgets the session's faults and counters for every replica; the caps dropping a
   * session from this replica's cache forget nothing (the other replicas still count it).
   */
  forgetSession(session: string | undefined, reason?: 'reset' | 'evicted'): void {
    if (reason === 'evicted') {
      if (session !== undefined) this.forgetRandoms(session);
      return;
    }
    if (session === undefined) this.randoms.clear();
    else this.forgetRandoms(session);
    this.shared.background((redis) => this.forgetScript(redis, RULE_SESSIONS_KEY, session ?? '', SHARED_PREFIX));
  }

  async evaluate(request: RuleRequest): Promise<RuleOutcome> {
    const { session } = request;
    const [texts, global, own] = (await this.shared.call((redis) => this.viewScript(redis, faultsKey(session), TOKENS_KEY, fieldOf(session)))) as [string[], string, string];
    // A scenario another replica switched to is adopted before the rules are read.
    await this.scenarios.follow(session, global || undefined, own || undefined);
    return this.walk(request, texts);
  }

  private async walk(request: RuleRequest, faultTexts: string[]): Promise<RuleOutcome> {
    const { session } = request;
    const candidates: Array<{ compiled: CompiledRule; field: string; fault: string }> = [];
    for (const text of faultTexts) {
      const fault = this.fault(text);
      if (fault?.compiled.matches(request)) candidates.push({ ...fault, fault: text });
    }
    this.scenarioRules(session).forEach((compiled, index) => {
      if (compiled.matches(request)) candidates.push({ compiled, field: `rule:${index}:${compiled.name}`, fault: '' });
    });
    if (candidates.length === 0) return NOTHING;

    const nowMs = this.nowMs();
    const args: string[] = [String(nowMs), String(this.ttlMs), session, String(candidates.length)];
    for (const { compiled, field, fault } of candidates) {
      const { rule } = compiled;
      const rolled = rule.probability === undefined || this.random(session, compiled)() < rule.probability;
      const limit = rule.rateLimit;
      args.push(
        field,
        rule.after === undefined ? '' : String(rule.after),
        rule.times === undefined ? '' : String(rule.times),
        rolled ? '1' : '0',
        answersWhenFired(compiled) ? '1' : '0',
        fault,
        limit ? limiterKey(session, field, rateSubject(limit, request)) : '',
        limit?.algorithm === 'token-bucket' ? 'bucket' : 'fixed',
        String(limit?.limit ?? 0),
        String(compiled.windowMs),
      );
    }
    const steps = (await this.shared.call((redis) =>
      this.evaluateScript(redis, countersKey(session), faultsKey(session), limitersKey(session), RULE_SESSIONS_KEY, ...args),
    )) as Array<[number, number, number, number]>;

    const outcome: RuleOutcome = { delayMs: 0, headers: {}, fired: [] };
    for (let s = 0; s < steps.length; s++) {
      const [fired, allowed, remaining, resetMs] = steps[s]!;
      if (fired !== 1) continue;
      const { compiled } = candidates[s]!;
      const { rule } = compiled;
      outcome.fired.push(compiled.name);
      const limiter = rule.rateLimit ? new Decided(decisionOf(rule.rateLimit.algorithm === 'token-bucket', rule.rateLimit.limit, allowed === 1, remaining, resetMs)) : undefined;
      const answered = applyActions(compiled, request, outcome, {
        nowMs,
        limiter: () => limiter!,
        random: () => this.random(session, compiled)(),
        maxStallMs: this.options.maxStallMs,
      });
      if (answered) return outcome;
    }
    return outcome;
  }

  private scenarioRules(session: string): CompiledRule[] {
    return compiledOnce(this.compiled, this.rulesFor(session));
  }

  /** A queued fault, compiled once per text (undefined: a text this version cannot read — it is skipped). */
  private fault(text: string): { compiled: CompiledRule; field: string } | undefined {
    let fault = this.compiledFaults.get(text);
    if (fault) return fault;
    try {
      const stored = JSON.parse(text) as StoredFault;
      const compiled = compileRule(stored.rule, 0);
      compiled.name = stored.name;
      fault = { compiled, field: `fault:${stored.id}` };
    } catch {
      return undefined;
    }
    if (this.compiledFaults.size >= MAX_COMPILED_FAULTS) this.compiledFaults.delete(this.compiledFaults.keys().next().value!);
    this.compiledFaults.set(text, fault);
    return fault;
  }

  /** As RuleEngine's: under --seed, from a faker seeded by the seed, the session and the rule's name. */
  private random(session: string, compiled: CompiledRule): () => number {
    const key = `${session}\u0000${compiled.name}`;
    let random = this.randoms.get(key);
    if (!random) this.randoms.set(key, (random = ruleRandom(this.options.seed, session, compiled.name)));
    return random;
  }

  private forgetRandoms(session: string): void {
    const prefix = `${session}\u0000`;
    for (const key of this.randoms.keys()) if (key.startsWith(prefix)) this.randoms.delete(key);
  }
}

/** Whether a rule that fires answers in place of the handler whatever its rate limit says (a status, a reset…). */
function answersWhenFired(compiled: CompiledRule): boolean {
  return compiled.actions.some(({ action }) => ANSWERING_KEYS.includes(action.key));
}

/** The script's answer as the RateLimit-* headers want it (seconds rounded up, as rate-limit.ts rounds them). */
function decisionOf(bucket: boolean, limit: number, allowed: boolean, remaining: number, resetMs: number): RateDecision {
  const seconds = Math.ceil(resetMs / 1000);
  return { allowed, limit, remaining: allowed ? remaining : 0, resetSeconds: allowed && bucket ? seconds : Math.max(1, seconds) };
}

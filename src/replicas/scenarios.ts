/**
 * Scenario switches through `/__admin/scenario` shared by replicas (--store redis://): the switch on one replica is
 * in force on the others from their next request of the session.
 *
 * Layout: `mockgate:scn` is a hash, field `*` (the global switch) or a session name → a random token naming the
 * switch; `mockgate:scd:<field>` holds `<token>\n<scenario as JSON>`. A request reads both tokens of its session
 * (read with its faults by the rule stage, one script: rules.ts) and fetches a
 * scenario only when a token differs from the one this replica adopted. A global switch drops every session's
 * own scenario, as it does in one process. The replica that switched also reset what the switch resets (state,
 * faults, counters, journal, coverage), in Redis: the others only adopt the scenario.
 */
import { randomUUID } from 'node:crypto';
import type { Scenario } from '../scenario/types.js';
import type { Sessions } from '../state/sessions.js';
import { SHARED_PREFIX, type SharedRedis } from './connection.js';

export const TOKENS_KEY = `${SHARED_PREFIX}scn`;
const GLOBAL = '*';
/** The session `*` (a name a client may choose) is kept apart from the global field. */
export const fieldOf = (session: string) => (session === GLOBAL ? `session:${GLOBAL}` : session);
export const scenarioDocKey = (field: string) => `${SHARED_PREFIX}scd:${field}`;

/**
 * KEYS: the tokens hash. ARGV: field, token, document text, doc key prefix. A global switch (field `*`) drops every
 * session's own scenario first.
 */
const PUBLISH_LUA = `
if ARGV[1] == '*' then
  for _, f in ipairs(redis.call('HKEYS', KEYS[1])) do redis.call('DEL', ARGV[4] .. f) end
  redis.call('DEL', KEYS[1])
end
redis.call('SET', ARGV[4] .. ARGV[1], ARGV[2] .. '\\n' .. ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
`;

/** Documents fetched, by token, at most this many (each is a whole scenario, seeds included). */
const MAX_CACHED = 64;

export class SharedScenarios {
  /** The token in force here per field (`*` or a session); absent: none adopted (the start scenario, no override). */
  private readonly adopted = new Map<string, string>();
  private readonly docs = new Map<string, Scenario>();

  private readonly publishScript;

  constructor(
    private readonly shared: SharedRedis,
    private readonly sessions: Sessions,
  ) {
    this.publishScript = shared.script('mockgatePublishScenario', 1, PUBLISH_LUA);
  }

  /** Brings the session's scenario (and the global one) up to what Redis holds (the admin API's reads). */
  async sync(session: string): Promise<void> {
    const [global, own] = await this.shared.call((redis) => redis.hmget(TOKENS_KEY, GLOBAL, fieldOf(session)));
    await this.follow(session, global ?? undefined, own ?? undefined);
  }

  /**
   * Adopts the scenarios the tokens name, when they are not the ones in force here (the rule stage reads the tokens
   * with the session's faults, in one script). Undefined when nothing changed: nothing to wait for.
   */
  follow(session: string, global: string | undefined, own: string | undefined): Promise<void> | undefined {
    if (this.adopted.get(GLOBAL) === global && this.adopted.get(fieldOf(session)) === own) return undefined;
    return this.adopt(global, own, session);
  }

  /** Publishes a switch this replica made (after Sessions.switchScenario reset what it resets). */
  async publish(scenario: Scenario, session?: string): Promise<void> {
    const field = session === undefined ? GLOBAL : fieldOf(session);
    const token = randomUUID();
    await this.shared.call((redis) => this.publishScript(redis, TOKENS_KEY, field, token, JSON.stringify(scenario), scenarioDocKey('')));
    if (field === GLOBAL) this.adopted.clear();
    this.adopted.set(field, token);
    this.remember(token, scenario);
  }

  /** The caps dropped the session here: its own scenario is fetched again on its next request. */
  forgetSession(session: string | undefined, reason?: 'reset' | 'evicted'): void {
    if (reason === 'evicted' && session !== undefined) this.adopted.delete(fieldOf(session));
  }

  private async adopt(global: string | undefined, own: string | undefined, session: string): Promise<void> {
    const field = fieldOf(session);
    if (this.adopted.get(GLOBAL) !== global) {
      // A global switch drops every session's own scenario (the sessions still holding one are fetched again).
      this.sessions.adoptScenario(global === undefined ? undefined : await this.fetch(GLOBAL, global));
      this.adopted.clear();
      if (global !== undefined) this.adopted.set(GLOBAL, global);
    }
    if (this.adopted.get(field) !== own) {
      this.sessions.adoptScenario(own === undefined ? undefined : await this.fetch(field, own), session);
      if (own !== undefined) this.adopted.set(field, own);
      else this.adopted.delete(field);
    }
  }

  /** The scenario a token names (a newer one when it was replaced meanwhile; undefined when it expired). */
  private async fetch(field: string, token: string): Promise<Scenario | undefined> {
    const cached = this.docs.get(token);
    if (cached) return cached;
    const text = await this.shared.call((redis) => redis.get(scenarioDocKey(field)));
    if (text === null) return undefined;
    const cut = text.indexOf('\n');
    const scenario = JSON.parse(text.slice(cut + 1)) as Scenario;
    this.remember(text.slice(0, cut), scenario);
    return scenario;
  }

  private remember(token: string, scenario: Scenario): void {
    if (this.docs.size >= MAX_CACHED) this.docs.delete(this.docs.keys().next().value!);
    this.docs.set(token, scenario);
  }
}

/**
 * Sessions: the X-Mock-Session header picks an isolated state. A session's state is seeded lazily, the
 * first time it is used, from the scenario in force for it; reset simply forgets it.
 *
 * Every distinct header value makes a session, so their number is capped: beyond `maxSessions` the least
 * recently used one is forgotten (state and per-session scenario; listeners forget its journal, coverage and
 * rule counters), as if it had been reset. The default session is never evicted.
 */
import type { Faker } from '@faker-js/faker';
import type { ApiModule } from '../engine/types.js';
import type { Scenario } from '../scenario/types.js';
import type { SessionState, StateStore } from './store.js';

export const DEFAULT_SESSION = 'default';
export const SESSION_HEADER = 'x-mock-session';
/**
 * The same, as a query parameter: for URLs a client follows without adding headers (presigned upload URLs
 * the mock hands out, links opened in a browser). The header wins when both are present.
 */
export const SESSION_QUERY = '__session';

/** Sessions kept at most (least recently used first out); also the journal's, coverage's and rules' cap. */
export const DEFAULT_MAX_SESSIONS = 1000;

export interface SessionDeps {
  store: StateStore;
  apis: ApiModule[];
  now: () => Date;
  fakerFor: (purpose: string) => Faker;
  /** Default DEFAULT_MAX_SESSIONS. */
  maxSessions?: number;
}

export class Sessions {
  /** Scenario per session when one was switched for that session only; otherwise the global one applies. */
  private readonly scenarioOverrides = new Map<string, Scenario>();
  /** Known sessions, least recently used first (a Set keeps insertion order). */
  private readonly recency = new Set<string>();
  /** The session touched last: consecutive requests of one session skip the reordering. */
  private lastUsed?: string;
  private readonly evictListeners: Array<(session: string) => void> = [];
  readonly maxSessions: number;

  constructor(
    private readonly deps: SessionDeps,
    private globalScenario: Scenario,
  ) {
    this.maxSessions = Math.max(1, deps.maxSessions ?? DEFAULT_MAX_SESSIONS);
    for (const name of deps.store.sessionNames()) this.recency.add(name);
    this.evictBeyondCap();
  }

  /** Called with each session the cap evicts (app.ts: forget its journal, coverage and rule counters too). */
  onEvict(listener: (session: string) => void): void {
    this.evictListeners.push(listener);
  }

  scenarioFor(session: string): Scenario {
    return this.scenarioOverrides.get(session) ?? this.globalScenario;
  }

  /** The session's state, seeded from its scenario on first use. */
  stateOf(session: string): SessionState {
    let state = this.deps.store.get(session);
    this.touch(session);
    if (!state) {
      state = this.seed(this.scenarioFor(session));
      this.deps.store.set(session, state);
      this.evictBeyondCap();
    }
    return state;
  }

  apiState(session: string, api: string): unknown {
    const state = this.stateOf(session);
    if (!(api in state)) {
      // An API mounted after the state file was written: seed just that API.
      const module = this.deps.apis.find((a) => a.name === api);
      state[api] = module ? this.seedApi(module, this.scenarioFor(session)) : {};
    }
    return state[api];
  }

  /** Forgets one session's state (or all), so the next request re-seeds it from its scenario. */
  reset(session?: string): void {
    if (session === undefined) {
      this.deps.store.clear();
      this.recency.clear();
      this.lastUsed = undefined;
    } else {
      this.deps.store.delete(session);
      this.recency.delete(session);
      if (this.lastUsed === session) this.lastUsed = undefined;
    }
  }

  /** Switches the scenario for one session, or for every session (dropping per-session overrides). */
  switchScenario(scenario: Scenario, session?: string): void {
    if (session === undefined) {
      this.globalScenario = scenario;
      this.scenarioOverrides.clear();
    } else {
      this.scenarioOverrides.set(session, scenario);
    }
    this.reset(session);
    if (session !== undefined) {
      this.touch(session);
      this.evictBeyondCap();
    }
  }

  snapshot(session: string): SessionState {
    return structuredClone(this.stateOf(session));
  }

  restore(session: string, state: SessionState): void {
    this.deps.store.set(session, structuredClone(state));
    this.touch(session);
    this.evictBeyondCap();
  }

  names(): string[] {
    return this.deps.store.sessionNames();
  }

  persist(): Promise<void> {
    return this.deps.store.persist();
  }

  /** Marks the session as the most recently used. */
  private touch(session: string): void {
    if (this.lastUsed === session) return;
    this.recency.delete(session);
    this.recency.add(session);
    this.lastUsed = session;
  }

  /** Forgets least recently used sessions until the cap holds (never the default one, nor the one in use). */
  private evictBeyondCap(): void {
    if (this.recency.size <= this.maxSessions) return;
    for (const session of this.recency) {
      if (this.recency.size <= this.maxSessions) break;
      if (session === DEFAULT_SESSION || session === this.lastUsed) continue;
      this.recency.delete(session);
      this.deps.store.delete(session);
      this.scenarioOverrides.delete(session);
      for (const listener of this.evictListeners) listener(session);
    }
  }

  private seed(scenario: Scenario): SessionState {
    const state: SessionState = {};
    for (const api of this.deps.apis) state[api.name] = this.seedApi(api, scenario);
    return state;
  }

  private seedApi(api: ApiModule, scenario: Scenario): unknown {
    // Each API seeds from its own faker stream, so adding an API never changes another's generated ids.
    return api.createState(structuredClone(scenario.apis[api.name]), { faker: this.deps.fakerFor(`seed:${api.name}`), now: this.deps.now() });
  }
}

/**
 * Sessions: the X-Mock-Session header picks an isolated state. A session's state is seeded lazily, the
 * first time it is used, from the scenario in force for it; reset simply forgets it.
 */
import type { Faker } from '@faker-js/faker';
import type { ApiModule } from '../engine/types.js';
import type { Scenario } from '../scenario/types.js';
import type { SessionState, StateStore } from './store.js';

export const DEFAULT_SESSION = 'default';
export const SESSION_HEADER = 'x-mock-session';

export interface SessionDeps {
  store: StateStore;
  apis: ApiModule[];
  now: () => Date;
  fakerFor: (purpose: string) => Faker;
}

export class Sessions {
  /** Scenario per session when one was switched for that session only; otherwise the global one applies. */
  private readonly scenarioOverrides = new Map<string, Scenario>();

  constructor(
    private readonly deps: SessionDeps,
    private globalScenario: Scenario,
  ) {}

  scenarioFor(session: string): Scenario {
    return this.scenarioOverrides.get(session) ?? this.globalScenario;
  }

  /** The session's state, seeded from its scenario on first use. */
  stateOf(session: string): SessionState {
    let state = this.deps.store.get(session);
    if (!state) {
      state = this.seed(this.scenarioFor(session));
      this.deps.store.set(session, state);
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
    if (session === undefined) this.deps.store.clear();
    else this.deps.store.delete(session);
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
  }

  snapshot(session: string): SessionState {
    return structuredClone(this.stateOf(session));
  }

  restore(session: string, state: SessionState): void {
    this.deps.store.set(session, structuredClone(state));
  }

  names(): string[] {
    return this.deps.store.sessionNames();
  }

  persist(): Promise<void> {
    return this.deps.store.persist();
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

/**
 * What replicas on one Redis (--store redis://) share besides session state (src/state/redis-store.ts): rule counters and
 * rate limits, admin faults and per-session scenarios (rules.ts, scenarios.ts), the journal (journal.ts), coverage
 * (coverage.ts) and session lifetime (lifetime.ts). app.ts builds these in place of the in-memory RuleEngine,
 * Journal and Coverage when --store is given, and only then (this module and ioredis are loaded only then).
 */
import type { Exposure } from '../engine/exposure.js';
import type { CoverageOperation } from '../journal/coverage.js';
import type { ExchangeListener } from '../pipeline/exchange.js';
import type { Scenario } from '../scenario/types.js';
import type { RuleEngineOptions } from '../rules/rules.js';
import type { SessionInfo, Sessions } from '../state/sessions.js';
import { SharedRedis } from './connection.js';
import { SharedCoverage } from './coverage.js';
import { SharedJournal } from './journal.js';
import { SharedLifetime } from './lifetime.js';
import { SharedRules } from './rules.js';
import { SharedScenarios } from './scenarios.js';

export interface SharedPartsOptions {
  url: string;
  sessions: Sessions;
  nowMs: () => number;
  rules: RuleEngineOptions;
  journalLimit: number;
  secrets: Pick<Exposure, 'secretHeaders' | 'isSecretField'>;
  operations: CoverageOperation[];
  /** Told when a write the answer did not wait for fails (once per outage). */
  onBackgroundFailure: (message: string) => void;
}

/** What the admin API needs of the shared parts beyond the journal, coverage and rules. */
export interface SharedAdmin {
  /** Waits for the writes this replica sent without waiting (a reset's deletes, journal entries). */
  flush(): Promise<void>;
  /** Makes a scenario switch made here the one in force on every replica. */
  publishScenario(scenario: Scenario, session?: string): Promise<void>;
  /** Brings the session's scenario up to what another replica may have switched it to. */
  syncScenario(session: string): Promise<void>;
  /** Sessions any replica used within the idle time. */
  listSessions(): Promise<SessionInfo[]>;
}

export interface SharedParts {
  rules: SharedRules;
  journal: SharedJournal;
  coverage: SharedCoverage;
  admin: SharedAdmin;
  /**
   * Refreshes a session's lifetime after each answer (at most every few seconds per session), then sends the
   * exchange's queued writes: registered after the journal and coverage listeners.
   */
  lifetimeObserver: ExchangeListener;
  close(): Promise<void>;
}

export async function openSharedParts(options: SharedPartsOptions): Promise<SharedParts> {
  const { sessions } = options;
  const shared = await SharedRedis.connect(options.url, options.onBackgroundFailure);
  const idleMs = sessions.idleMs;
  const scenarios = new SharedScenarios(shared, sessions);
  const rules = new SharedRules(shared, scenarios, (session) => sessions.scenarioFor(session).rules, options.nowMs, { ...options.rules, idleMs });
  const journal = new SharedJournal(shared, options.journalLimit, options.secrets, idleMs);
  const coverage = new SharedCoverage(shared, options.operations, idleMs);
  const lifetime = new SharedLifetime(shared, idleMs, options.nowMs);
  // A reset forgets each part for every replica; the caps dropping a session from this replica's cache, nothing.
  for (const member of [scenarios, rules, journal, coverage, lifetime]) sessions.join(member);
  return {
    rules,
    journal,
    coverage,
    admin: {
      flush: () => shared.flush(),
      publishScenario: (scenario, session) => scenarios.publish(scenario, session),
      syncScenario: (session) => scenarios.sync(session),
      listSessions: () => lifetime.list(),
    },
    lifetimeObserver: (ex) => {
      lifetime.touch(ex.session);
      // The last listener (app.ts registers it last): the exchange's journal entry, coverage count and touch go now.
      shared.send();
    },
    close: () => shared.close(),
  };
}

/** Scenario rules and admin faults: when a request matches, change what it gets. */
import type { FromSchema } from 'json-schema-to-ts';
import type { MockError } from '../engine/errors.js';
import type { Reply, TransportFault } from '../engine/types.js';
import type { ruleSchema } from './schema.js';

/**
 * One rule, as scenario files and POST /__admin/faults write it (schema.ts documents each field). Defaults stay
 * optional: nothing fills them in, so the code that reads a rule applies them.
 */
export type Rule = FromSchema<typeof ruleSchema, { keepDefaultedPropertiesOptional: true }>;
export type RuleMatch = NonNullable<Rule['match']>;
export type RateLimitSpec = NonNullable<Rule['rateLimit']>;

/** What the rule stage decided for one request. */
export interface RuleOutcome {
  delayMs: number;
  /** Headers to add to whatever answer the request ends with (RateLimit-* countdown). */
  headers: Record<string, string>;
  /** How the answer, whatever it is, is delivered (truncated, dribbled). */
  transport?: TransportFault;
  /** Set when a rule answers in place of the handler. */
  answer?: RuleAnswer;
  fired: string[];
}

/**
 * A rule's answer in place of the handler's: a reply sent as it is (a body the rule gives), or an error the API
 * renders in its own shape (a status without a body, an exhausted rate limit).
 */
export type RuleAnswer = { rule: string } & ({ reply: Reply; error?: undefined } | { error: MockError; reply?: undefined });

export interface RuleRequest {
  api: string;
  operationId: string;
  method: string;
  path: string;
  credential?: string;
  clientAddress: string;
  session: string;
}

/**
 * What the rule stage and the admin API use: the in-memory RuleEngine (rules.ts), synchronous, or the one shared
 * by replicas through Redis (src/replicas/rules.ts), whose answers are promises.
 */
export interface RuleService {
  evaluate(request: RuleRequest): RuleOutcome | Promise<RuleOutcome>;
  /** Queues a fault for one session; answers its name. */
  addFault(session: string, rule: Rule): string | Promise<string>;
  pendingFaults(session: string): Rule[] | Promise<Rule[]>;
  forgetSession(session: string | undefined, reason?: 'reset' | 'evicted'): void;
}

/** Scenario rules and admin faults: when a request matches, change what it gets. */

export interface RuleMatch {
  api?: string;
  operationId?: string;
  /** HTTP method, case-insensitive. */
  method?: string;
  /** Request path; `*` matches within a segment, `**` across segments. */
  path?: string;
  /** The caller's credential: basic username / access key id, bearer token or API key value. */
  credential?: string;
  session?: string;
}

export interface RateLimitSpec {
  limit: number;
  /** Window length: "60s", "500ms", "1m", or milliseconds. */
  window: string | number;
  /** Whose requests share a counter. */
  per?: 'credential' | 'client' | 'session';
  algorithm?: 'fixed-window' | 'token-bucket';
  /** Status answered once the limit is reached (legacy lakeFS clients document 420). */
  status?: number;
}

export interface Rule {
  name?: string;
  match?: RuleMatch;
  /** Answer this status instead of the real handler. */
  status?: number;
  headers?: Record<string, string>;
  /** Body for `status`; without one the API renders its own error for that status. */
  body?: unknown;
  /** Delay before answering: "250ms", "2s", or milliseconds. */
  delay?: string | number;
  rateLimit?: RateLimitSpec;
  /** Fire only this many times, then stand aside (one-shot faults: times: 1). */
  times?: number;
  /** Fire only from the Nth matching call on (after: 3 → the 3rd, 4th, … calls). */
  after?: number;
}

/** What the rule stage decided for one request. */
export interface RuleOutcome {
  delayMs: number;
  /** Headers to add to whatever answer the request ends with (RateLimit-* countdown). */
  headers: Record<string, string>;
  /** Set when a rule answers in place of the handler. */
  answer?: { rule: string; status: number; headers: Record<string, string>; body?: unknown; rateLimited: boolean; retryAfterSeconds?: number };
  fired: string[];
}

export interface RuleRequest {
  api: string;
  operationId: string;
  method: string;
  path: string;
  credential?: string;
  clientAddress: string;
  session: string;
}

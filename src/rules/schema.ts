/**
 * The rule grammar, written once: JSON Schema of one rule, shared by scenario files and POST /__admin/faults.
 * The TypeScript types (types.ts) are derived from it, scenarios/schema.json embeds it, and the admin spec's
 * Duration, Rule and Fault schemas are generated from it (admin-schemas.ts) by `npm run schema`. So keep it
 * to keywords OpenAPI 3.0 also has — no const, no type lists (test/scenario/schema.test.ts checks).
 */
import { DURATION_PATTERN } from './duration.js';

export const durationSchema = {
  description: 'A duration: "250ms", "2s", "1m", "1h", or a number of milliseconds.',
  oneOf: [
    { type: 'string', pattern: DURATION_PATTERN },
    { type: 'number', minimum: 0 },
  ],
} as const;

export const ruleSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'When a request matches, answer a status, add a delay, or rate-limit it.',
  properties: {
    name: { type: 'string', description: 'Shown in the journal when the rule fires.' },
    match: {
      type: 'object',
      additionalProperties: false,
      description: 'Which requests the rule applies to: all of the given fields must match (no field: every request).',
      properties: {
        api: { type: 'string', description: 'API name, e.g. tiledb, registry.' },
        operationId: { type: 'string', description: "The operation's operationId in its spec." },
        method: { type: 'string', pattern: '^[A-Za-z]+$', description: 'HTTP method, case-insensitive.' },
        path: { type: 'string', maxLength: 2048, description: 'Request path; * matches within a segment, ** across segments.' },
        credential: { type: 'string', description: "The caller's credential: basic username / access key id, bearer token or API key value." },
        session: { type: 'string', description: 'X-Mock-Session value.' },
      },
    },
    // 1xx are interim answers, not a final status a rule can send.
    status: { type: 'integer', minimum: 200, maximum: 599, description: 'Answer this status instead of the real handler.' },
    headers: { type: 'object', additionalProperties: { type: 'string' }, description: 'Headers added to the answer.' },
    body: { description: 'Body sent with `status`; without it the API renders its own error for that status.' },
    delay: { ...durationSchema, description: 'Delay before answering: "250ms", "2s", or milliseconds.' },
    rateLimit: {
      type: 'object',
      additionalProperties: false,
      required: ['limit', 'window'],
      description: 'Let `limit` calls through per window, then answer `status` (with Retry-After and RateLimit-* headers).',
      properties: {
        limit: { type: 'integer', minimum: 0 },
        window: { ...durationSchema, description: 'Window length: "60s", "500ms", "1m", or milliseconds.' },
        per: { type: 'string', enum: ['credential', 'client', 'session'], default: 'credential', description: 'Whose requests share a counter.' },
        algorithm: {
          type: 'string',
          enum: ['fixed-window', 'token-bucket'],
          default: 'fixed-window',
          description: 'fixed-window: `limit` calls per window; token-bucket: capacity `limit`, refilled at `limit` per window.',
        },
        status: {
          type: 'integer',
          minimum: 400,
          maximum: 599,
          default: 429,
          description: 'Status answered once the limit is reached (legacy lakeFS clients document 420).',
        },
      },
    },
    times: { type: 'integer', minimum: 1, description: 'Fire only this many times, then stand aside (one-shot faults: times: 1).' },
    after: { type: 'integer', minimum: 1, description: 'Fire only from the Nth matching call on (after: 3 → the 3rd, 4th, … calls).' },
  },
} as const;

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
  description: 'When a request matches, answer a status, add a delay, rate-limit it, or fail its connection.',
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
    // Transport faults (README "Transport faults" has each one's wire behaviour). The first four answer in place
    // of the handler, which does not run; truncate and dribble deliver the handler's own answer badly.
    reset: { type: 'boolean', enum: [true], description: 'Close the connection with a TCP reset before any byte of an answer.' },
    empty: { type: 'boolean', enum: [true], description: 'Close the connection cleanly without answering.' },
    garbage: {
      description: 'Send bytes that are not HTTP, then close: true for 64 random bytes, or the text to send.',
      oneOf: [
        { type: 'boolean', enum: [true] },
        { type: 'string', minLength: 1, maxLength: 65536 },
      ],
    },
    stall: {
      description: 'Accept the request and never answer; the connection is closed without an answer after this long, or at the server\'s --max-stall (true: wait for that).',
      oneOf: [{ type: 'boolean', enum: [true] }, durationSchema],
    },
    truncate: {
      description: "Send the answer's status and headers (Content-Length of the whole body) and only part of its body, then close: true for half the body, or a number of body bytes.",
      oneOf: [
        { type: 'boolean', enum: [true] },
        { type: 'integer', minimum: 0 },
      ],
    },
    dribble: {
      description: 'Send the answer in pieces spread over a duration ("2s"), or { over, chunks } (10 chunks by default); at most --max-stall.',
      oneOf: [
        ...durationSchema.oneOf,
        {
          type: 'object',
          additionalProperties: false,
          required: ['over'],
          properties: {
            over: { ...durationSchema, description: 'How long the answer takes to arrive, first byte to last.' },
            chunks: { type: 'integer', minimum: 1, maximum: 1000, default: 10, description: 'How many pieces the body is sent in.' },
          },
        },
      ],
    },
    probability: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      description: 'Fire on this fraction of the requests that would fire it (0.2: one in five, at random; the same ones under --seed).',
    },
    times: { type: 'integer', minimum: 1, description: 'Fire only this many times, then stand aside (one-shot faults: times: 1).' },
    after: { type: 'integer', minimum: 1, description: 'Fire only from the Nth matching call on (after: 3 → the 3rd, 4th, … calls).' },
  },
} as const;

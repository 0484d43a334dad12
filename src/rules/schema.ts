/** JSON Schema of one rule, shared by scenario files and POST /__admin/faults. */
import { DURATION_PATTERN } from './duration.js';

const duration = {
  oneOf: [
    { type: 'string', pattern: DURATION_PATTERN },
    { type: 'number', minimum: 0 },
  ],
  description: 'A duration: "250ms", "2s", "1m", "1h", or a number of milliseconds.',
};

export const ruleSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'When a request matches, answer a status, add a delay, or rate-limit it.',
  properties: {
    name: { type: 'string', description: 'Shown in the journal when the rule fires.' },
    match: {
      type: 'object',
      additionalProperties: false,
      properties: {
        api: { type: 'string', description: 'API name, e.g. tiledb, registry.' },
        operationId: { type: 'string' },
        method: { type: 'string', pattern: '^[A-Za-z]+$' },
        path: { type: 'string', maxLength: 2048, description: 'Request path; * matches within a segment, ** across segments.' },
        credential: { type: 'string', description: 'Basic username / access key id, bearer token or API key.' },
        session: { type: 'string', description: 'X-Mock-Session value.' },
      },
    },
    // 1xx are interim answers, not a final status a rule can send.
    status: { type: 'integer', minimum: 200, maximum: 599 },
    headers: { type: 'object', additionalProperties: { type: 'string' } },
    body: { description: 'Body sent with `status`; without it the API renders its own error for that status.' },
    delay: duration,
    rateLimit: {
      type: 'object',
      additionalProperties: false,
      required: ['limit', 'window'],
      properties: {
        limit: { type: 'integer', minimum: 0 },
        window: duration,
        per: { enum: ['credential', 'client', 'session'], default: 'credential' },
        algorithm: { enum: ['fixed-window', 'token-bucket'], default: 'fixed-window' },
        status: { type: 'integer', minimum: 400, maximum: 599, default: 429 },
      },
    },
    times: { type: 'integer', minimum: 1, description: 'Fire this many times, then stand aside.' },
    after: { type: 'integer', minimum: 1, description: 'Fire from the Nth matching call on.' },
  },
} as const;

/**
 * A transcript: what a reference server answered to a script, recorded by `mockgate diff --record` so that later
 * runs replay it with no live server (in CI, say). JSON:
 *
 *   { "format": "mockgate-transcript/1", "script": "<name>", "reference": "<url>", "recordedAt": "<iso>",
 *     "steps": [ { "name", "request": { method, path, query?, headers, bodyText? },
 *                  "response": { status, headers: { <lower-case name>: value }, bodyText } } ] }
 *
 * Request headers are as sent with credentials redacted to their kind ("Basic <redacted>"); response headers are
 * the ones compared (content-type, location, www-authenticate, retry-after, set-cookie as a list) and those a
 * capture reads. Bodies are kept whole: captures and comparisons read them.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import type { CapturePath } from './capture.js';
import type { Answer, SentRequest } from './http.js';

export const TRANSCRIPT_FORMAT = 'mockgate-transcript/1';

export interface TranscriptStep {
  name: string;
  request: SentRequest;
  response: Answer;
}

export interface Transcript {
  format: typeof TRANSCRIPT_FORMAT;
  script: string;
  reference: string;
  recordedAt: string;
  steps: TranscriptStep[];
}

export class TranscriptError extends Error {}

/** The response headers a transcript keeps. */
export const KEPT_HEADERS = ['content-type', 'location', 'www-authenticate', 'retry-after', 'set-cookie'];

/** An answer as a transcript keeps it: the compared headers and those the step's captures read. */
export function recordedAnswer(answer: Answer, captures: ReadonlyArray<{ path: CapturePath }>): Answer {
  const keep = new Set([...KEPT_HEADERS, ...captures.flatMap(({ path }) => (path.source === 'header' ? [path.name.toLowerCase()] : []))]);
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(answer.headers)) if (keep.has(name)) headers[name] = value;
  return { status: answer.status, headers, bodyText: answer.bodyText };
}

const headerValues = { type: 'object', additionalProperties: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } };

/** What a replay needs of a transcript; more (a hand-added note) is allowed. */
export const transcriptSchema = {
  type: 'object',
  required: ['format', 'steps'],
  properties: {
    format: { const: TRANSCRIPT_FORMAT },
    script: { type: 'string' },
    reference: { type: 'string' },
    recordedAt: { type: 'string' },
    steps: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'request', 'response'],
        properties: {
          name: { type: 'string' },
          request: { type: 'object', required: ['method', 'path'], properties: { method: { type: 'string' }, path: { type: 'string' }, headers: headerValues, bodyText: { type: 'string' } } },
          response: {
            type: 'object',
            required: ['status', 'headers', 'bodyText'],
            properties: { status: { type: 'integer', minimum: 100, maximum: 599 }, headers: headerValues, bodyText: { type: 'string' } },
          },
        },
      },
    },
  },
} as const;

let validator: ValidateFunction | undefined;

/** Reads a transcript file's text, checking enough to replay it; errors name the file, the place and what is wrong. */
export function parseTranscript(text: string, file: string): Transcript {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new TranscriptError(`${file}: not JSON (${(err as Error).message}); pass a file written by mockgate diff --record`);
  }
  validator ??= new Ajv({ strict: false }).compile(transcriptSchema);
  if (!validator(value)) {
    const error = validator.errors![0]!;
    const what = error.keyword === 'const' ? `expected "${TRANSCRIPT_FORMAT}"` : error.message;
    throw new TranscriptError(`${file}: ${error.instancePath || '/'}: ${what}; pass a file written by mockgate diff --record`);
  }
  const transcript = value as Transcript;
  for (const step of transcript.steps) {
    // Header names are compared lower-case; a hand-edited transcript may not have them so.
    step.response.headers = Object.fromEntries(
      Object.entries(step.response.headers).map(([k, v]) => [k.toLowerCase(), k.toLowerCase() === 'set-cookie' ? [v].flat() : v]),
    );
    step.request.headers ??= {};
  }
  return transcript;
}

export function serializeTranscript(transcript: Transcript): string {
  return `${JSON.stringify(transcript, null, 2)}\n`;
}

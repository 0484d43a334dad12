/**
 * Runs a diff script: each step is sent to the reference (or read from a transcript of it) and to the mock, each
 * side filling `{{var}}` placeholders from its own variables (what `capture` took from its own earlier answers,
 * over the script's `vars`), and the two answers are compared (compare.ts). I/O is HTTP only: reading files,
 * starting an in-process mock, printing and exiting are the CLI's.
 */
import { capture } from './capture.js';
import { compareAnswers, unanswered, type Verdicts } from './compare.js';
import { buildRequest, MissingVariableError, send, target, TransportError, type Answer, type SentRequest } from './http.js';
import { normalizer } from './normalize.js';
import { ASPECTS, type Aspect, type DiffScript, type DiffStep } from './script.js';
import { recordedAnswer, TRANSCRIPT_FORMAT, type Transcript, type TranscriptStep } from './transcript.js';

export type Reference = { url: string } | { transcript: Transcript; file: string };

export interface DiffOptions {
  script: DiffScript;
  reference: Reference;
  /** The mock's base URL (the script's `base` is joined after it). */
  mockUrl: string;
  /** Headers sent to the mock only (an X-Mock-Session of its own, so a shared mock starts clean). */
  mockHeaders?: Record<string, string>;
  /** Keep what the reference answered, as a transcript (needs a live reference). */
  record?: boolean;
  timeoutMs?: number;
  /** Called after each step, for progress output. */
  onStep?: (result: StepResult, index: number) => void;
}

export interface StepResult {
  name: string;
  method: string;
  /** The step's path as written, after `base`. */
  path: string;
  /** The first path segment after `base` ("auth", "repositories"): where a drift is. */
  area: string;
  note?: string;
  reference: { status?: number; error?: string };
  mock: { status?: number; error?: string };
  aspects: Verdicts;
  /** The first aspect that differs, explained in one line. */
  firstDifference?: string;
  /** Not differences, but worth knowing: a capture that found nothing, a transcript request unlike the script's. */
  warnings: string[];
}

export interface DiffResult {
  script: string;
  reference: string;
  mock: string;
  steps: StepResult[];
  /** With `record`: what the reference answered. */
  transcript?: Transcript;
}

/** The reference or the mock cannot be reached at all: there is nothing to compare. */
export class ConnectionError extends Error {}

/** Codes that mean "no server there", as opposed to a server that dropped one request. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_INVALID_URL']);

export function areaOf(path: string): string {
  const segment = path.split('/').find((s) => s !== '');
  return segment ?? '/';
}

type Side = { answer: Answer; request: SentRequest; redacted: Record<string, string> } | { error: string; request?: SentRequest };

export async function runDiff(options: DiffOptions): Promise<DiffResult> {
  const { script } = options;
  const normalize = normalizer(script.normalize);
  const ignoreHeaders = new Set(script.ignoreHeaders.map((h) => h.toLowerCase()));
  const live = 'url' in options.reference ? options.reference.url : undefined;
  const recorded = 'transcript' in options.reference ? new Map(options.reference.transcript.steps.map((s) => [s.name, s])) : undefined;
  const referenceLabel = live ?? `${(options.reference as { file: string }).file} (recorded from ${(options.reference as { transcript: Transcript }).transcript.reference})`;
  const vars = { reference: { ...script.vars }, mock: { ...script.vars } };
  const transcriptSteps: TranscriptStep[] = [];
  const results: StepResult[] = [];

  const sendTo = async (who: 'reference' | 'mock', url: string, step: DiffStep, extra: Record<string, string>): Promise<Side> => {
    let built;
    try {
      built = buildRequest(script, step, vars[who]);
    } catch (err) {
      if (err instanceof MissingVariableError) return { error: `${who}: not sent, {{${err.variable}}} was never captured (see the warnings of earlier steps)` };
      throw err;
    }
    const request = { ...built.request, headers: { ...built.request.headers } };
    for (const [name, value] of Object.entries(extra)) if (!Object.keys(request.headers).some((h) => h.toLowerCase() === name.toLowerCase())) request.headers[name] = value;
    try {
      return { answer: await send(url, request, options.timeoutMs), request: built.request, redacted: built.redacted };
    } catch (err) {
      if (!(err instanceof TransportError)) throw err;
      if (UNREACHABLE.has(err.code)) throw new ConnectionError(`cannot reach the ${who} at ${url} (${err.code})`);
      return { error: `${who}: no answer (${err.code}: ${err.message})`, request: built.request };
    }
  };

  for (const [index, step] of script.steps.entries()) {
    const captures = script.captures[index]!;
    const aspects = new Set<Aspect>(step.expect ?? ASPECTS);
    const warnings: string[] = [];

    let reference: Side;
    if (live !== undefined) {
      reference = await sendTo('reference', live, step, {});
      if (options.record && 'answer' in reference) {
        transcriptSteps.push({ name: step.name, request: { ...reference.request, headers: reference.redacted }, response: recordedAnswer(reference.answer, captures) });
      }
    } else {
      const found = recorded!.get(step.name);
      if (!found) reference = { error: `reference: the transcript has no step "${step.name}"; record it again with --record` };
      else {
        reference = { answer: found.response, request: found.request, redacted: found.request.headers ?? {} };
        try {
          const { request } = buildRequest(script, step, vars.reference);
          const [now, then] = [`${request.method} ${target(request)}`, `${found.request?.method} ${found.request ? target(found.request) : '?'}`];
          if (now !== then) warnings.push(`the transcript's request was ${then}, the script's is ${now}; record it again with --record`);
        } catch (err) {
          if (!(err instanceof MissingVariableError)) throw err;
        }
      }
    }
    const mock = await sendTo('mock', options.mockUrl, step, options.mockHeaders ?? {});

    for (const [who, side] of [['reference', reference], ['mock', mock]] as const) {
      if (!('answer' in side)) continue;
      for (const { name, path } of captures) {
        const value = capture(path, side.answer);
        if (value === undefined) {
          delete vars[who][name];
          warnings.push(`capture ${name}: the ${who}'s answer (${side.answer.status}) has no ${step.capture![name]}`);
        } else vars[who][name] = value;
      }
    }

    let verdicts: Verdicts;
    if ('answer' in reference && 'answer' in mock) {
      verdicts = compareAnswers(reference.answer, mock.answer, {
        errorText: script.errorText,
        normalizer: normalize,
        ignoreHeaders,
        aspects,
        referenceOrigin: live !== undefined ? new URL(live).origin : originOf(options.reference),
        mockOrigin: new URL(options.mockUrl).origin,
      });
    } else {
      verdicts = unanswered('error' in reference ? reference.error : (mock as { error: string }).error, aspects);
    }
    const first = ASPECTS.map((a) => verdicts[a]).find((v) => v.agree === false);
    const result: StepResult = {
      name: step.name,
      method: step.method,
      path: step.path,
      area: areaOf(step.path),
      ...(step.note ? { note: step.note } : {}),
      reference: 'answer' in reference ? { status: reference.answer.status } : { error: reference.error },
      mock: 'answer' in mock ? { status: mock.answer.status } : { error: mock.error },
      aspects: verdicts,
      ...(first ? { firstDifference: first.detail } : {}),
      warnings,
    };
    results.push(result);
    options.onStep?.(result, index);
  }

  return {
    script: script.name,
    reference: referenceLabel,
    mock: options.mockUrl,
    steps: results,
    ...(options.record && live !== undefined
      ? { transcript: { format: TRANSCRIPT_FORMAT, script: script.name, reference: live, recordedAt: new Date().toISOString(), steps: transcriptSteps } }
      : {}),
  };
}

function originOf(reference: Reference): string | undefined {
  try {
    return 'transcript' in reference ? new URL(reference.transcript.reference).origin : new URL(reference.url).origin;
  } catch {
    return undefined;
  }
}

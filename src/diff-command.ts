/**
 * `mockgate diff`: flags → a script, a reference (live URL or transcript), a mock (URL or in-process) → a report
 * and an exit code. The wiring of src/diff/ (pure but for HTTP) with files, the in-process server and the
 * output; it returns the exit code, and src/cli.ts (the only module that exits) exits with it.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { Command, InvalidArgumentError, Option } from 'commander';
import { createAdminClient, startMockgate, type Mockgate } from './index.js';
import { parseDuration } from './rules/duration.js';
import { ConnectionError, runDiff, type Reference } from './diff/run.js';
import { summarize, summaryLine, toJson, toJUnit, toMarkdown } from './diff/report.js';
import { parseScript, ScriptError } from './diff/script.js';
import { parseTranscript, serializeTranscript, TranscriptError } from './diff/transcript.js';

/** `mockgate diff` exit codes. */
export const DIFF_EXIT = {
  /** Agreement at or above the threshold. */
  ok: 0,
  /** Agreement below the threshold: the mock drifted from the reference. */
  below: 1,
  /** Nothing compared: a flag, the script or the transcript is wrong, or a server cannot be reached. */
  usage: 2,
} as const;

const FORMATS = ['md', 'json', 'junit'] as const;
type Format = (typeof FORMATS)[number];

function parseTimeout(value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

function parseThreshold(value: string): number {
  const percent = value.endsWith('%');
  const n = Number(percent ? value.slice(0, -1) : value) / (percent ? 100 : 1);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw new InvalidArgumentError(`"${value}" is not a share between 0 and 1 (0.97) or a percentage (97%)`);
  return n;
}

export function buildDiffProgram(): Command {
  return new Command()
    .name('mockgate diff')
    .description(
      'Check a mock against a real server: send the steps of a script to a reference (a live URL, or a transcript recorded from one) and to mockgate, ' +
        'and compare each answer\'s status, error text, JSON shape, Content-Type and key headers. Prints a report; exits 0 when the share of steps ' +
        'agreeing on status, text, shape and Content-Type reaches --threshold, 1 below it, 2 when it cannot compare (a flag, the script or a server).',
    )
    .requiredOption('--script <file>', 'YAML diff script: name, base, normalize, steps: [{name, method, path, …, capture}] (README: "Check your mock against your real server")')
    .addOption(new Option('--reference <url>', 'base URL of the real server (the script\'s base is joined after it)').conflicts('transcript'))
    .addOption(new Option('--transcript <file>', 'replay a transcript written by --record instead of calling a live reference'))
    .addOption(new Option('--mock <url>', 'base URL of a running mock; default: mockgate in this process, on a free port').env('MOCKGATE_URL'))
    .addOption(
      new Option('--scenario <name|file>', 'scenario of the in-process mockgate (e.g. lakefs-community); with --mock, the run\'s session is switched to it through /__admin')
        .default(undefined, 'default'),
    )
    .addOption(new Option('--session <name>', 'X-Mock-Session sent to a --mock server (default: a fresh one per run, so earlier runs leave nothing behind)'))
    .addOption(new Option('--admin-token <token>', 'bearer token for the --mock server\'s /__admin (to switch --scenario)').env('MOCKGATE_ADMIN_TOKEN'))
    .addOption(new Option('--timeout <duration>', 'how long to wait for each answer ("30s", "2m")').default(30_000, '30s').argParser(parseTimeout))
    .option('--record <file>', 'also write what the reference answered to this transcript file (needs --reference)')
    .addOption(new Option('--format <format>', 'report format').choices(FORMATS).default('md'))
    .option('--output <file>', 'write the report to this file instead of stdout')
    .addOption(new Option('--threshold <share>', 'least share of agreeing steps for exit 0: 0.97 or 97%').default(1, '1 (every step)').argParser(parseThreshold))
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text.startsWith('error:') ? `mockgate diff: ${text}` : text) });
}

interface DiffFlags {
  script: string;
  reference?: string;
  transcript?: string;
  mock?: string;
  scenario?: string;
  session?: string;
  adminToken?: string;
  timeout: number;
  record?: string;
  format: Format;
  output?: string;
  threshold: number;
}

const reason = (err: unknown) => (err as NodeJS.ErrnoException).code ?? (err as Error).message;

/** Runs `mockgate diff <argv>`; resolves with the exit code. Messages go to stderr, the report to stdout or --output. */
export async function runDiffCommand(argv: string[]): Promise<number> {
  try {
    return await diffCommand(argv);
  } catch (err) {
    // A fault of mockgate's own: exit 2 ("could not compare"), never 1, which would read as drift.
    process.stderr.write(`mockgate diff: error: ${(err as Error).stack ?? String(err)}\n`);
    return DIFF_EXIT.usage;
  }
}

async function diffCommand(argv: string[]): Promise<number> {
  const program = buildDiffProgram();
  try {
    program.parse(argv, { from: 'user' });
  } catch (err) {
    return (err as { exitCode?: number }).exitCode === 0 ? DIFF_EXIT.ok : DIFF_EXIT.usage;
  }
  const opts = program.opts<DiffFlags>();
  const usage = (message: string) => {
    process.stderr.write(`mockgate diff: error: ${message}\n`);
    return DIFF_EXIT.usage;
  };
  if (!opts.reference && !opts.transcript) return usage('pass --reference <url> (a live server) or --transcript <file> (a recording of one)');
  if (opts.record && !opts.reference) return usage('--record needs --reference <url>: a transcript is recorded from a live server');
  if (opts.reference && !isHttpUrl(opts.reference)) return usage(`--reference ${opts.reference}: not an http(s) URL; pass e.g. http://127.0.0.1:8000`);
  if (opts.mock && !isHttpUrl(opts.mock)) return usage(`--mock ${opts.mock}: not an http(s) URL; pass e.g. http://127.0.0.1:4010`);

  let script;
  try {
    script = parseScript(await readFile(opts.script, 'utf8'), opts.script);
  } catch (err) {
    if (err instanceof ScriptError) return usage(err.message);
    return usage(`--script ${opts.script}: cannot read the file (${reason(err)})`);
  }
  let reference: Reference;
  if (opts.transcript) {
    try {
      reference = { transcript: parseTranscript(await readFile(opts.transcript, 'utf8'), opts.transcript), file: opts.transcript };
    } catch (err) {
      if (err instanceof TranscriptError) return usage(err.message);
      return usage(`--transcript ${opts.transcript}: cannot read the file (${reason(err)}); record one with --reference <url> --record <file>`);
    }
  } else reference = { url: opts.reference! };

  let inProcess: Mockgate | undefined;
  let mockUrl = opts.mock;
  if (!mockUrl) {
    try {
      inProcess = await startMockgate({ scenario: opts.scenario, logLevel: 'silent' });
    } catch (err) {
      return usage(`${opts.scenario ? `--scenario ${opts.scenario}: ` : ''}${(err as Error).message}`);
    }
    mockUrl = inProcess.url;
  }
  const session = opts.session ?? (opts.mock ? `mockgate-diff-${Date.now().toString(36)}` : undefined);
  if (opts.mock && opts.scenario) {
    // A running mockgate: the run's own session plays the scenario, the server's others are untouched.
    try {
      await createAdminClient(opts.mock, { adminToken: opts.adminToken }).useScenario(opts.scenario, session);
    } catch (err) {
      return usage(`--scenario ${opts.scenario}: the mock at ${opts.mock} did not switch session ${session} to it (${(err as Error).message}); is --mock a mockgate, and --admin-token right?`);
    }
  }

  let result;
  try {
    result = await runDiff({ script, reference, mockUrl, record: Boolean(opts.record), timeoutMs: opts.timeout, mockHeaders: session ? { 'X-Mock-Session': session } : {} });
  } catch (err) {
    if (err instanceof ConnectionError) {
      const flag = err.message.includes('the reference') ? '--reference' : '--mock';
      return usage(`${err.message}; start it, or check ${flag}`);
    }
    throw err;
  } finally {
    await inProcess?.close();
  }

  if (opts.record && result.transcript) {
    try {
      await writeFile(opts.record, serializeTranscript(result.transcript));
    } catch (err) {
      return usage(`--record ${opts.record}: cannot write the transcript (${reason(err)})`);
    }
  }
  const summary = summarize(result, opts.threshold);
  const report = { md: toMarkdown, json: toJson, junit: toJUnit }[opts.format](result, summary);
  if (opts.output) {
    try {
      await writeFile(opts.output, report);
    } catch (err) {
      return usage(`--output ${opts.output}: cannot write the report (${reason(err)})`);
    }
  } else {
    await new Promise<void>((resolve) => process.stdout.write(report, () => resolve()));
  }
  process.stderr.write(`mockgate diff: ${summaryLine(summary)}${opts.record ? `; transcript written to ${opts.record}` : ''}\n`);
  return summary.passed ? DIFF_EXIT.ok : DIFF_EXIT.below;
}

function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

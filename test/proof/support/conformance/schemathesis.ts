/**
 * Runs schemathesis (the pinned one in .venv, installed by scripts/ensure-test-tools.sh) against one mounted
 * spec of a running mockgate, with the four checks the proof asks for, bounded in examples and wall time.
 * Used by test/proof/schemathesis.test.ts (short, fixed seed) and scripts/fuzz.ts (long, random seeds).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from './paths.js';
import { expectationsToml } from './expectations.js';
import type { ConformanceTarget, Credentials } from './targets.js';

export const SCHEMATHESIS = path.join(repoRoot, '.venv', 'bin', 'schemathesis');

/**
 * Every check schemathesis has: server errors, statuses, schemas, content types and headers of the answers, and
 * what the server accepts and refuses (valid and invalid data, missing headers and auth, unsupported methods,
 * use after free, resource availability). What a real server validates in code beyond its schema is declared
 * per operation in expectations.ts.
 */
export const CHECKS = ['all'] as const;

export type Phase = 'examples' | 'coverage' | 'fuzzing' | 'stateful';

export interface SchemathesisOptions {
  /** Test cases per operation and phase. */
  maxExamples: number;
  phases: Phase[];
  /** Fixed for CI (reproducible), random for the long fuzz. */
  seed?: number;
  /**
   * schemathesis's own --max-time: fuzzing and stateful testing repeat until it is spent (the long fuzz uses it;
   * CI does not, its runs are bounded by maxExamples).
   */
  maxTimeSeconds?: number;
  /** Hard stop: the process is killed after this long and the run counts as failed. */
  killAfterMs: number;
  /** X-Mock-Session value for every request of the run. */
  session: string;
  /** Extra command-line arguments (exclusions, see EXCLUSIONS). */
  extraArgs?: string[];
  /** Checks to run (default CHECKS: all of them). */
  checks?: readonly string[];
}

export interface SchemathesisResult {
  code: number | null;
  /** Killed by the hard stop. */
  timedOut: boolean;
  output: string;
  command: string;
  durationMs: number;
}

/**
 * Narrow exclusions, each with its reason, keyed by API name: facts about the real server that contradict one of
 * schemathesis's checks (every other finding so far was a bug in the mock and was fixed there). Add
 * `['--exclude-checks', …]`-style arguments here, never a blanket filter.
 */
export const EXCLUSIONS: Record<string, { args: string[]; reason: string }[]> = {
  lakefs: [
    {
      args: ['--exclude-checks', 'unsupported_method'],
      reason:
        'lakeFS has no 405: a method a path does not serve falls through to its API catch-all, 404 `invalid API endpoint` (recorded from the real 1.80.0, test/fidelity/lakefs-community.transcript.json)',
    },
  ],
};

export function schemathesisArgs(target: ConformanceTarget, origin: string, options: SchemathesisOptions): string[] {
  const args = [
    'run',
    target.file,
    '--url',
    `${origin}${target.prefix}`,
    '--checks',
    (options.checks ?? CHECKS).join(','),
    '--phases',
    options.phases.join(','),
    '--max-examples',
    String(options.maxExamples),
    '--workers',
    '1',
    '--request-timeout',
    '10',
    '--generation-database',
    'none',
    '--no-color',
    '-H',
    `X-Mock-Session: ${options.session}`,
    ...credentialArgs(target.credentials),
  ];
  if (options.seed !== undefined) args.push('--seed', String(options.seed));
  if (options.maxTimeSeconds !== undefined) args.push('--max-time', String(options.maxTimeSeconds));
  for (const exclusion of EXCLUSIONS[target.api] ?? []) args.push(...exclusion.args);
  args.push(...(options.extraArgs ?? []));
  return args;
}

function credentialArgs(credentials: Credentials | undefined): string[] {
  if (!credentials || credentials.kind === 'none') return [];
  if (credentials.kind === 'basic') return ['--auth', `${credentials.username}:${credentials.password}`];
  return ['-H', `${credentials.name}: ${credentials.value}`];
}

export function schemathesisAvailable(): boolean {
  return existsSync(SCHEMATHESIS);
}

/** Runs one schemathesis process in a scratch directory (so nothing it writes lands in the repository). */
export function runSchemathesis(target: ConformanceTarget, origin: string, options: SchemathesisOptions): Promise<SchemathesisResult> {
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'mockgate-schemathesis-'));
  // The API's known in-code validations (expectations.ts), as schemathesis's own per-operation configuration.
  const toml = expectationsToml(target.api);
  const configArgs: string[] = [];
  if (toml) {
    writeFileSync(path.join(cwd, 'schemathesis.toml'), toml);
    configArgs.push('--config-file', path.join(cwd, 'schemathesis.toml'));
  }
  const args = [...configArgs, ...schemathesisArgs(target, origin, options)];
  const started = Date.now();
  const child = spawn(SCHEMATHESIS, args, {
    cwd,
    // Wide, plain output: the report is printed as is when a test fails.
    env: { ...process.env, COLUMNS: '160', NO_COLOR: '1', PYTHONUNBUFFERED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.killAfterMs);
  return new Promise((resolve, reject) => {
    child.once('error', (err) => {
      clearTimeout(timer);
      rmSync(cwd, { recursive: true, force: true });
      reject(err);
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      rmSync(cwd, { recursive: true, force: true });
      resolve({ code, timedOut, output, command: `schemathesis ${args.map(shellQuote).join(' ')}`, durationMs: Date.now() - started });
    });
  });
}

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The line schemathesis ends with, e.g. "1320 generated, 1320 passed". */
export function testCaseSummary(output: string): string {
  const match = /Test cases:\s*\n\s*(.+)/.exec(output);
  return match ? match[1].trim() : '(no summary)';
}

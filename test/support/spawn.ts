/**
 * Starts the real mockgate command as a child process, for the tests that must see what a user sees:
 * flags, environment variables, the one-line errors on stderr, exit codes and signals.
 *
 * By default the command is `node --import tsx <repo>/src/cli.ts` (no build needed); the package-install
 * test passes the installed bin instead. Every started process is tracked so that `stopAll()` (in an
 * afterAll) never leaves a server behind, even when a test fails half-way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './test-app.js';

export const cliEntry = path.join(repoRoot, 'src', 'cli.ts');

export interface CliCommand {
  /** An executable to run instead of the source CLI (e.g. an installed node_modules/.bin/mockgate). */
  bin?: string;
  /** Working directory of the child; default: the repository root. */
  cwd?: string;
  /** Extra environment variables (merged over a copy of process.env without MOCKGATE_*). */
  env?: Record<string, string | undefined>;
}

export interface RunningCli {
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  /** Everything the process wrote to stderr so far. */
  stderr(): string;
  /** Everything the process wrote to stdout so far (its structured log lines). */
  stdout(): string;
  /** Resolves once stderr contains the text (matches the pattern, satisfies the predicate); rejects after the timeout. */
  waitForStderr(pattern: StderrPattern, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then wait for the exit; resolves with the exit code (or the signal name). */
  stop(): Promise<number | string | null>;
  child: ChildProcess;
}

export type StderrPattern = string | RegExp | ((stderr: string) => boolean);

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The start line: `mockgate <version> listening on http://<host>:<port> — …`. */
const SERVING = /mockgate \S+ listening on http:\/\/\S+:(\d+) /;
const running = new Set<ChildProcess>();

/** An environment free of the developer's own MOCKGATE_* settings, so tests see only what they set. */
function childEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('MOCKGATE_')) env[key] = value;
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

function spawnCli(args: string[], command: CliCommand = {}): ChildProcess {
  const [file, argv] = command.bin ? [command.bin, args] : [process.execPath, ['--import', 'tsx', cliEntry, ...args]];
  const child = spawn(file, argv, { cwd: command.cwd ?? repoRoot, env: childEnv(command.env), stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

function exited(child: ChildProcess): Promise<number | string | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode ?? child.signalCode);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
}

/**
 * Starts a server and resolves when it prints its "mockgate <version> listening on http://host:port …" line. Pass `--port 0`
 * (or an env MOCKGATE_PORT) in args; the actual port is parsed from that line. Rejects with the
 * process's stderr if it exits first or does not start within the timeout.
 */
export function startCli(args: string[], env?: Record<string, string | undefined>, options: CliCommand & { timeoutMs?: number } = {}): Promise<RunningCli> {
  const child = spawnCli(args, { ...options, env: { ...options.env, ...env } });
  let stderr = '';
  const waiters = new Set<() => void>();
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr += chunk;
    for (const check of [...waiters]) check();
  });
  let stdout = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    stdout += chunk;
  });

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    try {
      return await exited(child);
    } finally {
      clearTimeout(timer);
    }
  };

  const waitForStderr = (pattern: StderrPattern, timeoutMs = 10_000) =>
    new Promise<void>((resolve, reject) => {
      const matches = () =>
        typeof pattern === 'string' ? stderr.includes(pattern) : typeof pattern === 'function' ? pattern(stderr) : pattern.test(stderr);
      if (matches()) return resolve();
      const check = () => {
        if (!matches()) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        waiters.delete(check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern} on stderr:\n${stderr}`));
      }, timeoutMs);
      waiters.add(check);
    });

  return new Promise((resolve, reject) => {
    const timeoutMs = options.timeoutMs ?? 20_000;
    const timer = setTimeout(() => {
      cleanup();
      void stop();
      reject(new Error(`mockgate did not start within ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`mockgate exited (${code ?? signal}) before serving; stderr:\n${stderr}`));
    };
    const check = () => {
      const match = SERVING.exec(stderr);
      if (!match) return;
      cleanup();
      const port = Number(match[1]);
      resolve({ port, url: `http://127.0.0.1:${port}`, stderr: () => stderr, stdout: () => stdout, waitForStderr, stop, child });
    };
    const cleanup = () => {
      clearTimeout(timer);
      waiters.delete(check);
      child.off('exit', onExit);
    };
    child.once('exit', onExit);
    child.once('error', (err) => {
      cleanup();
      reject(err);
    });
    waiters.add(check);
  });
}

/** Runs a command that is expected to exit by itself (help, configuration errors). */
export function runCli(args: string[], options: CliCommand & { timeoutMs?: number } = {}): Promise<CliResult> {
  const child = spawnCli(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timeoutMs = options.timeoutMs ?? 20_000;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`mockgate ${args.join(' ')} did not exit within ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    // 'close' (not 'exit') so that stdout and stderr are fully read.
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Kills whatever a test file left running; call it in afterAll. */
export async function stopAll(): Promise<void> {
  await Promise.all(
    [...running].map((child) => {
      child.kill('SIGKILL');
      return exited(child);
    }),
  );
}

/** The non-empty lines of a stream's text. */
export const linesOf = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

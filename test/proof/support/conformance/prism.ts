/**
 * Prism (@stoplight/prism-cli, a dev dependency) as a separate process: `prism proxy` in front of mockgate as
 * an independent validator, and `prism mock` as the benchmark's reference. Prism ignores the path of a spec's
 * `servers` URL, so it gets a copy of the spec with the mount prefix folded into every path (written to a
 * temporary folder, never into the repository).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { CORE_SCHEMA, load } from 'js-yaml';
import { repoRoot } from './paths.js';

export const PRISM_CLI = path.join(repoRoot, 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js');

/**
 * Writes `<dir>/<name>.json`: the spec with `prefix` put in front of every path and `servers` removed, so
 * Prism routes `/v4/credentials/acme` as mockgate does. Returns the file's path.
 */
export function foldSpec(file: string, prefix: string, dir: string, name = path.basename(file).replace(/\.(ya?ml|json)$/i, '')): string {
  // js-yaml itself, not parseYaml: our own specs are trusted, so their aliases need no expansion bound.
  const document = load(readFileSync(file, 'utf8'), { schema: CORE_SCHEMA }) as Record<string, any>;
  const paths: Record<string, unknown> = {};
  for (const [template, item] of Object.entries(document.paths ?? {})) paths[`${prefix}${template}` || '/'] = item;
  document.paths = paths;
  delete document.servers;
  const out = path.join(dir, `${name}.folded.json`);
  writeFileSync(out, JSON.stringify(document));
  return out;
}

/** A port nobody listens on right now (the OS picks it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningPrism {
  origin: string;
  port: number;
  child: ChildProcess;
  /** What Prism printed so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `prism <command> <document> [upstream] -p <free port> …` and resolves once it answers HTTP (any
 * status). Rejects with its output if it exits first or is not up within the timeout.
 */
export async function startPrism(args: string[], options: { timeoutMs?: number; nodeArgs?: string[] } = {}): Promise<RunningPrism> {
  const port = await freePort();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), PRISM_CLI, ...args, '-p', String(port), '-h', '127.0.0.1'], {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output = (output + chunk).slice(-200_000)));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output = (output + chunk).slice(-200_000)));
  const origin = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  const deadline = Date.now() + (options.timeoutMs ?? 90_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`prism ${args.join(' ')} exited (${child.exitCode ?? child.signalCode}) before serving:\n${output}`);
    }
    try {
      await fetch(`${origin}/`, { signal: AbortSignal.timeout(2_000) });
      return { origin, port, child, output: () => output, stop };
    } catch {
      if (Date.now() > deadline) {
        await stop();
        throw new Error(`prism ${args.join(' ')} did not answer within ${options.timeoutMs ?? 90_000} ms:\n${output}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** One entry of Prism's `sl-violations` header. */
export interface PrismViolation {
  location: Array<string | number>;
  severity: string;
  code?: string | number;
  message: string;
}

/**
 * Reads the `sl-violations` header. Prism truncates it past about 8 KB and prefixes "Too many violations!";
 * that is reported as one violation, so it can never pass unnoticed.
 */
export function parseViolations(header: string | null): PrismViolation[] {
  if (!header) return [];
  try {
    return JSON.parse(header) as PrismViolation[];
  } catch {
    return [{ location: ['response'], severity: 'Error', message: `unreadable sl-violations header: ${header.slice(0, 300)}` }];
  }
}

/** Prism's own problem+json answers (it refused or replaced the upstream's answer). */
export function isPrismProblem(contentType: string | null, body: string): boolean {
  return /problem\+json/i.test(contentType ?? '') && body.includes('stoplight.io/prism/errors#');
}

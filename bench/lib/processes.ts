/**
 * The servers a benchmark compares, each its own process on loopback: mockgate as shipped (compiled to a
 * scratch folder, `node dist/cli.js`), `prism mock`, and a bare express route. Also: waiting for a first 200,
 * and a process's resident memory.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from '../../test/proof/support/conformance/prism.js';
import { repoRoot } from '../../test/proof/support/conformance/paths.js';

export interface Server {
  name: string;
  origin: string;
  pid: number;
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Compiles src/ with the build config into a scratch folder laid out like the installed package (dist/ next
 * to symlinked specs/, scenarios/, node_modules/ and package.json), so the benchmark runs exactly what
 * `npm start` runs without writing into the repository.
 */
export async function buildMockgate(source = repoRoot): Promise<{ root: string; cli: string; dispose(): void }> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'mockgate-bench-'));
  const tsc = path.join(source, 'node_modules', 'typescript', 'bin', 'tsc');
  // tsc emits even when it reports type errors (work in progress elsewhere in the tree): warn, and go on if the
  // entry point was written.
  await run(process.execPath, [tsc, '-p', path.join(source, 'tsconfig.build.json'), '--outDir', path.join(root, 'dist')]).catch((err) => {
    if (!existsSync(path.join(root, 'dist', 'cli.js'))) throw err;
    process.stderr.write(`bench: warning: ${(err as Error).message}; benchmarking what it emitted\n`);
  });
  // As `npm run build` does: the dashboard's browser code is read from beside the compiled page.
  copyFileSync(path.join(source, 'src', 'admin', 'dashboard', 'client.js'), path.join(root, 'dist', 'admin', 'dashboard', 'client.js'));
  for (const entry of ['specs', 'scenarios', 'node_modules', 'package.json']) symlinkSync(path.join(source, entry), path.join(root, entry));
  return { root, cli: path.join(root, 'dist', 'cli.js'), dispose: () => rmSync(root, { recursive: true, force: true }) };
}

function run(file: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(args[0] ?? file)} exited with ${code}`))));
  });
}

/** Spawns a server process; nothing is awaited (see waitFor200). */
export function spawnServer(name: string, file: string, args: string[], port: number, env: NodeJS.ProcessEnv = {}): Server {
  const child = spawn(file, args, {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: string) => (output = (output + chunk).slice(-100_000));
  child.stdout!.setEncoding('utf8').on('data', keep);
  child.stderr!.setEncoding('utf8').on('data', keep);
  return {
    name,
    origin: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    child,
    output: () => output,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      }),
  };
}

export interface Probe {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * Polls until the probe answers 200 (or any 2xx when `anySuccess`); resolves with the milliseconds since
 * `since`. Rejects if the process exits or the timeout passes.
 */
export async function waitFor200(server: Server, probe: Probe, since: number, timeoutMs = 60_000, intervalMs = 5): Promise<number> {
  const deadline = since + timeoutMs;
  for (;;) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(`${server.name} exited (${server.child.exitCode ?? server.child.signalCode}):\n${server.output()}`);
    }
    try {
      const res = await fetch(server.origin + probe.path, { method: probe.method, headers: probe.headers, body: probe.body, signal: AbortSignal.timeout(5_000) });
      await res.arrayBuffer();
      if (res.status >= 200 && res.status < 300) return performance.now() - since;
    } catch {
      // not listening yet
    }
    if (performance.now() > deadline) throw new Error(`${server.name} gave no 2xx for ${probe.method} ${probe.path} within ${timeoutMs} ms:\n${server.output()}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/** The node flags of the Dockerfile's ENTRYPOINT (`node <flags> dist/cli.js`): mockgate as the image (and `npm start`) runs it. */
export function shippedNodeArgs(): string[] {
  const dockerfile = readFileSync(path.join(repoRoot, 'Dockerfile'), 'utf8');
  const entrypoint = /^ENTRYPOINT\s+(\[.*\])\s*$/m.exec(dockerfile)?.[1];
  const argv = entrypoint ? (JSON.parse(entrypoint) as string[]) : ['node', 'dist/cli.js'];
  return argv.slice(1, argv.indexOf('dist/cli.js'));
}

/** Starts mockgate from the scratch build on a free port with `--log-level warn` and the given flags. */
export async function startMockgateProcess(cli: string, flags: string[] = [], nodeArgs: string[] = []): Promise<Server> {
  const port = await freePort();
  return spawnServer('mockgate', process.execPath, [...nodeArgs, cli, '--port', String(port), '--host', '127.0.0.1', '--log-level', 'warn', ...flags], port);
}

export async function startPrismMock(foldedSpec: string): Promise<Server> {
  const port = await freePort();
  const cli = path.join(repoRoot, 'node_modules', '@stoplight', 'prism-cli', 'dist', 'index.js');
  return spawnServer('prism', process.execPath, [cli, 'mock', foldedSpec, '-p', String(port), '-h', '127.0.0.1', '-v', 'error'], port);
}

/** A bare express app with one route answering a fixed status, content type and body (see bare-express.mjs). */
export async function startBareExpress(route: { method: string; path: string; status: number; contentType?: string; body?: string }): Promise<Server> {
  const port = await freePort();
  const script = path.join(repoRoot, 'bench', 'bare-express.mjs');
  return spawnServer('express', process.execPath, [script], port, {
    BARE_PORT: String(port),
    BARE_ROUTE: JSON.stringify(route),
  });
}

/** Resident set size of a process in MB (Linux /proc; `ps` elsewhere is not attempted). */
export function rssMB(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1]);
    return Number.isFinite(kb) ? kb / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Writes a scratch file and returns its path. */
export function scratchFile(dir: string, name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

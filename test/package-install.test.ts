/**
 * The published package, installed the way a user (or the Docker image) installs it: production
 * dependencies only, no TypeScript, no tsx, started through its `mockgate` bin from another directory.
 * No Docker engine is available to CI, so this reproduces the image's install and start-up from a packed
 * tarball: `npm pack` runs `prepare` (the build), a fresh project installs the tarball with --omit=dev.
 * The npm registry is reached for the dependencies, hence the generous timeouts.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, stopAll, type RunningCli } from './support/spawn.js';
import { repoRoot } from './support/test-app.js';

const exec = promisify(execFile);
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const INSTALL_TIMEOUT = 180_000;

const tmp = mkdtempSync(path.join(os.tmpdir(), 'mockgate-pkg-'));
// Not named "mockgate": npm refuses to install a package into a project of the same name.
const consumer = path.join(tmp, 'consumer');
const bin = path.join(consumer, 'node_modules', '.bin', process.platform === 'win32' ? 'mockgate.cmd' : 'mockgate');

/**
 * The npm_* variables an outer `npm test` exports describe the repository's project (npm_config_prefix,
 * npm_config_local_prefix, npm_package_*…) and would send the child npm back to it; drop them but keep the
 * ones that say how to reach a registry (a mirror, a proxy, a CA, the user's .npmrc and cache).
 */
const KEEP_NPM_VARIABLE = /^npm_config_(registry|@[^:]+:registry|https?_proxy|proxy|no_?proxy|cafile|ca|strict_ssl|cache|userconfig|globalconfig|fetch_\w+)$/i;

/** The outer npm's project variables, as overrides that remove them from a child's environment. */
const WITHOUT_OUTER_NPM: Record<string, undefined> = Object.fromEntries(
  Object.keys(process.env)
    .filter((key) => /^npm_/i.test(key) && !KEEP_NPM_VARIABLE.test(key))
    .map((key) => [key, undefined]),
);

const { version } = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };

async function runNpm(args: string[], cwd: string): Promise<string> {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!/^npm_/i.test(key) || KEEP_NPM_VARIABLE.test(key)) env[key] = value;
  try {
    const { stdout } = await exec(npm, args, { cwd, env, timeout: INSTALL_TIMEOUT, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err: any) {
    throw new Error(`npm ${args.join(' ')} failed in ${cwd}:\n${err.stdout ?? ''}\n${err.stderr ?? err.message}`);
  }
}

let packedFiles: string[] = [];

beforeAll(async () => {
  // 1. Pack, as `npm publish` would: runs `prepare` (tsc → dist/) and keeps only package.json "files".
  const packJson = await runNpm(['pack', '--json', '--pack-destination', tmp], repoRoot);
  const [packed] = JSON.parse(packJson.slice(packJson.indexOf('[')));
  packedFiles = packed.files.map((f: { path: string }) => f.path);
  const tarball = path.join(tmp, packed.filename);

  // 2. Install it into a fresh project, production dependencies only (what the image's runtime stage does).
  await mkdir(consumer);
  await runNpm(['init', '-y'], consumer);
  await runNpm(['install', '--omit=dev', '--no-audit', '--no-fund', tarball], consumer);
}, INSTALL_TIMEOUT);

afterAll(async () => {
  await stopAll();
  await rm(tmp, { recursive: true, force: true });
});

describe('the packed package', () => {
  it('ships the compiled CLI, the specs and the scenarios, and none of the sources or tests', () => {
    expect(packedFiles).toContain('package.json');
    expect(packedFiles).toContain('dist/cli.js');
    // The library entry (`import { startMockgate } from 'mockgate'`) and its type declarations.
    expect(packedFiles).toContain('dist/index.js');
    expect(packedFiles).toContain('dist/index.d.ts');
    expect(packedFiles).toContain('dist/library/admin-client.d.ts');
    expect(packedFiles).toContain('scenarios/default.yaml');
    expect(packedFiles).toContain('scenarios/schema.json');
    expect(packedFiles).toContain('specs/admin.yaml');
    // The dashboard's browser code is read from beside the compiled page at start-up.
    expect(packedFiles).toContain('dist/admin/dashboard/client.js');
    expect(packedFiles.filter((f) => f.startsWith('src/') || f.startsWith('test/') || f.startsWith('node_modules/'))).toEqual([]);
  });

  it('carries its licence and changelog, and no source maps', () => {
    expect(packedFiles).toEqual(expect.arrayContaining(['LICENSE', 'CHANGELOG.md', 'README.md']));
    expect(packedFiles.filter((f) => f.endsWith('.map'))).toEqual([]);
  });
});

/** Resolves once nothing accepts connections at the URL any more (rejects after the timeout). */
async function closed(url: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await fetch(url);
    } catch {
      return;
    }
    if (Date.now() > deadline) throw new Error(`${url} still answers ${timeoutMs} ms after the stop`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('npm start in the repository', () => {
  it('starts without rebuilding a fresh dist/, and SIGTERM to npm stops the server: npm exits 0 once the port is free', { timeout: 60_000 }, async () => {
    // `npm pack` above has just built dist/ (prepare).
    const built = statSync(path.join(repoRoot, 'dist', 'cli.js')).mtimeMs;
    const cli = await startCli(['start', '--', '--port', '0'], WITHOUT_OUTER_NPM, { bin: npm, timeoutMs: 45_000 });
    expect(cli.stderr()).not.toMatch(/building/);
    expect(statSync(path.join(repoRoot, 'dist', 'cli.js')).mtimeMs).toBe(built);
    expect((await fetch(`${cli.url}/__admin/health`)).status).toBe(200);
    expect(await cli.stop(), cli.stderr()).toBe(0);
    // npm waited for the server: by the time npm has exited, nothing listens any more.
    await expect(fetch(`${cli.url}/__admin/health`)).rejects.toThrow();
    expect(cli.stderr()).toMatch(/^mockgate: stopped \(SIGTERM\) after [\d.]+ s$/m);
  });
});


describe('installed with --omit=dev', () => {
  it('installs none of the dev dependencies', () => {
    for (const dev of ['vitest', 'typescript', 'tsx', 'supertest', '@stoplight/prism-cli', 'express']) {
      expect(existsSync(path.join(consumer, 'node_modules', dev)), `${dev} should not be installed`).toBe(false);
    }
    expect(existsSync(path.join(consumer, 'node_modules', 'mockgate', 'dist', 'cli.js'))).toBe(true);
    expect(existsSync(path.join(consumer, 'node_modules', 'openapi-backend'))).toBe(true);
  });

  it('starts through its bin from another directory and answers /__admin/health 200', async () => {
    const cli: RunningCli = await startCli(['--port', '0', '--host', '127.0.0.1'], undefined, { bin, cwd: consumer });
    try {
      const res = await fetch(`${cli.url}/__admin/health`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { status: string; scenario: string; apis: string[] };
      expect(body).toMatchObject({ status: 'ok', scenario: 'default' });
      expect(body.apis).toEqual(expect.arrayContaining(['tiledb', 'registry']));
      const dashboard = await fetch(`${cli.url}/__admin/ui`);
      expect(dashboard.status).toBe(200);
      expect(await dashboard.text()).toContain('GET /__admin/ui');
    } finally {
      expect(await cli.stop()).toBe(0);
    }
  });

  it('--version prints the packaged version', async () => {
    const { stdout } = await exec(bin, ['--version'], { cwd: consumer });
    expect(stdout.trim()).toBe(version);
  });

  it('SIGINT stops it: connections closed, the ready file removed, one shutdown line, exit 0', async () => {
    const readyFile = path.join(tmp, 'installed-ready.json');
    const cli = await startCli(['--port', '0', '--ready-file', readyFile], undefined, { bin, cwd: consumer });
    expect(JSON.parse(await readFile(readyFile, 'utf8'))).toMatchObject({ version, url: cli.url, scenario: 'default' });
    cli.child.kill('SIGINT');
    const code = await new Promise((resolve) => cli.child.once('exit', (c, signal) => resolve(c ?? signal)));
    expect(code, cli.stderr()).toBe(0);
    expect(cli.stderr()).toMatch(/^mockgate: stopped \(SIGINT\) after [\d.]+ s$/m);
    expect(existsSync(readyFile)).toBe(false);
    await expect(fetch(`${cli.url}/__admin/health`)).rejects.toThrow();
  });

  it('npx mockgate: SIGTERM to npx stops the server too (npm\'s shell does not pass it on; the server sees npm go)', { timeout: 60_000 }, async () => {
    const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
    const cli = await startCli(['--no', '--', 'mockgate', '--port', '0'], WITHOUT_OUTER_NPM, { bin: npx, cwd: consumer, timeoutMs: 45_000 });
    expect((await fetch(`${cli.url}/__admin/health`)).status).toBe(200);
    await cli.stop();
    await cli.waitForStderr(/mockgate: stopped \(npm exited\)/, 5_000);
    await closed(`${cli.url}/__admin/health`);
  });

  it('finds a bundled scenario by name, wherever it is started from', async () => {
    const cli = await startCli(['--port', '0', '--scenario', 'rate-limited'], undefined, { bin, cwd: consumer });
    try {
      const res = await fetch(`${cli.url}/__admin/scenario`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { name: string }).name).toBe('rate-limited');
    } finally {
      await cli.stop();
    }
  });
});

/** A consumer's test code, importing the package by name (what `exports` resolves), never a path into dist/. */
const LIBRARY_USE = `
import { startMockgate } from 'mockgate';
import { createAdminClient } from 'mockgate/client';
const mock = await startMockgate({ seed: 1, logLevel: 'silent' });
const session = mock.admin.session();
await session.addFault({ match: { api: 'tiledb', operationId: 'getCredentials' }, status: 503, times: 1 });
const headers = { ...session.headers, 'X-TILEDB-REST-API-KEY': 'tdb-ws_9m4e2mr0ui3e8a215n4g-alicedemotoken00000001' };
const statuses = [];
for (let i = 0; i < 2; i++) statuses.push((await fetch(mock.url + '/v4/credentials/acme', { headers })).status);
const journal = (await session.requests()).map((entry) => entry.status);
const health = (await createAdminClient(mock.url).health()).status;
await mock.close();
console.log(JSON.stringify({ statuses, journal, health }));
`;

describe('used as a library', () => {
  it('imports startMockgate (and the admin client alone, mockgate/client) from the installed package, serves a session its fault, and closes', async () => {
    await writeFile(path.join(consumer, 'library-use.mjs'), LIBRARY_USE);
    const { stdout } = await exec(process.execPath, ['library-use.mjs'], { cwd: consumer, timeout: 30_000 });
    expect(JSON.parse(stdout)).toEqual({ statuses: [503, 200], journal: [200, 503], health: 'ok' });
  });

  it('ships type declarations a strict TypeScript consumer compiles against, without skipLibCheck', async () => {
    await writeFile(
      path.join(consumer, 'library-use.mts'),
      `import type { Fault, MockgateSession, StartOptions } from 'mockgate';\n${LIBRARY_USE}\n` +
        `const options: StartOptions = { scenario: 'rate-limited', port: 0, strict: true };\n` +
        `const fault: Fault = { match: { operationId: 'listUsers' }, status: 429, times: 2 };\n` +
        `export const typed: [StartOptions, Fault, MockgateSession['headers']] = [options, fault, session.headers];\n` +
        `// @ts-expect-error -- a fault's status is a number\nexport const wrong: Fault = { status: '503' };\n`,
    );
    // The repository's compiler and Node types: the consumer installed production dependencies only.
    const tsconfig = {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: ['node'],
        typeRoots: [path.join(repoRoot, 'node_modules', '@types')],
      },
      files: ['library-use.mts'],
    };
    await writeFile(path.join(consumer, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await exec(process.execPath, [tsc, '-p', consumer], { cwd: consumer, timeout: 60_000 }).catch((err) => err);
    expect(`${result.stdout ?? ''}${result.stderr ?? ''}`).toBe('');
  });
});

/**
 * The pytest plugin of this repository (python/pytest-mockgate, installed editable in .venv by
 * scripts/ensure-test-tools.sh): its own pytest suite and its type check. The suite's outer run uses the plugin
 * itself with no MOCKGATE_URL, so the `mockgate` fixture starts a server from MOCKGATE_COMMAND — here the CLI from
 * source through tsx, as test/support/spawn.ts runs it (dist/ may be rebuilt meanwhile by the package-install test).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cliEntry } from '../support/spawn.js';
import { repoRoot } from '../support/test-app.js';

const venvBin = (name: string) => path.join(repoRoot, '.venv', 'bin', name);
const plugin = path.join(repoRoot, 'python', 'pytest-mockgate');
/** A POSIX shell word: the plugin splits MOCKGATE_COMMAND with shlex. */
const quote = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;
const tsxLoader = pathToFileURL(path.join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

function run(file: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('MOCKGATE_')));
    const child = spawn(file, args, { cwd: repoRoot, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

describe('pytest-mockgate', () => {
  it('passes its own pytest suite: fixtures, sessions, scenarios, faults, journal, coverage, state, start / connect / stop', { timeout: 180_000 }, async () => {
    const command = [process.execPath, '--import', tsxLoader, cliEntry].map(quote).join(' ');
    const result = await run(venvBin('pytest'), ['-q', '-p', 'no:cacheprovider', '--tb=short', '--rootdir', plugin, path.join(plugin, 'tests')], {
      MOCKGATE_COMMAND: command,
    });
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/\d+ passed/);
  });

  it('type-checks under mypy --strict (its pyproject.toml [tool.mypy])', { timeout: 120_000 }, async () => {
    const result = await run(venvBin('mypy'), [
      '--config-file',
      path.join(plugin, 'pyproject.toml'),
      '--cache-dir',
      path.join(repoRoot, 'test-output', 'mypy-cache'),
      path.join(plugin, 'src'),
      path.join(plugin, 'tests'),
    ]);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toMatch(/^Success: no issues found/m);
  });
});

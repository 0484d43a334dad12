/**
 * The dashboard's browser code (src/admin/dashboard/client.js) is checked here so that `npm test` (CI)
 * catches what `npm run typecheck` and `npm run lint` would: strict type errors against the DOM
 * (tsconfig.dashboard.json) and lint errors (eslint.config.js). Also: the page serves that file as it is,
 * and the Node program never sees it (no DOM types there).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { dashboardPage } from '../../src/admin/dashboard/page.js';
import { dashboardScript, dashboardScriptFile } from '../../src/admin/dashboard/script.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const clientFile = path.join(repoRoot, 'src', 'admin', 'dashboard', 'client.js');

/** A tsconfig file as tsc reads it: its options and the files of its program. */
function readTsconfig(name: string): ts.ParsedCommandLine {
  const file = path.join(repoRoot, name);
  const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, '\n'));
  return ts.parseJsonConfigFileContent(config, ts.sys, repoRoot, undefined, file);
}

const formatHost: ts.FormatDiagnosticsHost = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => repoRoot,
  getNewLine: () => '\n',
};

describe('the dashboard client', () => {
  it('type-checks, strict, against the DOM (tsconfig.dashboard.json)', () => {
    const parsed = readTsconfig('tsconfig.dashboard.json');
    expect(parsed.errors).toEqual([]);
    expect(parsed.options).toMatchObject({ strict: true, allowJs: true, checkJs: true, noEmit: true });
    expect(parsed.options.lib).toEqual(expect.arrayContaining(['lib.dom.d.ts']));
    expect(parsed.fileNames.map((f) => path.resolve(f))).toEqual([clientFile]);
    const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
    const diagnostics = ts.getPreEmitDiagnostics(program);
    expect(ts.formatDiagnostics(diagnostics, formatHost)).toBe('');
  });

  it('stays out of the Node program, which has no DOM types', () => {
    const parsed = readTsconfig('tsconfig.json');
    expect(parsed.fileNames.map((f) => path.resolve(f))).not.toContain(clientFile);
    expect(parsed.options.lib ?? []).not.toEqual(expect.arrayContaining([expect.stringMatching(/dom/i)]));
  });

  it('lints clean, with the rest of what `npm run lint` covers (eslint.config.js)', async () => {
    const eslint = new ESLint({ cwd: repoRoot });
    const results = await eslint.lintFiles(['.']);
    expect(results.map((r) => r.filePath)).toContain(clientFile);
    const problems = results.filter((r) => r.errorCount + r.warningCount + r.fatalErrorCount > 0);
    const report = problems.length ? await (await eslint.loadFormatter('stylish')).format(problems) : '';
    expect(report).toBe('');
  });

  it('is inlined in the page as it is, allowed by the hash of that text', () => {
    expect(path.resolve(dashboardScriptFile)).toBe(clientFile);
    const text = readFileSync(clientFile, 'utf8');
    expect(dashboardScript).toBe(text);
    expect(dashboardPage.html).toContain(`<script>${text}</script>`);
    const hash = `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    expect(dashboardPage.headers['Content-Security-Policy']).toContain(`script-src ${hash};`);
  });
});

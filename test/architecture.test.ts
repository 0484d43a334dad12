/**
 * The one-way layering DESIGN.md asks for, enforced. Each folder of src/ is a layer that may import only the
 * layers below it:
 *
 *   cli.ts, app.ts, index.ts, coverage-gate.ts,         wiring (anything); index.ts is the package entry
 *   diff-command.ts
 *   diff/                                                the differential runner (a client over HTTP, like library/)
 *   library/                                             the admin API's typed client (knows only specs/admin.yaml)
 *   replicas/                                            what replicas on Redis share (--store redis://)
 *   admin/  server/                                      the admin API, the node:http edge
 *   pipeline/                                            the stages of a request
 *   state/ → scenario/ → rules/,  journal/               per-session services
 *   apis/<name>/  →  apis/shared/                        one folder per API, and code the API folders share
 *   generic/                                             the state a user's spec is given (inferred resources)
 *   engine/                                              knows no API, no service, no edge
 *   config.ts                                            the configuration's shape and defaults (imports nothing)
 *
 * An API folder imports only the engine, apis/shared and its own files; apis/shared only the engine.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/test-app.js';

const src = path.join(repoRoot, 'src');

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && /\.(ts|js)$/.test(e.name)).map((e) => path.join(e.parentPath, e.name));
}

/** The module specifiers a file imports (static, dynamic and re-exports), read by the TypeScript parser. */
async function importsOf(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && ts.isStringLiteral(node.arguments[0]!)) {
      found.push((node.arguments[0] as ts.StringLiteral).text);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** Entry points that wire things together like cli.ts does, though they live in a layer's folder. */
const ENTRY_POINTS = new Set([path.join('scenario', 'write-schema.ts')]);

/**
 * The layer of a file under src/: its first folder (`engine`, `apis/lakefs`, `apis/shared`, …), `config` for the
 * configuration module (it imports nothing of src), or `root` for the wiring.
 */
function layerOf(file: string): string {
  const relative = path.relative(src, file);
  if (ENTRY_POINTS.has(relative)) return 'root';
  if (relative === 'config.ts') return 'config';
  const parts = relative.split(path.sep);
  if (parts.length === 1) return 'root';
  return parts[0] === 'apis' && parts.length > 2 ? `apis/${parts[1]}` : parts[0]!;
}

/** Which layers each layer may import (its own always). API folders are handled by the `apis/*` rule. */
const ALLOWED: Record<string, string[]> = {
  engine: [],
  'apis/shared': ['engine'],
  'apis/*': ['engine', 'apis/shared'],
  // Like an API folder, but for any spec: it knows the engine and nothing of the bundled APIs.
  generic: ['engine'],
  apis: ['engine', 'apis/*'], // src/apis/index.ts registers every API
  config: [],
  rules: ['engine'],
  journal: ['engine'],
  scenario: ['engine', 'rules'],
  state: ['engine', 'scenario'],
  pipeline: ['engine', 'state', 'rules', 'journal', 'scenario'],
  server: ['engine'],
  admin: ['engine', 'state', 'rules', 'journal', 'scenario', 'pipeline', 'config'],
  // The Redis-backed rules, journal, coverage and session lifetime: built by app.ts in place of the in-memory ones.
  replicas: ['engine', 'state', 'rules', 'journal', 'scenario', 'pipeline'],
  // A client of the server over HTTP: it must not depend on the server's code, only on the admin API's document.
  library: [],
  // `mockgate diff` talks to servers over HTTP; it reads YAML and trims URLs with the engine's helpers, nothing more.
  diff: ['engine'],
};

function allowed(from: string, to: string): boolean {
  if (from === to || from === 'root') return true;
  const rule = from.startsWith('apis/') && from !== 'apis/shared' ? ALLOWED['apis/*']! : ALLOWED[from];
  if (!rule) return false;
  return rule.includes(to) || (rule.includes('apis/*') && to.startsWith('apis/') && to !== 'apis/shared');
}

describe('architecture', () => {
  it('every layer of src/ imports only the layers below it', async () => {
    const offenders: string[] = [];
    for (const file of await sourceFiles(src)) {
      const from = layerOf(file);
      for (const spec of await importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = path.resolve(path.dirname(file), spec);
        if (!target.startsWith(src)) continue;
        const to = layerOf(target.replace(/\.js$/, '.ts'));
        if (!allowed(from, to)) offenders.push(`${path.relative(repoRoot, file)} (${from}) → ${spec} (${to})`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the checks above would catch an engine module importing state, an API importing another API, and an API importing the pipeline', () => {
    expect(allowed('engine', 'state')).toBe(false);
    expect(allowed('apis/lakefs-authentication', 'apis/lakefs')).toBe(false);
    expect(allowed('apis/tiledb', 'pipeline')).toBe(false);
    expect(allowed('apis/lakefs', 'apis/shared')).toBe(true);
    expect(allowed('pipeline', 'state')).toBe(true);
  });

  // The edge is a plain node:http listener (src/server/http.ts says why); express serves only the benchmark's
  // bare reference route, so it is a dev dependency and no shipped module may need it.
  it('nothing in src imports express', async () => {
    const offenders: string[] = [];
    for (const file of await sourceFiles(src)) {
      if ((await importsOf(file)).includes('express')) offenders.push(path.relative(repoRoot, file));
    }
    expect(offenders).toEqual([]);
  });

  it('only the CLI exits the process', async () => {
    const offenders: string[] = [];
    for (const file of await sourceFiles(src)) {
      if (file.endsWith(`${path.sep}cli.ts`)) continue;
      if ((await readFile(file, 'utf8')).includes('process.exit')) offenders.push(path.relative(repoRoot, file));
    }
    expect(offenders).toEqual([]);
  });
});

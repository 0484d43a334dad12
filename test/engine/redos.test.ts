/**
 * No regular expression runs in super-linear time on input. Every regex literal in src/ and every `pattern`
 * the bundled specs declare (ajv runs those on request values) is checked by recheck, a ReDoS checker, and must
 * be judged safe; no regex is built at run time (globs, templates and texts go through engine/glob.ts and
 * engine/text.ts, which scan in one pass).
 *
 * Guards the faults where lakeFS createUser with `invite_user: true` froze the server for 28 s on an 80 KB
 * e-mail (a polynomial regex, before authorization), and a fault `path` glob with a few `**` took 6 s on a
 * 150-character path; the requests below are those attacks, larger, and must be answered at once.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { check } from 'recheck';
import ts from 'typescript';
import { load as loadYaml } from 'js-yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp, repoRoot, type TestApp } from '../support/test-app.js';

function filesUnder(dir: string, extension: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && extension.test(e.name))
    .map((e) => path.join(e.parentPath, e.name));
}

const sources = filesUnder(path.join(repoRoot, 'src'), /\.ts$/);

interface Found {
  where: string;
  source: string;
  flags: string;
}

/** Regex literals of a TypeScript file, with their line, read by the TypeScript parser (not by a regex). */
function regexLiterals(file: string): Found[] {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: Found[] = [];
  const visit = (node: ts.Node) => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      const literal = node.getText(sf);
      const slash = literal.lastIndexOf('/');
      const line = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
      found.push({ where: `${path.relative(repoRoot, file)}:${line}`, source: literal.slice(1, slash), flags: literal.slice(slash + 1) });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** Calls that build a RegExp from a string at run time: `new RegExp(…)` or `RegExp(…)`. */
function runtimeRegexes(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if ((ts.isNewExpression(node) || ts.isCallExpression(node)) && ts.isIdentifier(node.expression) && node.expression.text === 'RegExp') {
      found.push(`${path.relative(repoRoot, file)}:${sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** Every `pattern` keyword of a parsed document, with its JSON pointer. */
function patternsOf(document: unknown, file: string): Found[] {
  const found: Found[] = [];
  const walk = (value: unknown, pointer: string) => {
    if (Array.isArray(value)) value.forEach((v, i) => walk(v, `${pointer}/${i}`));
    else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value)) {
        if (key === 'pattern' && typeof v === 'string') found.push({ where: `${path.relative(repoRoot, file)}#${pointer}/pattern`, source: v, flags: 'u' });
        else walk(v, `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      }
    }
  };
  walk(document, '');
  return found;
}

async function verdicts(found: Found[]): Promise<string[]> {
  const problems: string[] = [];
  for (const f of found) {
    const result = await check(f.source, f.flags, { timeout: 10_000 });
    if (result.status !== 'safe') {
      const attack = result.status === 'vulnerable' ? ` (${result.complexity.type}; attack: ${result.attack.pattern})` : ` (${result.error?.kind ?? 'unknown'})`;
      problems.push(`${f.where}: /${f.source}/${f.flags} is ${result.status}${attack}`);
    }
  }
  return problems;
}

describe('regular expressions', () => {
  const literals = sources.flatMap(regexLiterals);

  it('finds the regex literals of src/ (the scan itself works)', () => {
    expect(literals.length).toBeGreaterThan(50);
    expect(literals.some((l) => l.where.startsWith('src/apis/lakefs/auth/common.ts'))).toBe(true);
  });

  it('every regex literal in src/ runs in linear time (recheck)', async () => {
    expect(await verdicts(literals)).toEqual([]);
  }, 120_000);

  it('src/ builds no regex at run time (use engine/glob.ts or engine/text.ts)', () => {
    // Except a diff script's normalize patterns: the script author's own, run by their own `mockgate diff` over
    // answers from servers they chose, never by the server over requests (src/diff/normalize.ts).
    const exempt = (where: string) => where.startsWith(`src${path.sep}diff${path.sep}normalize.ts:`);
    expect(sources.flatMap(runtimeRegexes).filter((where) => !exempt(where))).toEqual([]);
  });

  it('every `pattern` of the bundled specs and the scenario schema runs in linear time (recheck, with ajv\'s unicode flag)', async () => {
    const documents = [...filesUnder(path.join(repoRoot, 'specs'), /\.ya?ml$/), path.join(repoRoot, 'scenarios', 'schema.json')];
    const patterns = documents.flatMap((file) => patternsOf(loadYaml(readFileSync(file, 'utf8')), file));
    expect(patterns.length).toBeGreaterThan(0);
    expect(await verdicts(patterns)).toEqual([]);
  }, 120_000);

  it('the checker does tell a vulnerable regex (so a pass means something)', async () => {
    expect(await verdicts([{ where: 'example', source: '^(?:"[^"]*"|[^<>"]*)\\s*<([^<>\\s]+)>$', flags: '' }])).toHaveLength(1);
    expect(await verdicts([{ where: 'example', source: '\\/+$', flags: '' }])).toHaveLength(1);
  });
});

describe('the attacks, answered at once', () => {
  let t: TestApp;
  afterAll(() => t?.close());
  const LAKEFS = { Authorization: `Basic ${Buffer.from('AKIAIOSFOLQUICKSTART:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY').toString('base64')}` };

  it('an invitation whose "e-mail" is 200 KB of spaces before a quote is refused as an invalid address', async () => {
    t = await createTestApp();
    const id = `\u0000${' '.repeat(200_000)}"`;
    const res = await t.http.post('/api/v1/auth/users').set(LAKEFS).send({ id, invite_user: true });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('Invalid email format');
  });

  it('a fault whose path glob has many `**` is matched against a long path without backtracking', async () => {
    const glob = `/api/v1/auth/users/${'**a'.repeat(12)}**b`;
    await t.http.post('/__admin/faults?session=redos').send({ match: { path: glob }, status: 503 }).expect(201);
    const long = `/api/v1/auth/users/${'a'.repeat(4000)}`;
    await t.http.get(long).set(LAKEFS).set('X-Mock-Session', 'redos').expect(404);
    await t.http.get(`${long}b`).set(LAKEFS).set('X-Mock-Session', 'redos').expect(503);
  });

  it('a CORS origin pattern with many `*` is matched against a long Origin without backtracking', async () => {
    const cors = await createTestApp({ corsOrigins: [`http://${'*a'.repeat(20)}*.example`] });
    try {
      const origin = `http://${'a'.repeat(60_000)}`;
      const res = await cors.http.get('/v4/credentials/acme').set('Origin', origin);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      const allowed = await cors.http.get('/v4/credentials/acme').set('Origin', `http://${'a'.repeat(30)}.example`);
      expect(allowed.headers['access-control-allow-origin']).toBe(`http://${'a'.repeat(30)}.example`);
    } finally {
      await cors.close();
    }
  });
});

/** The one-way layering DESIGN.md asks for, enforced: the engine knows no API and no web framework. */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/test-app.js';

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => path.join(e.parentPath, e.name));
}

async function importsOf(file: string): Promise<string[]> {
  const text = await readFile(file, 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*from\s+'([^']+)'|import\('([^']+)'\)/g)].map((m) => m[1] ?? m[2]);
}

describe('architecture', () => {
  it('src/engine imports nothing from src/apis, src/server or express', async () => {
    const offenders: string[] = [];
    for (const file of await sourceFiles(path.join(repoRoot, 'src', 'engine'))) {
      for (const spec of await importsOf(file)) {
        if (spec === 'express' || /(^|\/)apis\//.test(spec) || /(^|\/)server\//.test(spec)) offenders.push(`${path.relative(repoRoot, file)} → ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  // The edge is a plain node:http listener (src/server/http.ts says why); express serves only the benchmark's
  // bare reference route, so it is a dev dependency and no shipped module may need it.
  it('nothing in src imports express', async () => {
    const offenders: string[] = [];
    for (const file of await sourceFiles(path.join(repoRoot, 'src'))) {
      if ((await importsOf(file)).includes('express')) offenders.push(path.relative(repoRoot, file));
    }
    expect(offenders).toEqual([]);
  });

  it('API folders import only the engine contract and their own modules', async () => {
    const offenders: string[] = [];
    for (const file of await sourceFiles(path.join(repoRoot, 'src', 'apis'))) {
      for (const spec of await importsOf(file)) {
        if (!spec.startsWith('.')) continue;
        const target = path.resolve(path.dirname(file), spec);
        const allowed = target.startsWith(path.join(repoRoot, 'src', 'apis')) || target.startsWith(path.join(repoRoot, 'src', 'engine'));
        if (!allowed) offenders.push(`${path.relative(repoRoot, file)} → ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('only the CLI exits the process', async () => {
    const offenders: string[] = [];
    for (const file of await sourceFiles(path.join(repoRoot, 'src'))) {
      if (file.endsWith(`${path.sep}cli.ts`)) continue;
      if ((await readFile(file, 'utf8')).includes('process.exit')) offenders.push(path.relative(repoRoot, file));
    }
    expect(offenders).toEqual([]);
  });
});

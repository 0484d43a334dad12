/**
 * What the image is built from, checked without a Docker engine: the build context .dockerignore lets through
 * holds what the Dockerfile copies and none of the bulk (the Python venv, tests, the benchmark), and the Node.js
 * release the image starts from is the one CI tests on and package.json's engines allow.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './support/test-app.js';

const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8');
const dockerfile = read('Dockerfile');

/** The .dockerignore rules, in order (Docker's semantics: the last pattern matching a path, or a parent of it, decides). */
const rules = read('.dockerignore')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'))
  .map((line) => (line.startsWith('!') ? { keep: true, pattern: globToRegExp(line.slice(1)) } : { keep: false, pattern: globToRegExp(line) }));

/** Docker's (Go's filepath.Match) globs: `*` and `?` stop at `/` but match a leading dot; `**` crosses folders. */
function globToRegExp(glob: string): RegExp {
  const source = glob
    .replace(/^\/+|\/+$/g, '')
    .split(/(\*\*|\*|\?)/)
    .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part === '?' ? '[^/]' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`);
}

function inContext(file: string): boolean {
  const parts = file.split('/');
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let included = true;
  for (const rule of rules) {
    if (candidates.some((c) => rule.pattern.test(c))) included = rule.keep;
  }
  return included;
}

describe('the Docker build context', () => {
  it('holds every file the Dockerfile copies from it', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.trim().split(/\s+/));
    expect(sources).toEqual(expect.arrayContaining(['package.json', 'src', 'specs', 'scenarios']));
    for (const source of sources) expect(inContext(source), source).toBe(true);
    for (const file of ['src/cli.ts', 'src/admin/dashboard/client.js', 'specs/admin.yaml', 'scenarios/default.yaml']) expect(inContext(file), file).toBe(true);
  });

  it('leaves out the Python venv, node_modules, the tests, the benchmark and CI\'s Node binary', () => {
    for (const file of ['.venv/bin/python', 'node_modules/pino/package.json', 'test/cli.test.ts', 'bench/run.ts', '.ci/node/v24/bin/node', 'dist/cli.js', '.git/HEAD', 'test-output/x.png']) {
      expect(inContext(file), file).toBe(false);
    }
  });
});

describe('the Node.js release', () => {
  const ciVersion = /^NODE_VERSION=(\S+)$/m.exec(read('.ci/run'))?.[1];
  const imageVersion = /^ARG NODE_VERSION=(\S+)$/m.exec(dockerfile)?.[1];

  it('is the same in CI and in the image, and package.json\'s engines allow it', () => {
    expect(ciVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(imageVersion).toBe(ciVersion);
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    expect(engines).toBe(`>=${ciVersion!.split('.')[0]}`);
    expect(read('.nvmrc').trim()).toBe(ciVersion!.split('.')[0]);
  });

  it('both stages of the image start from it', () => {
    const froms = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(froms).toEqual(['node:${NODE_VERSION}-bookworm-slim${NODE_IMAGE_PIN}', 'node:${NODE_VERSION}-bookworm-slim${NODE_IMAGE_PIN}']);
  });
});

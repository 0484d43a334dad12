/**
 * The coverage gate: `mockgate coverage --require <file> --url <base> [--session s] [--admin-token t]` reads
 * GET /__admin/coverage from a running mockgate and fails (exit 1, one missing pair per stdout line) when a
 * required operation × status was never served, and exits 2 when it cannot tell (server unreachable, wrong token,
 * bad requirement file or flag). The pure logic (src/coverage-gate.ts) is tested directly;
 * the command as a real child process; and the shipped requirement file against the bundled specs.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lakefs } from '../src/apis/lakefs/index.js';
import {
  coverageRows,
  formatMissing,
  mergeRequirements,
  missingPairs,
  parseRequirements,
  requiredPairCount,
  RequirementsError,
  type CoverageRowLike,
} from '../src/coverage-gate.js';
import { listenApp, send, type ListeningApp } from './proof/support/http.js';
import { linesOf, runCli, stopAll } from './support/spawn.js';
import { repoRoot } from './support/test-app.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'mockgate-coverage-'));
const shipped = path.join(repoRoot, 'test', 'contract', 'required-coverage.yaml');

afterAll(async () => {
  await stopAll();
  await rm(tmp, { recursive: true, force: true });
});

const row = (api: string, operationId: string, served: Record<string, number>): CoverageRowLike => ({ api, operationId, method: 'get', path: `/${operationId}`, served });

describe('requirement files', () => {
  it('reads operations with their statuses, seed and note', () => {
    const text = "operations:\n  - { api: tiledb, operationId: createCredential, statuses: [201, 401], seed: '004', note: why }\n";
    expect(parseRequirements(text, 'r.yaml')).toEqual([{ api: 'tiledb', operationId: 'createCredential', statuses: [201, 401], seed: '004', note: 'why' }]);
  });

  it('reads a transport fault the client must have met, next to statuses, and checks it as one', () => {
    const text = 'operations:\n  - { api: lakefs, operationId: getUser, statuses: [200, reset, truncate] }\n';
    expect(parseRequirements(text, 'r.yaml')[0]!.statuses).toEqual([200, 'reset', 'truncate']);
    const rows = [row('lakefs', 'getUser', { 200: 2, reset: 1 })];
    expect(missingPairs(parseRequirements(text, 'r.yaml'), rows).map(formatMissing)).toEqual(['lakefs getUser truncate: never served (GET /getUser)']);
    expect(() => parseRequirements('operations:\n  - { api: a, operationId: x, statuses: [rest] }\n', 'r.yaml')).toThrow(
      /statuses\/0: "rest" is not an HTTP status code \(100-599\) or a transport fault \(reset, empty, garbage, stall, truncate, dribble\)/,
    );
  });

  it.each([
    ['not YAML', 'operations: [\n', /^r\.yaml:\d+:\d+: not valid YAML/],
    ['a list at the top', '- a\n', /^r\.yaml:1:1: \/: expected a mapping/],
    ['nothing but comments', '# to do\n', /^r\.yaml: \/: expected a mapping/],
    ['an unknown top-level key', 'operations: []\nextra: 1\n', /^r\.yaml:2:8: \/extra: unknown key "extra"/],
    ['operations that are not a list', 'operations: {}\n', /\/operations: expected a list/],
    ['an entry without api', 'operations:\n  - { operationId: x, statuses: [200] }\n', /^r\.yaml:2:5: \/operations\/0\/api: "api" must be a non-empty string/],
    ['an empty status list', 'operations:\n  - { api: a, operationId: x, statuses: [] }\n', /\/operations\/0\/statuses: "statuses" must be a non-empty list/],
    ['a status that is not one', 'operations:\n  - api: a\n    operationId: x\n    statuses: [200, 4040]\n', /^r\.yaml:4:21: \/operations\/0\/statuses\/1: 4040 is not an HTTP status code/],
    ['a misspelt key', 'operations:\n  - { api: a, operationId: x, status: [200] }\n', /\/operations\/0\/status: unknown key "status"/],
  ])('refuses %s, naming the file, the line and the place', (_name, text, message) => {
    expect(() => parseRequirements(text, 'r.yaml')).toThrow(RequirementsError);
    expect(() => parseRequirements(text, 'r.yaml')).toThrow(message);
  });

  it('adds up entries for one operation (seed 000 asks 429, seed 001 asks 420)', () => {
    const merged = mergeRequirements([
      { api: 'lakefs', operationId: 'getExternalPrincipal', statuses: [200, 401, 429] },
      { api: 'lakefs', operationId: 'getExternalPrincipal', statuses: [200, 401, 420] },
    ]);
    expect(merged).toEqual([{ api: 'lakefs', operationId: 'getExternalPrincipal', statuses: [200, 401, 429, 420] }]);
    expect(requiredPairCount(merged)).toBe(4);
  });
});

describe('missing pairs', () => {
  const requirements = [
    { api: 'tiledb', operationId: 'createCredential', statuses: [201, 401, 409] },
    { api: 'tiledb', operationId: 'getCredentials', statuses: [200] },
    { api: 'lakefs', operationId: 'createUser', statuses: [201] },
  ];
  const rows = [row('tiledb', 'createCredential', { 201: 3, 409: 0 }), row('tiledb', 'getCredentials', { 200: 1, 404: 2 })];

  it('lists each required status never served, and each operation not mounted, in the file\'s order', () => {
    expect(missingPairs(requirements, rows)).toEqual([
      { api: 'tiledb', operationId: 'createCredential', status: 401, reason: 'never served', method: 'GET', path: '/createCredential' },
      { api: 'tiledb', operationId: 'createCredential', status: 409, reason: 'never served', method: 'GET', path: '/createCredential' },
      { api: 'lakefs', operationId: 'createUser', status: 201, reason: 'not mounted' },
    ]);
  });

  it('is empty when every pair was served', () => {
    expect(missingPairs([{ api: 'tiledb', operationId: 'getCredentials', statuses: [200, 404] }], rows)).toEqual([]);
  });

  it('words one line per miss, "<api> <operationId> <status>" first', () => {
    const [a, , c] = missingPairs(requirements, rows);
    expect(formatMissing(a!)).toBe('tiledb createCredential 401: never served (GET /createCredential)');
    expect(formatMissing(c!)).toBe('lakefs createUser 201: no such operation is mounted');
  });

  it('refuses an answer that is not a coverage report', () => {
    expect(() => coverageRows({ status: 'ok' })).toThrow(/not \{operations/);
    expect(coverageRows({ operations: rows })).toEqual(rows);
  });
});

describe('the shipped requirement file (test/contract/required-coverage.yaml)', () => {
  const requirements = parseRequirements(readFileSync(shipped, 'utf8'), shipped);
  let server: ListeningApp;
  let declared: Map<string, string[]>;

  beforeAll(async () => {
    server = await listenApp();
    declared = new Map(
      server.app.mounts.filter((m) => !m.internal).flatMap((m) => m.spec.operations.map((op) => [`${m.api.name} ${op.operationId}`, Object.keys(op.responses)] as const)),
    );
  });
  afterAll(() => server?.close());

  it('has one entry per seed operation: 38 + 9 + 5 + 2 + 6', () => {
    const perSeed = (seed: string) => requirements.filter((r) => r.seed === seed).length;
    expect([perSeed('000'), perSeed('001'), perSeed('002'), perSeed('003'), perSeed('004')]).toEqual([38, 9, 5, 2, 6]);
    for (const seed of ['000', '001', '002', '003', '004']) {
      const ids = requirements.filter((r) => r.seed === seed).map((r) => r.operationId);
      expect(new Set(ids).size, `seed ${seed} lists an operation twice`).toBe(ids.length);
    }
  });

  it('asks each operation for its success status, and 420 never alongside 429 in one seed', () => {
    for (const r of requirements) {
      expect(r.statuses.filter((s) => typeof s === 'number' && s >= 200 && s < 400), `${r.operationId}`).toHaveLength(1);
      expect(r.statuses.includes(420) && r.statuses.includes(429), r.operationId).toBe(false);
    }
  });

  const ready = (api: string) => api !== 'lakefs' || 'createUser' in lakefs.handlers;

  it('names only operations the bundled specs mount, with the statuses they declare (420 / 429 and transport faults come from rules)', () => {
    const problems: string[] = [];
    for (const r of requirements.filter((x) => ready(x.api))) {
      const statuses = declared.get(`${r.api} ${r.operationId}`);
      if (!statuses) {
        problems.push(`${r.api} ${r.operationId}: not mounted`);
        continue;
      }
      // 420 / 429 come from rules, transport faults (reset, …) from rules too: no spec declares those.
      for (const s of r.statuses) if (typeof s === 'number' && s !== 420 && s !== 429 && !statuses.includes(String(s))) problems.push(`${r.api} ${r.operationId}: ${s} not declared`);
    }
    expect(problems).toEqual([]);
  });
});

describe('mockgate coverage', () => {
  let server: ListeningApp;
  let guarded: ListeningApp;
  const file = path.join(tmp, 'required.yaml');
  const KEY = { 'X-TILEDB-REST-API-KEY': 'tdb-ws_9m4e2mr0ui3e8a215n4g-alicedemotoken00000001' };

  let closedPort = 0;

  beforeAll(async () => {
    [server, guarded] = await Promise.all([listenApp(), listenApp({ adminToken: 'sesame' })]);
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    await writeFile(
      file,
      [
        'operations:',
        '  - { api: tiledb, operationId: getCredentials, statuses: [200, 401] }',
        '  - { api: tiledb, operationId: getCredentialByName, statuses: [404] }',
        '  - { api: registry, operationId: root__get, statuses: [200] }',
        '',
      ].join('\n'),
    );
  });
  afterAll(async () => {
    await Promise.all([server?.close(), guarded?.close()]);
  });

  it('exits 1 and prints each missing pair on its own stdout line; exits 0 once all were served', { timeout: 60_000 }, async () => {
    const session = { 'X-Mock-Session': 'gate' };
    expect((await send(server.base, { path: '/v4/credentials/acme', headers: { ...KEY, ...session } })).status).toBe(200);

    const first = await runCli(['coverage', '--require', file, '--url', server.base, '--session', 'gate']);
    expect(first.code, first.stderr).toBe(1);
    expect(linesOf(first.stdout)).toEqual([
      'tiledb getCredentials 401: never served (GET /v4/credentials/{workspace})',
      'tiledb getCredentialByName 404: never served (GET /v4/credentials/{workspace}/{name})',
      'registry root__get 200: never served (GET /)',
    ]);
    expect(linesOf(first.stderr)).toEqual(['mockgate coverage: 3 of 4 required operation × status pairs were not served in session gate']);

    expect((await send(server.base, { path: '/v4/credentials/acme', headers: session })).status).toBe(401);
    expect((await send(server.base, { path: '/v4/credentials/acme/nope', headers: { ...KEY, ...session } })).status).toBe(404);
    // Served in another session: counts for the whole server, not for --session gate.
    expect((await send(server.base, { path: '/', headers: { 'X-Mock-Session': 'elsewhere' } })).status).toBe(200);

    const scoped = await runCli(['coverage', '--require', file, '--url', server.base, '--session', 'gate']);
    expect(scoped.code, scoped.stderr).toBe(1);
    expect(linesOf(scoped.stdout)).toEqual(['registry root__get 200: never served (GET /)']);

    const all = await runCli(['coverage', '--require', file, '--url', `${server.base}/`]);
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toBe('');
    expect(linesOf(all.stderr)).toEqual(['mockgate coverage: all 4 required operation × status pairs were served']);
  });

  it('names an operation no mounted spec has', async () => {
    const other = path.join(tmp, 'unknown-op.yaml');
    await writeFile(other, 'operations:\n  - { api: tiledb, operationId: noSuchOperation, statuses: [200] }\n');
    const run = await runCli(['coverage', '--require', other, '--url', server.base]);
    expect(run.code).toBe(1);
    expect(linesOf(run.stdout)).toEqual(['tiledb noSuchOperation 200: no such operation is mounted']);
  });

  it('sends --admin-token (or MOCKGATE_ADMIN_TOKEN) to a server that requires it, and says so when it is missing', { timeout: 60_000 }, async () => {
    const without = await runCli(['coverage', '--require', file, '--url', guarded.base]);
    expect(without.code).toBe(2);
    expect(linesOf(without.stderr)).toHaveLength(1);
    expect(without.stderr).toMatch(/^mockgate: error: .*answered 401.*--admin-token/);

    const withFlag = await runCli(['coverage', '--require', file, '--url', guarded.base, '--admin-token', 'sesame']);
    expect(withFlag.code, withFlag.stderr).toBe(1); // authorised: now it is the coverage that fails
    expect(linesOf(withFlag.stdout)).toHaveLength(4);

    const withEnv = await runCli(['coverage', '--require', file], { env: { MOCKGATE_URL: guarded.base, MOCKGATE_ADMIN_TOKEN: 'sesame' } });
    expect(withEnv.code, withEnv.stderr).toBe(1);
    expect(linesOf(withEnv.stdout)).toHaveLength(4);
  });

  it.each([
    ['no --require', () => ['coverage'], /--require/],
    ['a --require file that does not exist', () => ['coverage', '--require', path.join(tmp, 'nope.yaml'), '--url', server.base], /nope\.yaml: cannot read the file \(ENOENT\)/],
    ['an invalid requirement file', () => ['coverage', '--require', file.replace('required', 'broken'), '--url', server.base], /broken\.yaml:2:\d+: \/operations\/0\/statuses\/0: "ok" is not an HTTP status code/],
    ['a server that is not running', () => ['coverage', '--require', file, '--url', `http://127.0.0.1:${closedPort}`], /cannot reach mockgate at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\).*--url/],
    ['a server that is not a mockgate', () => ['coverage', '--require', file, '--url', `${server.base}/v4`], /answered 404; is --url a mockgate server\?/],
    ['an unknown flag', () => ['coverage', '--require', file, '--bogus'], /unknown option '--bogus'/],
  ])('%s: exit 2 (the gate cannot tell) with one stderr line', async (_name, args, message) => {
    await writeFile(file.replace('required', 'broken'), 'operations:\n  - { api: a, operationId: x, statuses: [ok] }\n');
    const run = await runCli(args());
    expect(run.code, run.stderr).toBe(2);
    expect(run.stdout).toBe('');
    expect(linesOf(run.stderr), run.stderr).toHaveLength(1);
    expect(run.stderr).toMatch(message);
  });

  it('--junit writes a report whose failures are exactly the required pairs never served', { timeout: 60_000 }, async () => {
    const report = path.join(tmp, 'gate.xml');
    const session = { 'X-Mock-Session': 'junit' };
    expect((await send(server.base, { path: '/v4/credentials/acme', headers: { ...KEY, ...session } })).status).toBe(200);
    const run = await runCli(['coverage', '--require', file, '--url', server.base, '--session', 'junit', '--junit', report]);
    expect(run.code, run.stderr).toBe(1);
    const xml = readFileSync(report, 'utf8');
    const failed = [...xml.matchAll(/<testcase classname="[^"]+" name="([^"]+)"><failure/g)].map((m) => m[1]);
    expect(failed.sort()).toEqual(['getCredentialByName 404', 'getCredentials 401', 'root__get 200']);
    // The served required pair passes; statuses the operations declare but the file does not ask for are skipped, not failed.
    expect(xml).toContain('<testcase classname="tiledb.getCredentials" name="getCredentials 200"/>');
    expect(xml).toMatch(/<testcase classname="tiledb\.getCredentials" name="getCredentials 404"><skipped message="not required"\/><\/testcase>/);
    // Every operation the server mounts is in the report (so a CI page shows the whole picture), each suite counting its own.
    expect(xml).toMatch(/<testsuite name="mockgate coverage gate: tiledb \(session junit\)" tests="\d+" failures="2" skipped="\d+">/);
    expect(xml).toMatch(/<testsuite name="mockgate coverage gate: registry \(session junit\)" tests="\d+" failures="1" skipped="\d+">/);
    expect(xml).toMatch(/mockgate coverage gate: lakefs \(session junit\)" tests="\d+" failures="0"/);
  });

  it('--help documents the flags; the server\'s --help points at the subcommand', async () => {
    const help = await runCli(['coverage', '--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--require', '--url', '--session', '--admin-token', '--junit', 'MOCKGATE_URL', 'MOCKGATE_ADMIN_TOKEN']) expect(help.stdout).toContain(flag);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('exits 0 when all were served, and 2 when it cannot tell');
    const top = await runCli(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('coverage --require <file>');
  });
});

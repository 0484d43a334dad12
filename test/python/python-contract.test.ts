/**
 * The consumer's view: runs the pytest suites under test/python, which drive one listening mockgate through the
 * real published clients installed in .venv by scripts/ensure-test-tools.sh (lakefs-sdk, the high-level lakefs
 * package, lakefs-client, tiledb-client; plain HTTP for the two APIs no client is published for). The server is strict, so an answer
 * that breaks our own spec fails the client call as a 500 — and is listed here.
 *
 * Then the coverage gate, as CI runs it: `mockgate coverage --require test/contract/required-coverage.yaml
 * --url <this server>` must exit 0, i.e. the suites made the server answer every operation × status the
 * requirement file lists for the seeds. Each test uses a session of its own; the gate, given no --session,
 * counts every session the server still remembers.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type MockgateApp } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import { runCli, stopAll } from '../support/spawn.js';
import { repoRoot } from '../support/test-app.js';

let app: MockgateApp;
let baseUrl: string;

beforeAll(async () => {
  app = await createApp({ ...defaultConfig(), host: '127.0.0.1', port: 0, strict: true, seed: 7, logLevel: 'silent' });
  const server = await app.listen();
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await stopAll();
  await app.close();
});

function pytest(targets: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(repoRoot, '.venv', 'bin', 'pytest'), ['-q', '-p', 'no:cacheprovider', '--tb=short', ...targets], {
      cwd: path.join(repoRoot, 'test', 'python'),
      env: { ...process.env, MOCKGATE_URL: baseUrl },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

const suites: Array<[title: string, targets: string[]]> = [
  [
    'seed 000, lakefs-sdk AuthApi: every operation\'s success, 401, 409 and 429; login, denial, policies, credentials, pages, 429 retries',
    ['lakefs/test_auth_contract.py', 'lakefs/test_auth_operations.py'],
  ],

  [
    'seed 001, lakefs-sdk, the high-level lakefs package and the legacy lakefs-client ExperimentalApi: presigned multipart upload, hard reset, external principals, STS, 401/404/400/403/409/420; repository, branch, upload, read, commit, log, diff, reset, tags, delete',
    ['lakefs/test_repos_contract.py', 'lakefs/test_high_level_client.py', 'lakefs/test_experimental_legacy.py'],
  ],
  ['seed 002, the lakeFS authentication service over plain HTTP: LDAP, external principal (420), STS, OIDC callback, healthcheck', ['lakefs_authentication']],
  ['seed 003, the registry credentials API over plain HTTP: read / write credentials, 401, 422', ['registry']],
  ['seed 004, tiledb-client\'s client.credentials: create, list, get, update, verify, delete, CredentialsError from 401', ['tiledb_credentials/test_tiledb_credentials.py']],
  [
    'transport faults through lakefs-sdk and tiledb-client: reset, empty, garbage, truncate and stall retried on GET, not on POST; dribble read whole',
    ['lakefs/test_lakefs_transport_faults.py', 'tiledb_credentials/test_tiledb_transport_faults.py'],
  ],
];

const ran = new Set<string>();

describe('Python consumer contract suites', () => {
  it.each(suites)('%s', { timeout: 120_000 }, async (title, targets) => {
    ran.add(title);
    const run = await pytest(targets);
    expect(run.code, run.output).toBe(0);
    expect(app.journal.violations()).toEqual([]);
  });

  it('the coverage gate: every required operation × status was served to the suites (mockgate coverage --require)', { timeout: 60_000 }, async (ctx) => {
    // Only meaningful after every suite ran against this server (not under a -t filter that picked a few).
    if (ran.size < suites.length) ctx.skip();
    const requirements = path.join(repoRoot, 'test', 'contract', 'required-coverage.yaml');
    const gate = await runCli(['coverage', '--require', requirements, '--url', baseUrl], { timeoutMs: 45_000 });
    expect(gate.code, `${gate.stdout}${gate.stderr}`).toBe(0);
    expect(gate.stderr).toMatch(/mockgate coverage: all \d+ required operation × status pairs were served/);
  });
});

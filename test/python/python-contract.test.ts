/**
 * The consumer's view: runs the pytest suites under test/python, which drive a listening mockgate through the
 * real published SDKs (lakefs-sdk, lakefs-client) installed in .venv by scripts/ensure-test-tools.sh. The
 * server is strict, so an answer that breaks our own spec fails the SDK call as a 500 — and is listed here.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type MockgateApp } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import { repoRoot } from '../support/test-app.js';

let app: MockgateApp;
let baseUrl: string;

beforeAll(async () => {
  app = await createApp({ ...defaultConfig(), host: '127.0.0.1', port: 0, strict: true, seed: 7, logLevel: 'silent' });
  const server = await app.listen();
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => app.close());

function pytest(target: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(repoRoot, '.venv', 'bin', 'pytest'), ['-q', '-p', 'no:cacheprovider', '--tb=short', target], {
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

describe('Python consumer contract suites', () => {
  it('lakefs-sdk drives the lakeFS auth API: login, 409, 401, denial, policies, credentials, pages, 429 retries', async () => {
    const run = await pytest('lakefs/test_auth_contract.py');
    expect(run.code, run.output).toBe(0);
    expect(app.journal.violations()).toEqual([]);
  }, 120_000);

  it('lakefs-sdk and the legacy lakefs-client drive presigned multipart upload, commit, hard reset, 404/400/403/409/420', async () => {
    const run = await pytest('lakefs/test_repos_contract.py');
    expect(run.code, run.output).toBe(0);
    expect(app.journal.violations()).toEqual([]);
  }, 120_000);
});

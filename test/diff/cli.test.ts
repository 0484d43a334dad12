/**
 * `mockgate diff` as a user runs it: a child process, a reference on node:http in this process, mockgate in the
 * child's process. Exit 0 at or above --threshold, 1 below, 2 when nothing could be compared (a flag, the script,
 * the transcript, an unreachable server), with one line on stderr naming the file or flag.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockgate } from '../../src/index.js';
import { linesOf, runCli, stopAll } from '../support/spawn.js';
import { SCRIPT, startReference, type Reference } from './support/reference.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'mockgate-diff-'));
const file = (name: string) => path.join(tmp, name);
let reference: Reference;

beforeAll(async () => {
  // The reference drifts on one step of five (GET /auth/groups: 404, the mock 501): 80% agree.
  reference = await startReference({ groups404: true });
  await writeFile(file('tiny.yaml'), SCRIPT);
});
afterAll(async () => {
  await stopAll();
  await reference?.close();
  await rm(tmp, { recursive: true, force: true });
});

const diff = (...args: string[]) => runCli(['diff', '--script', file('tiny.yaml'), '--scenario', 'lakefs-community', ...args], { timeoutMs: 30_000 });

describe('threshold and exit codes', () => {
  it('exits 0 at the threshold, printing the Markdown table and a summary line', async () => {
    const { code, stdout, stderr } = await diff('--reference', reference.url, '--threshold', '0.8');
    expect(stderr).toBe('mockgate diff: 4 of 5 steps agree on status, text, shape and Content-Type (80.0%); threshold 80.0%: passed\n');
    expect(code).toBe(0);
    expect(stdout).toContain('| step | request | reference | mock | status | text | shape | type | headers | first difference |');
    expect(stdout).toContain('| list groups | `GET /auth/groups` | 404 | 501 | ✗ | ✗ | ✓ | ✓ | ✓ | status: reference 404, mock 501 |');
    expect(stdout).toContain('| auth | 3/4 |');
  });

  it('exits 1 below it (a percentage works too)', async () => {
    const { code, stderr } = await diff('--reference', reference.url, '--threshold', '90%');
    expect(linesOf(stderr)).toEqual(['mockgate diff: 4 of 5 steps agree on status, text, shape and Content-Type (80.0%); threshold 90.0%: below']);
    expect(code).toBe(1);
  });
});

describe('record, report formats, replay', () => {
  it('records a transcript with JUnit to a file, then replays it as JSON with no reference running', async () => {
    const recorded = await diff('--reference', reference.url, '--record', file('t.json'), '--format', 'junit', '--output', file('r.xml'), '--threshold', '0.5');
    expect(recorded.code).toBe(0);
    expect(recorded.stdout).toBe('');
    expect(recorded.stderr).toContain(`; transcript written to ${file('t.json')}`);
    const junit = readFileSync(file('r.xml'), 'utf8');
    expect(junit).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="mockgate diff tiny-lakefs" tests="5" failures="1">/);
    expect(junit).toContain('<testcase classname="tiny-lakefs.auth" name="list groups (GET /auth/groups)"><failure message="status: reference 404, mock 501">');
    expect(readFileSync(file('t.json'), 'utf8')).toContain('"format": "mockgate-transcript/1"');

    // A stopped reference: the replay needs none.
    const stopped = await startReference();
    const unreachable = stopped.url;
    await stopped.close();
    const replayed = await diff('--transcript', file('t.json'), '--format', 'json', '--output', file('r.json'), '--threshold', '0.97');
    expect(replayed.code).toBe(1);
    const report = JSON.parse(readFileSync(file('r.json'), 'utf8'));
    expect(report.summary).toMatchObject({ steps: 5, agreeing: 4, agreement: 0.8, threshold: 0.97, passed: false });
    expect(report.summary.aspects.status).toEqual({ agree: 4, compared: 5 });
    expect(report.steps[4]).toMatchObject({ name: 'list groups', area: 'auth', reference: { status: 404 }, mock: { status: 501 }, firstDifference: 'status: reference 404, mock 501' });
    expect(report.reference).toBe(`${file('t.json')} (recorded from ${reference.url})`);

    const gone = await diff('--reference', unreachable);
    expect(gone.stderr).toBe(`mockgate diff: error: cannot reach the reference at ${unreachable} (ECONNREFUSED); start it, or check --reference\n`);
    expect(gone.code).toBe(2);
  });
});

describe('a running mock (--mock)', () => {
  it('plays the run in a fresh session switched to --scenario, leaving the server\'s default session alone', async () => {
    const server = await startMockgate({ logLevel: 'silent' }); // default scenario: lakeFS in RBAC mode
    try {
      const args = ['diff', '--script', file('tiny.yaml'), '--reference', reference.url, '--mock', server.url, '--scenario', 'lakefs-community', '--threshold', '0.8'];
      const { code, stderr } = await runCli(args);
      expect(stderr).toContain('4 of 5 steps agree');
      expect(code).toBe(0);
      const sessions = (await server.admin.sessions()).map((s) => s.name);
      expect(sessions.filter((name) => name.startsWith('mockgate-diff-'))).toHaveLength(1);
      expect((await server.admin.scenario()).name).toBe('default');
    } finally {
      await server.close();
    }
  });
});

describe('usage errors exit 2 with one line', () => {
  it.each([
    [['--reference', 'http://127.0.0.1:1', '--threshold', '2'], /^mockgate diff: error: option '--threshold <share>' argument '2' is invalid\. "2" is not a share between 0 and 1/],
    [[], /^mockgate diff: error: pass --reference <url> \(a live server\) or --transcript <file> \(a recording of one\)\n$/],
    [['--transcript', 'nowhere.json', '--record', 'x.json'], /^mockgate diff: error: --record needs --reference <url>/],
    [['--transcript', '/nonexistent/t.json'], /^mockgate diff: error: --transcript \/nonexistent\/t\.json: cannot read the file \(ENOENT\); record one with --reference <url> --record <file>\n$/],
  ])('%j', async (args, message) => {
    const { code, stderr } = await diff(...args);
    expect(linesOf(stderr)).toHaveLength(1);
    expect(stderr).toMatch(message);
    expect(code).toBe(2);
  });

  it('--help documents every flag and exits 0; the server\'s --help points at the subcommand', async () => {
    const help = await runCli(['diff', '--help']);
    expect(help.code).toBe(0);
    for (const flag of ['--script', '--reference', '--transcript', '--mock', '--scenario', '--session', '--admin-token', '--timeout', '--record', '--format', '--output', '--threshold']) {
      expect(help.stdout).toContain(flag);
    }
    expect((await runCli(['--help'])).stdout).toContain('diff --script <file> (--reference <url> | --transcript <file>)');
  });

  it('a mistake in the script names the file, line and column', async () => {
    await writeFile(file('bad.yaml'), 'name: bad\nsteps:\n  - name: one\n    method: GET\n    path: /users/{{id}}\n');
    const { code, stderr } = await runCli(['diff', '--script', file('bad.yaml'), '--transcript', file('t.json')]);
    expect(stderr).toBe(
      `mockgate diff: error: ${file('bad.yaml')}:5:11: /steps/0/path: {{id}} is never set before it is used; add it to vars or the capture of an earlier step (known here: none)\n`,
    );
    expect(code).toBe(2);
  });
});

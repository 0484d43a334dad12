/**
 * --state-file survives a crash: the real CLI, under concurrent write load, is killed with SIGKILL (no
 * shutdown hook runs); on restart from the same file every write it acknowledged is there, and the file is
 * valid JSON after every kill.
 *
 * What makes this hold (src/pipeline/stages.ts, src/state/store.ts): a handler's change is persisted —
 * lowdb's steno writer: temp file, then rename over the state file — before the pipeline returns the answer,
 * so a 201 is never sent for a change that is not in the file; a write queued behind a running one is
 * serialised when queued and resolved only once a later rename carries it.
 *
 * Since issue 15 the state file is a snapshot plus an append-only change log (src/state/change-log.ts): a 201 is
 * sent once the request's line is appended; a kill mid-append leaves a torn last line, which loading ignores; a
 * kill mid-compaction leaves a snapshot that says which log lines it already holds. The large-state case runs
 * all of that over 100 000 stored users, and kills the server while it loads them, too.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEntry, startCli, stopAll, type RunningCli } from '../support/spawn.js';
import { repoRoot } from '../support/test-app.js';
import { send } from './support/http.js';
import { readStateFile } from '../../src/state/store.js';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'mockgate-crash-'));
const stateFile = path.join(tmp, 'state.json');
const SESSION = 'crash';
const KEY = 'tdb-ws_9m4e2mr0ui3e8a215n4g-alicedemotoken00000001';

afterAll(async () => {
  await stopAll();
  await rm(tmp, { recursive: true, force: true });
});

const start = () => startCli(['--port', '0', '--state-file', stateFile, '--log-level', 'warn', '--seed', '1']);

function create(cli: RunningCli, name: string) {
  return send(cli.url, {
    method: 'POST',
    path: '/v4/credentials/acme',
    headers: { 'X-TILEDB-REST-API-KEY': KEY, 'X-Mock-Session': SESSION, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name, provider: 'AWS', credential: { aws: { access_key_id: 'AKIAEXAMPLE', secret_access_key: 's' } } }),
  });
}

/**
 * Keeps `workers` creates in flight until `acknowledgedTarget` were answered 201, then SIGKILLs the server
 * with requests still in flight. Resolves with the names answered 201 (answers cut off by the kill count as
 * not acknowledged: their writes may or may not have landed).
 */
async function loadThenKill(cli: RunningCli, round: number, workers: number, acknowledgedTarget: number): Promise<string[]> {
  const acknowledged: string[] = [];
  let next = 0;
  let killed = false;
  const kill = () => {
    if (killed) return;
    killed = true;
    cli.child.kill('SIGKILL');
  };
  const worker = async () => {
    while (!killed) {
      const name = `crash-${round}-${next++}`;
      try {
        const a = await create(cli, name);
        if (a.status === 201) acknowledged.push(name);
        else throw new Error(`create ${name}: ${a.status} ${a.text}`);
      } catch (err) {
        if (killed) return; // cut off by the kill
        throw err;
      }
      if (acknowledged.length >= acknowledgedTarget) kill();
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  const exit = await new Promise<string | number | null>((resolve) =>
    cli.child.exitCode !== null || cli.child.signalCode !== null ? resolve(cli.child.signalCode ?? cli.child.exitCode) : cli.child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  expect(exit).toBe('SIGKILL');
  return acknowledged;
}

async function storedNames(cli: RunningCli): Promise<Set<string>> {
  const a = await send(cli.url, { path: `/__admin/state?session=${SESSION}` });
  expect(a.status, a.text).toBe(200);
  return new Set((a.json.apis.tiledb.credentials as Array<{ name: string }>).map((c) => c.name));
}

describe('--state-file under SIGKILL', () => {
  it('keeps every acknowledged write across three kills mid-load, and the file always parses', { timeout: 120_000 }, async () => {
    const acknowledged: string[] = [];
    for (let round = 1; round <= 3; round++) {
      const cli = await start();
      // Everything acknowledged before this start is there.
      const names = await storedNames(cli);
      expect(acknowledged.filter((n) => !names.has(n))).toEqual([]);

      acknowledged.push(...(await loadThenKill(cli, round, 24, 60 * round)));

      // Throws (and fails the test) if the kill left a snapshot that does not parse or a log line that is not a
      // record (a torn last line is not acknowledged, and is skipped).
      const data = await readStateFile(stateFile);
      expect(data.version).toBe(1);
      const onDisk = new Set((data.sessions[SESSION]!.tiledb as { credentials: Array<{ name: string }> }).credentials.map((c) => c.name));
      expect(acknowledged.filter((n) => !onDisk.has(n)), 'acknowledged but not in the file').toEqual([]);
    }

    const cli = await start();
    try {
      const names = await storedNames(cli);
      expect(acknowledged.filter((n) => !names.has(n))).toEqual([]);
      // …and each one reads back through the API.
      for (const name of acknowledged.slice(-5)) {
        const a = await send(cli.url, { path: `/v4/credentials/acme/${name}`, headers: { 'X-TILEDB-REST-API-KEY': KEY, 'X-Mock-Session': SESSION } });
        expect(a.status, a.text).toBe(200);
      }
      expect(acknowledged.length).toBeGreaterThanOrEqual(60 + 120 + 180);
    } finally {
      await cli.stop();
    }
  });

  it('keeps acknowledged admin writes too: a restored state, then a session reset', { timeout: 60_000 }, async () => {
    const file = path.join(tmp, 'admin-state.json');
    const admin = (cli: RunningCli, p: string, init?: { method: string; body?: unknown }) =>
      send(cli.url, {
        method: init?.method ?? 'GET',
        path: `/__admin${p}`,
        headers: init?.body !== undefined ? { 'Content-Type': 'application/json' } : {},
        body: init?.body !== undefined ? JSON.stringify(init.body) : undefined,
      });
    const kill = async (cli: RunningCli) => {
      cli.child.kill('SIGKILL');
      if (cli.child.exitCode === null && cli.child.signalCode === null) await new Promise((resolve) => cli.child.once('exit', resolve));
    };

    let cli = await startCli(['--port', '0', '--state-file', file, '--log-level', 'warn']);
    expect((await admin(cli, '/state?session=kept', { method: 'PUT', body: { session: 'kept', apis: { x: { a: 1 } } } })).status).toBe(200);
    expect((await admin(cli, '/state?session=dropped', { method: 'PUT', body: { session: 'dropped', apis: { x: { b: 2 } } } })).status).toBe(200);
    expect((await admin(cli, '/reset?session=dropped', { method: 'POST' })).status).toBe(200);
    await kill(cli);

    cli = await startCli(['--port', '0', '--state-file', file, '--log-level', 'warn']);
    try {
      expect((await admin(cli, '/state?session=kept')).json.apis).toEqual({ x: { a: 1 } });
      // The reset was answered 200: the session must come back re-seeded, not with the state it had before.
      expect((await admin(cli, '/state?session=dropped')).json.apis).not.toEqual({ x: { b: 2 } });
    } finally {
      await cli.stop();
    }
  });

  it('keeps every acknowledged write over 100 000 stored users, across kills mid-load and kills while loading', { timeout: 180_000 }, async () => {
    const file = path.join(tmp, 'large-state.json');
    const LARGE = 'large';
    const USERS = 100_000;
    const args = ['--port', '0', '--state-file', file, '--log-level', 'warn', '--seed', '1', '--body-limit-mb', '64'];
    const lakefs = { Authorization: `Basic ${Buffer.from('AKIAIOSFOLQUICKSTART:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY').toString('base64')}`, 'X-Mock-Session': LARGE };
    const createUser = (cli: RunningCli, id: string) =>
      send(cli.url, { method: 'POST', path: '/api/v1/auth/users', headers: { ...lakefs, 'Content-Type': 'application/json' }, body: JSON.stringify({ id }) });
    const usersOnDisk = async () => {
      const data = await readStateFile(file); // throws if the snapshot does not parse or a complete log line is not a record
      return new Set(Object.keys((data.sessions[LARGE]!.lakefs as { users: object }).users));
    };

    let cli = await startCli(args, undefined, { timeoutMs: 60_000 });
    const state = await send(cli.url, { path: `/__admin/state?session=${LARGE}` });
    const users = state.json.apis.lakefs.users as Record<string, unknown>;
    for (let i = 0; i < USERS; i++) {
      const id = `seeded-${String(i).padStart(6, '0')}`;
      users[id] = { id, creationDate: 1_700_000_000 };
    }
    const put = await send(cli.url, {
      method: 'PUT',
      path: `/__admin/state?session=${LARGE}`,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ session: LARGE, apis: state.json.apis }),
    });
    expect(put.status, put.text).toBe(200);

    const acknowledged: string[] = [];
    for (let round = 1; round <= 2; round++) {
      // Creates in flight until enough were acknowledged, then SIGKILL (a compaction of the seeded state may be
      // under way: the seed alone outgrows the log's compaction floor).
      let next = 0;
      let killed = false;
      const worker = async () => {
        while (!killed) {
          const id = `large-${round}-${next++}`;
          try {
            const a = await createUser(cli, id);
            if (a.status !== 201) throw new Error(`create ${id}: ${a.status} ${a.text}`);
            acknowledged.push(id);
          } catch (err) {
            if (killed) return;
            throw err;
          }
          if (acknowledged.length >= 150 * round && !killed) {
            killed = true;
            cli.child.kill('SIGKILL');
          }
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      if (cli.child.exitCode === null && cli.child.signalCode === null) await new Promise((r) => cli.child.once('exit', r));
      const onDisk = await usersOnDisk();
      expect(onDisk.size).toBeGreaterThanOrEqual(USERS + acknowledged.length);
      expect(acknowledged.filter((id) => !onDisk.has(id)), 'acknowledged but not in the state file').toEqual([]);

      // Killed while loading: at a few moments of the start-up (module loading, reading the snapshot, replaying).
      for (const delayMs of [300, 800, 1500]) {
        const child = spawn(process.execPath, ['--import', 'tsx', cliEntry, ...args], { cwd: repoRoot, stdio: 'ignore' });
        await new Promise((r) => setTimeout(r, delayMs));
        child.kill('SIGKILL');
        if (child.exitCode === null && child.signalCode === null) await new Promise((r) => child.once('exit', r));
        expect((await usersOnDisk()).size).toBe(onDisk.size);
      }
      cli = await startCli(args, undefined, { timeoutMs: 60_000 });
    }

    try {
      const page = await send(cli.url, { path: `/api/v1/auth/users?prefix=large-&amount=1000`, headers: lakefs });
      expect(page.status, page.text).toBe(200);
      const listed = new Set((page.json.results as Array<{ id: string }>).map((u) => u.id));
      expect(acknowledged.filter((id) => !listed.has(id))).toEqual([]);
      const middle = await send(cli.url, { path: `/api/v1/auth/users?after=seeded-050000&amount=2`, headers: lakefs });
      expect(middle.json.results.map((u: { id: string }) => u.id)).toEqual(['seeded-050001', 'seeded-050002']);
    } finally {
      expect(await cli.stop()).toBe(0);
    }
    // A clean stop leaves one snapshot holding everything, and an empty log.
    const snapshot = JSON.parse(await readFile(file, 'utf8'));
    expect(Object.keys(snapshot.sessions[LARGE].lakefs.users).length).toBeGreaterThanOrEqual(USERS + acknowledged.length);
  });
});

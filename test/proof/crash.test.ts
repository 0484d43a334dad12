/**
 * --state-file survives a crash: the real CLI, under concurrent write load, is killed with SIGKILL (no
 * shutdown hook runs); on restart from the same file every write it acknowledged is there, and the file is
 * valid JSON after every kill.
 *
 * What makes this hold (src/pipeline/stages.ts, src/state/store.ts): a handler's change is persisted —
 * lowdb's steno writer: temp file, then rename over the state file — before the pipeline returns the answer,
 * so a 201 is never sent for a change that is not in the file; a write queued behind a running one is
 * serialised when queued and resolved only once a later rename carries it.
 */
import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startCli, stopAll, type RunningCli } from '../support/spawn.js';
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
});

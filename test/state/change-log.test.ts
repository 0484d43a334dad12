/**
 * --state-file as a snapshot plus a change log: what was persisted loads back, a torn last line (a kill in the
 * middle of an append) is ignored and cut off, compaction folds the log into the snapshot — and a kill at any
 * point of it loads the same state —, and a line that is not a record is refused with the file and the line.
 */
import { appendFile, copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readStateFile, StateFileError, StateStore } from '../../src/state/store.js';

const dir = await mkdtemp(path.join(os.tmpdir(), 'mockgate-changelog-'));
afterAll(() => rm(dir, { recursive: true, force: true }));

let n = 0;
const fresh = () => path.join(dir, `state-${++n}.json`);

/** Plain JSON, as the file holds it (the store's tables are null-prototype). */
const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

/** As a request does: changes the state in memory, then persists the change (a user, or its removal). */
function write(store: StateStore, id: string, remove = false): Promise<void> {
  const users = (store.get('s') as { api: { users: Record<string, unknown> } }).api.users;
  if (remove) {
    delete users[id];
    return store.persist([{ p: ['s', 'api', 'users', id] }]);
  }
  Object.defineProperty(users, id, { value: { id }, enumerable: true, writable: true, configurable: true });
  return store.persist([{ p: ['s', 'api', 'users', id], v: { id } }]);
}

async function storeWithUsers(file: string, count: number): Promise<StateStore> {
  const store = await StateStore.open(file);
  store.set('s', { api: { users: {} } });
  await store.persist();
  for (let i = 0; i < count; i++) await write(store, `u${i}`);
  return store;
}

const usersOf = async (file: string) => Object.keys(((await readStateFile(file)).sessions.s as { api: { users: object } }).api.users);

describe('the change log', () => {
  it('appends one line per commit, and a restart replays them onto the snapshot', async () => {
    const file = fresh();
    await storeWithUsers(file, 3);
    const lines = (await readFile(`${file}.log`, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(JSON.parse(lines[1]!)).toEqual({ seq: 2, ops: [{ p: ['s', 'api', 'users', 'u0'], v: { id: 'u0' } }] });
    // No close: as after a kill -9.
    const again = await StateStore.open(file);
    expect(plain(again.get('s'))).toEqual({ api: { users: { u0: { id: 'u0' }, u1: { id: 'u1' }, u2: { id: 'u2' } } } });
  });

  it('costs the same per write whatever is stored: a commit appends its change, not the state', async () => {
    const file = fresh();
    const store = await storeWithUsers(file, 2000);
    const before = (await stat(`${file}.log`)).size;
    await write(store, 'one-more');
    expect((await stat(`${file}.log`)).size - before).toBeLessThan(100);
  });

  it('ignores a torn last line (never acknowledged), cuts it off, and appends the next line cleanly', async () => {
    const file = fresh();
    await storeWithUsers(file, 2);
    await appendFile(`${file}.log`, '{"seq":4,"ops":[{"p":["s","api","users","torn"],"v":{"id":');
    expect(await usersOf(file)).toEqual(['u0', 'u1']);
    const store = await StateStore.open(file);
    expect((await readFile(`${file}.log`, 'utf8')).endsWith('\n')).toBe(true);
    await write(store, 'next');
    expect(await usersOf(file)).toEqual(['u0', 'u1', 'next']);
  });

  it('compacts: the snapshot holds everything with the last seq, the log is emptied, and a restart loads the same', async () => {
    const file = fresh();
    const store = await storeWithUsers(file, 5);
    await store.compact();
    expect((await stat(`${file}.log`)).size).toBe(0);
    const snapshot = JSON.parse(await readFile(file, 'utf8'));
    expect(snapshot.seq).toBe(6);
    expect(Object.keys(snapshot.sessions.s.api.users)).toHaveLength(5);
    await write(store, 'u0', true);
    expect(await usersOf(file)).toEqual(['u1', 'u2', 'u3', 'u4']);
  });

  it('loads the same state after a kill between the snapshot and the log swap (lines the snapshot holds are skipped)', async () => {
    const file = fresh();
    const store = await storeWithUsers(file, 3);
    await write(store, 'u1', true);
    const fullLog = `${file}.full`;
    await copyFile(`${file}.log`, fullLog);
    await store.compact();
    const expected = await readStateFile(file);
    // As if the process died after the new snapshot's rename, before the log was replaced.
    await copyFile(fullLog, `${file}.log`);
    expect(await readStateFile(file)).toEqual(expected);
    expect(await usersOf(file)).toEqual(['u0', 'u2']);
  });

  it('compacts by itself, in the background, once the log outgrows the snapshot and the floor', async () => {
    const file = fresh();
    const store = await StateStore.open(file, { compactFloorBytes: 2_000 });
    store.set('s', { api: { users: {} } });
    await store.persist();
    for (let i = 0; i < 200; i++) await write(store, `u${i}`);
    // No write waits for a compaction: wait (on a loaded machine, a while) for one to have replaced the log.
    const snapshotSeq = async () => JSON.parse(await readFile(file, 'utf8').catch(() => '{"seq":0}')).seq as number;
    const logLines = async () => (await readFile(`${file}.log`, 'utf8')).split('\n').length;
    for (let tries = 0; tries < 500 && ((await snapshotSeq()) === 0 || (await logLines()) >= 200); tries++) await new Promise((r) => setTimeout(r, 20));
    expect(await snapshotSeq()).toBeGreaterThan(0);
    // The log no longer holds the lines the snapshot took in.
    expect(await logLines()).toBeLessThan(200);
    expect(await usersOf(file)).toHaveLength(200);
  });

  it('keeps lines appended while a compaction writes its snapshot', async () => {
    const file = fresh();
    const store = await storeWithUsers(file, 3);
    const compaction = store.compact();
    const writes = Array.from({ length: 20 }, (_, i) => write(store, `late${i}`));
    await Promise.all([compaction, ...writes]);
    expect(await usersOf(file)).toHaveLength(23);
    const reopened = await StateStore.open(file);
    expect(Object.keys((reopened.get('s') as { api: { users: object } }).api.users)).toHaveLength(23);
  });

  it('writes concurrent commits together and acknowledges each once its line is written', async () => {
    const file = fresh();
    const store = await storeWithUsers(file, 0);
    await Promise.all(Array.from({ length: 200 }, (_, i) => write(store, `c${i}`)));
    expect(await usersOf(file)).toHaveLength(200);
  });

  it('records wholesale changes — a session set, deleted, everything cleared — with the next persist', async () => {
    const file = fresh();
    const store = await StateStore.open(file);
    store.set('a', { x: { n: 1 } });
    store.set('b', { x: { n: 2 } });
    await store.persist();
    store.delete('a');
    await store.persist();
    expect(Object.keys((await readStateFile(file)).sessions)).toEqual(['b']);
    store.clear();
    store.set('c', { x: { n: 3 } });
    await store.persist();
    expect(plain((await readStateFile(file)).sessions)).toEqual({ c: { x: { n: 3 } } });
  });

  it('holds a session named __proto__ and keys named __proto__ as data', async () => {
    const file = fresh();
    const store = await StateStore.open(file);
    store.set('__proto__', { api: { users: {} } });
    await store.persist([{ p: ['__proto__', 'api', 'users', '__proto__'], v: { id: '__proto__' } }]);
    const reopened = await StateStore.open(file);
    const users = (reopened.get('__proto__') as { api: { users: Record<string, unknown> } }).api.users;
    expect(Object.hasOwn(users, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(users)).toBe(Object.prototype);
  });

  it('refuses a log line that is not a change record, naming the file and the line', async () => {
    const file = fresh();
    await storeWithUsers(file, 2);
    const log = await readFile(`${file}.log`, 'utf8');
    const lines = log.split('\n');
    lines[1] = 'garbage';
    await writeFile(`${file}.log`, lines.join('\n'));
    await expect(StateStore.open(file)).rejects.toThrow(StateFileError);
    await expect(StateStore.open(file)).rejects.toThrow(`${file}.log: line 2 is not a change record`);
  });

  it('refuses a snapshot whose seq is not a count', async () => {
    const file = fresh();
    await writeFile(file, JSON.stringify({ version: 1, seq: 'x', sessions: {} }));
    await expect(StateStore.open(file)).rejects.toThrow(`${file}: /seq is "x"`);
  });

  it('reads a state file written before the change log (no seq, no log)', async () => {
    const file = fresh();
    await writeFile(file, JSON.stringify({ version: 1, sessions: { old: { api: { a: 1 } } } }, null, 2));
    const store = await StateStore.open(file);
    expect(plain(store.get('old'))).toEqual({ api: { a: 1 } });
  });
});

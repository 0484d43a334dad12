/**
 * A request's changes commit only when it succeeds. A handler that fails half-way — a bug that throws, or an
 * error it raises after changing things — and a --state-file write that fails all leave the session exactly
 * as it was, and say so with a 500 (or the handler's own error) in the API's shape.
 *
 * Guards the fault where TileDB's PATCH with an unknown key beside the provider key renamed the credential,
 * switched its provider and dropped its material, then answered 500.
 */
import { mkdir, mkdtemp, rename, rm, rmdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { conflict } from '../../src/engine/errors.js';
import type { ApiModule } from '../../src/engine/types.js';
import { createTestApp } from '../support/test-app.js';
import { ALICE, createWidgetsApp, WIDGETS } from '../support/widgets-app.js';
import { widgetsApi } from '../support/widgets-api.js';
import { readStateFile } from '../../src/state/store.js';

/** Widgets whose create changes several things, then fails as the body asks: a bug, or a late 409. */
const halfwayApi: ApiModule = {
  ...widgetsApi,
  handlers: {
    ...widgetsApi.handlers,
    createWidget: ({ state, request }) => {
      state.widgets[request.body.name] = request.body;
      state.widgets.sprocket.color = 'changed';
      delete state.widgets.gear;
      state.keys.push('key-mallory');
      state.keys.sort();
      if (request.body.name === 'cog-bug') (undefined as unknown as { boom(): void }).boom();
      if (request.body.name === 'cog-late-conflict') throw conflict('found a conflict after writing');
      return { status: 201, body: request.body };
    },
  },
};

describe('a handler that fails half-way', async () => {
  const t = await createWidgetsApp({ strict: false }, { apis: [halfwayApi] });
  afterAll(() => t.close());
  const snapshot = async () => (await t.http.get('/__admin/state?session=halfway').expect(200)).body.apis;

  it.each([
    ['throws a bug', 'bug', 500],
    ['raises an error after writing', 'late-conflict', 409],
  ])('%s: the answer is the error, and the session is as before', async (_name, failure, status) => {
    await t.http.post(`${WIDGETS}/widgets`).set(ALICE).set('X-Mock-Session', 'halfway').send({ name: 'gear', color: 'green' }).expect(201);
    const before = await snapshot();
    const res = await t.http.post(`${WIDGETS}/widgets`).set(ALICE).set('X-Mock-Session', 'halfway').send({ name: `cog-${failure}`, color: 'blue' });
    expect(res.status).toBe(status);
    expect(await snapshot()).toEqual(before);
    await t.http.get(`${WIDGETS}/widgets/cog-${failure}`).set(ALICE).set('X-Mock-Session', 'halfway').expect(404);
    await t.http.post('/__admin/reset?session=halfway').expect(200);
  });
});

/** Widgets whose GET of one widget counts the reads on it, and fails on a widget named `fragile`. */
const countingApi = (declared: boolean): ApiModule => ({
  ...widgetsApi,
  ...(declared ? { writesOnSafeMethods: ['getWidget'] } : {}),
  handlers: {
    ...widgetsApi.handlers,
    getWidget: ({ state, request }) => {
      const widget = state.widgets[request.params.name];
      widget.reads = (widget.reads ?? 0) + 1;
      if (request.params.name === 'fragile') throw conflict('fragile');
      return { status: 200, body: { name: widget.name, color: widget.color } };
    },
  },
});

describe('a GET handler that changes state', () => {
  const reads = async (t: Awaited<ReturnType<typeof createWidgetsApp>>, name: string) =>
    (await t.http.get('/__admin/state').expect(200)).body.apis.widgets.widgets[name].reads;

  it('listed in writesOnSafeMethods: its changes are kept when it succeeds and undone when it fails', async () => {
    const t = await createWidgetsApp({ strict: false }, { apis: [countingApi(true)] });
    await t.http.post(`${WIDGETS}/widgets`).set(ALICE).send({ name: 'fragile', color: 'red' }).expect(201);
    await t.http.get(`${WIDGETS}/widgets/sprocket`).set(ALICE).expect(200);
    expect(await reads(t, 'sprocket')).toBe(1);
    await t.http.get(`${WIDGETS}/widgets/fragile`).set(ALICE).expect(409);
    expect(await reads(t, 'fragile')).toBeUndefined();
    await t.close();
  });

  it('not listed: --strict answers 500 naming the operation, and changes nothing', async () => {
    const t = await createWidgetsApp({ strict: true }, { apis: [countingApi(false)] });
    const res = await t.http.get(`${WIDGETS}/widgets/sprocket`).set(ALICE);
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).toMatch(/getWidget changed state on a GET but its API does not list it in writesOnSafeMethods/);
    expect(await reads(t, 'sprocket')).toBeUndefined();
    await t.close();
  });
});

describe('a --state-file write that fails', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mockgate-atomic-'));
  const stateFile = path.join(dir, 'state.json');
  // Not strict: the widgets spec declares no 500, and the 500 itself is what is tested.
  const t = await createWidgetsApp({ stateFile, strict: false });
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers 500 saying nothing was changed, keeps memory and file as they were, and the next write works', async () => {
    await t.http.post(`${WIDGETS}/widgets`).set(ALICE).send({ name: 'saved', color: 'blue' }).expect(201);
    const fileBefore = await readStateFile(stateFile);
    // Each commit is appended to the state file's change log: a folder in its place makes every write fail.
    const log = `${stateFile}.log`;
    await rename(log, `${log}.aside`);
    await mkdir(log);

    const res = await t.http.post(`${WIDGETS}/widgets`).set(ALICE).send({ name: 'unsaved', color: 'blue' });
    expect(res.status).toBe(500);
    expect(res.body.message).toMatch(/^the change could not be saved to the state file \(.*EISDIR.*\); nothing was changed$/);
    await t.http.get(`${WIDGETS}/widgets/unsaved`).set(ALICE).expect(404);
    const deleted = await t.http.delete(`${WIDGETS}/widgets/saved`).set(ALICE);
    expect(deleted.status).toBe(500);
    await t.http.get(`${WIDGETS}/widgets/saved`).set(ALICE).expect(200);
    await rmdir(log);
    await rename(`${log}.aside`, log);
    expect(await readStateFile(stateFile)).toEqual(fileBefore);

    await t.http.post(`${WIDGETS}/widgets`).set(ALICE).send({ name: 'later', color: 'blue' }).expect(201);
    const onDisk = await readStateFile(stateFile);
    expect(Object.keys((onDisk.sessions.default as { widgets: { widgets: object } }).widgets.widgets).sort()).toEqual(['later', 'saved', 'sprocket']);
  });
});

describe('a lakeFS write whose --state-file append fails', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mockgate-atomic-lakefs-'));
  const stateFile = path.join(dir, 'state.json');
  const t = await createTestApp({ stateFile, strict: false });
  const LAKEFS = { Authorization: `Basic ${Buffer.from('AKIAIOSFOLQUICKSTART:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY').toString('base64')}` };
  const ids = async (query = '') => ((await t.http.get(`/api/v1/auth/users${query}`).set(LAKEFS).expect(200)).body.results as Array<{ id: string }>).map((u) => u.id);
  afterAll(async () => {
    await t.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves no trace in the ordered listing or the memberships: a rolled-back create, add and delete are all undone', async () => {
    await t.http.post('/api/v1/auth/users').set(LAKEFS).send({ id: 'kept' }).expect(201);
    await t.http.post('/api/v1/auth/groups').set(LAKEFS).send({ id: 'crew' }).expect(201);
    await t.http.put('/api/v1/auth/groups/crew/members/kept').set(LAKEFS).expect(201);
    const before = await ids();
    // The listing's ordered index and the membership index are built now, before the failing writes.
    expect(before).toContain('kept');
    expect((await t.http.get('/api/v1/auth/users/kept/groups').set(LAKEFS).expect(200)).body.results.map((g: { id: string }) => g.id)).toEqual(['crew']);
    const log = `${stateFile}.log`;
    await rename(log, `${log}.aside`);
    await mkdir(log);

    expect((await t.http.post('/api/v1/auth/users').set(LAKEFS).send({ id: 'lost' })).status).toBe(500);
    expect((await t.http.delete('/api/v1/auth/users/kept').set(LAKEFS)).status).toBe(500);
    expect((await t.http.delete('/api/v1/auth/groups/crew/members/kept').set(LAKEFS)).status).toBe(500);

    expect(await ids()).toEqual(before);
    expect(await ids('?prefix=lost')).toEqual([]);
    expect(await ids('?after=kept&amount=1')).toEqual(before.slice(before.indexOf('kept') + 1, before.indexOf('kept') + 2));
    expect((await t.http.get('/api/v1/auth/users/kept/groups').set(LAKEFS).expect(200)).body.results.map((g: { id: string }) => g.id)).toEqual(['crew']);
    expect((await t.http.get('/api/v1/auth/groups/crew/members').set(LAKEFS).expect(200)).body.results.map((u: { id: string }) => u.id)).toEqual(['kept']);

    await rmdir(log);
    await rename(`${log}.aside`, log);
    await t.http.post('/api/v1/auth/users').set(LAKEFS).send({ id: 'later' }).expect(201);
    expect(await ids()).toEqual([...before, 'later'].sort());
  });
});

describe('TileDB PATCH with an unknown key beside the provider key', async () => {
  const t = await createTestApp();
  afterAll(() => t.close());
  const KEY = { 'X-TILEDB-REST-API-KEY': 'tdb-ws_9m4e2mr0ui3e8a215n4g-alicedemotoken00000001' };

  it('ignores the unknown key, as Go\'s decoder does, and applies the whole change', async () => {
    const res = await t.http.patch('/v4/credentials/acme/aws-keys').set(KEY).send({
      name: 'renamed',
      provider: 'AZURE',
      credential: { bogus: {}, azure: { account_name: 'acct', account_key: 'k' } },
    });
    expect(res.status, res.text).toBe(204);
    const got = await t.http.get('/v4/credentials/acme/renamed').set(KEY).expect(200);
    expect(got.body.data.provider).toBe('AZURE');
    expect(got.body.data.credential).toEqual({ azure: { account_name: 'acct' } });
    await t.http.get('/v4/credentials/acme/aws-keys').set(KEY).expect(404);
  });

  it('never answered against its own spec', () => {
    expect(t.violations()).toEqual([]);
  });
});

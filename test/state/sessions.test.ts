import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ALICE, createWidgetsApp, fakeClock, WIDGETS } from '../support/widgets-app.js';
import { readStateFile } from '../../src/state/store.js';

const t = await createWidgetsApp();
afterAll(() => t.close());

describe('sessions', () => {
  it('isolate state: a widget created in one session does not exist in another', async () => {
    await t.http.post(`${WIDGETS}/widgets`).set(ALICE).set('X-Mock-Session', 'a').send({ name: 'only-in-a', color: 'green' }).expect(201);
    await t.http.get(`${WIDGETS}/widgets/only-in-a`).set(ALICE).set('X-Mock-Session', 'a').expect(200);
    await t.http.get(`${WIDGETS}/widgets/only-in-a`).set(ALICE).set('X-Mock-Session', 'b').expect(404);
    await t.http.get(`${WIDGETS}/widgets/only-in-a`).set(ALICE).expect(404);
  });

  it('isolate the journal', async () => {
    const a = await t.http.get('/__admin/requests?session=a');
    expect(a.body.requests.every((e: { session: string }) => e.session === 'a')).toBe(true);
    expect(a.body.requests.map((e: { operationId: string }) => e.operationId)).toEqual(['getWidget', 'createWidget']);
  });

  it('reset one session to its scenario without touching the others', async () => {
    await t.http.post(`${WIDGETS}/widgets`).set(ALICE).set('X-Mock-Session', 'c').send({ name: 'in-c', color: 'green' }).expect(201);
    await t.http.post('/__admin/reset?session=a').expect(200, { reset: 'a' });
    await t.http.get(`${WIDGETS}/widgets/only-in-a`).set(ALICE).set('X-Mock-Session', 'a').expect(404);
    await t.http.get(`${WIDGETS}/widgets/sprocket`).set(ALICE).set('X-Mock-Session', 'a').expect(200);
    await t.http.get(`${WIDGETS}/widgets/in-c`).set(ALICE).set('X-Mock-Session', 'c').expect(200);
  });

  it('round-trip a snapshot: GET state, change things, PUT it back', async () => {
    const snapshot = (await t.http.get('/__admin/state?session=d').expect(200)).body;
    expect(snapshot.apis.widgets.widgets).toEqual({ sprocket: { name: 'sprocket', color: 'red' } });
    await t.http.delete(`${WIDGETS}/widgets/sprocket`).set(ALICE).set('X-Mock-Session', 'd').expect(204);
    await t.http.put('/__admin/state?session=d').send(snapshot).expect(200);
    await t.http.get(`${WIDGETS}/widgets/sprocket`).set(ALICE).set('X-Mock-Session', 'd').expect(200);
  });
});

describe('session lifecycle: idle sessions are forgotten, and their clients are told', () => {
  const clock = fakeClock();
  const IDLE_MS = 30 * 60_000;
  let app: Awaited<ReturnType<typeof createWidgetsApp>>;
  const get = (session: string, name = 'mine') => app.http.get(`${WIDGETS}/widgets/${name}`).set(ALICE).set('X-Mock-Session', session);
  const listed = async () => (await app.http.get('/__admin/sessions').expect(200)).body;

  it('lists each session in use with its scenario, state size and last use, and the caps', async () => {
    app = await createWidgetsApp({ sessionIdleMs: IDLE_MS }, { now: clock.now });
    await app.http.post(`${WIDGETS}/widgets`).set(ALICE).set('X-Mock-Session', 'idle-a').send({ name: 'mine', color: 'green' }).expect(201);
    clock.advance(60_000);
    // A session used only through the admin API (a fault queued for it) exists without state.
    await app.http.post('/__admin/faults?session=stateless').send({ status: 503 }).expect(201);
    const body = await listed();
    expect(body.idleSeconds).toBe(1800);
    expect(body.maxSessions).toBe(1000);
    expect(body.sessions).toEqual([
      { name: 'default', scenario: 'widgets-basic', stateBytes: 0 },
      { name: 'idle-a', scenario: 'widgets-basic', stateBytes: expect.any(Number), lastUsed: '2026-01-01T00:00:00.000Z' },
      { name: 'stateless', scenario: 'widgets-basic', stateBytes: 0, lastUsed: '2026-01-01T00:01:00.000Z' },
    ]);
    expect(body.sessions[1].stateBytes).toBeGreaterThan(20);
  });

  it('forgets a session idle longer than --session-idle; its next request starts afresh and says why, once', async () => {
    clock.advance(IDLE_MS + 1);
    expect((await listed()).sessions.map((s: { name: string }) => s.name)).toEqual(['default']);
    const back = await get('idle-a').expect(404);
    expect(back.headers['x-mock-session-forgotten']).toBe('idle; at="2026-01-01T00:31:00.001Z"');
    const [entry] = (await app.http.get('/__admin/requests?session=idle-a')).body.requests;
    expect(entry.sessionForgotten).toEqual({ cause: 'idle', at: '2026-01-01T00:31:00.001Z' });
    expect((await get('idle-a')).headers['x-mock-session-forgotten']).toBeUndefined();
  });

  it('never forgets a session that keeps being used, nor the default one', async () => {
    await app.http.post(`${WIDGETS}/widgets`).set(ALICE).set('X-Mock-Session', 'busy').send({ name: 'mine', color: 'green' }).expect(201);
    await app.http.post(`${WIDGETS}/widgets`).set(ALICE).send({ name: 'mine', color: 'green' }).expect(201);
    for (let i = 0; i < 6; i++) {
      clock.advance(IDLE_MS / 2);
      await get('busy').expect(200);
    }
    const back = await get('default').expect(200);
    expect(back.headers['x-mock-session-forgotten']).toBeUndefined();
  });

  it('says nothing after a reset someone asked for', async () => {
    await app.http.post('/__admin/reset?session=busy').expect(200);
    clock.advance(IDLE_MS + 1);
    await get('other').expect(404);
    expect((await get('busy')).headers['x-mock-session-forgotten']).toBeUndefined();
    expect(app.violations()).toEqual([]);
    await app.close();
  });
});

describe('--state-file', () => {
  it('survives a restart: what one process wrote, the next one serves', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mockgate-state-'));
    const stateFile = path.join(dir, 'state.json');
    const first = await createWidgetsApp({ stateFile });
    await first.http.post(`${WIDGETS}/widgets`).set(ALICE).set('X-Mock-Session', 'p').send({ name: 'persisted', color: 'blue' }).expect(201);
    // acknowledged writes are on disk before the answer is sent
    expect(((await readStateFile(stateFile)).sessions.p as { widgets: { widgets: Record<string, unknown> } }).widgets.widgets.persisted).toEqual({ name: 'persisted', color: 'blue' });
    await first.close();

    const second = await createWidgetsApp({ stateFile });
    await second.http.get(`${WIDGETS}/widgets/persisted`).set(ALICE).set('X-Mock-Session', 'p').expect(200, { name: 'persisted', color: 'blue' });
    await second.close();
    await rm(dir, { recursive: true });
  });

  it('refuses a state file that is not one, naming it', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mockgate-state-'));
    const stateFile = path.join(dir, 'state.json');
    await import('node:fs/promises').then((fs) => fs.writeFile(stateFile, '[1,2,3]'));
    await expect(createWidgetsApp({ stateFile })).rejects.toThrow(`${stateFile}: not a mockgate state file`);
    await rm(dir, { recursive: true });
  });

  // An array of sessions parses, but JSON has no text for named array entries: every later write was lost.
  it.each([
    ['"sessions": []', '{"version":1,"sessions":[]}', '/sessions is an array, not an object keyed by session name'],
    ['"sessions": null', '{"version":1,"sessions":null}', '/sessions is null, not an object keyed by session name'],
    ['a session that is not an object', '{"version":1,"sessions":{"a":[1]}}', '/sessions/a is not an object of API states'],
    ['another version', '{"version":2,"sessions":{}}', '/version is 2, not 1'],
  ])('refuses a state file with %s at start, naming the place', async (_name, text, message) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mockgate-state-'));
    const stateFile = path.join(dir, 'state.json');
    await import('node:fs/promises').then((fs) => fs.writeFile(stateFile, text));
    await expect(createWidgetsApp({ stateFile })).rejects.toThrow(`${stateFile}: ${message}`);
    await rm(dir, { recursive: true });
  });
});

it('never recorded a response that breaks the spec', () => {
  expect(t.violations()).toEqual([]);
});

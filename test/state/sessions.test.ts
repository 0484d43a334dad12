import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ALICE, createWidgetsApp, WIDGETS } from '../support/widgets-app.js';

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

describe('--state-file', () => {
  it('survives a restart: what one process wrote, the next one serves', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mockgate-state-'));
    const stateFile = path.join(dir, 'state.json');
    const first = await createWidgetsApp({ stateFile });
    await first.http.post(`${WIDGETS}/widgets`).set(ALICE).set('X-Mock-Session', 'p').send({ name: 'persisted', color: 'blue' }).expect(201);
    // acknowledged writes are on disk before the answer is sent
    expect(JSON.parse(await readFile(stateFile, 'utf8')).sessions.p.widgets.widgets.persisted).toEqual({ name: 'persisted', color: 'blue' });
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

/**
 * Names that are also JavaScript's own (`__proto__`, `constructor`, `toString`, …) are names like any other:
 * as session names (header and `?__session=`), as ids every bundled API stores, and in the admin API. Each one
 * gets its own state, is listed, snapshotted, reset and saved to --state-file like "alice" would be, and none
 * of them reaches Object.prototype or a built-in.
 *
 * Guards the fault where one request with `X-Mock-Session: __proto__` replaced the sessions table's prototype
 * and every later answer (admin included) was a 500 until a restart, and where `constructor` kept its state on
 * Object.prototype.constructor: missed by reset, never saved, 500 on GET /__admin/state.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apis } from '../../src/apis/index.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { readStateFile } from '../../src/state/store.js';

const HOSTILE = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'prototype', '__defineGetter__', 'isPrototypeOf'];

const LAKEFS = { Authorization: `Basic ${Buffer.from('AKIAIOSFOLQUICKSTART:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY').toString('base64')}` };
const TILEDB = { 'X-TILEDB-REST-API-KEY': 'tdb-ws_9m4e2mr0ui3e8a215n4g-alicedemotoken00000001' };
const REGISTRY = { Authorization: 'Bearer reg-read-token' };

let dir: string;
let stateFile: string;
let t: TestApp;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'mockgate-prototype-keys-'));
  stateFile = path.join(dir, 'state.json');
  t = await createTestApp({ stateFile });
});

afterAll(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

function expectPristinePrototypes(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(
    ['__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__', '__proto__', 'constructor', 'hasOwnProperty',
      'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', 'toString', 'valueOf'].sort(),
  );
  expect(({} as Record<string, unknown>).lakefs).toBeUndefined();
  expect(typeof Object.prototype.toString).toBe('function');
}

describe.each(HOSTILE)('the name %s', (name) => {
  const session = { 'X-Mock-Session': name };

  it('is a session of its own: its state is seeded, changed, isolated and snapshotted', async () => {
    await t.http.post('/api/v1/auth/users').set(LAKEFS).set(session).send({ id: `only-in-${name}` }).expect(201);
    await t.http.get(`/api/v1/auth/users/only-in-${name}`).set(LAKEFS).set(session).expect(200);
    await t.http.get(`/api/v1/auth/users/only-in-${name}`).set(LAKEFS).expect(404);
    // The query parameter names the same session.
    await t.http.get(`/api/v1/auth/users/only-in-${name}?__session=${encodeURIComponent(name)}`).set(LAKEFS).expect(200);
    const snapshot = await t.http.get(`/__admin/state?session=${encodeURIComponent(name)}`).expect(200);
    expect(snapshot.body.session).toBe(name);
    expect(Object.keys(snapshot.body.apis).sort()).toEqual(apis.map((api) => api.name).sort());
    expect(snapshot.body.apis.lakefs.users[`only-in-${name}`]).toBeDefined();
    expectPristinePrototypes();
  });

  it('is an id lakeFS stores: user, group, policy, membership, attachment, credentials, principal', async () => {
    const id = encodeURIComponent(name);
    await t.http.post('/api/v1/auth/users').set(LAKEFS).set(session).send({ id: name }).expect(201);
    await t.http.post('/api/v1/auth/users').set(LAKEFS).set(session).send({ id: name }).expect(409);
    await t.http.get(`/api/v1/auth/users/${id}`).set(LAKEFS).set(session).expect(200);
    await t.http.post('/api/v1/auth/groups').set(LAKEFS).set(session).send({ id: name }).expect(201);
    await t.http.put(`/api/v1/auth/groups/${id}/members/${id}`).set(LAKEFS).set(session).expect(201);
    await t.http.post('/api/v1/auth/policies').set(LAKEFS).set(session)
      .send({ id: name, statement: [{ effect: 'allow', action: ['fs:ReadObject'], resource: '*' }] }).expect(201);
    await t.http.put(`/api/v1/auth/users/${id}/policies/${id}`).set(LAKEFS).set(session).expect(201);
    await t.http.put(`/api/v1/auth/groups/${id}/policies/${id}`).set(LAKEFS).set(session).expect(201);
    await t.http.post(`/api/v1/auth/users/${id}/external/principals?principalId=${id}`).set(LAKEFS).set(session).send({}).expect(201);
    const created = await t.http.post(`/api/v1/auth/users/${id}/credentials`).set(LAKEFS).set(session).expect(201);

    const groups = await t.http.get(`/api/v1/auth/users/${id}/groups`).set(LAKEFS).set(session).expect(200);
    expect(groups.body.results.map((g: { id: string }) => g.id)).toEqual([name]);
    const users = await t.http.get(`/api/v1/auth/users?prefix=${id}`).set(LAKEFS).set(session).expect(200);
    expect(users.body.results.map((u: { id: string }) => u.id)).toContain(name);
    const effective = await t.http.get(`/api/v1/auth/users/${id}/policies?effective=true`).set(LAKEFS).set(session).expect(200);
    expect(effective.body.results.map((p: { id: string }) => p.id)).toEqual([name]);
    await t.http.get(`/api/v1/auth/external/principals?principalId=${id}`).set(LAKEFS).set(session).expect(200);
    await t.http.get(`/api/v1/auth/users/${id}/credentials/${created.body.access_key_id}`).set(LAKEFS).set(session).expect(200);

    await t.http.delete(`/api/v1/auth/users/${id}`).set(LAKEFS).set(session).expect(204);
    await t.http.get(`/api/v1/auth/users/${id}`).set(LAKEFS).set(session).expect(404);
    await t.http.delete(`/api/v1/auth/groups/${id}`).set(LAKEFS).set(session).expect(204);
    await t.http.delete(`/api/v1/auth/policies/${id}`).set(LAKEFS).set(session).expect(204);
    await t.http.get(`/api/v1/auth/policies/${id}`).set(LAKEFS).set(session).expect(404);
    expectPristinePrototypes();
  });

  it('is a lakeFS credential, login code, mailbox and object path that does not exist', async () => {
    const id = encodeURIComponent(name);
    const basic = { Authorization: `Basic ${Buffer.from(`${name}:${name}`).toString('base64')}` };
    await t.http.get('/api/v1/auth/users').set(basic).set(session).expect(401);
    await t.http.post('/api/v1/auth/login').set(session).send({ access_key_id: name, secret_access_key: name }).expect(401);
    // Mailbox ids are UUIDs: a name that is not one is refused by validation.
    await t.http.get(`/api/v1/auth/get-token/mailboxes/${id}`).set(session).expect(400);
    await t.http.get(`/api/v1/repositories/${id}`).set(LAKEFS).set(session).then((r) => expect([400, 404]).toContain(r.status));
    await t.http.put('/__admin/scenario').query({ session: name }).send({ name: 'lakefs-repos' }).expect(200);
    await t.http.get(`/api/v1/repositories/example-repo/refs/main/objects/stat?path=${id}`).set(LAKEFS).set(session).expect(404);
    const listed = await t.http.get(`/api/v1/repositories/example-repo/refs/main/objects/ls?prefix=${id}`).set(LAKEFS).set(session).expect(200);
    expect(listed.body.results).toEqual([]);
    await t.http.post('/api/v1/repositories/example-repo/branches').set(LAKEFS).set(session).send({ name, source: 'main' })
      .then((r) => expect([201, 400]).toContain(r.status));
    expectPristinePrototypes();
  });

  it('is a TileDB credential name and an unknown workspace', async () => {
    const id = encodeURIComponent(name);
    const body = { name, provider: 'AWS', credential: { aws: { access_key_id: 'AKIAEXAMPLE', secret_access_key: 's' } } };
    const created = await t.http.post('/v4/credentials/acme').set(TILEDB).set(session).send(body);
    // TileDB's name pattern starts with a letter or digit: `__proto__` is refused in its own words, the rest stored.
    if (name.startsWith('_')) {
      expect(created.status).toBe(400);
      return;
    }
    expect(created.status, created.text).toBe(201);
    await t.http.post('/v4/credentials/acme').set(TILEDB).set(session).send(body).expect(409);
    const got = await t.http.get(`/v4/credentials/acme/${id}`).set(TILEDB).set(session).expect(200);
    expect(got.body.data.name).toBe(name);
    await t.http.patch(`/v4/credentials/acme/${id}`).set(TILEDB).set(session).send({ allowed_in_tasks: true }).expect(204);
    await t.http.get(`/v4/credentials/${id}`).set(TILEDB).set(session).then((r) => expect([403, 404]).toContain(r.status));
    await t.http.delete(`/v4/credentials/acme/${id}`).set(TILEDB).set(session).expect(204);
    await t.http.get(`/v4/credentials/acme/${id}`).set(TILEDB).set(session).expect(404);
    expectPristinePrototypes();
  });

  it('is an unknown token, LDAP user and code to the registry and the authentication service', async () => {
    const registryBody = { s3_location: { bucket_name: name, path: name, s3_uri: `s3://${name}/${name}` }, console_session_required: false };
    await t.http.post('/registry/credentials/generate-read-access-credentials').set(REGISTRY).set(session).send(registryBody).expect(200);
    await t.http.post('/registry/credentials/generate-read-access-credentials').set({ Authorization: `Bearer ${name}` }).set(session).send(registryBody).expect(401);
    await t.http.post('/authentication/api/v1/ldap/login').set(session).send({ username: name, password: name }).expect(401);
    await t.http.post('/authentication/api/v1/sts/login').set(session)
      .send({ code: name, state: name, redirect_uri: 'http://localhost:8000/oidc/callback' })
      .then((r) => expect(r.status).toBeLessThan(500));
    expectPristinePrototypes();
  });

  it('is a session the admin API lists, faults, journals, covers, switches, restores and resets', async () => {
    const q = { session: name };
    await t.http.post('/__admin/faults').query(q).send({ name, match: { operationId: 'getCurrentUser' }, status: 503 }).expect(201);
    const faults = await t.http.get('/__admin/faults').query(q).expect(200);
    expect(faults.body.faults.map((f: { name: string }) => f.name)).toEqual([name]);
    await t.http.get('/api/v1/user').set(LAKEFS).set(session).expect(503);
    const journal = await t.http.get('/__admin/requests').query({ ...q, operationId: 'getCurrentUser' }).expect(200);
    expect(journal.body.requests[0].status).toBe(503);
    const coverage = await t.http.get('/__admin/coverage').query(q).expect(200);
    expect(coverage.body.operations.find((o: { operationId: string }) => o.operationId === 'getCurrentUser').served).toEqual({ 503: 1 });
    const listed = await t.http.get('/__admin/sessions').expect(200);
    expect(listed.body.sessions.map((s: { name: string }) => s.name)).toContain(name);

    const state = (await t.http.get('/__admin/state').query(q).expect(200)).body;
    await t.http.put('/__admin/scenario').query(q).send({ name: 'lakefs-rbac' }).expect(200);
    expect((await t.http.get('/__admin/scenario').query(q).expect(200)).body.name).toBe('lakefs-rbac');
    await t.http.put('/__admin/state').query(q).send(state).expect(200);
    expect((await t.http.get('/__admin/state').query(q).expect(200)).body.apis).toEqual(state.apis);
    await t.http.post('/__admin/reset').query(q).expect(200);
    expect((await t.http.get('/__admin/faults').query(q).expect(200)).body.faults).toEqual([]);
    expectPristinePrototypes();
  });
});

describe('as query parameter and cookie names', () => {
  it('are parameters and cookies like any other', async () => {
    const query = HOSTILE.flatMap((n) => [`${encodeURIComponent(n)}=a`, `${encodeURIComponent(n)}=b`]).join('&');
    const cookie = HOSTILE.map((n) => `${n}=c`).join('; ');
    await t.http.get(`/api/v1/auth/users?${query}`).set(LAKEFS).set('Cookie', cookie).expect(200);
    await t.http.get(`/v4/credentials/acme?${query}`).set(TILEDB).set('Cookie', cookie).expect(200);
    const journal = await t.http.get('/__admin/requests?limit=1').expect(200);
    expect(journal.body.requests[0].query.constructor).toEqual(['a', 'b']);
    expectPristinePrototypes();
  });
});

describe('after all of them', () => {
  it('the default session and the admin API still answer', async () => {
    await t.http.get('/api/v1/auth/users').set(LAKEFS).expect(200);
    await t.http.get('/__admin/health').expect(200);
    expectPristinePrototypes();
  });

  it('--state-file holds each of them, and a restart serves them back', async () => {
    for (const name of HOSTILE) await t.http.post('/api/v1/auth/users').set(LAKEFS).set('X-Mock-Session', name).send({ id: `kept-${name}` }).expect(201);
    const onDisk = await readStateFile(stateFile);
    expect(Object.keys(onDisk.sessions)).toEqual(expect.arrayContaining(HOSTILE));
    await t.close();
    t = await createTestApp({ stateFile });
    for (const name of HOSTILE) {
      await t.http.get(`/api/v1/auth/users/kept-${name}`).set(LAKEFS).set('X-Mock-Session', name).expect(200);
    }
    expectPristinePrototypes();
  });

  it('reset of every session forgets each of them', async () => {
    await t.http.post('/__admin/reset').expect(200);
    const listed = await t.http.get('/__admin/sessions').expect(200);
    expect(listed.body.sessions.map((s: { name: string }) => s.name)).toEqual(['default']);
    for (const name of HOSTILE) {
      await t.http.get(`/api/v1/auth/users/kept-${name}`).set(LAKEFS).set('X-Mock-Session', name).expect(404);
    }
  });

  it('never answered against its own spec', () => {
    expect(t.violations()).toEqual([]);
  });
});

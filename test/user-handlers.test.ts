/**
 * Handlers of one's own (`--handlers`, src/user-handlers.ts): a module of functions by operationId, given the
 * context a bundled handler gets plus ctx.next() and ctx.errors, replaces the answer of its operations; a module that
 * cannot be used is refused at start with one line. Fixtures: test/fixtures/handlers/*.mjs.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { defaultConfig } from '../src/config.js';
import { linesOf, runCli, startCli, stopAll } from './support/spawn.js';
import { createTestApp, fixturePath, useTestApp, type TestApp } from './support/test-app.js';
import { startMockgate, type UserHandlers } from '../src/index.js';

const petstore = fixturePath('generic', 'petstore.yaml');
const secured = fixturePath('generic', 'secured.yaml');
const petstoreHandlers = fixturePath('handlers', 'petstore-handlers.mjs');
const securedHandlers = fixturePath('handlers', 'secured-handlers.mjs');

afterAll(stopAll);

describe('a handler of your own replaces the answer of its operation (--strict)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ specs: [{ file: petstore }], handlers: petstoreHandlers });
  });
  afterAll(() => t.close());

  it('ctx.next() is the stateful answer it refines, and ctx.errors are rendered in the declared shape', async () => {
    const created = (await t.http.post('/v1/pets').send({ name: 'rex' }).expect(201)).body;
    expect((await t.http.get(`/v1/pets/${created.id}`).expect(200)).body).toEqual(created);
    expect((await t.http.get('/v1/pets/13').expect(404)).body).toEqual({ code: 404, message: 'pet 13 is unlucky' });
    expect((await t.app.journal.list({ operationId: 'getPet', limit: 1 }))[0]!.source).toBe('handler');
  });

  it('an operation answered from the schema: ctx.next() is the generated answer, and the handler changes it', async () => {
    expect((await t.http.post('/v1/pets/1/feed').expect(200)).body).toEqual({ fed: true });
  });

  it('a GET handler may write state, kept once it succeeds', async () => {
    const session = { 'X-Mock-Session': 'settings' };
    expect((await t.http.get('/v1/owners/ann/settings').set(session).expect(200)).body).toEqual({ theme: 'dark', notify: false });
    await t.http.put('/v1/owners/ann/settings').set(session).send({ theme: 'light', notify: true }).expect(200);
    expect((await t.http.get('/v1/owners/ann/settings').set(session).expect(200)).body).toEqual({ theme: 'light', notify: true });
  });

  it('a handler that fails changes nothing: what it wrote before throwing is undone', async () => {
    const session = { 'X-Mock-Session': 'undone' };
    expect((await t.http.post('/v1/owners').set(session).send({ username: 'zed' }).expect(400)).body).toEqual({ code: 400, message: 'changed my mind' });
    const { body: snapshot } = await t.http.get('/__admin/state?session=undone').expect(200);
    expect(snapshot.apis.petstore.collections.owners).toEqual({});
  });

  it('an answer that breaks the spec is a 500 under --strict, like any other', async () => {
    const { body } = await t.http.get('/v1/owners').expect(500);
    expect(JSON.stringify(body)).toContain('username');
    expect((await t.app.journal.list({ operationId: 'listOwners', limit: 1 }))[0]!.responseIssues).not.toEqual([]);
  });

  it('a handler that throws answers 500 in the declared shape, and the server goes on', async () => {
    const { body } = await t.http.get('/v1/owners/ann').expect(500);
    expect(body).toEqual({ code: 500, message: 'unexpected error in getOwner: boom' });
    await t.http.get('/v1/pets').expect(200);
  });

  it('a handler that returns no reply answers 500 saying so', async () => {
    const { body } = await t.http.get('/v1/species/dog').expect(500);
    expect(body.detail).toBe(`the handler of getSpecies in ${petstoreHandlers} returned undefined, not a reply; return { status, body?, headers?, contentType? } (or ctx.next())`);
  });

  it('an answer that cannot be sent (a header with a line break, a body that refers to itself) is a 500, and the server goes on', async () => {
    await t.http.get('/v1/pets/search').expect(500);
    expect((await t.http.get('/v1/owners/ann/keys').expect(500)).body.detail).toContain('circular');
    await t.http.get('/v1/pets').expect(200);
  });

  it("a typed error thrown by another copy of mockgate's is still a typed error", async () => {
    expect((await t.http.get('/v1/owners/ann/keys/k1').expect(404)).body).toEqual({ code: 404, message: 'no key here' });
  });
});

describe('the principal, for a handler of a secured spec', () => {
  const t = useTestApp({ specs: [{ file: secured }], scenario: fixturePath('generic', 'secured-credentials.yaml'), handlers: securedHandlers });

  it('is the listed principal, with the scheme that authenticated it and its scopes', async () => {
    expect((await t.http.get('/v1/me').set('Cookie', 'sid=sess-1').expect(200)).body).toEqual({ id: 'ann', scheme: 'session', scopes: [] });
    expect((await t.http.get('/v1/me?access_token=q-1').expect(200)).body).toEqual({ id: 'token_query#1', scheme: 'token_query', scopes: [] });
  });

  it('is still behind authentication: no credential, no handler', async () => {
    await t.http.get('/v1/me').expect(401);
  });
});

describe('embedded: the handlers as an object, typed by the package entry', () => {
  interface Counter {
    calls: number;
  }
  const handlers = {
    // The state of a user's spec is the API's own; a handler may keep its own fields beside the generic ones.
    listPets: async (ctx) => {
      const state = ctx.state as { counter?: Counter };
      state.counter ??= { calls: 0 };
      state.counter.calls++;
      const answer = await ctx.next();
      return { ...answer, headers: { 'X-Calls': String(state.counter.calls) } };
    },
  } satisfies UserHandlers;
  const t = useTestApp({ specs: [{ file: petstore }], handlers });

  it('answers through them, per session', async () => {
    expect((await t.http.get('/v1/pets').expect(200)).headers['x-calls']).toBe('1');
    expect((await t.http.get('/v1/pets').expect(200)).headers['x-calls']).toBe('2');
    expect((await t.http.get('/v1/pets').set('X-Mock-Session', 'other').expect(200)).headers['x-calls']).toBe('1');
  });

  it('startMockgate takes them too', async () => {
    const mock = await startMockgate({ specs: [petstore], handlers, logLevel: 'silent' });
    try {
      const answer = await fetch(`${mock.url}/v1/pets`);
      expect(answer.headers.get('x-calls')).toBe('1');
    } finally {
      await mock.close();
    }
  });

  it('an object with a misspelt operationId is refused as a module is', async () => {
    await expect(createApp({ ...defaultConfig(), logLevel: 'silent', specs: [{ file: petstore }], handlers: { listPet: () => ({ status: 200 }) } })).rejects.toThrow(
      'handlers: "listPet" is not an operationId of any mounted spec; did you mean "listPets"?',
    );
  });
});

describe('handlers keyed by `METHOD /path` (the spec\'s path, or with the mount\'s prefix) as well as by operationId', () => {
  const handlers = {
    'GET /pets/{petId}': (ctx) => ({ status: 200, body: { id: ctx.request.params.petId, name: 'by path', createdAt: '2026-01-01T00:00:00Z' } }),
    'post /v1/pets/{petId}/feed': () => ({ status: 200, body: { fed: true } }),
    listOwners: async (ctx) => ctx.next(),
  } satisfies UserHandlers;
  const t = useTestApp({ specs: [{ file: petstore }], handlers });

  it('answers the operation the key names', async () => {
    expect((await t.http.get('/v1/pets/5').expect(200)).body).toEqual({ id: 5, name: 'by path', createdAt: '2026-01-01T00:00:00Z' });
    expect((await t.http.post('/v1/pets/5/feed').expect(200)).body).toEqual({ fed: true });
    expect(t.app.userHandlers).toEqual(new Set(['getPet', 'feedPet', 'listOwners']));
  });

  it('a spec without operationIds is answered by path', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mockgate-no-ids-'));
    const spec = path.join(dir, 'no-ids.yaml');
    await writeFile(
      spec,
      [
        'openapi: 3.0.3',
        'info: { title: no operationIds, version: "1" }',
        'servers: [{ url: /api }]',
        'paths:',
        '  /status:',
        '    get:',
        "      responses: { '200': { description: ok, content: { application/json: { schema: { type: object, properties: { up: { type: boolean } } } } } } }",
      ].join('\n'),
    );
    const mock = await startMockgate({ specs: [spec], handlers: { 'GET /api/status': () => ({ status: 200, body: { up: false } }) }, logLevel: 'silent', strict: true });
    try {
      expect(await (await fetch(`${mock.url}/api/status`)).json()).toEqual({ up: false });
    } finally {
      await mock.close();
    }
  });
});

describe('a handlers module that cannot be used is refused at start, naming the file', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mockgate-handlers-'));
  const module = async (name: string, text: string) => {
    const file = path.join(dir, name);
    await writeFile(file, text);
    return file;
  };
  const load = (file: string) => createApp({ ...defaultConfig(), logLevel: 'silent', specs: [{ file: petstore }], handlers: file });

  it.each([
    ['an operationId no mounted spec has', 'misspelt.mjs', 'export const getPett = () => ({ status: 200 });\n', '"getPett" is not an operationId of any mounted spec; did you mean "getPet"?'],
    ['a module that does not parse', 'broken.mjs', 'export const getPet = (ctx) => {\n', 'the handlers module cannot be imported: '],
    ['a module that throws as it loads', 'throws.mjs', "throw new Error('no database');\n", 'the handlers module cannot be imported: no database'],
    ['an export that is not a function', 'value.mjs', 'export const getPet = 42;\n', '"getPet" is a number (42), not a handler; export a function (ctx) => reply'],
    ['a default export that is a function', 'default.mjs', 'export default () => ({ status: 200 });\n', 'the default export is a function; export an object mapping operationIds to handlers'],
    ['a module with no handlers', 'empty.mjs', 'export {};\n', 'the module exports no handlers'],
  ])('%s', async (_, name, text, says) => {
    const file = await module(name, text);
    await expect(load(file)).rejects.toThrow(`${file}: ${says}`);
  });

  it.each([
    [
      'a method and path no operation has',
      'path-typo.mjs',
      "export default { 'GET /pets/{id}': () => ({ status: 200 }) };\n",
      `"GET /pets/{id}" is not the method and path of any mounted spec's operation; the nearest are "GET /pets/{petId}", "PUT /pets/{petId}", "GET /pets"; key the handler by operationId, or by "METHOD /path" with the path as the spec writes it`,
    ],
    ['two keys for one operation', 'twice.mjs', "export const getPet = () => ({ status: 200 });\nexport default { 'GET /v1/pets/{petId}': () => ({ status: 200 }) };\n", '"getPet" and "GET /v1/pets/{petId}" both name GET /v1/pets/{petId} (getPet); keep one'],
  ])('a handler keyed by path: %s', async (_, name, text, says) => {
    const file = await module(name, text);
    await expect(load(file)).rejects.toThrow(`${file}: ${says}`);
  });

  it('a file that is not there', async () => {
    const file = path.join(dir, 'missing.mjs');
    await expect(load(file)).rejects.toThrow(`${file}: the handlers module cannot be imported: Cannot find module`);
  });

  it.each([
    ['an operationId no mounted spec has', 'cli-misspelt.mjs', 'export const getPett = () => ({ status: 200 });\n', '"getPett" is not an operationId of any mounted spec; did you mean "getPet"?'],
    ['a module that does not parse', 'cli-broken.mjs', 'export const getPet = (ctx) => {\n', 'the handlers module cannot be imported: '],
  ])('from the command line, %s: one line on stderr, exit 1', async (_, name, text, says) => {
    const file = await module(name, text);
    const { code, stderr } = await runCli([petstore, '--port', '0', '--handlers', file]);
    expect(code, stderr).toBe(1);
    const lines = linesOf(stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`mockgate: error: ${file}: ${says}`);
  });

  it('from the command line, a good module: the start-up line says what it answers (MOCKGATE_HANDLERS too)', async () => {
    const cli = await startCli([petstore, '--port', '0'], { MOCKGATE_HANDLERS: petstoreHandlers });
    await cli.waitForStderr('answered by --handlers');
    expect(cli.stderr()).toContain('2 stateless; 10 answered by --handlers');
    const answer = await fetch(`${cli.url}/v1/pets/13`);
    expect(answer.status).toBe(404);
    await cli.stop();
  });
});

/**
 * How resources are inferred from a spec's paths and methods (src/generic/inference.ts), rule by rule, and the real
 * Petstore-expanded (@readme/oas-examples) driven through its lifecycle with no code and no scenario.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpec, type Operation } from '../../src/engine/spec.js';
import { inferenceLine, inferResources } from '../../src/generic/index.js';
import { filtersOf, pagingOf } from '../../src/generic/paging.js';
import { fixturePath, repoRoot, useTestApp } from '../support/test-app.js';

const dir = await mkdtemp(path.join(os.tmpdir(), 'mockgate-infer-'));
let count = 0;
/** A spec with these paths (YAML, indented under `paths:`) and one schema per name. */
async function specWith(paths: string): Promise<string> {
  const file = path.join(dir, `spec-${++count}.yaml`);
  const schemas = `
components:
  schemas:
    Thing: { type: object, required: [id, name], properties: { id: { type: string }, name: { type: string } } }
    Nameless: { type: object, properties: { label: { type: string } } }
    Tagged: { type: object, x-mockgate-id: slug, properties: { slug: { type: string }, label: { type: string } } }
  responses:
    Thing: { description: a thing, content: { application/json: { schema: { $ref: '#/components/schemas/Thing' } } } }
    Things: { description: things, content: { application/json: { schema: { type: array, items: { $ref: '#/components/schemas/Thing' } } } } }
`;
  await writeFile(file, `openapi: 3.0.3\ninfo: { title: t, version: '1' }\npaths:\n${paths}${schemas}`);
  return file;
}
const infer = async (paths: string) => inferResources(await loadSpec(await specWith(paths)));

describe('inference rules', () => {
  it('a collection with GET and POST, and its item with GET, PUT, PATCH, DELETE', async () => {
    const inference = await infer(`
  /things:
    get: { operationId: list, responses: { '200': { $ref: '#/components/responses/Things' } } }
    post: { operationId: create, responses: { '201': { $ref: '#/components/responses/Thing' } } }
  /things/{thingId}:
    parameters: [{ name: thingId, in: path, required: true, schema: { type: string } }]
    get: { operationId: read, responses: { '200': { $ref: '#/components/responses/Thing' } } }
    put: { operationId: replace, responses: { '200': { $ref: '#/components/responses/Thing' } } }
    patch: { operationId: merge, responses: { '200': { $ref: '#/components/responses/Thing' } } }
    delete: { operationId: remove, responses: { '204': { description: gone } } }
    post: { operationId: act, responses: { '200': { description: done } } }
`);
    expect(inference.resources).toHaveLength(1);
    const [things] = inference.resources;
    expect(things).toMatchObject({ name: 'things', kind: 'collection', idField: 'id', readOnly: false, scopeDepth: 0 });
    expect(things!.operations).toEqual({ list: 'list', create: 'create', read: 'read', replace: 'replace', merge: 'merge', remove: 'delete' });
    expect(inference.stateless.get('act')).toBe('an action: POST on an item');
    expect(inferenceLine(inference)).toBe('1 resource (things), 1 stateless');
  });

  it('nested collections are named level by level and scoped by their parent', async () => {
    const inference = await infer(`
  /api/v2/users:
    post: { operationId: createUser, responses: { '201': { $ref: '#/components/responses/Thing' } } }
  /api/v2/users/{id}:
    get: { operationId: getUser, parameters: [{ name: id, in: path, required: true, schema: { type: string } }], responses: { '200': { $ref: '#/components/responses/Thing' } } }
  /api/v2/users/{id}/keys:
    parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
    get: { operationId: listKeys, responses: { '200': { $ref: '#/components/responses/Things' } } }
    post: { operationId: createKey, responses: { '201': { $ref: '#/components/responses/Thing' } } }
`);
    expect(inference.resources.map((r) => [r.name, r.parent, r.scopeDepth])).toEqual([
      ['users', undefined, 0],
      ['users.keys', 'users', 1],
    ]);
    expect(inference.bindings.get('createKey')).toMatchObject({ action: 'create', scopeParams: ['id'] });
    expect(inference.bindings.get('getUser')).toMatchObject({ action: 'read', scopeParams: [], idParam: 'id' });
  });

  it('actions and plain reads stay stateless; a POST alone is an action', async () => {
    const inference = await infer(`
  /login:
    post: { operationId: login, responses: { '200': { $ref: '#/components/responses/Thing' } } }
  /status:
    get: { operationId: status, responses: { '200': { $ref: '#/components/responses/Thing' } } }
`);
    expect(inference.resources).toEqual([]);
    expect([...inference.stateless.keys()].sort()).toEqual(['login', 'status']);
  });

  it('an item nothing creates is a read-only resource (stored only when seeded)', async () => {
    const inference = await infer(`
  /things/{id}:
    get: { operationId: read, parameters: [{ name: id, in: path, required: true, schema: { type: string } }], responses: { '200': { $ref: '#/components/responses/Thing' } } }
`);
    expect(inference.resources[0]).toMatchObject({ name: 'things', readOnly: true });
    expect(inferenceLine(inference)).toBe('0 resources, 1 read-only, stored when seeded (things), 0 stateless');
  });

  it('the id: the field named like the path parameter, else id, else x-mockgate-id; none leaves the resource stateless', async () => {
    const inference = await infer(`
  /tags/{tagSlug}:
    get: { operationId: getTag, parameters: [{ name: tagSlug, in: path, required: true, schema: { type: string } }], responses: { '200': { description: a tag, content: { application/json: { schema: { $ref: '#/components/schemas/Tagged' } } } } } }
  /labels/{labelId}:
    get: { operationId: getLabel, parameters: [{ name: labelId, in: path, required: true, schema: { type: string } }], responses: { '200': { description: a label, content: { application/json: { schema: { $ref: '#/components/schemas/Nameless' } } } } } }
`);
    expect(inference.resources.map((r) => [r.name, r.idField])).toEqual([['tags', 'slug']]);
    expect(inference.stateless.get('getLabel')).toBe('labels: no field of its items holds the id in {labelId} (declare x-mockgate-id on the item schema)');
  });

  it("an operation's x-mockgate names the id field, and binds a path the rules cannot read", async () => {
    const inference = await infer(`
  /labels:
    post: { operationId: createLabel, x-mockgate: { id: label }, responses: { '201': { description: a label, content: { application/json: { schema: { $ref: '#/components/schemas/Nameless' } } } } } }
    get: { operationId: listLabels, responses: { '200': { description: labels, content: { application/json: { schema: { type: array, items: { $ref: '#/components/schemas/Nameless' } } } } } } }
  /labels/{name}:
    get: { operationId: getLabel, parameters: [{ name: name, in: path, required: true, schema: { type: string } }], responses: { '200': { description: a label, content: { application/json: { schema: { $ref: '#/components/schemas/Nameless' } } } } } }
  /me:
    get: { operationId: me, x-mockgate: none, responses: { '200': { $ref: '#/components/responses/Thing' } } }
  /labels-by-name/{name}:
    delete: { operationId: dropLabel, x-mockgate: { resource: labels, action: delete }, parameters: [{ name: name, in: path, required: true, schema: { type: string } }], responses: { '204': { description: gone } } }
`);
    expect(inference.resources.map((r) => [r.name, r.idField])).toEqual([['labels', 'label']]);
    expect(inference.resources[0]!.operations).toEqual({ createLabel: 'create', listLabels: 'list', getLabel: 'read', dropLabel: 'delete' });
    expect(inference.bindings.get('dropLabel')).toMatchObject({ action: 'delete', scopeParams: [], idParam: 'name' });
    expect(inference.stateless.get('me')).toBe('x-mockgate: none');
  });

  it('two collections that would share a name keep their whole path', async () => {
    const inference = await infer(`
  /v1/things:
    get: { operationId: list1, responses: { '200': { $ref: '#/components/responses/Things' } } }
    post: { operationId: create1, responses: { '201': { $ref: '#/components/responses/Thing' } } }
  /v2/things:
    get: { operationId: list2, responses: { '200': { $ref: '#/components/responses/Things' } } }
    post: { operationId: create2, responses: { '201': { $ref: '#/components/responses/Thing' } } }
`);
    expect(inference.resources.map((r) => r.name)).toEqual(['v1-things', 'v2-things']);
  });

  it('an operation that declares no success answer stays stateless', async () => {
    const inference = await infer(`
  /things:
    get: { operationId: list, responses: { '200': { $ref: '#/components/responses/Things' } } }
    post: { operationId: create, responses: { '405': { description: no } } }
  /things/{id}:
    get: { operationId: read, parameters: [{ name: id, in: path, required: true, schema: { type: string } }], responses: { '200': { $ref: '#/components/responses/Thing' } } }
`);
    expect(inference.stateless.get('create')).toMatch(/declares no success answer/);
    expect(inference.resources[0]).toMatchObject({ name: 'things', readOnly: true });
  });

  it('a misspelt x-mockgate is refused at start with file: /pointer: reason', async () => {
    const file = await specWith(`
  /things:
    post: { operationId: create, x-mockgate: { action: crate }, responses: { '201': { $ref: '#/components/responses/Thing' } } }
`);
    const spec = await loadSpec(file);
    expect(() => inferResources(spec)).toThrow(`${file}: /paths/~1things/post/x-mockgate/action: "crate" is not one of create, read, list, replace, merge, delete, none`);
  });
});

describe("Petstore-expanded's lifecycle, with no code and no scenario", () => {
  const file = path.join(repoRoot, 'node_modules', '@readme', 'oas-examples', '3.0', 'json', 'petstore-expanded.json');
  const t = useTestApp({ specs: [{ file, prefix: '/api' }] });

  it('create, get, list (filtered by tag, limited), delete, 404, duplicate 409 — each in the declared shapes', async () => {
    expect(t.app.mounts[0]!.api.inferred?.line).toBe('1 resource (pets), 0 stateless');
    // addPet declares 200 (not 201): the declared success is answered.
    const rex = (await t.http.post('/api/pets').send({ name: 'rex', tag: 'dog' }).expect(200)).body;
    expect(rex).toEqual({ id: 1, name: 'rex', tag: 'dog' });
    await t.http.post('/api/pets').send({ name: 'tom', tag: 'cat' }).expect(200);
    await t.http.post('/api/pets').send({ name: 'rex II', tag: 'dog' }).expect(200);
    expect((await t.http.get('/api/pets/1').expect(200)).body).toEqual(rex);
    expect((await t.http.get('/api/pets').expect(200)).body.map((p: { name: string }) => p.name)).toEqual(['rex', 'tom', 'rex II']);
    expect((await t.http.get('/api/pets?tags=dog').expect(200)).body.map((p: { id: number }) => p.id)).toEqual([1, 3]);
    expect((await t.http.get('/api/pets?tags=dog&tags=cat&limit=2').expect(200)).body.map((p: { id: number }) => p.id)).toEqual([1, 2]);
    await t.http.delete('/api/pets/1').expect(204);
    // Only `default` covers errors: 404 and 409 are answered in its Error shape.
    expect((await t.http.get('/api/pets/1').expect(404)).body).toEqual({ code: 404, message: 'pets 1 not found' });
    expect((await t.http.post('/api/pets').send({ id: 2, name: 'copy' }).expect(409)).body).toEqual({ code: 409, message: 'pets 2 already exists' });
  });
});

describe('a spec that shares an operationId with a bundled API stays generic, and gets state of its own', () => {
  const t = useTestApp({ specs: [{ file: fixturePath('engine', 'petstore-healthcheck.yaml') }] });

  it('is served generically under its own name', () => {
    const [mount] = t.app.mounts;
    expect(mount!.binding.kind).toBe('generic');
    expect(mount!.api.name).toBe('petstore-healthcheck');
  });
});

describe("a generic API's name is its file's base name, made unique in --spec order", () => {
  const petstore = fixturePath('generic', 'petstore.yaml');
  const t = useTestApp({ specs: [{ file: petstore, prefix: '/a' }, { file: petstore, prefix: '/b' }] });

  it('the second mount of petstore.yaml is petstore-2, with state of its own', async () => {
    expect(t.app.mounts.filter((m) => !m.internal).map((m) => m.api.name)).toEqual(['petstore', 'petstore-2']);
    await t.http.post('/a/pets').send({ name: 'rex' }).expect(201);
    await t.http.get('/a/pets/1').expect(200);
    await t.http.get('/b/pets/1').expect(404);
  });
});

describe('list filters', () => {
  const op = (parameters: Operation['parameters']): Operation => ({ operationId: 'list', method: 'get', pathTemplate: '/repos', parameters, responses: {}, security: [] });
  const item = { type: 'object', properties: { tag: { type: 'string' }, visibility: { type: 'string' }, state: { type: 'string', enum: ['open', 'closed'] } } };

  it('a parameter naming an item field (or its plural) filters; one with values the field cannot hold is a mode', () => {
    const parameters: Operation['parameters'] = [
      { name: 'tags', in: 'query', schema: { type: 'array', items: { type: 'string' } } },
      { name: 'visibility', in: 'query', schema: { type: 'string', enum: ['all', 'public', 'private'] } },
      { name: 'state', in: 'query', schema: { type: 'string', enum: ['open', 'closed'] } },
      { name: 'per_page', in: 'query', schema: { type: 'integer' } },
    ];
    const paging = pagingOf(op(parameters));
    expect(filtersOf(op(parameters), paging, item)).toEqual([
      { param: 'tags', field: 'tag' },
      { param: 'state', field: 'state' },
    ]);
  });
});

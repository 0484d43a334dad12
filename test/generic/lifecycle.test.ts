/**
 * A user's spec is stateful with no code: its resources are inferred from its paths (src/generic/inference.ts) and
 * kept per session. Driven through test/fixtures/generic/petstore.yaml under --strict: every answer, stored or
 * generated, is checked against the spec (useTestApp fails the file on any violation).
 */
import { describe, expect, it } from 'vitest';
import { fixturePath, useTestApp } from '../support/test-app.js';

const petstore = fixturePath('generic', 'petstore.yaml');

describe('a collection and its items: POST, GET, list, PUT, PATCH, DELETE', () => {
  const t = useTestApp({ specs: [{ file: petstore }] });
  const session = { 'X-Mock-Session': 'lifecycle' };

  it('POST stores the body, with an id and the server fields the schema requires, and answers 201 with it', async () => {
    const { body } = await t.http.post('/v1/pets').set(session).send({ name: 'rex', tag: 'dog' }).expect(201);
    expect(body).toEqual({ id: 1, name: 'rex', tag: 'dog', createdAt: expect.any(String) });
    expect(Number.isNaN(Date.parse(body.createdAt))).toBe(false);
    expect((await t.http.post('/v1/pets').set(session).send({ name: 'tom' }).expect(201)).body).toEqual({ id: 2, name: 'tom', createdAt: expect.any(String) });
  });

  it('GET answers the stored item, and the list holds every item in creation order', async () => {
    const created = (await t.http.get('/v1/pets/1').set(session).expect(200)).body;
    expect(created).toMatchObject({ id: 1, name: 'rex', tag: 'dog' });
    const { body } = await t.http.get('/v1/pets').set(session).expect(200);
    expect(body).toEqual({ items: [created, expect.objectContaining({ id: 2, name: 'tom' })], total: 2 });
  });

  it('a writeOnly field is stored but never answered', async () => {
    const { body } = await t.http.post('/v1/pets').set(session).send({ name: 'kit', secret: 'hush' }).expect(201);
    expect(body).not.toHaveProperty('secret');
    expect((await t.http.get(`/v1/pets/${body.id}`).set(session).expect(200)).body).not.toHaveProperty('secret');
    await t.http.delete(`/v1/pets/${body.id}`).set(session).expect(204);
  });

  it('PUT replaces the item, keeping the id of the path and the server fields the body leaves out', async () => {
    const before = (await t.http.get('/v1/pets/1').set(session)).body;
    const { body } = await t.http.put('/v1/pets/1').set(session).send({ name: 'rex the second' }).expect(200);
    expect(body).toEqual({ id: 1, name: 'rex the second', createdAt: before.createdAt });
    expect((await t.http.get('/v1/pets/1').set(session)).body).toEqual(body);
  });

  it('PATCH merges the body as a JSON Merge Patch (RFC 7386): null removes a field', async () => {
    await t.http.put('/v1/pets/2').set(session).send({ name: 'tom', tag: 'cat' }).expect(200);
    const patch = (doc: unknown) => t.http.patch('/v1/pets/2').set(session).set('Content-Type', 'application/merge-patch+json').send(JSON.stringify(doc));
    expect((await patch({ name: 'tommy' }).expect(200)).body).toMatchObject({ id: 2, name: 'tommy', tag: 'cat' });
    const { body } = await patch({ tag: null }).expect(200);
    expect(body).toMatchObject({ id: 2, name: 'tommy' });
    expect(body).not.toHaveProperty('tag');
  });

  it('DELETE answers 204, and the item is then 404 in the declared error shape', async () => {
    await t.http.delete('/v1/pets/1').set(session).expect(204);
    const { body } = await t.http.get('/v1/pets/1').set(session).expect(404);
    expect(body).toEqual({ code: 404, message: 'pets 1 not found' });
    await t.http.delete('/v1/pets/1').set(session).expect(404);
    await t.http.put('/v1/pets/1').set(session).send({ name: 'ghost' }).expect(404);
    await t.http.patch('/v1/pets/1').set(session).set('Content-Type', 'application/merge-patch+json').send(JSON.stringify({ name: 'ghost' })).expect(404);
    expect((await t.http.get('/v1/pets').set(session)).body.total).toBe(1);
  });

  it('a duplicate id answers 409 and changes nothing', async () => {
    const { body } = await t.http.post('/v1/pets').set(session).send({ id: 2, name: 'copycat' }).expect(409);
    expect(body).toEqual({ code: 409, message: 'pets 2 already exists' });
    expect((await t.http.get('/v1/pets/2').set(session)).body.name).toBe('tommy');
  });

  it('an id the client gives is kept, and new ids go on from the largest', async () => {
    await t.http.post('/v1/pets').set(session).send({ id: 40, name: 'forty' }).expect(201);
    expect((await t.http.post('/v1/pets').set(session).send({ name: 'next' }).expect(201)).body.id).toBe(41);
  });

  it('an action on an item (POST /pets/{id}/feed) stays stateless, answered from the schema', async () => {
    const { body } = await t.http.post('/v1/pets/999/feed').set(session).expect(200);
    expect(typeof body.fed).toBe('boolean');
    expect((await t.app.journal.list({ operationId: 'feedPet', limit: 1 }))[0]!.source).toBe('mock');
    expect((await t.app.journal.list({ operationId: 'getPet', limit: 1 }))[0]!.source).toBe('handler');
  });
});

describe('lists page as the operation declares', () => {
  const t = useTestApp({ specs: [{ file: petstore }] });

  it('limit / offset, with the total in the envelope', async () => {
    for (const name of ['a', 'b', 'c', 'd', 'e']) await t.http.post('/v1/pets').send({ name }).expect(201);
    const page = (query: string) => t.http.get(`/v1/pets?${query}`).expect(200);
    expect((await page('limit=2')).body).toMatchObject({ total: 5, items: [{ name: 'a' }, { name: 'b' }] });
    expect((await page('limit=2&offset=2')).body.items.map((p: { name: string }) => p.name)).toEqual(['c', 'd']);
    expect((await page('limit=2&offset=4')).body.items.map((p: { name: string }) => p.name)).toEqual(['e']);
    expect((await page('offset=9')).body).toEqual({ items: [], total: 5 });
    // A declared parameter that names an item field filters.
    await t.http.post('/v1/pets').send({ name: 'f', tag: 'fish' }).expect(201);
    expect((await page('tag=fish')).body).toMatchObject({ total: 1, items: [{ name: 'f', tag: 'fish' }] });
  });

  it('page / per_page (1-based, per_page defaulting to its schema default) on a bare array', async () => {
    for (const username of ['ann', 'bob', 'cat']) await t.http.post('/v1/owners').send({ username }).expect(201);
    expect((await t.http.get('/v1/owners').expect(200)).body).toEqual([{ username: 'ann' }, { username: 'bob' }]);
    const first = await t.http.get('/v1/owners').expect(200);
    // The answer declares a Link header (as GitHub's do): it points at the next page, and the last page has none.
    expect(first.headers.link).toMatch(/^<http:\/\/127\.0\.0\.1(:\d+)?\/v1\/owners\?page=2&per_page=2>; rel="next"$/);
    const second = await t.http.get('/v1/owners?page=2').expect(200);
    expect(second.body).toEqual([{ username: 'cat' }]);
    expect(second.headers.link).toBeUndefined();
    expect((await t.http.get('/v1/owners?page=1&per_page=3').expect(200)).body).toHaveLength(3);
  });

  it('a cursor (after = the last id of the previous page), with has_more and next_cursor', async () => {
    for (const label of ['k1', 'k2', 'k3']) await t.http.post('/v1/owners/ann/keys').send({ label }).expect(201);
    const first = (await t.http.get('/v1/owners/ann/keys?limit=2').expect(200)).body;
    expect(first).toMatchObject({ has_more: true, next_cursor: '2', data: [{ id: '1', label: 'k1' }, { id: '2', label: 'k2' }] });
    const second = (await t.http.get(`/v1/owners/ann/keys?limit=2&after=${first.next_cursor}`).expect(200)).body;
    expect(second).toMatchObject({ has_more: false, next_cursor: null, data: [{ id: '3', label: 'k3' }] });
  });
});

describe('nested collections are scoped per parent', () => {
  const t = useTestApp({ specs: [{ file: petstore }] });

  it("each owner has keys of its own, and a key of an owner that does not exist is not found", async () => {
    await t.http.post('/v1/owners').send({ username: 'ann' }).expect(201);
    await t.http.post('/v1/owners').send({ username: 'bob' }).expect(201);
    const key = (await t.http.post('/v1/owners/ann/keys').send({ label: 'laptop' }).expect(201)).body;
    expect(key).toEqual({ id: '1', label: 'laptop', createdAt: expect.any(String) });
    expect((await t.http.get('/v1/owners/ann/keys/1').expect(200)).body).toEqual(key);
    await t.http.get('/v1/owners/bob/keys/1').expect(404);
    expect((await t.http.get('/v1/owners/bob/keys').expect(200)).body).toMatchObject({ data: [], has_more: false });
    const missing = await t.http.post('/v1/owners/nobody/keys').send({ label: 'x' }).expect(404);
    expect(missing.body.message).toBe('owners nobody not found');
  });
});

describe('errors the operation does not declare', () => {
  const t = useTestApp({ specs: [{ file: petstore }] });

  it('a duplicate where only 400 and 422 are declared answers the nearest by number: 400', async () => {
    await t.http.post('/v1/owners').send({ username: 'ann' }).expect(201);
    const { body } = await t.http.post('/v1/owners').send({ username: 'ann' }).expect(400);
    expect(body).toEqual({ code: 400, message: 'owners ann already exists' });
  });

  it('a 404 covered by `default` answers 404 in the default shape', async () => {
    expect((await t.http.get('/v1/owners/nobody').expect(404)).body).toEqual({ code: 404, message: 'owners nobody not found' });
  });
});

describe('a read-only resource with no seed', () => {
  const t = useTestApp({ specs: [{ file: petstore }] });

  it('answers from the schema, as before state', async () => {
    const { body } = await t.http.get('/v1/species/dog').expect(200);
    expect(Object.keys(body).sort()).toEqual(['name', 'speciesId']);
    // Journaled as generated, as an operation without state is.
    expect((await t.app.journal.list({ operationId: 'getSpecies', limit: 1 }))[0]!.source).toBe('mock');
    expect(t.app.mounts[0]!.api.inferred!.line).toBe('4 resources (pets, owners, owners.keys, owners.settings), 1 read-only, stored when seeded (species), 2 stateless');
  });
});

describe('singletons', () => {
  const t = useTestApp({ specs: [{ file: petstore }] });

  it('answer from the schema until written, then what was written, per parent', async () => {
    const generated = (await t.http.get('/v1/owners/ann/settings').expect(200)).body;
    expect(['light', 'dark']).toContain(generated.theme);
    await t.http.put('/v1/owners/ann/settings').send({ theme: 'dark', notify: false }).expect(200, { theme: 'dark', notify: false });
    expect((await t.http.get('/v1/owners/ann/settings').expect(200)).body).toEqual({ theme: 'dark', notify: false });
    await t.http.put('/v1/owners/bob/settings').send({ theme: 'light' }).expect(200);
    expect((await t.http.get('/v1/owners/ann/settings').expect(200)).body.theme).toBe('dark');
  });
});

describe('x-mockgate overrides the inference', () => {
  const t = useTestApp({ specs: [{ file: petstore }] });

  it('{resource: pets, action: list} makes GET /pets/search list the pets', async () => {
    await t.http.post('/v1/pets').send({ name: 'rex' }).expect(201);
    expect((await t.http.get('/v1/pets/search').expect(200)).body).toEqual([expect.objectContaining({ id: 1, name: 'rex' })]);
  });

  it('none keeps an operation stateless: DELETE /owners/{username} deletes nothing', async () => {
    await t.http.post('/v1/owners').send({ username: 'ann' }).expect(201);
    await t.http.delete('/v1/owners/ann').expect(204);
    await t.http.get('/v1/owners/ann').expect(200);
  });
});

describe('sessions', () => {
  const t = useTestApp({ specs: [{ file: petstore }] });

  it('each session has its own items; a reset forgets them; the snapshot holds them as plain JSON', async () => {
    await t.http.post('/v1/pets').set('X-Mock-Session', 'a').send({ name: 'only-in-a' }).expect(201);
    await t.http.get('/v1/pets/1').set('X-Mock-Session', 'a').expect(200);
    await t.http.get('/v1/pets/1').set('X-Mock-Session', 'b').expect(404);
    const snapshot = (await t.http.get('/__admin/state?session=a').expect(200)).body;
    expect(snapshot.apis.petstore.collections.pets['']).toEqual({ order: ['1'], items: { '1': expect.objectContaining({ id: 1, name: 'only-in-a' }) } });
    await t.http.post('/__admin/reset?session=a').expect(200);
    await t.http.get('/v1/pets/1').set('X-Mock-Session', 'a').expect(404);
    await t.http.put('/__admin/state?session=a').send(snapshot).expect(200);
    await t.http.get('/v1/pets/1').set('X-Mock-Session', 'a').expect(200);
  });

  it('a snapshot without the API\'s collections (an older --state-file, a hand-written one) gets them on the first write', async () => {
    await t.http.put('/__admin/state?session=bare').send({ session: 'bare', apis: { petstore: {} } }).expect(200);
    await t.http.get('/v1/pets/1').set('X-Mock-Session', 'bare').expect(200);
    const { body } = await t.http.post('/v1/pets').set('X-Mock-Session', 'bare').send({ name: 'first' }).expect(201);
    expect((await t.http.get(`/v1/pets/${body.id}`).set('X-Mock-Session', 'bare').expect(200)).body).toEqual(body);
    await t.http.put('/v1/owners/ann/settings').set('X-Mock-Session', 'bare').send({ theme: 'dark' }).expect(200);
  });

  it('a request that fails changes nothing', async () => {
    await t.http.post('/v1/pets').set('X-Mock-Session', 'c').send({ name: '' }).expect(400);
    expect((await t.http.get('/v1/pets').set('X-Mock-Session', 'c').expect(200)).body).toEqual({ items: [], total: 0 });
  });
});

describe('hostile ids', () => {
  const t = useTestApp({ specs: [{ file: petstore }] });

  it('__proto__ and constructor are ids like any other, in a scope and as an item', async () => {
    await t.http.post('/v1/owners/__proto__/keys').send({ label: 'x' }).expect(404);
    await t.http.post('/v1/owners').send({ username: '__proto__' }).expect(201);
    await t.http.get('/v1/owners/__proto__').expect(200, { username: '__proto__' });
    await t.http.get('/v1/owners/constructor').expect(404);
    await t.http.post('/v1/owners/__proto__/keys').send({ label: 'x' }).expect(201);
    expect((await t.http.get('/v1/owners/__proto__/keys').expect(200)).body.data).toHaveLength(1);
    await t.http.put('/v1/owners/__proto__/settings').send({ theme: 'dark' }).expect(200);
    expect((await t.http.get('/v1/owners/__proto__/settings').expect(200)).body).toEqual({ theme: 'dark' });
    expect(({} as Record<string, unknown>).theme).toBeUndefined();
  });
});

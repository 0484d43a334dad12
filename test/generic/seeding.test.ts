/**
 * A user's spec's resources are seeded from a scenario (`apis.<name>.collections.<resource>`), per session, and
 * each seeded item is checked against its resource's item schema when the scenario loads: a bad seed is refused with
 * one line naming the file, the place and the fix.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import { linesOf, runCli } from '../support/spawn.js';
import { fixturePath, useTestApp } from '../support/test-app.js';

const petstore = fixturePath('generic', 'petstore.yaml');
const seeded = fixturePath('generic', 'petstore-seeded.yaml');

describe('seeded from a scenario', () => {
  const t = useTestApp({ specs: [{ file: petstore }], scenario: seeded });

  it('lists and reads the seeded items, nested ones under their parent', async () => {
    expect((await t.http.get('/v1/pets').expect(200)).body).toEqual({
      total: 2,
      items: [
        { id: 7, name: 'seven', createdAt: '2026-01-01T00:00:00Z' },
        { id: 8, name: 'eight', tag: 'cat', createdAt: '2026-01-02T00:00:00Z' },
      ],
    });
    expect((await t.http.get('/v1/owners/ann/keys/laptop').expect(200)).body.label).toBe("Ann's laptop");
  });

  it('a singleton answers its seed, per parent', async () => {
    expect((await t.http.get('/v1/owners/ann/settings').expect(200)).body).toEqual({ theme: 'dark', notify: true });
  });

  it('a read-only resource (nothing creates it) answers from its seed: a seeded id is found, another is not', async () => {
    expect((await t.http.get('/v1/species/dog').expect(200)).body).toEqual({ speciesId: 'dog', name: 'Canis familiaris' });
    await t.http.get('/v1/species/cat').expect(404);
  });

  it("the scenario's rules name the spec's API and operations", async () => {
    await t.http.get('/v1/owners').set('X-Mock-Session', 'rules').expect(503);
    await t.http.get('/v1/owners').set('X-Mock-Session', 'rules').expect(200);
  });

  it('new items take ids after the seeded ones, and a seeded id is a duplicate', async () => {
    expect((await t.http.post('/v1/pets').set('X-Mock-Session', 'grow').send({ name: 'nine' }).expect(201)).body.id).toBe(9);
    await t.http.post('/v1/pets').set('X-Mock-Session', 'grow').send({ id: 7, name: 'again' }).expect(409);
  });

  it('each session starts from the seed, and a reset goes back to it', async () => {
    await t.http.delete('/v1/pets/7').set('X-Mock-Session', 's1').expect(204);
    await t.http.get('/v1/pets/7').set('X-Mock-Session', 's1').expect(404);
    await t.http.get('/v1/pets/7').set('X-Mock-Session', 's2').expect(200);
    await t.http.post('/__admin/reset?session=s1').expect(200);
    await t.http.get('/v1/pets/7').set('X-Mock-Session', 's1').expect(200);
  });
});

describe('a bad seed is refused at load, naming the file, the place and the fix', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mockgate-seed-'));
  const scenario = async (name: string, petstoreSection: string) => {
    const file = path.join(dir, `${name}.yaml`);
    await writeFile(file, `name: ${name}\napis:\n  petstore:\n${petstoreSection}`);
    return file;
  };
  const load = (file: string) => createApp({ ...defaultConfig(), logLevel: 'silent', strict: true, seed: 5, specs: [{ file: petstore }], scenario: file });

  it.each([
    [
      'missing-field',
      '    collections:\n      pets:\n        - { id: 1, name: one }\n',
      '/apis/petstore/collections/pets/0/createdAt: is required (items of pets are checked against GET /pets/{petId}); fix the item or remove it',
    ],
    [
      'wrong-type',
      "    collections:\n      pets:\n        - { id: one, name: one, createdAt: '2026-01-01T00:00:00Z' }\n",
      '/apis/petstore/collections/pets/0/id: must be integer (items of pets are checked against GET /pets/{petId}); fix the item or remove it',
    ],
    [
      'duplicate-id',
      "    collections:\n      owners:\n        - { username: ann }\n        - { username: ann }\n",
      '/apis/petstore/collections/owners/1/username: "ann" is already the id of item 0; ids of owners must be unique',
    ],
    [
      'misspelt-stateless-operation',
      '    options:\n      stateless: [createPets]\n',
      '/apis/petstore/options/stateless/0: "createPets" is not an operationId of the spec; did you mean "createPet"?',
    ],
    [
      'bad-singleton',
      '    singletons:\n      owners.settings:\n        ann: { theme: blue }\n',
      '/apis/petstore/singletons/owners.settings/ann/theme: must be one of ["light","dark"] (the owners.settings is checked against GET /owners/{username}/settings); fix it or remove it',
    ],
    ['unknown-resource', '    collections:\n      pest: []\n', ':5:7: /apis/petstore/collections/pest: unknown key "pest"; remove it or check its spelling'],
  ])('%s', async (name, section, says) => {
    const file = await scenario(name, section);
    await expect(load(file)).rejects.toThrow(says);
    await expect(load(file)).rejects.toThrow(new RegExp(`^${file.replaceAll('.', '\\.')}`));
  });

  it('options.stateless answers the named operations from the schema under that scenario (a spec one cannot edit)', async () => {
    const file = await scenario('stateless', '    options:\n      stateless: [createPet]\n');
    const app = await load(file);
    try {
      const http = supertest(app.handler);
      await http.post('/v1/pets').send({ name: 'rex' }).expect(201);
      expect((await app.journal.list({ operationId: 'createPet', limit: 1 }))[0]!.source).toBe('mock');
      expect((await http.get('/v1/pets').expect(200)).body).toEqual({ items: [], total: 0 });
      expect(app.journal.violations()).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('from the command line: one line on stderr, exit 1', async () => {
    const file = await scenario('cli', '    collections:\n      pets:\n        - { id: 1, name: one }\n');
    const { code, stderr } = await runCli([petstore, '--port', '0', '--scenario', file]);
    expect(code, stderr).toBe(1);
    const lines = linesOf(stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^mockgate: error: /);
    expect(lines[0]).toContain(`${file}: /apis/petstore/collections/pets/0/createdAt: is required`);
  });
});

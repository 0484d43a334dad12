/**
 * Bring your own spec, piece by piece: Swagger 2.0 and OpenAPI 3.1 mount, a document that cannot be served is
 * refused with `file: /json/pointer: reason`, and generated answers satisfy the constraints the earlier generator
 * broke (multipleOf, minProperties, uniqueItems, ipv6, oneOf, required writeOnly, 3.1 type lists and const).
 * Every app here runs --strict: an answer that broke its schema would be a 500 and a recorded violation.
 */
import { isIPv6 } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/engine/spec.js';
import { createTestApp, fixturePath, type TestApp } from '../support/test-app.js';

const fixture = (name: string) => fixturePath('engine', 'any-spec', name);
const apps: TestApp[] = [];
async function serve(file: string, seed = 42): Promise<TestApp> {
  const t = await createTestApp({ specs: [{ file, prefix: '/x' }], seed });
  apps.push(t);
  return t;
}
afterAll(async () => {
  for (const t of apps) {
    // The one schema nothing satisfies is journaled against its 500, as every answer that reports a spec problem is.
    expect(t.violations().filter((v: any) => v.operationId !== 'impossible')).toEqual([]);
    await t.close();
  }
});

describe('generated answers satisfy their schema', async () => {
  const t = await serve(fixture('constraints-3.0.yaml'));

  it('multipleOf', async () => {
    const { body } = await t.http.get('/x/multiple-of').expect(200);
    expect((body.price * 100) % 25).toBe(0);
    expect(body.price).toBeGreaterThanOrEqual(1);
    expect(body.price).toBeLessThanOrEqual(3);
    expect(body.step % 7).toBe(0);
  });

  it('minProperties', async () => {
    const { body } = await t.http.get('/x/min-properties').expect(200);
    expect(Object.keys(body).length).toBeGreaterThanOrEqual(3);
  });

  it('uniqueItems', async () => {
    const { body } = await t.http.get('/x/unique-items').expect(200);
    expect(body.length).toBeGreaterThanOrEqual(4);
    expect(new Set(body).size).toBe(body.length);
  });

  it('format: ipv6', async () => {
    const { body } = await t.http.get('/x/ipv6').expect(200);
    expect(isIPv6(body.address)).toBe(true);
  });

  it('oneOf: exactly one branch', async () => {
    const { body } = await t.http.get('/x/one-of').expect(200);
    expect(['circle', 'square']).toContain(body.kind);
    expect(Object.keys(body).sort()).toEqual(body.kind === 'circle' ? ['kind', 'radius'] : ['kind', 'side']);
  });

  it('a required writeOnly property is left out of the answer (required in requests only)', async () => {
    const { body } = await t.http.get('/x/write-only').expect(200);
    expect(body).toHaveProperty('name');
    expect(body).not.toHaveProperty('password');
  });

  it('an example that breaks the schema is passed over for generated data', async () => {
    const { body } = await t.http.get('/x/bad-example').expect(200);
    expect(Number.isInteger(body.count)).toBe(true);
  });

  it("OpenAPI 3.0's boolean exclusiveMinimum", async () => {
    const { body } = await t.http.get('/x/exclusive').expect(200);
    expect(body).toBe(2);
  });

  it('a schema nothing satisfies answers a 500 naming the operation, and the server goes on', async () => {
    const res = await t.http.get('/x/impossible').expect(500);
    expect(res.body.detail).toMatch(/^cannot generate a 200 answer for impossible that satisfies its schema: must match exactly one schema in oneOf/);
    await t.http.get('/x/ipv6').expect(200);
  });

  it('the same seed gives the same answers', async () => {
    const again = await serve(fixture('constraints-3.0.yaml'));
    for (const path of ['/x/multiple-of', '/x/one-of', '/x/unique-items']) {
      expect((await again.http.get(path)).body).toEqual((await t.http.get(path)).body);
    }
  });
});

describe('OpenAPI 3.1', async () => {
  const t = await serve(fixture('types-3.1.yaml'));

  it('mounts, compiled with the 2020-12 dialect: type lists, const, prefixItems, examples', async () => {
    const spec = await loadSpec(fixture('types-3.1.yaml'));
    expect(spec.dialect).toBe('draft2020');
    const { body } = await t.http.get('/x/things/t1').expect(200);
    expect(body.kind).toBe('widget');
    expect(body.label === null || typeof body.label === 'string').toBe(true);
    expect(body.tags[0]).toBe('first');
  });
});

describe('Swagger 2.0', async () => {
  const t = await serve(fixture('swagger-2.0.json'));

  it('is converted at load and served as OpenAPI 3.0, basePath as its prefix', async () => {
    const spec = await loadSpec(fixture('swagger-2.0.json'));
    expect(spec.sourceVersion).toBe('2.0');
    expect(spec.version).toMatch(/^3\.0\./);
    expect(spec.serverPath).toBe('/v2');
    const { body } = await t.http.get('/x/pets/7').expect(200);
    expect(body).toEqual({ id: expect.any(Number), name: expect.any(String) });
    await t.http.get('/x/pets/seven').expect(400);
  });
});

describe('a document that cannot be served is refused at start with file: /pointer: reason', () => {
  it.each([
    ['broken-ref.yaml', '/paths/~1a/get/responses/200/content/application~1json/schema/$ref: $ref "#/components/schemas/Missing" points at nothing'],
    ['path-item-string.yaml', '/paths/~1a: a path item must be an object, not string'],
    ['webhooks-only.yaml', '/paths: the document has no operations to serve (only webhooks, which a mock server does not serve)'],
  ])('%s', async (name, reason) => {
    await expect(loadSpec(fixture(name))).rejects.toThrow(`${fixture(name)}: ${reason}`);
  });
});

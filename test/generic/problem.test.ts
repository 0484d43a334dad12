/**
 * The RFC 7807 fallback (src/engine/problem.ts): an error on a user's spec for a status the operation declares
 * nothing for — no exact code, no range, no `default` — is answered as application/problem+json, with mockgate's
 * own extras (validation issues) as extension members; --strict sends it as it is. Declared shapes still win
 * (lifecycle.test.ts), and the bundled APIs keep their own error shapes (their own suites).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reasonPhrase } from '../../src/engine/problem.js';
import type { UserHandlers } from '../../src/index.js';
import { createTestApp, fixturePath, useTestApp, type TestApp } from '../support/test-app.js';

const petstore = fixturePath('generic', 'petstore.yaml');

const handlers = {
  // feedPet declares no 4xx at all: a typed error thrown here has no declared shape to take.
  feedPet: (ctx) => {
    if (ctx.request.params.petId === 7) throw ctx.errors.conflict('pet 7 has eaten already');
    return ctx.next();
  },
  // An answer that breaks listPets' 200 (an object with items and total).
  searchPets: () => ({ status: 200, body: { not: 'a list' } }),
} satisfies UserHandlers;

describe('errors a user spec declares nothing for: RFC 7807 problem+json (--strict)', () => {
  const t = useTestApp({ specs: [{ file: petstore }], handlers });

  it('a request refused by validation: 400 problem+json, the issues as an extension member', async () => {
    const { body, headers } = await t.http.get('/v1/pets?limit=0').expect(400);
    expect(headers['content-type']).toBe('application/problem+json');
    expect(body).toMatchObject({ type: 'about:blank', title: 'Bad Request', status: 400, detail: 'request failed validation' });
    expect(body.issues).toEqual([expect.objectContaining({ in: 'query', path: ['limit'], keyword: 'minimum' })]);
    expect(Object.keys(body)).toEqual(['type', 'title', 'status', 'detail', 'issues']);
  });

  it("a handler's typed error for a status the operation does not declare: problem+json, not a strict 500", async () => {
    const { body, headers } = await t.http.post('/v1/pets/7/feed').expect(409);
    expect(headers['content-type']).toBe('application/problem+json');
    expect(body).toEqual({ type: 'about:blank', title: 'Conflict', status: 409, detail: 'pet 7 has eaten already' });
    const [entry] = await t.app.journal.list({ operationId: 'feedPet', limit: 1 });
    expect(entry!.responseValid).toBe(true);
  });

  it('Prefer: code= for a status the document lacks: the 404 saying so, as problem+json', async () => {
    const { body, headers } = await t.http.get('/v1/pets').set('Prefer', 'code=418').expect(404);
    expect(headers['content-type']).toBe('application/problem+json');
    expect(body).toEqual({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'Requested status code 418 is not defined in the document.' });
  });

  it('a declared error keeps the declared shape (no problem+json where the spec says otherwise)', async () => {
    const { body, headers } = await t.http.get('/v1/pets/999').expect(404);
    expect(headers['content-type']).toMatch(/^application\/json/);
    expect(body).toEqual({ code: 404, message: 'pets 999 not found' });
  });
});

describe('an answer that breaks the spec (--strict)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ specs: [{ file: petstore }], handlers });
  });
  afterAll(() => t.close());

  it('answers the strict 500 as problem+json too, carrying the issues', async () => {
    const { body, headers } = await t.http.get('/v1/pets/search').expect(500);
    expect(headers['content-type']).toBe('application/problem+json');
    expect(body).toMatchObject({ type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'the mock produced a response that violates the spec' });
    expect(body.issues.length).toBeGreaterThan(0);
    expect(t.violations()).toHaveLength(1);
  });
});

describe('the title is the reason phrase', () => {
  it.each([
    [401, 'Unauthorized'],
    [420, 'Enhance Your Calm'],
    [418, "I'm a Teapot"],
    [451, 'Unavailable For Legal Reasons'],
    [599, 'HTTP 599'],
  ])('%i: %s', (status, phrase) => {
    expect(reasonPhrase(status)).toBe(phrase);
  });
});

/** Tags: create from any reference, read, list, delete; texts from lakeFS 1.80. */
import { describe, expect, it } from 'vitest';
import { expectLakefsError, expectNoBody } from '../support.js';
import { C1, C2, client, useReposApp } from './support.js';

const R = '/repositories/example-repo';

describe('tags', () => {
  const t = useReposApp();

  it('creates a tag at the commit a reference resolves to, lists and reads it, deletes it', async () => {
    const c = client(t);
    const created = await c.post(`${R}/tags`, { id: 'v2', ref: 'main~1' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ commit_id: C1, id: 'v2' });
    expect((await c.get(`${R}/tags`)).body).toEqual({
      pagination: { has_more: false, max_per_page: 1000, next_offset: '', results: 2 },
      results: [
        { id: 'v1.0', commit_id: C1 },
        { id: 'v2', commit_id: C1 },
      ],
    });
    expect((await c.get(`${R}/tags/v2`)).body).toEqual({ commit_id: C1, id: 'v2' });
    expectNoBody(await c.delete(`${R}/tags/v2`), 204);
    expectLakefsError(await c.delete(`${R}/tags/v2`), 404, 'tag not found');
    expectLakefsError(await c.get(`${R}/tags/v2`), 404, 'tag not found');
  });

  it('refuses a taken name (409), a branch\'s name (409), an unknown reference (404) and an invalid name (400)', async () => {
    const c = client(t);
    expectLakefsError(await c.post(`${R}/tags`, { id: 'v1.0', ref: 'main' }), 409, 'tag already exists: not unique');
    expectLakefsError(await c.post(`${R}/tags`, { id: 'dev', ref: 'main' }), 409, 'branch name dev: conflict found');
    expectLakefsError(await c.post(`${R}/tags`, { id: 'v0', ref: 'nowhere' }), 404, 'not found');
    expectLakefsError(await c.post(`${R}/tags`, { id: 'bad/tag', ref: 'main' }), 400, 'argument tagID: tag id: invalid value: validation error');
    expect((await c.post(`${R}/tags`, { id: 'at-head', ref: C2 })).body.commit_id).toBe(C2);
  });

  it('checks the tag permissions', async () => {
    expectLakefsError(await client(t, 'viewer').post(`${R}/tags`, { id: 'x', ref: 'main' }), 401, 'insufficient permissions: not allowed to fs:CreateTag');
  });
});

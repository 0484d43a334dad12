/** Deleting objects (one, a batch) and replacing user metadata on a branch; texts from lakeFS 1.80. */
import { describe, expect, it } from 'vitest';
import { expectLakefsError, expectNoBody } from '../support.js';
import { client, useReposApp } from './support.js';

const R = '/repositories/example-repo';
const diff = async (c: ReturnType<typeof client>, branch: string) =>
  (await c.get(`${R}/branches/${branch}/diff`)).body.results.map((d: any) => [d.path, d.type, d.size_bytes]);

describe('deleteObject', () => {
  const t = useReposApp();

  it('stages a tombstone over a committed object and drops an uncommitted one; a missing path is no error', async () => {
    const c = client(t);
    await c.post(`${R}/branches/dev/objects?path=new.txt`).set('Content-Type', 'text/plain').send('new');
    expectNoBody(await c.delete(`${R}/branches/dev/objects?path=README.md`), 204);
    expectNoBody(await c.delete(`${R}/branches/dev/objects?path=new.txt`), 204);
    expectNoBody(await c.delete(`${R}/branches/dev/objects?path=never`), 204);
    expect(await diff(c, 'dev')).toEqual([['README.md', 'removed', 0]]);
    expectLakefsError(await c.get(`${R}/refs/dev/objects/stat?path=README.md`), 404, 'not found');
    expect((await c.get(`${R}/refs/dev@/objects/stat?path=README.md`)).status).toBe(200);
    const commit = await c.post(`${R}/branches/dev/commits`, { message: 'drop README' });
    expect(commit.status).toBe(201);
    expect((await c.get(`${R}/refs/dev/objects/ls`)).body.results.map((o: any) => o.path)).not.toContain('README.md');
  });

  it('answers 404 `branch not found`, 403 on a protected branch', async () => {
    const c = client(t);
    expectLakefsError(await c.delete(`${R}/branches/nob/objects?path=x`), 404, 'branch not found');
    expectLakefsError(await c.delete(`${R}/branches/main/objects?path=README.md`), 403, 'cannot write to protected branch');
  });
});

describe('deleteObjects', () => {
  const t = useReposApp();

  it('deletes the listed paths and reports nothing for missing ones', async () => {
    const c = client(t);
    const res = await c.post(`${R}/branches/dev/objects/delete`, { paths: ['README.md', 'nothing', 'reports/2024-02.csv'] });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ errors: [] });
    expect(await diff(c, 'dev')).toEqual([['README.md', 'removed', 0], ['reports/2024-02.csv', 'removed', 0]]);
  });

  it('reports a protected branch per path (403) and denied paths as 401 Unauthorized', async () => {
    const c = client(t);
    const res = await c.post(`${R}/branches/main/objects/delete`, { paths: ['README.md'] });
    expect(res.body).toEqual({ errors: [{ path: 'README.md', status_code: 403, message: 'cannot write to protected branch' }] });
    const denied = await c.as('viewer').post(`${R}/branches/dev/objects/delete`, { paths: ['README.md'] });
    expect(denied.body).toEqual({ errors: [{ path: 'README.md', status_code: 401, message: 'Unauthorized' }] });
  });

  it('refuses more than 1000 paths', async () => {
    const paths = Array.from({ length: 1001 }, (_, i) => `p${i}`);
    expectLakefsError(await client(t).post(`${R}/branches/dev/objects/delete`, { paths }), 400, 'request size exceeded, max paths is set to 1000');
  });
});

describe('updateObjectUserMetadata', () => {
  const t = useReposApp();

  it('replaces the metadata and stages the object again (a change), keeping its data', async () => {
    const c = client(t);
    const before = (await c.get(`${R}/refs/dev/objects/stat?path=README.md`)).body;
    expectNoBody(await c.put(`${R}/branches/dev/objects/stat/user_metadata?path=README.md`, { set: { k: 'v' } }), 204);
    const after = (await c.get(`${R}/refs/dev/objects/stat?path=README.md`)).body;
    expect(after).toEqual({ ...before, metadata: { k: 'v' } });
    expect(await diff(c, 'dev')).toEqual([['README.md', 'changed', 12]]);
  });

  it('answers 404 with lakeFS\'s text for a missing object', async () => {
    expectLakefsError(
      await client(t).put(`${R}/branches/dev/objects/stat/user_metadata?path=nope`, { set: { k: 'v' } }),
      404,
      'update user metadata on example-repo/dev/nope: not found',
    );
  });
});

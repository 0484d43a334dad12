/** Diffs (uncommitted, between references), the commit log, and discarding uncommitted changes; texts from lakeFS 1.80. */
import { describe, expect, it } from 'vitest';
import { expectLakefsError, expectNoBody } from '../support.js';
import { C1, C2, client, useReposApp } from './support.js';

const R = '/repositories/example-repo';
const put = (c: ReturnType<typeof client>, branch: string, path: string, data = 'x') =>
  c.post(`${R}/branches/${branch}/objects?path=${encodeURIComponent(path)}`).set('Content-Type', 'text/plain').send(data);

describe('diffBranch', () => {
  const t = useReposApp();

  it('lists added, changed and removed paths, folds them at a delimiter, and pages them', async () => {
    const c = client(t);
    await put(c, 'dev', 'README.md', 'changed!');
    await put(c, 'dev', 'b/new.txt', 'new');
    await c.delete(`${R}/branches/dev/objects?path=reports%2F2024-02.csv`);
    const all = await c.get(`${R}/branches/dev/diff`);
    expect(all.body).toEqual({
      pagination: { has_more: false, max_per_page: 1000, next_offset: '', results: 3 },
      results: [
        { path: 'README.md', path_type: 'object', size_bytes: 8, type: 'changed' },
        { path: 'b/new.txt', path_type: 'object', size_bytes: 3, type: 'added' },
        { path: 'reports/2024-02.csv', path_type: 'object', size_bytes: 0, type: 'removed' },
      ],
    });
    const folded = await c.get(`${R}/branches/dev/diff?delimiter=%2F&amount=2`);
    expect(folded.body.results).toEqual([
      { path: 'README.md', path_type: 'object', size_bytes: 8, type: 'changed' },
      { path: 'b/', path_type: 'common_prefix', type: 'prefix_changed' },
    ]);
    expect(folded.body.pagination).toMatchObject({ has_more: true, next_offset: 'b/' });
    expect((await c.get(`${R}/branches/dev/diff?prefix=b%2F`)).body.results.map((d: any) => d.path)).toEqual(['b/new.txt']);
  });

  it('answers 404 `branch not found`', async () => {
    expectLakefsError(await client(t).get(`${R}/branches/nob/diff`), 404, 'branch not found');
  });
});

describe('diffRefs', () => {
  const t = useReposApp();

  it('compares from the merge base by default, or directly with two_dot, with the right side\'s stats on request', async () => {
    const c = client(t);
    const threeDot = await c.get(`${R}/refs/v1.0/diff/main`);
    expect(threeDot.body.results).toEqual([
      { path: 'raw/2024/02/events.parquet', path_type: 'object', size_bytes: 2048, type: 'added' },
      { path: 'reports/2024-02.csv', path_type: 'object', size_bytes: 300, type: 'added' },
    ]);
    const twoDot = await c.get(`${R}/refs/main/diff/v1.0?type=two_dot&include_right_stats=true`);
    expect(twoDot.body.results.map((d: any) => [d.path, d.type, d.size_bytes])).toEqual([
      ['raw/2024/02/events.parquet', 'removed', 2048],
      ['reports/2024-02.csv', 'removed', 300],
    ]);
    const withStats = await c.get(`${R}/refs/v1.0/diff/main?include_right_stats=true&prefix=reports`);
    expect(withStats.body.results[0].right).toEqual({ checksum: expect.any(String), content_type: 'text/csv', metadata: {}, mtime: 1700000150 });
  });

  it('sees a branch as its last commit (its uncommitted changes are not part of it)', async () => {
    const c = client(t);
    await put(c, 'dev', 'uncommitted.txt');
    expect((await c.get(`${R}/refs/main/diff/dev`)).body.results).toEqual([]);
  });

  it('answers 404 with lakeFS\'s texts for an unknown left or right reference', async () => {
    const c = client(t);
    expectLakefsError(await c.get(`${R}/refs/nope/diff/main`), 404, 'get commit by branch nope: not found');
    expectLakefsError(await c.get(`${R}/refs/main/diff/nope`), 404, 'get commit by ref nope: not found');
  });
});

describe('logCommits', () => {
  const t = useReposApp();

  it('lists the commit and its ancestors newest first, paged by commit id', async () => {
    const c = client(t);
    const all = await c.get(`${R}/refs/main/commits`);
    expect(all.body.results.map((x: any) => x.message)).toEqual(['Add the February events and report', 'Add the January events', 'Repository created']);
    expect(all.body.results[0]).toMatchObject({ id: C2, parents: [C1], committer: 'developer', metadata: { ticket: 'DATA-42' }, generation: 3, version: 1 });
    const first = await c.get(`${R}/refs/main/commits?amount=1`);
    expect(first.body.pagination).toEqual({ has_more: true, max_per_page: 1000, next_offset: C2, results: 1 });
    const next = await c.get(`${R}/refs/main/commits?amount=1&after=${C2}`);
    expect(next.body.results.map((x: any) => x.id)).toEqual([C1]);
  });

  it('keeps the commits that touched given objects or prefixes', async () => {
    const c = client(t);
    const touched = await c.get(`${R}/refs/main/commits?objects=README.md`);
    expect(touched.body.results.map((x: any) => x.id)).toEqual([C1]);
    const prefixed = await c.get(`${R}/refs/main/commits?prefixes=reports%2F`);
    expect(prefixed.body.results.map((x: any) => x.id)).toEqual([C2]);
  });

  it('answers 404 `ref: not found`', async () => {
    expectLakefsError(await client(t).get(`${R}/refs/main~9/commits`), 404, 'ref: not found');
  });
});

describe('resetBranch', () => {
  const t = useReposApp();

  it('drops one path\'s change, a prefix\'s changes, or all of them; the branch keeps its commit', async () => {
    const c = client(t);
    for (const path of ['c/1', 'c/2', 'd/1', 'e']) await put(c, 'dev', path);
    const head = (await c.get(`${R}/branches/dev`)).body.commit_id;
    expectNoBody(await c.put(`${R}/branches/dev`, { type: 'object', path: 'e' }), 204);
    expectNoBody(await c.put(`${R}/branches/dev`, { type: 'common_prefix', path: 'c/' }), 204);
    expect((await c.get(`${R}/branches/dev/diff`)).body.results.map((d: any) => d.path)).toEqual(['d/1']);
    expectNoBody(await c.put(`${R}/branches/dev`, { type: 'reset' }), 204);
    expect((await c.get(`${R}/branches/dev/diff`)).body.results).toEqual([]);
    expect((await c.get(`${R}/branches/dev`)).body.commit_id).toBe(head);
  });

  it('answers 404 for an unknown branch, 403 on a protected one, 400 for an unknown type', async () => {
    const c = client(t);
    expectLakefsError(await c.put(`${R}/branches/nob`, { type: 'reset' }), 404, 'branch not found');
    expectLakefsError(await c.put(`${R}/branches/main`, { type: 'reset' }), 403, 'cannot write to protected branch');
    expect((await c.put(`${R}/branches/dev`, { type: 'bogus' })).status).toBe(400);
  });
});

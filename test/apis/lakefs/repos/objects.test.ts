/** Object metadata at a reference: stat and list, staged objects over the committed tree at a branch. */
import { describe, expect, it } from 'vitest';
import { expectLakefsError } from '../support.js';
import { C1, client, useReposApp } from './support.js';

const stat = (ref: string, path: string, extra = '') => `/repositories/example-repo/refs/${encodeURIComponent(ref)}/objects/stat?path=${encodeURIComponent(path)}${extra}`;

describe('statObject', () => {
  const t = useReposApp();

  it('answers the object with its namespace-qualified address', async () => {
    const res = await client(t, 'viewer').get(stat('main', 'README.md'));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      checksum: expect.stringMatching(/^[0-9a-f]{32}$/),
      content_type: 'text/markdown',
      metadata: { owner: 'data-team' },
      mtime: 1700000100,
      path: 'README.md',
      path_type: 'object',
      physical_address: expect.stringMatching(/^s3:\/\/example-bucket\/example-repo\/data\//),
      size_bytes: 12,
    });
  });

  it('leaves user metadata out with user_metadata=false: an empty map, as the real 1.80.0 sends it', async () => {
    const res = await client(t).get(stat('main', 'README.md', '&user_metadata=false'));
    expect(res.body.metadata).toEqual({});
  });

  it.each([
    ['a branch with staged objects', 'dirty', 'drafts/notes.txt', 200],
    ['the same branch without them (@)', 'dirty@', 'drafts/notes.txt', 404],
    ['a tag before the object', 'v1.0', 'reports/2024-02.csv', 404],
    ['a commit after it', 'main', 'reports/2024-02.csv', 200],
    ['an ancestor step', 'main~1', 'raw/2024/01/events.parquet', 200],
    ['a commit id', C1, 'raw/2024/02/events.parquet', 404],
  ])('sees what is visible at %s', async (_, ref, path, status) => {
    const res = await client(t).get(stat(ref, path));
    if (status === 404) expectLakefsError(res, 404, 'not found');
    else expect(res.status).toBe(200);
  });

  it('keeps a seeded checksum and derives the rest', async () => {
    const c = client(t);
    expect((await c.get(stat('main', 'raw/2024/01/events.parquet'))).body).toMatchObject({
      checksum: '0cc175b9c0f1b6a831c399e269772661',
      content_type: 'application/octet-stream',
      metadata: {},
      size_bytes: 1024,
    });
  });

  it('answers 404 for an unknown reference or repository, 400 for an empty path, 401 without the permission', async () => {
    expectLakefsError(await client(t).get(stat('nowhere', 'README.md')), 404, 'not found');
    expectLakefsError(await client(t).get('/repositories/no-such-repo/refs/main/objects/stat?path=x'), 404, 'repository not found');
    expectLakefsError(await client(t).get(stat('main', '')), 400, 'parameter "path" in query has an error: empty value is not allowed');
    expectLakefsError(await client(t).get('/repositories/example-repo/refs/main/objects/stat'), 400, 'parameter "path" in query has an error: value is required but missing');
    expectLakefsError(await client(t, 'nobody').get(stat('main', 'README.md')), 401, 'insufficient permissions: not allowed to fs:ReadObject');
  });
});

describe('listObjects', () => {
  const t = useReposApp();
  const paths = (res: { body: { results: Array<{ path: string }> } }) => res.body.results.map((o) => o.path);
  const ls = (ref: string, query = '') => `/repositories/example-repo/refs/${ref}/objects/ls${query}`;

  it('lists every object of a reference in byte-wise order', async () => {
    const res = await client(t, 'viewer').get(ls('main'));
    expect(res.status).toBe(200);
    expect(paths(res)).toEqual(['README.md', 'raw/2024/01/events.parquet', 'raw/2024/02/events.parquet', 'reports/2024-02.csv']);
    expect(res.body.pagination).toEqual({ has_more: false, next_offset: '', results: 4, max_per_page: 1000 });
    expect(res.body.results[0].path_type).toBe('object');
  });

  it('folds deeper paths into common prefixes with a delimiter', async () => {
    const c = client(t);
    const top = await c.get(ls('main', '?delimiter=/'));
    expect(paths(top)).toEqual(['README.md', 'raw/', 'reports/']);
    expect(top.body.results[1]).toEqual({ checksum: '', mtime: 0, path: 'raw/', path_type: 'common_prefix', physical_address: '' });
    expect(paths(await c.get(ls('main', '?delimiter=/&prefix=raw/')))).toEqual(['raw/2024/']);
    expect(paths(await c.get(ls('main', '?delimiter=/&prefix=raw/2024/')))).toEqual(['raw/2024/01/', 'raw/2024/02/']);
  });

  it('pages with amount and after, and shows staged objects at a branch', async () => {
    const c = client(t);
    const first = await c.get(ls('dirty', '?amount=2'));
    expect(paths(first)).toEqual(['README.md', 'drafts/notes.txt']);
    expect(first.body.pagination).toEqual({ has_more: true, next_offset: 'drafts/notes.txt', results: 2, max_per_page: 1000 });
    const rest = await c.get(ls('dirty', '?amount=2&after=drafts/notes.txt'));
    expect(paths(rest)).toEqual(['raw/2024/01/events.parquet', 'raw/2024/02/events.parquet']);
    expect(rest.body.pagination.has_more).toBe(true);
  });

  it('answers an empty page for an empty repository', async () => {
    const res = await client(t).get('/repositories/empty-repo/refs/trunk/objects/ls');
    expect(res.body).toEqual({ pagination: { has_more: false, next_offset: '', results: 0, max_per_page: 1000 }, results: [] });
  });

  it('answers 404 for an unknown reference, 401 without the permission', async () => {
    expectLakefsError(await client(t).get(ls('nowhere')), 404, 'not found');
    expectLakefsError(await client(t, 'nobody').get(ls('main')), 401, 'insufficient permissions: not allowed to fs:ListObjects');
  });
});

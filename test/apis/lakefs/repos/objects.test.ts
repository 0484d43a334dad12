/** Object metadata at a reference: stat and list, staged objects over the committed tree at a branch. */
import { describe, expect, it } from 'vitest';
import { paginate } from '../../../../src/apis/lakefs/pagination.js';
import { put } from '../../../../src/apis/lakefs/table.js';
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

  it('pages a branch of many committed, staged and deleted objects as sorting every visible object would', async () => {
    const c = client(t);
    await c.get(ls('dirty')).expect(200);
    const repo = c.state().repositories['example-repo']!;
    const branch = repo.branches.dirty!;
    const commit = repo.commits[branch.commitId]!;
    // Paths over a small alphabet (so prefixes, delimiters and overlaps meet), some in the tree, some staged over
    // it, some of the tree deleted on the branch; `~` and an astral character sort where UTF-8 puts them.
    let seed = 7;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    const alphabet = ['a', 'b', '/', '-', '~', '\u{1F600}'];
    const randomPath = () => Array.from({ length: 1 + rand(7) }, () => alphabet[rand(alphabet.length)]).join('');
    const object = (path: string, tombstone = false) => ({
      path, physicalAddress: `data/${path}`, checksum: 'c', sizeBytes: 1, mtime: 1, contentType: 'text/plain', metadata: {}, ...(tombstone && { tombstone }),
    });
    for (let i = 0; i < 150; i++) put(commit.objects, randomPath(), object(''));
    for (const path of Object.keys(commit.objects)) commit.objects[path]!.path = path;
    const committed = Object.keys(commit.objects);
    for (let i = 0; i < 60; i++) {
      const path = rand(3) === 0 ? committed[rand(committed.length)]! : randomPath();
      put(branch.staged, path, object(path, rand(2) === 0 && Object.hasOwn(commit.objects, path)));
    }
    const visible = new Map(Object.values(commit.objects).map((o) => [o.path, o]));
    for (const o of Object.values(branch.staged)) (o.tombstone ? visible.delete(o.path) : visible.set(o.path, o));
    const expected = (prefix: string, delimiter: string, after: string, amount: number) => {
      const keys = new Set<string>();
      for (const path of visible.keys()) {
        if (!path.startsWith(prefix)) continue;
        const at = delimiter === '' ? -1 : path.indexOf(delimiter, prefix.length);
        keys.add(at >= 0 ? path.slice(0, at + delimiter.length) : path);
      }
      const page = paginate([...keys], (k) => k, { prefix, after, amount }, { hasMore: 'exact', maxPerPage: 1000 });
      return { keys: page.results, pagination: page.pagination };
    };
    // The server lists what was written into its state (the state is live, not a copy).
    expect((await c.get(ls('dirty', '?amount=1000'))).body.results.length).toBe(visible.size);
    expect(visible.size).toBeGreaterThan(100);
    for (let i = 0; i < 120; i++) {
      const prefix = rand(3) === 0 ? '' : randomPath().slice(0, 1 + rand(2));
      const delimiter = ['', '/', '-'][rand(3)]!;
      const after = rand(2) === 0 ? '' : randomPath();
      const amount = 1 + rand(30);
      const query = `?amount=${amount}&prefix=${encodeURIComponent(prefix)}&delimiter=${encodeURIComponent(delimiter)}&after=${encodeURIComponent(after)}`;
      const res = await c.get(ls('dirty', query));
      expect(res.status).toBe(200);
      expect({ keys: paths(res), pagination: res.body.pagination }, query).toEqual(expected(prefix, delimiter, after, amount));
    }
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

/** Repositories: create, read, list, delete — with lakeFS's texts, fs: permissions and exact paging. */
import { describe, expect, it } from 'vitest';
import { expectLakefsError, expectNoBody } from '../support.js';
import { client, NOW_SECONDS, useReposApp, users } from './support.js';

const creation = { name: 'new-repo', storage_namespace: 's3://bucket/new-repo' };

describe('createRepository', () => {
  const t = useReposApp();

  it('creates the repository with its default branch on a first, empty commit', async () => {
    const c = client(t);
    const res = await c.post('/repositories', creation);
    expect(res.status, res.text).toBe(201);
    expect(res.text.endsWith('}\n')).toBe(true);
    expect(res.body).toEqual({
      id: 'new-repo',
      creation_date: NOW_SECONDS,
      default_branch: 'main',
      storage_namespace: 's3://bucket/new-repo',
      storage_id: '',
      read_only: false,
    });
    const branch = await c.get('/repositories/new-repo/branches/main');
    expect(branch.status).toBe(200);
    expect(branch.body.commit_id).toMatch(/^[0-9a-f]{64}$/);
    const first = await c.get(`/repositories/new-repo/commits/${branch.body.commit_id}`);
    expect(first.body).toMatchObject({ parents: [], committer: '', message: 'Repository created', meta_range_id: '', creation_date: NOW_SECONDS });
  });

  it('uses the default branch name given, and read_only', async () => {
    const c = client(t);
    const res = await c.post('/repositories', { ...creation, default_branch: 'trunk', read_only: true, storage_id: '' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ default_branch: 'trunk', read_only: true, storage_id: '' });
    expect((await c.get('/repositories/new-repo/branches/trunk')).status).toBe(200);
  });

  it('creates a bare repository (bare=true) with no branch and no commit', async () => {
    const c = client(t);
    const created = await c.post('/repositories?bare=true', creation);
    expect(created.status).toBe(201);
    // Its creation answer has no read_only (the real 1.80.0); reading it back says false.
    expect(created.body).not.toHaveProperty('read_only');
    expect((await c.get('/repositories/new-repo')).body.read_only).toBe(false);
    expectLakefsError(await c.get('/repositories/new-repo/branches/main'), 404, 'branch not found');
    expect(Object.keys(c.state().repositories['new-repo']!.commits)).toEqual([]);
  });

  it('answers 409 `not unique` when the name is taken, changing nothing', async () => {
    const c = client(t);
    expectLakefsError(await c.post('/repositories', { ...creation, name: 'example-repo' }), 409, 'error creating repository: not unique');
    expect((await c.get('/repositories/example-repo')).body.storage_namespace).toBe('s3://example-bucket/example-repo');
  });

  it.each([
    ['a name the pattern refuses', { ...creation, name: 'Bad_Name' }],
    ['a storage namespace without a known scheme', { ...creation, storage_namespace: 'ftp://x' }],
    ['no storage namespace', { name: 'new-repo' }],
  ])('answers 400 for %s (before authentication)', async (_, body) => {
    const res = await client(t, 'anonymous').post('/repositories', body);
    expectLakefsError(res, 400, /^request body has an error/);
  });

  // Both as the real lakeFS 1.80.0 answers (test/fidelity): its one blockstore's id is "", and it does not check
  // the default branch's name.
  it('answers 400 for a storage id the configuration does not have', async () => {
    expectLakefsError(await client(t).post('/repositories', { ...creation, storage_id: 'primary' }), 400, 'storage id: invalid value: validation error');
  });

  it('takes any default branch name', async () => {
    const c = client(t);
    expect((await c.post('/repositories', { ...creation, default_branch: 'bad branch' })).body).toMatchObject({ default_branch: 'bad branch' });
    expect((await c.get('/repositories/new-repo/branches')).body.results.map((b: { id: string }) => b.id)).toEqual(['bad branch']);
  });

  it('answers 401 without credentials and 401 `insufficient permissions` to a developer', async () => {
    expectLakefsError(await client(t, 'anonymous').post('/repositories', creation), 401, 'error authenticating request');
    expectLakefsError(await client(t, 'developer').post('/repositories', creation), 401, 'insufficient permissions: not allowed to fs:CreateRepository');
  });
});

describe('getRepository', () => {
  const t = useReposApp();

  it('reads a seeded repository', async () => {
    const res = await client(t, 'viewer').get('/repositories/frozen-repo');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: 'frozen-repo', creation_date: 1700000000, default_branch: 'main', storage_namespace: 'gs://frozen-bucket/', storage_id: '', read_only: true });
  });

  it('answers 404 `repository not found` and 400 for a name no repository can have', async () => {
    expectLakefsError(await client(t).get('/repositories/no-such-repo'), 404, 'repository not found');
    expectLakefsError(await client(t).get('/repositories/__proto__'), 400, 'argument repository: repository id: invalid value: validation error');
  });

  it('answers 401 to an anonymous caller and to a user without policies', async () => {
    expectLakefsError(await client(t, 'anonymous').get('/repositories/example-repo'), 401, 'error authenticating request');
    expectLakefsError(await client(t, 'nobody').get('/repositories/example-repo'), 401, 'insufficient permissions: not allowed to fs:ReadRepository');
  });
});

describe('listRepositories', () => {
  const t = useReposApp();

  it('lists in byte-wise order with max_per_page 1000', async () => {
    const res = await client(t, 'viewer').get('/repositories');
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: { id: string }) => r.id)).toEqual(['empty-repo', 'example-repo', 'frozen-repo']);
    expect(res.body.pagination).toEqual({ has_more: false, next_offset: '', results: 3, max_per_page: 1000 });
  });

  it('pages exactly: has_more only when another item follows, after is exclusive', async () => {
    const c = client(t);
    const first = await c.get('/repositories?amount=2');
    expect(first.body.pagination).toEqual({ has_more: true, next_offset: 'example-repo', results: 2, max_per_page: 1000 });
    const second = await c.get('/repositories?amount=2&after=example-repo');
    expect(second.body.results.map((r: { id: string }) => r.id)).toEqual(['frozen-repo']);
    expect(second.body.pagination).toEqual({ has_more: false, next_offset: '', results: 1, max_per_page: 1000 });
    const exact = await c.get('/repositories?amount=3');
    expect(exact.body.pagination.has_more).toBe(false);
  });

  it.each([
    ['prefix=ex', ['example-repo']],
    ['search=zen', ['frozen-repo']],
    ['search=repo&prefix=e', ['empty-repo', 'example-repo']],
  ])('filters with %s', async (query, ids) => {
    const res = await client(t).get(`/repositories?${query}`);
    expect(res.body.results.map((r: { id: string }) => r.id)).toEqual(ids);
  });

  it('answers 400 for an amount over 1000 and 401 without the permission', async () => {
    expectLakefsError(await client(t).get('/repositories?amount=1001'), 400, /^parameter "amount" in query has an error/);
    expectLakefsError(await client(t, 'nobody').get('/repositories'), 401, 'insufficient permissions: not allowed to fs:ListRepositories');
  });
});

describe('deleteRepository', () => {
  const t = useReposApp();

  it('deletes the repository (204, no body), then it is not found', async () => {
    const c = client(t);
    expectNoBody(await c.delete('/repositories/example-repo'), 204);
    expectLakefsError(await c.get('/repositories/example-repo'), 404, 'repository not found');
  });

  it('refuses a read-only repository with 403 unless force=True', async () => {
    const c = client(t);
    expectLakefsError(await c.delete('/repositories/frozen-repo'), 403, 'read-only repository');
    expectNoBody(await c.delete('/repositories/frozen-repo?force=True'), 204);
  });

  it('answers 404 for an unknown repository and 401 to a developer', async () => {
    expectLakefsError(await client(t).delete('/repositories/no-such-repo'), 404, 'repository not found');
    expectLakefsError(await client(t, 'developer').delete('/repositories/example-repo'), 401, 'insufficient permissions: not allowed to fs:DeleteRepository');
  });
});

describe('storage namespaces', () => {
  const t = useReposApp();
  const inUse = (ns: string) => `failed to create repository: found lakeFS objects in the storage (:${ns}) key(_lakefs/dummy): storage namespace already in use`;

  it('refuses a namespace a repository was created on, even once it is deleted (with or without a trailing slash)', async () => {
    const c = client(t);
    expect((await c.post('/repositories', { name: 'first-repo', storage_namespace: 's3://b/shared' })).status).toBe(201);
    expectLakefsError(await c.post('/repositories', { name: 'second-repo', storage_namespace: 's3://b/shared' }), 400, inUse('s3://b/shared'));
    expect((await c.delete('/repositories/first-repo')).status).toBe(204);
    expectLakefsError(await c.post('/repositories', { name: 'second-repo', storage_namespace: 's3://b/shared/' }), 400, inUse('s3://b/shared/'));
    // A seeded repository's namespace is taken too; a nested namespace is a new one.
    expectLakefsError(await c.post('/repositories', { name: 'third-repo', storage_namespace: 's3://example-bucket/example-repo' }), 400, inUse('s3://example-bucket/example-repo'));
    expect((await c.post('/repositories', { name: 'nested-repo', storage_namespace: 's3://b/shared/sub' })).status).toBe(201);
  });

  it('refuses a namespace the blockstore cannot write, in lakeFS\'s words (s3 by default)', async () => {
    expectLakefsError(await client(t).post('/repositories', { name: 'gs-repo', storage_namespace: 'gs://b/x' }), 400, 'failed to match required regex ^s3://: invalid namespace');
  });

  it('lets read-only and bare repositories share a namespace (lakeFS writes no marker for them)', async () => {
    const c = client(t);
    expect((await c.post('/repositories', { name: 'ro-repo', storage_namespace: 's3://example-bucket/example-repo', read_only: true })).status).toBe(201);
    expect((await c.post('/repositories?bare=true', { name: 'bare-repo', storage_namespace: 's3://example-bucket/example-repo' })).status).toBe(201);
  });
});

describe('storage namespaces on a local blockstore', () => {
  const t = useReposApp('local.yaml');

  it('takes local:// and refuses s3:// as the real 1.80.0 does', async () => {
    expect((await client(t).post('/repositories', { name: 'local-repo', storage_namespace: 'local://data/local-repo' })).status).toBe(201);
    expectLakefsError(await client(t).post('/repositories', { name: 'x-s3', storage_namespace: 's3://bucket/x-s3' }), 400, 'failed to match required regex ^local://: invalid namespace');
  });
});

describe('HEAD where lakeFS declares none', () => {
  const t = useReposApp();

  it('is lakeFS\'s 404 catch-all, not the GET (the real 1.80.0 answers HEAD /repositories with 404)', async () => {
    const res = await t.http.head('/api/v1/repositories').set(users.admin);
    expect(res.status).toBe(404);
    expect(res.text ?? '').toBe('');
  });
});

/** Branches: create from a reference (the commit id as text), read, list (hidden on request), delete. */
import { describe, expect, it } from 'vitest';
import { expectLakefsError, expectNoBody } from '../support.js';
import { C1, C2, client, useReposApp } from './support.js';

describe('createBranch', () => {
  const t = useReposApp();

  it.each([
    ['a branch', 'main', C2],
    ['a tag', 'v1.0', C1],
    ['a commit id', C1, C1],
    ['a commit id prefix', C1.slice(0, 8), C1],
    ['an ancestor step', 'main~1', C1],
  ])('creates a branch from %s and answers the commit id as text', async (_, source, commit) => {
    const c = client(t, 'developer');
    const res = await c.post('/repositories/example-repo/branches', { name: 'feature', source });
    expect(res.status, res.text).toBe(201);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.text).toBe(commit);
    expect((await c.get('/repositories/example-repo/branches/feature')).body).toEqual({ id: 'feature', commit_id: commit });
  });

  it('leaves the source branch\'s uncommitted objects behind', async () => {
    const c = client(t);
    await c.post('/repositories/example-repo/branches', { name: 'feature', source: 'dirty' });
    const res = await c.get('/repositories/example-repo/refs/feature/objects/stat?path=drafts/notes.txt');
    expectLakefsError(res, 404, 'not found');
  });

  it('answers 409 when the branch exists', async () => {
    expectLakefsError(await client(t).post('/repositories/example-repo/branches', { name: 'dev', source: 'main' }), 409, 'branch already exists: not unique');
  });

  it('answers 404 for an unknown source or repository', async () => {
    expectLakefsError(await client(t).post('/repositories/example-repo/branches', { name: 'feature', source: 'nowhere' }), 404, "source reference 'nowhere': not found");
    expectLakefsError(await client(t).post('/repositories/no-such-repo/branches', { name: 'feature', source: 'main' }), 404, 'repository not found');
  });

  it('answers 500 for an empty name, as the real lakeFS 1.80.0 does (an error it does not map)', async () => {
    expectLakefsError(await client(t).post('/repositories/example-repo/branches', { name: '', source: 'main' }), 500, 'argument branch: required value: validation error');
  });

  it('answers 400 for an invalid name and for a missing source', async () => {
    expectLakefsError(
      await client(t).post('/repositories/example-repo/branches', { name: 'a/b', source: 'main' }),
      400,
      'argument branch: branch id: invalid value: validation error: branch id must consist of letters, digits, underscores and dashes, and cannot start with a dash',
    );
    expectLakefsError(await client(t).post('/repositories/example-repo/branches', { name: 'x' }), 400, /^request body has an error/);
  });

  it('answers 403 in a read-only repository unless forced', async () => {
    const c = client(t);
    expectLakefsError(await c.post('/repositories/frozen-repo/branches', { name: 'feature', source: 'main' }), 403, 'read-only repository');
    expect((await c.post('/repositories/frozen-repo/branches', { name: 'feature', source: 'main', force: true })).status).toBe(201);
  });

  it('answers 401 to a viewer', async () => {
    expectLakefsError(
      await client(t, 'viewer').post('/repositories/example-repo/branches', { name: 'feature', source: 'main' }),
      401,
      'insufficient permissions: not allowed to fs:CreateBranch',
    );
  });
});

describe('getBranch', () => {
  const t = useReposApp();

  it('reads a branch', async () => {
    expect((await client(t, 'viewer').get('/repositories/example-repo/branches/old')).body).toEqual({ id: 'old', commit_id: C1 });
  });

  it.each([
    ['an unknown branch', '/repositories/example-repo/branches/nope', 404, 'branch not found'],
    ['an unknown repository', '/repositories/no-such-repo/branches/main', 404, 'repository not found'],
    ['an impossible branch name', '/repositories/example-repo/branches/a.b', 400, 'argument branch: branch id: invalid value: validation error'],
  ])('answers %s', async (_, path, status, message) => {
    expectLakefsError(await client(t).get(path), status, message);
  });

  it('answers 401 to a user without policies', async () => {
    expectLakefsError(await client(t, 'nobody').get('/repositories/example-repo/branches/main'), 401, 'insufficient permissions: not allowed to fs:ReadBranch');
  });
});

describe('listBranches', () => {
  const t = useReposApp();
  const ids = (res: { body: { results: Array<{ id: string }> } }) => res.body.results.map((b) => b.id);

  it('lists the branches with their commits, hidden ones left out', async () => {
    const res = await client(t, 'viewer').get('/repositories/example-repo/branches');
    expect(res.status).toBe(200);
    expect(ids(res)).toEqual(['dev', 'dirty', 'main', 'old', 'release']);
    expect(res.body.results[3]).toEqual({ id: 'old', commit_id: C1 });
    expect(res.body.pagination).toEqual({ has_more: false, next_offset: '', results: 5, max_per_page: 1000 });
  });

  it('includes hidden branches with show_hidden, and hides branches created hidden', async () => {
    const c = client(t);
    await c.post('/repositories/example-repo/branches', { name: 'shadow', source: 'main', hidden: true });
    expect(ids(await c.get('/repositories/example-repo/branches?show_hidden=true'))).toEqual(['dev', 'dirty', 'main', 'old', 'release', 'secret-experiment', 'shadow']);
    expect(ids(await c.get('/repositories/example-repo/branches'))).not.toContain('shadow');
  });

  it('pages with prefix, after and amount', async () => {
    const c = client(t);
    const page = await c.get('/repositories/example-repo/branches?amount=2&after=dev');
    expect(ids(page)).toEqual(['dirty', 'main']);
    expect(page.body.pagination).toEqual({ has_more: true, next_offset: 'main', results: 2, max_per_page: 1000 });
    expect(ids(await c.get('/repositories/example-repo/branches?prefix=d'))).toEqual(['dev', 'dirty']);
  });

  it('answers 404 for an unknown repository and 401 without the permission', async () => {
    expectLakefsError(await client(t).get('/repositories/no-such-repo/branches'), 404, 'repository not found');
    expectLakefsError(await client(t, 'nobody').get('/repositories/example-repo/branches'), 401, 'insufficient permissions: not allowed to fs:ListBranches');
  });
});

describe('deleteBranch', () => {
  const t = useReposApp();

  it('deletes a branch', async () => {
    const c = client(t, 'developer');
    expectNoBody(await c.delete('/repositories/example-repo/branches/dev'), 204);
    expectLakefsError(await c.get('/repositories/example-repo/branches/dev'), 404, 'branch not found');
  });

  it.each([
    ['the default branch', 'empty-repo', 'trunk', 'cannot delete repository default branch'],
    ['a branch of a read-only repository', 'frozen-repo', 'scratch', 'read-only repository'],
  ])('answers 403 for %s', async (_, repo, branch, message) => {
    expectLakefsError(await client(t).delete(`/repositories/${repo}/branches/${branch}`), 403, message);
  });

  it('deletes a protected branch: protection blocks staging writes and commits, not deletion (the real lakeFS 1.80.0)', async () => {
    const c = client(t);
    expectNoBody(await c.delete('/repositories/example-repo/branches/release'), 204);
    expectLakefsError(await c.get('/repositories/example-repo/branches/release'), 404, 'branch not found');
  });

  it('deletes a branch of a read-only repository with force=True', async () => {
    expectNoBody(await client(t).delete('/repositories/frozen-repo/branches/scratch?force=True'), 204);
  });

  it('answers 404 for an unknown branch and 401 to a viewer', async () => {
    expectLakefsError(await client(t).delete('/repositories/example-repo/branches/nope'), 404, 'branch not found');
    expectLakefsError(await client(t, 'viewer').delete('/repositories/example-repo/branches/dev'), 401, 'insufficient permissions: not allowed to fs:DeleteBranch');
  });
});

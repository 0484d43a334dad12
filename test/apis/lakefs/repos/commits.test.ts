/** Commits: committing staged objects as the caller, and reading commits by id or reference. */
import { describe, expect, it } from 'vitest';
import { expectLakefsError } from '../support.js';
import { C1, C2, client, NOW_SECONDS, useReposApp } from './support.js';

describe('commit', () => {
  const t = useReposApp();

  it('commits the staged objects: the caller is the committer, the branch moves, staging empties', async () => {
    const c = client(t, 'developer');
    const res = await c.post('/repositories/example-repo/branches/dirty/commits', { message: 'Notes', metadata: { reviewed: 'yes' } });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{64}$/),
      parents: [C2],
      committer: 'developer',
      message: 'Notes',
      creation_date: NOW_SECONDS,
      meta_range_id: expect.stringMatching(/^[0-9a-f]{64}$/),
      metadata: { reviewed: 'yes' },
      generation: 4,
      version: 1,
    });
    expect((await c.get('/repositories/example-repo/branches/dirty')).body.commit_id).toBe(res.body.id);
    expect(c.state().repositories['example-repo']!.branches.dirty!.staged).toEqual({});
    expect((await c.get(`/repositories/example-repo/refs/${res.body.id}/objects/stat?path=drafts/notes.txt`)).status).toBe(200);
    expect((await c.get(`/repositories/example-repo/commits/${res.body.id}`)).body).toEqual(res.body);
  });

  it('takes the date given', async () => {
    const res = await client(t).post('/repositories/example-repo/branches/dirty/commits', { message: 'Backdated', date: 1600000000 });
    expect(res.body.creation_date).toBe(1600000000);
  });

  it('answers 400 `commit: no changes` on a clean branch unless allow_empty', async () => {
    const c = client(t);
    expectLakefsError(await c.post('/repositories/example-repo/branches/dev/commits', { message: 'Nothing' }), 400, 'commit: no changes');
    const empty = await c.post('/repositories/example-repo/branches/dev/commits', { message: 'Nothing', allow_empty: true });
    expect(empty.status).toBe(201);
    expect(empty.body.meta_range_id).toBe(c.state().repositories['example-repo']!.commits[C2]!.metaRangeId);
  });

  it('commits the tree of a source metarange on a clean branch', async () => {
    const c = client(t);
    const source = c.state().repositories['example-repo']!.commits[C1]!.metaRangeId;
    const res = await c.post(`/repositories/example-repo/branches/dev/commits?source_metarange=${source}`, { message: 'Back to January' });
    expect(res.status).toBe(201);
    expect(res.body.meta_range_id).toBe(source);
    expectLakefsError(await c.get('/repositories/example-repo/refs/dev/objects/stat?path=reports/2024-02.csv'), 404, 'not found');
    expectLakefsError(
      await c.post(`/repositories/example-repo/branches/dirty/commits?source_metarange=${source}`, { message: 'x' }),
      400,
      'cannot use source MetaRange on a branch with uncommitted changes',
    );
    expectLakefsError(await c.post('/repositories/example-repo/branches/dev/commits?source_metarange=abc', { message: 'x' }), 404, 'metarange not found');
  });

  it('answers 403 on a protected branch and in a read-only repository', async () => {
    expectLakefsError(await client(t).post('/repositories/example-repo/branches/main/commits', { message: 'x', allow_empty: true }), 403, 'cannot commit to protected branch');
    expectLakefsError(await client(t).post('/repositories/frozen-repo/branches/main/commits', { message: 'x', allow_empty: true }), 403, 'read-only repository');
  });

  it('answers 400 without a message, 404 for an unknown branch, 401 to a viewer', async () => {
    expectLakefsError(await client(t).post('/repositories/example-repo/branches/dirty/commits', {}), 400, /^request body has an error/);
    // The pre-commit hooks fail first, reading their actions at the unknown branch (the real 1.80.0's text).
    expectLakefsError(
      await client(t).post('/repositories/example-repo/branches/nope/commits', { message: 'x' }),
      404,
      /^prepare-commit hook aborted, run id '[0-9a-v]{20}': list actions from commit: listing actions: not found$/,
    );
    expectLakefsError(
      await client(t, 'viewer').post('/repositories/example-repo/branches/dirty/commits', { message: 'x' }),
      401,
      'insufficient permissions: not allowed to fs:CreateCommit',
    );
  });
});

describe('getCommit', () => {
  const t = useReposApp();

  it('reads a seeded commit', async () => {
    const res = await client(t, 'viewer').get(`/repositories/example-repo/commits/${C2}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: C2,
      parents: [C1],
      committer: 'developer',
      message: 'Add the February events and report',
      creation_date: 1700000200,
      meta_range_id: expect.stringMatching(/^[0-9a-f]{64}$/),
      metadata: { ticket: 'DATA-42' },
      generation: 3,
      version: 1,
    });
  });

  it.each([
    ['a branch', 'old', C1],
    ['a tag', 'v1.0', C1],
    ['a prefix', C2.slice(0, 10), C2],
    ['a parent step', `${C2}^`, C1],
  ])('resolves %s', async (_, ref, id) => {
    expect((await client(t).get(`/repositories/example-repo/commits/${encodeURIComponent(ref)}`)).body.id).toBe(id);
  });

  it('answers 404 for an unknown commit or repository, 401 without the permission', async () => {
    expectLakefsError(await client(t).get(`/repositories/example-repo/commits/${'f'.repeat(64)}`), 404, 'commit not found');
    expectLakefsError(await client(t).get(`/repositories/example-repo/commits/main~9`), 404, 'commit not found');
    expectLakefsError(await client(t).get(`/repositories/no-such-repo/commits/${C1}`), 404, 'repository not found');
    expectLakefsError(await client(t, 'nobody').get(`/repositories/example-repo/commits/${C1}`), 401, 'insufficient permissions: not allowed to fs:ReadCommit');
  });
});

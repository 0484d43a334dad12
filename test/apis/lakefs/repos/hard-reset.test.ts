/** hardResetBranch: move a branch to a reference; dirty, protected and read-only refusals; force. */
import { describe, expect, it } from 'vitest';
import { expectLakefsError, expectNoBody } from '../support.js';
import { C1, C2, client, useReposApp } from './support.js';

const reset = (branch: string, query: string, repo = 'example-repo') => `/repositories/${repo}/branches/${branch}/hard_reset?${query}`;

describe('hardResetBranch', () => {
  const t = useReposApp();

  it.each([
    ['a commit id', C1, C1],
    ['a tag', 'v1.0', C1],
    ['a branch', 'old', C1],
    ['an ancestor step', 'dev~1', C1],
    ['a commit id prefix', C2.slice(0, 12), C2],
  ])('moves the branch to %s (204)', async (_, ref, commit) => {
    const c = client(t, 'developer');
    expectNoBody(await c.put(reset('dev', `ref=${encodeURIComponent(ref)}`)), 204);
    expect((await c.get('/repositories/example-repo/branches/dev')).body.commit_id).toBe(commit);
    const report = await c.get('/repositories/example-repo/refs/dev/objects/stat?path=reports/2024-02.csv');
    expect(report.status).toBe(commit === C1 ? 404 : 200);
  });

  it('resets a dirty branch and keeps its uncommitted changes, forced or not (the real 1.80.0; the notes said 400)', async () => {
    const c = client(t);
    const staged = '/repositories/example-repo/refs/dirty/objects/stat?path=drafts/notes.txt';
    expect((await c.get(staged)).status).toBe(200);
    expectNoBody(await c.put(reset('dirty', `ref=${C1}`)), 204);
    expect((await c.get('/repositories/example-repo/branches/dirty')).body.commit_id).toBe(C1);
    expect((await c.get(staged)).status).toBe(200);
    expectNoBody(await c.put(reset('dirty', `ref=${C2}&force=False`)), 204);
    expectNoBody(await c.put(reset('dirty', `ref=${C1}&force=True`)), 204);
    expect((await c.get('/repositories/example-repo/branches/dirty')).body.commit_id).toBe(C1);
    expect((await c.get(staged)).status).toBe(200);
  });

  it('answers 403 for a protected branch, even forced', async () => {
    expectLakefsError(await client(t).put(reset('main', `ref=${C1}&force=true`)), 403, 'protected branch');
  });

  it('answers 403 in a read-only repository unless forced', async () => {
    const c = client(t);
    const first = (await c.get('/repositories/frozen-repo/branches/main')).body.commit_id;
    expectLakefsError(await c.put(reset('scratch', `ref=${first}`, 'frozen-repo')), 403, 'read-only repository');
    expectNoBody(await c.put(reset('scratch', `ref=${first}&force=true`, 'frozen-repo')), 204);
  });

  it.each([
    ['an unknown reference', reset('dev', 'ref=nowhere'), 404, 'hard-reset dev to nowhere: not found'],
    ['an unknown branch', reset('nope', `ref=${C1}`), 404, 'branch not found'],
    ['an unknown repository', reset('dev', `ref=${C1}`, 'no-such-repo'), 404, 'repository not found'],
    ['an empty reference', reset('dev', 'ref='), 400, 'parameter "ref" in query has an error: empty value is not allowed'],
    ['no reference', reset('dev', ''), 400, 'parameter "ref" in query has an error: value is required but missing'],
    ['a force that is no boolean', reset('dev', `ref=${C1}&force=maybe`), 400, /^parameter "force" in query has an error/],
  ])('answers %s', async (_, path, status, message) => {
    expectLakefsError(await client(t).put(path), status, message);
  });

  it('answers 401 to an anonymous caller and to a viewer', async () => {
    expectLakefsError(await client(t, 'anonymous').put(reset('dev', `ref=${C1}`)), 401, 'error authenticating request');
    expectLakefsError(await client(t, 'viewer').put(reset('dev', `ref=${C1}`)), 401, 'insufficient permissions: not allowed to fs:RevertBranch');
  });

  it('answers a bodiless 429 when a rule throttles the caller', async () => {
    const res = await client(t, 'throttled').put(reset('dev', `ref=${C1}`));
    expect(res.status).toBe(429);
    expect(res.text).toBe('');
  });
});

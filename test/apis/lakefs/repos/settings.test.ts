/**
 * A repository's settings: branch protection rules (patterns, ETag / If-Match, what they block), garbage
 * collection rules and repository metadata, as the real lakeFS 1.80.0 answers them (test/fidelity).
 */
import { describe, expect, it } from 'vitest';
import { put } from '../../../../src/apis/lakefs/table.js';
import type { TestApp } from '../../../support/test-app.js';
import { expectLakefsError, expectNoBody, kinText, lakefsState } from '../support.js';
import { client as sessionClient, useReposApp, type Who } from './support.js';

const R = '/repositories/example-repo';
const RULES = `${R}/settings/branch_protection`;
const EMPTY_REPO_RULES = '/repositories/empty-repo/settings/branch_protection';

/**
 * A client whose session grants the fixture's Admins the settings actions too (its FSFullAccess is `fs:*`, as
 * lakeFS's own; the settings actions are `branches:*` and `retention:*`).
 */
function client(t: TestApp, who: Who = 'admin') {
  const c = sessionClient(t, who);
  const state = lakefsState(t, c.session);
  put(state.policies, 'SettingsFullAccess', { id: 'SettingsFullAccess', creationDate: 0, statement: [{ effect: 'allow', action: ['branches:*', 'retention:*'], resource: '*' }] });
  state.groupPolicies.Admins = [...(state.groupPolicies.Admins ?? []), 'SettingsFullAccess'];
  return c;
}

describe('branch protection rules', () => {
  const t = useReposApp();

  it('lists none, with an empty ETag, where none were ever set', async () => {
    const res = await client(t).get(EMPTY_REPO_RULES);
    expect(res.status).toBe(200);
    expect(res.body).toEqual([]);
    expect(res.headers.etag).toBe('');
  });

  it('lists a seeded protected branch as a rule with its name', async () => {
    const res = await client(t).get(RULES);
    expect(res.body).toEqual([{ pattern: 'main' }, { pattern: 'release' }]);
    expect(res.headers.etag).toMatch(/^[0-9a-f]{64}$/);
  });

  it('replaces the rules; a branch a pattern matches refuses staging writes and commits, others do not', async () => {
    const c = client(t);
    expectNoBody(await c.put(EMPTY_REPO_RULES, [{ pattern: 'prot-*' }, { pattern: 'v?' }, { pattern: 'prot-*' }]), 204);
    expect((await c.get(EMPTY_REPO_RULES)).body).toEqual([{ pattern: 'prot-*' }, { pattern: 'v?' }]);
    for (const name of ['prot-1', 'v1', 'v10', 'other']) {
      expect((await c.post('/repositories/empty-repo/branches', { name, source: 'trunk' })).status).toBe(201);
    }
    for (const name of ['prot-1', 'v1']) {
      expectLakefsError(await c.post(`/repositories/empty-repo/branches/${name}/commits`, { message: 'm', allow_empty: true }), 403, 'cannot commit to protected branch');
      expectLakefsError(await c.delete(`/repositories/empty-repo/branches/${name}/objects?path=x`), 403, 'cannot write to protected branch');
      expectLakefsError(await c.put(`/repositories/empty-repo/branches/${name}/hard_reset?ref=trunk`), 403, 'protected branch');
    }
    for (const name of ['v10', 'other']) {
      expect((await c.post(`/repositories/empty-repo/branches/${name}/commits`, { message: 'm', allow_empty: true })).status).toBe(201);
    }
    // Deletion is not a blocked action.
    expectNoBody(await c.delete('/repositories/empty-repo/branches/prot-1'), 204);
  });

  it('lifts the protection of the seeded main once its rule is gone', async () => {
    const c = client(t);
    expectLakefsError(await c.post(`${R}/branches/main/commits`, { message: 'm', allow_empty: true }), 403, 'cannot commit to protected branch');
    expectNoBody(await c.put(RULES, [{ pattern: 'release' }]), 204);
    expect((await c.post(`${R}/branches/main/commits`, { message: 'm', allow_empty: true })).status).toBe(201);
  });

  it('updates only while If-Match still holds (412 otherwise); an empty If-Match is no condition (as the real 1.80.0 reads it)', async () => {
    const c = client(t);
    const etag = (await c.get(RULES)).headers.etag as string;
    expectLakefsError(await c.put(RULES, [{ pattern: 'x' }]).set('If-Match', 'stale-etag'), 412, 'Precondition failed');
    expectNoBody(await c.put(RULES, [{ pattern: 'x' }]).set('If-Match', etag), 204);
    expectLakefsError(await c.put(RULES, [{ pattern: 'y' }]).set('If-Match', etag), 412, 'Precondition failed');
    expectLakefsError(await c.put(EMPTY_REPO_RULES, [{ pattern: 'z' }]).set('If-Match', 'anything'), 412, 'Precondition failed');
    expectNoBody(await c.put(EMPTY_REPO_RULES, [{ pattern: 'z' }]).set('If-Match', ''), 204);
    expectNoBody(await c.put(EMPTY_REPO_RULES, [{ pattern: 'w' }]).set('If-Match', ''), 204);
    expect((await c.get(EMPTY_REPO_RULES)).body).toEqual([{ pattern: 'w' }]);
  });

  it('answers kin-openapi\'s 400 for a body that is not an array, 401 without credentials, 404 for an unknown repository', async () => {
    expectLakefsError(await client(t).put(RULES, { pattern: 'x' }), 400, kinText('request body has an error: doesn\'t match schema: value must be an array'));
    expectLakefsError(await client(t, 'anonymous').get(RULES), 401, 'error authenticating request');
    expectLakefsError(await client(t).get('/repositories/no-such-repo/settings/branch_protection'), 404, 'repository not found');
  });

  it('needs branches:GetBranchProtectionRules and branches:SetBranchProtectionRules', async () => {
    expectLakefsError(await client(t, 'nobody').get(RULES), 401, 'insufficient permissions: not allowed to branches:GetBranchProtectionRules');
    expectLakefsError(await client(t, 'nobody').put(RULES, []), 401, 'insufficient permissions: not allowed to branches:SetBranchProtectionRules');
  });
});

describe('garbage collection rules and repository metadata', () => {
  const t = useReposApp();

  it('answers 404 `not found` until rules are set, then the rules, until they are deleted', async () => {
    const c = client(t);
    expectLakefsError(await c.get(`${R}/settings/gc_rules`), 404, 'not found');
    const rules = { default_retention_days: 21, branches: [{ branch_id: 'main', retention_days: 28 }, { branch_id: 'dev', retention_days: 7 }] };
    expectNoBody(await c.put(`${R}/settings/gc_rules`, rules), 204);
    expect((await c.get(`${R}/settings/gc_rules`)).body).toEqual(rules);
    expectNoBody(await c.delete(`${R}/settings/gc_rules`), 204);
    expectLakefsError(await c.get(`${R}/settings/gc_rules`), 404, 'not found');
  });

  it('refuses days no Go int holds (400), so they are never answered back in a form no integer type reads', async () => {
    const c = client(t);
    const rules = { default_retention_days: 21, branches: [{ branch_id: 'main', retention_days: -1.5878890485097093e29 }] };
    expectLakefsError(
      await c.put(`${R}/settings/gc_rules`, rules),
      400,
      'json: cannot unmarshal number -1.5878890485097093e+29 into Go struct field GarbageCollectionRules.branches.retention_days of type int',
    );
    expectLakefsError(await c.get(`${R}/settings/gc_rules`), 404, 'not found');
  });

  it('reads a repository\'s metadata: empty when it has none', async () => {
    const res = await client(t).get(`${R}/metadata`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expectLakefsError(await client(t).get('/repositories/no-such-repo/metadata'), 404, 'repository not found');
  });
});

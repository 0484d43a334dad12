/**
 * The same handlers behind the upstream lakeFS document: a user who mounts lakeFS's own swagger.yml (`--spec`)
 * gets the stateful auth operations, because handlers bind by operationId. Responses are still checked strictly,
 * against upstream's document this time, so this test exercises only statuses upstream declares (201, 200, 409,
 * 401, 404); the ones it leaves out (409 on attachments, 501) are covered against our own spec elsewhere.
 * The reference copy lives outside the repository (MOCKGATE_UPSTREAM_LAKEFS_SPEC, else the workplace's shared/
 * folder beside the clone or at /work/shared); the test is skipped only where none of them exists.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath, repoRoot, type TestApp } from '../../../support/test-app.js';
import { expectLakefsError, lakefsApp } from '../support.js';
import { NOW, NOW_SECONDS, as, client } from './helpers.js';

const upstream =
  [process.env.MOCKGATE_UPSTREAM_LAKEFS_SPEC, path.resolve(repoRoot, '../shared/reference/lakefs/swagger.yml'), '/work/shared/reference/lakefs/swagger.yml']
    .filter((file): file is string => Boolean(file))
    .find((file) => existsSync(file)) ?? '';

describe.skipIf(!upstream)('mounted from the upstream swagger.yml', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await lakefsApp({ scenario: fixturePath('lakefs', 'auth', 'basic.yaml'), specs: [{ file: upstream }] }, NOW);
  });
  afterAll(async () => {
    // Strict: every answer above was checked against upstream's document.
    expect(t.violations()).toEqual([]);
    await t.close();
  });

  it('mounts under /api/v1 and binds the auth handlers', () => {
    expect(t.app.mounts[0]!.api.name).toBe('lakefs');
    expect(t.app.mounts[0]!.prefix).toBe('/api/v1');
  });

  it('creates a user, reads it back, refuses a duplicate and an unauthorized caller', async () => {
    const c = client(t, as('admin'));
    const created = await c.post('/auth/users', { id: 'upstream-user' });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: 'upstream-user', creation_date: NOW_SECONDS });
    expect((await c.get('/auth/users/upstream-user')).body).toEqual({ id: 'upstream-user', creation_date: NOW_SECONDS });
    expectLakefsError(await c.post('/auth/users', { id: 'upstream-user' }), 409, 'Already exists');
    expectLakefsError(await c.as({}).post('/auth/users', { id: 'another' }), 401, 'error authenticating request');
    expectLakefsError(await c.as(as('nobody')).post('/auth/users', { id: 'another' }), 401, 'insufficient permissions: not allowed to auth:CreateUser');
    expectLakefsError(await c.get('/auth/users/another'), 404, 'user not found');
    expect((await c.as({}).get('/user')).body).toEqual({ user: { creation_date: 0, id: '' } });
    expect((await c.get('/auth/users/upstream-user/policies?effective=True')).status).toBe(200);
  });
});

/**
 * Community mode (open-source lakeFS's single-user auth service): every call of the one user is allowed; groups,
 * policies, external principals and most credential operations answer 501 (operations.test.ts checks all of
 * them); what remains behaves as upstream's BasicAuthService does.
 */
import { describe, expect, it } from 'vitest';
import { expectLakefsError, expectNoBody, lakefsState } from '../support.js';
import { as, client, useAuthApp, withToken } from './helpers.js';

const t = useAuthApp('community.yaml');

describe('community mode', () => {
  it('lists its one user, whatever the paging', async () => {
    for (const query of ['', '?amount=1', '?prefix=zzz', '?after=admin']) {
      const res = await client(t).get(`/auth/users${query}`);
      expect(res.body).toEqual({
        pagination: { has_more: false, next_offset: '', results: 1, max_per_page: 0 },
        results: [{ id: 'admin', creation_date: 1700000000 }],
      });
    }
  });

  it('answers 409 "Already exists" to any new user, after checking the id', async () => {
    const c = client(t);
    expectLakefsError(await c.post('/auth/users', { id: 'second' }), 409, 'Already exists');
    expectLakefsError(await c.post('/auth/users', { id: '' }), 400, 'empty name: validation error');
    expectLakefsError(await c.post('/auth/users', { id: 'a/b' }), 400, 'name contains delimiter /: validation error');
    expectLakefsError(await c.post('/auth/users', { id: 'a%b' }), 400, "User name cannot contain '%'");
  });

  it('answers 501 to an invitation', async () => {
    expectLakefsError(await client(t).post('/auth/users', { id: 'x@example.com', invite_user: true }), 501, 'Not Implemented');
  });

  it('reads the user and answers 404 "user not found" for others', async () => {
    expect((await client(t).get('/auth/users/admin')).body).toEqual({ id: 'admin', creation_date: 1700000000 });
    expectLakefsError(await client(t).get('/auth/users/other'), 404, 'user not found');
  });

  it('reads an access key of the user (200), and answers 404 "credentials not found" for any other, as the real 1.80.0 does', async () => {
    const key = 'AKIAJADMIN222222222Q';
    const res = await client(t).get(`/auth/users/admin/credentials/${key}`);
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({ access_key_id: key, creation_date: expect.any(Number) });
    expectLakefsError(await client(t).get('/auth/users/admin/credentials/AKIAJNOSUCHKEYAAAAAAQ'), 404, 'credentials not found');
    expectLakefsError(await client(t).get(`/auth/users/nobody/credentials/${key}`), 404, 'credentials not found');
  });

  it('refuses a second access key: one per user', async () => {
    expectLakefsError(await client(t).post('/auth/users/admin/credentials'), 400, 'exceeded number of allowed credentials: invalid request');
  });

  it('deletes its user, and the key with it', async () => {
    const c = client(t, await withToken('admin'));
    expectNoBody(await c.delete('/auth/users/admin'), 204);
    expectLakefsError(await c.as(as('admin')).get('/auth/users'), 401, 'error authenticating request');
    expectLakefsError(await c.get('/auth/users'), 401, 'error authenticating request');
    // Nobody is left to call the API in this session; the state shows the store empty.
    expect(lakefsState(t, c.session).users).toEqual({});
    expect(lakefsState(t, c.session).credentials).toEqual({});
  });

  it('still requires credentials', async () => {
    expectLakefsError(await client(t, {}).get('/auth/users'), 401, 'error authenticating request');
    expect((await client(t, {}).get('/user')).body).toEqual({ user: { creation_date: 0, id: '' } });
  });
});

/** Users and the current user: creation, invitations, reads, deletion with everything that hangs off a user. */
import { describe, expect, it } from 'vitest';
import { expectLakefsError, expectNoBody, lakefsState } from '../support.js';
import { NOW_SECONDS, as, client, enc, tokenOf, useAuthApp, withToken } from './helpers.js';

const t = useAuthApp();

describe('GET /user', () => {
  it('answers 200 with the empty user when no credentials are sent', async () => {
    const res = await client(t, {}).get('/user');
    expect(res.status).toBe(200);
    expect(res.text).toBe('{"user":{"creation_date":0,"id":""}}\n');
  });

  it('names the caller with friendly name and e-mail', async () => {
    const res = await client(t, as('admin')).get('/user');
    expect(res.body).toEqual({ user: { id: 'admin', creation_date: 1700000000, friendly_name: 'Ada Admin', email: 'admin@example.com' } });
  });

  it('uses the username as friendly name when none is set, and leaves out a missing e-mail', async () => {
    const res = await client(t, await withToken('developer')).get('/user');
    expect(res.body).toEqual({ user: { id: 'developer', creation_date: 1700000100, friendly_name: 'developer' } });
  });

  it.each([
    ['a wrong secret', { Authorization: `Basic ${Buffer.from('AKIAJADMIN222222222Q:wrong').toString('base64')}` }],
    ['an unknown key', { Authorization: `Basic ${Buffer.from('AKIAJUNKNOWN2222222Q:x').toString('base64')}` }],
    ['a malformed bearer token', { Authorization: 'Bearer not-a-jwt' }],
  ])('answers 401 for %s', async (_label, headers) => {
    expectLakefsError(await client(t, headers).get('/user'), 401, 'error authenticating request');
  });
});

describe('listUsers', () => {
  it('lists users in byte-wise order with creation dates in Unix seconds', async () => {
    const res = await client(t).get('/auth/users');
    expect(res.status).toBe(200);
    const ids = res.body.results.map((u: { id: string }) => u.id);
    expect(ids).toEqual([...ids].sort());
    expect(res.body.results[0]).toEqual({ id: 'admin', creation_date: 1700000000, friendly_name: 'Ada Admin', email: 'admin@example.com' });
    expect(res.body.pagination).toEqual({ has_more: false, next_offset: '', results: ids.length, max_per_page: 0 });
  });

  it('filters by prefix', async () => {
    const res = await client(t).get('/auth/users?prefix=team-');
    expect(res.body.results.map((u: { id: string }) => u.id)).toEqual(['team-alpha', 'team-beta', 'team-lead']);
  });
});

describe('createUser', () => {
  it('creates a user that can then be read', async () => {
    const c = client(t);
    const res = await c.post('/auth/users', { id: 'carol' });
    expect(res.status).toBe(201);
    expect(res.text).toBe(`{"id":"carol","creation_date":${NOW_SECONDS}}\n`);
    expect((await c.get('/auth/users/carol')).body).toEqual({ id: 'carol', creation_date: NOW_SECONDS });
  });

  it('answers 409 "Already exists" for an existing id', async () => {
    expectLakefsError(await client(t).post('/auth/users', { id: 'developer' }), 409, 'Already exists');
  });

  it('refuses "%" in the id before checking permissions', async () => {
    expectLakefsError(await client(t, as('nobody')).post('/auth/users', { id: 'a%b' }), 400, "User name cannot contain '%'");
    expectLakefsError(await client(t, {}).post('/auth/users', { id: 'a%b' }), 400, "User name cannot contain '%'");
  });

  it.each([
    ['an empty id', { id: '' }],
    ['an id with a slash', { id: 'a/b' }],
    ['no body at all', undefined],
  ])('answers 400 "invalid request" for %s', async (_label, body) => {
    expectLakefsError(await client(t).post('/auth/users', body), 400, 'invalid request');
  });

  it('checks auth:CreateUser on the new user', async () => {
    expectLakefsError(await client(t, as('developer')).post('/auth/users', { id: 'eve' }), 401, 'insufficient permissions: not allowed to auth:CreateUser');
  });

  it('gives exactly one success to 50 concurrent creations of one id', async () => {
    const c = client(t);
    const results = await Promise.all(Array.from({ length: 50 }, () => c.post('/auth/users', { id: 'racer' })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409)).toHaveLength(49);
  });

  describe('with invite_user', () => {
    it('creates the user under the lower-cased address and answers the address with creation_date 0', async () => {
      const c = client(t);
      const res = await c.post('/auth/users', { id: 'Jane Doe <Jane.Doe@Example.COM>', invite_user: true });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ id: 'Jane.Doe@Example.COM', creation_date: 0 });
      const user = await c.get(`/auth/users/${enc('jane.doe@example.com')}`);
      expect(user.body).toEqual({ id: 'jane.doe@example.com', creation_date: NOW_SECONDS, email: 'Jane.Doe@Example.COM' });
    });

    it.each(['not-an-address', 'two@@example.com', 'spaces in@example.com', '@example.com'])('answers 400 "Invalid email format" for %s', async (id) => {
      expectLakefsError(await client(t).post('/auth/users', { id, invite_user: true }), 400, 'Invalid email format');
    });

    it('checks the address before permissions, and permissions on the lower-cased address', async () => {
      expectLakefsError(await client(t, {}).post('/auth/users', { id: 'nope', invite_user: true }), 400, 'Invalid email format');
      const res = await client(t, as('nobody')).post('/auth/users', { id: 'X@Example.com', invite_user: true });
      expectLakefsError(res, 401, 'insufficient permissions: not allowed to auth:CreateUser');
    });

    it('answers 409 when the lower-cased address is a user already', async () => {
      const c = client(t);
      await c.post('/auth/users', { id: 'bob@example.com' });
      expectLakefsError(await c.post('/auth/users', { id: 'BOB@example.com', invite_user: true }), 409, 'Already exists');
    });
  });
});

describe('getUser', () => {
  it('answers the user without friendly name or e-mail when unset', async () => {
    const res = await client(t).get('/auth/users/nobody');
    expect(res.text).toBe('{"id":"nobody","creation_date":1700000300}\n');
  });

  it('answers 404 "user not found" for an unknown user', async () => {
    expectLakefsError(await client(t).get('/auth/users/ghost'), 404, 'user not found');
  });
});

describe('deleteUser', () => {
  it('answers 404 "user not found" for an unknown user', async () => {
    expectLakefsError(await client(t).delete('/auth/users/ghost'), 404, 'user not found');
  });

  it('removes the user with its keys, memberships, policy attachments and external principals', async () => {
    const c = client(t);
    expect((await c.put('/auth/users/developer/policies/AuthFullAccess')).status).toBe(201);
    expect((await c.post(`/auth/users/developer/external/principals?principalId=${enc('arn:aws:iam::1:role/dev')}`)).status).toBe(201);
    const token = await tokenOf('developer');

    expectNoBody(await c.delete('/auth/users/developer'), 204);

    expectLakefsError(await c.get('/auth/users/developer'), 404, 'user not found');
    expect((await c.get('/auth/groups/Developers/members')).body.results).toEqual([]);
    expect((await c.get('/auth/policies/AuthFullAccess')).status).toBe(200);
    expectLakefsError(await c.get('/auth/users/developer/credentials/AKIAJDEVELOPER22222Q'), 404, 'credentials not found');
    expectLakefsError(await c.get(`/auth/external/principals?principalId=${enc('arn:aws:iam::1:role/dev')}`), 404, 'not found');
    const state = lakefsState(t, c.session);
    expect(Object.keys(state.credentials)).not.toContain('AKIAJDEVELOPER22222Q');
    expect(Object.keys(state.userPolicies)).not.toContain('developer');
    // Neither the key pair nor a login token of the deleted user authenticates any more.
    expectLakefsError(await c.as(as('developer')).get('/user'), 401, 'error authenticating request');
    expectLakefsError(await c.as({ Authorization: `Bearer ${token}` }).get('/user'), 401, 'error authenticating request');
  });

  it('lets a re-created user start with nothing', async () => {
    const c = client(t);
    await c.delete('/auth/users/developer');
    expect((await c.post('/auth/users', { id: 'developer' })).status).toBe(201);
    expect((await c.get('/auth/users/developer/groups')).body.results).toEqual([]);
    expect((await c.get('/auth/users/developer/credentials')).body.results).toEqual([]);
  });

  it('honours an explicit deny: 401 "denied permission" and the user stays', async () => {
    const c = client(t, as('restrained'));
    expectLakefsError(await c.delete('/auth/users/nobody'), 401, 'insufficient permissions: denied permission to auth:DeleteUser');
    expect((await c.get('/auth/users/nobody')).status).toBe(200);
  });
});

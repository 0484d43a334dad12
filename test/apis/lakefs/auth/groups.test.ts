/** Groups, memberships and group policies, and a user's groups. */
import { describe, expect, it } from 'vitest';
import { expectLakefsError, expectNoBody } from '../support.js';
import { NOW_SECONDS, as, client, useAuthApp } from './helpers.js';

const t = useAuthApp();

describe('listGroups', () => {
  it('lists groups with id, name and description', async () => {
    const res = await client(t).get('/auth/groups');
    expect(res.body).toEqual({
      pagination: { has_more: false, next_offset: '', results: 2, max_per_page: 0 },
      results: [
        { id: 'Admins', name: 'Admins', description: 'Everything', creation_date: 1690000000 },
        { id: 'Developers', name: 'Developers', creation_date: 1690000100 },
      ],
    });
  });
});

describe('createGroup', () => {
  it('creates a group that can then be read', async () => {
    const c = client(t);
    const res = await c.post('/auth/groups', { id: 'Reviewers', description: 'They review' });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ id: 'Reviewers', name: 'Reviewers', description: 'They review', creation_date: NOW_SECONDS });
    expect((await c.get('/auth/groups/Reviewers')).body).toEqual({ id: 'Reviewers', description: 'They review', creation_date: NOW_SECONDS });
  });

  it('answers 409 "Already exists" for an existing group', async () => {
    expectLakefsError(await client(t).post('/auth/groups', { id: 'Admins' }), 409, 'Already exists');
  });

  it('checks permissions before refusing "%"', async () => {
    expectLakefsError(await client(t, as('nobody')).post('/auth/groups', { id: 'a%b' }), 401, 'insufficient permissions: not allowed to auth:CreateGroup');
    expectLakefsError(await client(t).post('/auth/groups', { id: 'a%b' }), 400, "Group name cannot contain '%'");
  });

  it.each([{ id: '' }, { id: 'a/b' }])('answers 400 "invalid request" for the id %j', async (body) => {
    expectLakefsError(await client(t).post('/auth/groups', body), 400, 'invalid request');
  });
});

describe('getGroup', () => {
  it('names the group in id and sends no name key', async () => {
    const res = await client(t).get('/auth/groups/Admins');
    expect(res.text).toBe('{"id":"Admins","description":"Everything","creation_date":1690000000}\n');
  });

  it('answers 404 "group not found"', async () => {
    expectLakefsError(await client(t).get('/auth/groups/Nope'), 404, 'group not found');
  });
});

describe('deleteGroup', () => {
  it('answers 404 "group not found"', async () => {
    expectLakefsError(await client(t).delete('/auth/groups/Nope'), 404, 'group not found');
  });

  it('removes the group from its members and takes its policies away from them', async () => {
    const c = client(t);
    expect((await c.as(as('developer')).get('/auth/users/developer/credentials')).status).toBe(200);
    expectNoBody(await c.delete('/auth/groups/Developers'), 204);
    expectLakefsError(await c.get('/auth/groups/Developers'), 404, 'group not found');
    expect((await c.get('/auth/users/developer/groups')).body.results).toEqual([]);
    expect((await c.get('/auth/users/developer/policies?effective=true')).body.results).toEqual([]);
    expectLakefsError(await c.as(as('developer')).get('/auth/users/developer/credentials'), 401, 'insufficient permissions: not allowed to auth:ListCredentials');
    // A group of the same name starts empty.
    await c.post('/auth/groups', { id: 'Developers' });
    expect((await c.get('/auth/groups/Developers/members')).body.results).toEqual([]);
    expect((await c.get('/auth/groups/Developers/policies')).body.results).toEqual([]);
  });
});

describe('memberships', () => {
  it('lists members as users', async () => {
    const res = await client(t).get('/auth/groups/Admins/members');
    expect(res.body.results.map((u: { id: string }) => u.id)).toEqual(['admin', 'restrained']);
    expect(res.body.results[0]).toEqual({ id: 'admin', creation_date: 1700000000, friendly_name: 'Ada Admin', email: 'admin@example.com' });
  });

  it('answers 404 "not found" for the members of an unknown group', async () => {
    expectLakefsError(await client(t).get('/auth/groups/Nope/members'), 404, 'not found');
  });

  it('adds a member, who then gets the group policies', async () => {
    const c = client(t);
    expectLakefsError(await c.as(as('nobody')).get('/auth/users'), 401);
    expectNoBody(await c.put('/auth/groups/Admins/members/nobody'), 201);
    expect((await c.get('/auth/users/nobody/groups')).body.results).toEqual([{ id: 'Admins', name: 'Admins', creation_date: 1690000000 }]);
    expect((await c.as(as('nobody')).get('/auth/users')).status).toBe(200);
  });

  it('answers 409 "Already exists" for an existing membership', async () => {
    expectLakefsError(await client(t).put('/auth/groups/Admins/members/admin'), 409, 'Already exists');
  });

  it.each([
    ['an unknown user', '/auth/groups/Admins/members/ghost'],
    ['an unknown group', '/auth/groups/Nope/members/admin'],
  ])('answers 404 "not found" when adding %s', async (_label, path) => {
    expectLakefsError(await client(t).put(path), 404, 'not found');
  });

  it('removes a member, idempotently', async () => {
    const c = client(t);
    expectNoBody(await c.delete('/auth/groups/Developers/members/developer'), 204);
    expect((await c.get('/auth/groups/Developers/members')).body.results).toEqual([]);
    expectNoBody(await c.delete('/auth/groups/Developers/members/developer'), 204);
  });

  it.each([
    ['an unknown user', '/auth/groups/Admins/members/ghost'],
    ['an unknown group', '/auth/groups/Nope/members/admin'],
  ])('answers 404 "not found" when removing %s', async (_label, path) => {
    expectLakefsError(await client(t).delete(path), 404, 'not found');
  });

  it('lists a user\'s groups without descriptions', async () => {
    const res = await client(t).get('/auth/users/restrained/groups');
    expect(res.body.results).toEqual([{ id: 'Admins', name: 'Admins', creation_date: 1690000000 }]);
  });

  it('answers 404 "not found" for the groups of an unknown user', async () => {
    expectLakefsError(await client(t).get('/auth/users/ghost/groups'), 404, 'not found');
  });
});

describe('group policies', () => {
  it('lists the policies attached to a group', async () => {
    const res = await client(t).get('/auth/groups/Admins/policies');
    expect(res.body.results).toEqual([{ id: 'AuthFullAccess', creation_date: 1690000000, statement: [{ effect: 'allow', resource: '*', action: ['auth:*'] }] }]);
  });

  it('attaches and detaches a policy', async () => {
    const c = client(t);
    expectNoBody(await c.put('/auth/groups/Developers/policies/AuthFullAccess'), 201);
    expect((await c.get('/auth/groups/Developers/policies')).body.results.map((p: { id: string }) => p.id)).toEqual(['AuthFullAccess', 'AuthManageOwnCredentials']);
    expect((await c.as(as('developer')).get('/auth/groups')).status).toBe(200);
    expectNoBody(await c.delete('/auth/groups/Developers/policies/AuthFullAccess'), 204);
    expectLakefsError(await c.as(as('developer')).get('/auth/groups'), 401, 'insufficient permissions: not allowed to auth:ListGroups');
  });

  it('answers 409 "Already exists" for a policy attached already', async () => {
    expectLakefsError(await client(t).put('/auth/groups/Admins/policies/AuthFullAccess'), 409, 'Already exists');
  });

  it.each([
    ['put', '/auth/groups/Nope/policies/AuthFullAccess'],
    ['put', '/auth/groups/Admins/policies/Nope'],
    ['delete', '/auth/groups/Nope/policies/AuthFullAccess'],
    ['delete', '/auth/groups/Admins/policies/Nope'],
    ['get', '/auth/groups/Nope/policies'],
  ] as const)('answers 404 "not found" for %s %s', async (method, path) => {
    expectLakefsError(await client(t)[method](path), 404, 'not found');
  });
});

describe('group ACLs (lakeFS\'s simplified authorization, which no mode mockgate emulates serves)', () => {
  it('answers 501 once the caller is authorized', async () => {
    expectLakefsError(await client(t).get('/auth/groups/Admins/acl'), 501, 'Not Implemented');
    expectLakefsError(await client(t).post('/auth/groups/Admins/acl', { permission: 'Read' }), 501, 'Not Implemented');
    expectLakefsError(await client(t, {}).get('/auth/groups/Admins/acl'), 401, 'error authenticating request');
  });
});

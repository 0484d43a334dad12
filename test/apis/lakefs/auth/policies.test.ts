/** Policies and their attachment to users, including the effective policies of a user. */
import { describe, expect, it } from 'vitest';
import { expectLakefsError, expectNoBody, kinText, lakefsState } from '../support.js';

const POLICY = 'request body has an error: doesn\'t match schema #/components/schemas/Policy';
import { NOW_SECONDS, as, client, useAuthApp } from './helpers.js';

const t = useAuthApp();

const readOwnRepo = {
  id: 'ReadOwnRepo',
  statement: [
    {
      effect: 'allow',
      action: ['fs:Read*'],
      resource: 'arn:lakefs:fs:::repository/${user}-*',
      condition: { IpAddress: { SourceIp: ['10.0.0.0/8'] } },
    },
    { effect: 'deny', action: ['fs:DeleteRepository'], resource: '["arn:lakefs:fs:::repository/prod","arn:lakefs:fs:::repository/staging"]' },
  ],
};

describe('createPolicy', () => {
  it('creates a policy with the server\'s time as creation date, conditions and resource lists kept as sent', async () => {
    const c = client(t);
    const res = await c.post('/auth/policies', { ...readOwnRepo, creation_date: 5 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ ...readOwnRepo, creation_date: NOW_SECONDS });
    expect((await c.get('/auth/policies/ReadOwnRepo')).body).toEqual({ ...readOwnRepo, creation_date: NOW_SECONDS });
  });

  it('answers 409 "Already exists"', async () => {
    expectLakefsError(await client(t).post('/auth/policies', { ...readOwnRepo, id: 'AuthFullAccess' }), 409, 'Already exists');
  });

  it('checks permissions before refusing "%"', async () => {
    expectLakefsError(await client(t, as('nobody')).post('/auth/policies', { ...readOwnRepo, id: '100%' }), 401, 'insufficient permissions: not allowed to auth:CreatePolicy');
    expectLakefsError(await client(t).post('/auth/policies', { ...readOwnRepo, id: '100%' }), 400, "Policy name cannot contain '%'");
  });

  it.each([
    [{ id: 'p', statement: [{ effect: 'allow', action: [], resource: '*' }] }, kinText(`${POLICY}: Error at "/statement/0/action": minimum number of items is 1`)],
    [{ id: 'p', statement: [{ effect: 'allow', action: ['x'] }] }, kinText(`${POLICY}: Error at "/statement/0/resource": property "resource" is missing`)],
    [{ statement: readOwnRepo.statement }, kinText(`${POLICY}: Error at "/id": property "id" is missing`)],
  ])('answers 400 from validation for %j', async (body, text) => {
    expectLakefsError(await client(t, {}).post('/auth/policies', body), 400, text);
  });

  it('answers 400 "invalid request" for an id with a slash', async () => {
    expectLakefsError(await client(t).post('/auth/policies', { ...readOwnRepo, id: 'a/b' }), 400, 'invalid request');
  });
});

describe('getPolicy and listPolicies', () => {
  it('answers 404 "policy not found"', async () => {
    expectLakefsError(await client(t).get('/auth/policies/Nope'), 404, 'policy not found');
  });

  it('lists policies in byte-wise order', async () => {
    const res = await client(t).get('/auth/policies');
    expect(res.body.results.map((p: { id: string }) => p.id)).toEqual([
      'AuthFullAccess',
      'AuthManageOwnCredentials',
      'DenyUserDeletion',
      'ListUsersExceptLoopback',
      'ListUsersFromLoopback',
      'ListUsersFromOffice',
      'ReadListedUsers',
      'ReadTeamUsers',
    ]);
    // A resource list seeded as YAML list is stored and sent as lakeFS stores it: JSON text.
    const listed = res.body.results.find((p: { id: string }) => p.id === 'ReadListedUsers');
    expect(listed.statement[0].resource).toBe('["arn:lakefs:auth:::user/admin","arn:lakefs:auth:::user/developer"]');
  });
});

describe('updatePolicy', () => {
  it('replaces the statements and answers the update time as creation date', async () => {
    const c = client(t);
    const statement = [{ effect: 'allow', action: ['auth:ListUsers'], resource: '*' }];
    const res = await c.put('/auth/policies/DenyUserDeletion', { id: 'DenyUserDeletion', statement });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: 'DenyUserDeletion', creation_date: NOW_SECONDS, statement });
    expect((await c.get('/auth/policies/DenyUserDeletion')).body.statement).toEqual(statement);
    // restrained may now delete users: the deny is gone.
    expectNoBody(await c.as(as('restrained')).delete('/auth/users/team-beta'), 204);
  });

  it('answers 400 "can\'t update policy id" when the ids differ, after authorization', async () => {
    const body = { id: 'Other', statement: readOwnRepo.statement };
    expectLakefsError(await client(t, as('nobody')).put('/auth/policies/AuthFullAccess', body), 401, 'insufficient permissions: not allowed to auth:UpdatePolicy');
    expectLakefsError(await client(t).put('/auth/policies/AuthFullAccess', body), 400, "can't update policy id");
  });

  it('answers 404 "not found" for an unknown policy', async () => {
    expectLakefsError(await client(t).put('/auth/policies/Nope', { id: 'Nope', statement: readOwnRepo.statement }), 404, 'not found');
  });
});

describe('deletePolicy', () => {
  it('answers 404 "policy not found"', async () => {
    expectLakefsError(await client(t).delete('/auth/policies/Nope'), 404, 'policy not found');
  });

  it('detaches the policy from every user and group', async () => {
    const c = client(t);
    await c.put('/auth/users/nobody/policies/AuthFullAccess');
    expectNoBody(await c.as(as('admin')).delete('/auth/policies/AuthFullAccess'), 204);
    expectLakefsError(await c.get('/auth/policies/AuthFullAccess'), 401, 'insufficient permissions: not allowed to auth:ReadPolicy');
    // Admins lost their only policy, so the admin can no longer look: read the state.
    const state = lakefsState(t, c.session);
    expect(state.groupPolicies.Admins).toBeUndefined();
    expect(state.userPolicies.nobody).toBeUndefined();
    expect(state.policies.AuthFullAccess).toBeUndefined();
  });
});

describe('user policies', () => {
  it('lists the directly attached policies, or with effective=true also those of the groups, each once', async () => {
    const c = client(t);
    await c.put('/auth/users/restrained/policies/AuthFullAccess');
    const direct = await c.get('/auth/users/restrained/policies');
    expect(direct.body.results.map((p: { id: string }) => p.id)).toEqual(['AuthFullAccess', 'DenyUserDeletion']);
    for (const effective of ['true', 'True', '1']) {
      const all = await c.get(`/auth/users/restrained/policies?effective=${effective}`);
      expect(all.body.results.map((p: { id: string }) => p.id)).toEqual(['AuthFullAccess', 'DenyUserDeletion']);
    }
    const viaGroup = await c.get('/auth/users/developer/policies?effective=True');
    expect(viaGroup.body.results.map((p: { id: string }) => p.id)).toEqual(['AuthManageOwnCredentials']);
    expect((await c.get('/auth/users/developer/policies?effective=False')).body.results).toEqual([]);
  });

  it('attaches a policy, which then applies, and detaches it idempotently', async () => {
    const c = client(t);
    expectNoBody(await c.put('/auth/users/nobody/policies/AuthFullAccess'), 201);
    expect((await c.as(as('nobody')).get('/auth/users')).status).toBe(200);
    expectNoBody(await c.delete('/auth/users/nobody/policies/AuthFullAccess'), 204);
    expectLakefsError(await c.as(as('nobody')).get('/auth/users'), 401, 'insufficient permissions: not allowed to auth:ListUsers');
    expectNoBody(await c.delete('/auth/users/nobody/policies/AuthFullAccess'), 204);
  });

  it('answers 409 "Already exists" for a policy attached already', async () => {
    expectLakefsError(await client(t).put('/auth/users/restrained/policies/DenyUserDeletion'), 409, 'Already exists');
  });

  it.each([
    ['put', '/auth/users/ghost/policies/AuthFullAccess'],
    ['put', '/auth/users/nobody/policies/Nope'],
    ['delete', '/auth/users/ghost/policies/AuthFullAccess'],
    ['delete', '/auth/users/nobody/policies/Nope'],
    ['get', '/auth/users/ghost/policies'],
    ['get', '/auth/users/ghost/policies?effective=true'],
  ] as const)('answers 404 "not found" for %s %s', async (method, path) => {
    expectLakefsError(await client(t)[method](path), 404, 'not found');
  });
});

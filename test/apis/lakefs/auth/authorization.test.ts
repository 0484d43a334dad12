/**
 * Who may do what: credentials in every form lakeFS clients send them, and policy evaluation with wildcards,
 * `${user}`, resource lists, explicit denies and IP conditions. Permission denied is 401, as in lakeFS.
 */
import { describe, expect, it } from 'vitest';
import { issueLoginToken } from '../../../../src/apis/lakefs/jwt.js';
import { sessionCookieValue } from '../../../../src/apis/lakefs/login/web.js';
import { expectLakefsError } from '../support.js';
import { JWT_SECRET, NOW, as, client, tokenOf, useAuthApp } from './helpers.js';

const t = useAuthApp();

// Signing is asynchronous: the tokens the tables below use are minted once, before the tests are collected.
const developerToken = await tokenOf('developer');
const expiredToken = (await issueLoginToken('developer', JWT_SECRET, new Date(NOW.getTime() - 7200_000), 3600)).token;
const foreignToken = (await issueLoginToken('developer', 'other', NOW, 3600)).token;
const ghostToken = await tokenOf('ghost');
/** The internal_auth_session cookie login sets: a session signed by the server, holding the token. */
const session = (token: string) => `internal_auth_session=${sessionCookieValue(token, JWT_SECRET, NOW)}`;

describe('credentials', () => {
  it.each([
    ['basic access key and secret', as('developer')],
    ['a Bearer login token', { Authorization: `Bearer ${developerToken}` }],
    ['the internal_auth_session cookie', { Cookie: session(developerToken) }],
    ['a bare login token as the Cookie header (the Python SDK with api_key cookie_auth)', { Cookie: developerToken }],
  ])('authenticates %s', async (_label, headers) => {
    const res = await client(t, headers).get('/user');
    expect(res.body.user.id).toBe('developer');
    expect((await client(t, headers).get('/auth/users/developer/credentials')).status).toBe(200);
  });

  it.each([
    ['an expired token', { Authorization: `Bearer ${expiredToken}` }],
    ['a token signed with another secret', { Authorization: `Bearer ${foreignToken}` }],
    ['a token of an unknown user', { Authorization: `Bearer ${ghostToken}` }],
    ['an internal_auth_session cookie holding a token that fails', { Cookie: session(expiredToken) }],
    ['a bad bare token in the Cookie header', { Cookie: 'aaa.bbb.ccc' }],
  ])('refuses %s with 401, even on GET /user', async (_label, headers) => {
    expectLakefsError(await client(t, headers).get('/user'), 401, 'error authenticating request');
    expectLakefsError(await client(t, headers).get('/auth/users'), 401, 'error authenticating request');
  });

  // lakeFS skips what it cannot read as a credential (checkSecurityRequirements), as the real 1.80.0 answers.
  it.each([
    ['an Authorization of `Bearer` and no token', { Authorization: 'Bearer' }],
    ['a Bearer header of two words', { Authorization: `Bearer ${developerToken} extra` }],
    ['a Basic header that is not base64', { Authorization: 'Basic !!!not-base64!!!' }],
    ['a Basic header of base64 without a colon', { Authorization: `Basic ${Buffer.from('AKIAJDEVELOPER').toString('base64')}` }],
    ['an internal_auth_session cookie that does not decode', { Cookie: 'internal_auth_session=garbage' }],
    ['a login token as the internal_auth_session cookie (not a session the server signed)', { Cookie: `internal_auth_session=${developerToken}` }],
  ])('ignores %s: the caller is anonymous', async (_label, headers) => {
    expect((await client(t, headers).get('/user')).body).toEqual({ user: { creation_date: 0, id: '' } });
    expectLakefsError(await client(t, headers).get('/auth/users'), 401, 'error authenticating request');
  });

  it('reads the next scheme when one header cannot be read: a cookie beside a Basic header that is not base64', async () => {
    const c = client(t, { Authorization: 'Basic !!!', Cookie: session(developerToken) });
    expect((await c.get('/user')).body.user.id).toBe('developer');
  });

  // Basic and Bearer share the Authorization header; the session cookie is the good credential beside it.
  it('lets a bad Bearer token win over good credentials of a later scheme (the JWT is tried first)', async () => {
    const c = client(t, { Authorization: 'Bearer nonsense', Cookie: session(await tokenOf('admin')) });
    expectLakefsError(await c.get('/auth/users'), 401, 'error authenticating request');
    expectLakefsError(await c.get('/user'), 401, 'error authenticating request');
  });

  it('uses a good Bearer token over a bad cookie', async () => {
    const c = client(t, { Authorization: `Bearer ${await tokenOf('admin')}`, Cookie: 'internal_auth_session=garbage' });
    expect((await c.get('/auth/users')).status).toBe(200);
  });

  it('refuses the token of a user deleted since it was issued', async () => {
    const c = client(t);
    const token = await tokenOf('nobody');
    expect((await c.as({ Authorization: `Bearer ${token}` }).get('/user')).body.user.id).toBe('nobody');
    await c.delete('/auth/users/nobody');
    expectLakefsError(await c.as({ Authorization: `Bearer ${token}` }).get('/user'), 401, 'error authenticating request');
    expectLakefsError(await c.as({ Cookie: token }).get('/user'), 401, 'error authenticating request');
  });

  it('ignores cookies it does not know', async () => {
    const res = await client(t, { Cookie: 'theme=dark; lang=en' }).get('/user');
    expect(res.body).toEqual({ user: { creation_date: 0, id: '' } });
  });
});

describe('policy evaluation', () => {
  it('matches actions with wildcards (auth:* for admins, auth:Read* on team-????? for the team lead)', async () => {
    const lead = client(t, as('teamLead'));
    expect((await lead.get('/auth/users/team-alpha')).status).toBe(200);
    expect((await lead.get('/auth/users/team-alpha/groups')).status).toBe(200);
    // `?` is exactly one character: team-beta has four after the dash.
    expectLakefsError(await lead.get('/auth/users/team-beta'), 401, 'insufficient permissions: not allowed to auth:ReadUser');
    // auth:Read* does not cover auth:DeleteUser.
    expectLakefsError(await lead.delete('/auth/users/team-alpha'), 401, 'insufficient permissions: not allowed to auth:DeleteUser');
  });

  it('matches any ARN of a resource list', async () => {
    const lead = client(t, as('teamLead'));
    expect((await lead.get('/auth/users/admin')).status).toBe(200);
    expect((await lead.get('/auth/users/developer')).status).toBe(200);
    expectLakefsError(await lead.get('/auth/users/nobody'), 401, 'insufficient permissions: not allowed to auth:ReadUser');
  });

  it('replaces ${user} with the caller: a developer manages only their own credentials', async () => {
    const dev = client(t, as('developer'));
    expect((await dev.get('/auth/users/developer/credentials')).status).toBe(200);
    expectLakefsError(await dev.get('/auth/users/nobody/credentials'), 401, 'insufficient permissions: not allowed to auth:ListCredentials');
    expectLakefsError(await dev.post('/auth/users/nobody/credentials'), 401, 'insufficient permissions: not allowed to auth:CreateCredentials');
  });

  it('lets an explicit deny win over an allow, with the "denied permission" text', async () => {
    const c = client(t, as('restrained'));
    expect((await c.get('/auth/users')).status).toBe(200);
    expectLakefsError(await c.delete('/auth/users/team-beta'), 401, 'insufficient permissions: denied permission to auth:DeleteUser');
  });

  it('applies IpAddress conditions to the client address (tests run on loopback)', async () => {
    expect((await client(t, as('localOperator')).get('/auth/users')).status).toBe(200);
    expectLakefsError(await client(t, as('remoteOperator')).get('/auth/users'), 401, 'insufficient permissions: not allowed to auth:ListUsers');
    expectLakefsError(await client(t, as('fencedOperator')).get('/auth/users'), 401, 'insufficient permissions: denied permission to auth:ListUsers');
  });

  it('follows policy changes at once', async () => {
    const c = client(t);
    const condition = { IpAddress: { SourceIp: ['10.20.0.0/16', '127.0.0.1/32', '::1/128'] } };
    await c.put('/auth/policies/ListUsersFromOffice', {
      id: 'ListUsersFromOffice',
      statement: [{ effect: 'allow', action: ['auth:ListUsers'], resource: '*', condition }],
    });
    expect((await c.as(as('remoteOperator')).get('/auth/users')).status).toBe(200);
  });
});

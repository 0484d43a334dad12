import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../../support/test-app.js';
import { authApp, client, expectError } from './support.js';

let t: TestApp;
beforeAll(async () => {
  t = await authApp('basic.yaml');
});
afterAll(async () => {
  expect(t.violations()).toEqual([]);
  await t.close();
});

describe('LDAPLogin', () => {
  it.each([
    ['a seeded user with a DN', { username: 'alice', password: 'alice-password' }, 'uid=alice,ou=people,dc=example,dc=org'],
    ['a user seeded without a DN (uid under the default base)', { username: 'bob', password: 'bob-password' }, 'uid=bob,ou=people,dc=example,dc=org'],
    ['a username in another case (uid compares case-insensitively)', { username: 'ALICE', password: 'alice-password' }, 'uid=alice,ou=people,dc=example,dc=org'],
    ['the full DN as username', { username: 'UID=alice,ou=people,dc=example,dc=org', password: 'alice-password' }, 'uid=alice,ou=people,dc=example,dc=org'],
  ])('returns 200 with the external user identifier for %s', async (_, body, dn) => {
    const res = await client(t).post('/ldap/login', body);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ external_user_identifier: dn });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it.each([
    ['a wrong password', { username: 'alice', password: 'wrong' }],
    ['a password in another case', { username: 'alice', password: 'ALICE-PASSWORD' }],
    ['an unknown user', { username: 'mallory', password: 'alice-password' }],
    ['an empty password (never an anonymous bind)', { username: 'alice', password: '' }],
    ['a disabled entry', { username: 'carol', password: 'carol-password' }],
  ])('returns 401 "invalid credentials" for %s', async (_, body) => {
    expectError(await client(t).post('/ldap/login', body), 401, 'invalid credentials');
  });

  it.each([
    [{ username: 'alice' }, 'request body has an error: doesn\'t match schema: property "password" is missing'],
    [{ password: 'x' }, 'request body has an error: doesn\'t match schema: property "username" is missing'],
    [{ username: 5, password: 'x' }, 'request body has an error: doesn\'t match schema: Error at "/username": value must be a string'],
    [[], "request body has an error: doesn't match schema: value must be an object"],
  ])('returns 400 with kin-openapi\'s text for the body %j', async (body, message) => {
    expectError(await client(t).post('/ldap/login', body), 400, message);
  });

  it('returns 400 "value is required but missing" when there is no body', async () => {
    expectError(await client(t).post('/ldap/login'), 400, 'request body has an error: value is required but missing');
  });
});

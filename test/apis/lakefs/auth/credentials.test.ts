/** Access keys: created with their secret (once), read and listed without it, revoked. */
import { describe, expect, it } from 'vitest';
import { ACCESS_KEY_PATTERN } from '../../../../src/apis/lakefs/keys.js';
import { basicAuth, expectLakefsError, expectNoBody } from '../support.js';
import { NOW_SECONDS, as, client, useAuthApp } from './helpers.js';

const t = useAuthApp();

describe('createCredentials', () => {
  it('answers 201 with an AKIAJ…Q key, a 40-character secret and the creation time', async () => {
    const c = client(t);
    const res = await c.post('/auth/users/nobody/credentials');
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual(['access_key_id', 'secret_access_key', 'creation_date']);
    expect(res.body.access_key_id).toMatch(ACCESS_KEY_PATTERN);
    expect(res.body.secret_access_key).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(res.body.creation_date).toBe(NOW_SECONDS);
    // The new pair authenticates as its user.
    const me = await c.as(basicAuth(res.body.access_key_id, res.body.secret_access_key)).get('/user');
    expect(me.body.user.id).toBe('nobody');
  });

  it('never shows the secret again', async () => {
    const c = client(t);
    const created = (await c.post('/auth/users/nobody/credentials')).body;
    const one = await c.get(`/auth/users/nobody/credentials/${created.access_key_id}`);
    expect(one.body).toEqual({ access_key_id: created.access_key_id, creation_date: NOW_SECONDS });
    const all = await c.get('/auth/users/nobody/credentials');
    expect(all.text).not.toContain(created.secret_access_key);
    expect(all.body.results).toContainEqual({ access_key_id: created.access_key_id, creation_date: NOW_SECONDS });
  });

  it('answers 404 "not found" for an unknown user', async () => {
    expectLakefsError(await client(t).post('/auth/users/ghost/credentials'), 404, 'not found');
  });
});

describe('listUserCredentials', () => {
  it('lists the keys of that user only', async () => {
    const res = await client(t).get('/auth/users/developer/credentials');
    expect(res.body).toEqual({
      pagination: { has_more: false, next_offset: '', results: 1, max_per_page: 0 },
      results: [{ access_key_id: 'AKIAJDEVELOPER22222Q', creation_date: 1700000200 }],
    });
  });

  it('answers 404 "not found" for an unknown user', async () => {
    expectLakefsError(await client(t).get('/auth/users/ghost/credentials'), 404, 'not found');
  });
});

describe('getCredentials and deleteCredentials', () => {
  it.each([
    ['an unknown key', '/auth/users/developer/credentials/AKIAJUNKNOWN2222222Q'],
    ['a key of another user', '/auth/users/developer/credentials/AKIAJADMIN222222222Q'],
    ['an unknown user', '/auth/users/ghost/credentials/AKIAJDEVELOPER22222Q'],
  ])('answer 404 "credentials not found" for %s', async (_label, path) => {
    const c = client(t);
    expectLakefsError(await c.get(path), 404, 'credentials not found');
    expectLakefsError(await c.delete(path), 404, 'credentials not found');
    expect((await c.as(as('admin')).get('/user')).status).toBe(200);
  });

  it('revokes a key: it no longer authenticates and is no longer listed', async () => {
    const c = client(t);
    expectNoBody(await c.delete('/auth/users/developer/credentials/AKIAJDEVELOPER22222Q'), 204);
    expectLakefsError(await c.get('/auth/users/developer/credentials/AKIAJDEVELOPER22222Q'), 404, 'credentials not found');
    expect((await c.get('/auth/users/developer/credentials')).body.results).toEqual([]);
    expectLakefsError(await c.as(as('developer')).get('/user'), 401, 'error authenticating request');
  });
});

describe('AuthManageOwnCredentials', () => {
  it('lets a developer manage their own keys', async () => {
    const c = client(t, as('developer'));
    const created = await c.post('/auth/users/developer/credentials');
    expect(created.status).toBe(201);
    expect((await c.get('/auth/users/developer/credentials')).body.results).toHaveLength(2);
    expect((await c.get(`/auth/users/developer/credentials/${created.body.access_key_id}`)).status).toBe(200);
    expectNoBody(await c.delete(`/auth/users/developer/credentials/${created.body.access_key_id}`), 204);
  });

  it.each([
    ['post', '/auth/users/admin/credentials', 'auth:CreateCredentials'],
    ['get', '/auth/users/admin/credentials', 'auth:ListCredentials'],
    ['get', '/auth/users/admin/credentials/AKIAJADMIN222222222Q', 'auth:ReadCredentials'],
    ['delete', '/auth/users/admin/credentials/AKIAJADMIN222222222Q', 'auth:DeleteCredentials'],
    ['get', '/auth/users/developer', 'auth:ReadUser'],
  ] as const)('refuses the developer %s %s', async (method, path, action) => {
    expectLakefsError(await client(t, as('developer'))[method](path), 401, `insufficient permissions: not allowed to ${action}`);
  });
});

/** External principals: identities from outside lakeFS attached to users. */
import { describe, expect, it } from 'vitest';
import { expectLakefsError, expectNoBody } from '../support.js';
import { client, enc, useAuthApp } from './helpers.js';

const t = useAuthApp();

const ADMIN_ROLE = 'arn:aws:iam::123456789012:role/admin-role';
const ANALYST = 'arn:aws:sts::123456789012:assumed-role/analyst/session';

describe('createUserExternalPrincipal', () => {
  it('attaches a principal, which then resolves to its user', async () => {
    const c = client(t);
    expectNoBody(await c.post(`/auth/users/developer/external/principals?principalId=${enc(ANALYST)}`), 201);
    const res = await c.get(`/auth/external/principals?principalId=${enc(ANALYST)}`);
    expect(res.text).toBe(`{"id":"${ANALYST}","user_id":"developer"}\n`);
  });

  it('accepts and ignores settings, and an empty JSON body as the Python SDK sends it', async () => {
    const c = client(t);
    expectNoBody(await c.post(`/auth/users/developer/external/principals?principalId=a`, { settings: { role: 'x' } }), 201);
    const empty = await c.post('/auth/users/developer/external/principals?principalId=b').set('Content-Type', 'application/json');
    expectNoBody(empty, 201);
    expect((await c.get('/auth/external/principals?principalId=a')).body).toEqual({ id: 'a', user_id: 'developer' });
  });

  it('answers 409 "Already exists" for a principal attached to any user', async () => {
    const c = client(t);
    expectLakefsError(await c.post(`/auth/users/admin/external/principals?principalId=${enc(ADMIN_ROLE)}`), 409, 'Already exists');
    expectLakefsError(await c.post(`/auth/users/developer/external/principals?principalId=${enc(ADMIN_ROLE)}`), 409, 'Already exists');
  });

  it('answers 404 "not found" for an unknown user', async () => {
    expectLakefsError(await client(t).post(`/auth/users/ghost/external/principals?principalId=x`), 404, 'not found');
  });

  it('answers 400 for an empty principal id: kin-openapi refuses an empty query value before lakeFS sees it', async () => {
    expectLakefsError(await client(t).post('/auth/users/developer/external/principals?principalId='), 400, 'parameter "principalId" in query has an error: empty value is not allowed');
  });
});

describe('deleteUserExternalPrincipal', () => {
  it('detaches the principal', async () => {
    const c = client(t);
    expectNoBody(await c.delete(`/auth/users/admin/external/principals?principalId=${enc(ADMIN_ROLE)}`), 204);
    expectLakefsError(await c.get(`/auth/external/principals?principalId=${enc(ADMIN_ROLE)}`), 404, 'not found');
    expect((await c.get('/auth/users/admin/external/principals/ls')).body.results).toEqual([]);
  });

  it.each([
    ['an unknown principal', '/auth/users/admin/external/principals?principalId=nope'],
    ['a principal of another user', `/auth/users/developer/external/principals?principalId=${enc(ADMIN_ROLE)}`],
    ['an unknown user', `/auth/users/ghost/external/principals?principalId=${enc(ADMIN_ROLE)}`],
  ])('answers 404 "not found" for %s', async (_label, path) => {
    expectLakefsError(await client(t).delete(path), 404, 'not found');
  });
});

describe('getExternalPrincipal and listUserExternalPrincipals', () => {
  it('answers 404 "not found" for an unknown principal', async () => {
    expectLakefsError(await client(t).get('/auth/external/principals?principalId=nope'), 404, 'not found');
  });

  it('lists the principals of a user', async () => {
    const c = client(t);
    await c.post(`/auth/users/admin/external/principals?principalId=${enc(ANALYST)}`);
    const res = await c.get('/auth/users/admin/external/principals/ls');
    expect(res.body).toEqual({
      pagination: { has_more: false, next_offset: '', results: 2, max_per_page: 0 },
      results: [
        { id: ADMIN_ROLE, user_id: 'admin' },
        { id: ANALYST, user_id: 'admin' },
      ],
    });
    expect((await c.get('/auth/users/developer/external/principals/ls')).body.results).toEqual([]);
  });

  it('answers 404 "not found" for the principals of an unknown user', async () => {
    expectLakefsError(await client(t).get('/auth/users/ghost/external/principals/ls'), 404, 'not found');
  });
});

/**
 * Ids come from clients: `__proto__`, `constructor`, encoded slashes, unicode and very long ids behave like any
 * other string, on every path that takes one, and never answer 500.
 */
import { describe, expect, it } from 'vitest';
import { expectLakefsError, lakefsState } from '../support.js';
import { client, enc, useAuthApp } from './helpers.js';

const t = useAuthApp();

const hostile = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'a/b', 'zoë-ünïcødé-名前-🙂', 'x'.repeat(2000), ' spaced ', '..', '%41'];

describe.each(hostile)('the id %j', (id) => {
  it('never answers 500 on any path', async () => {
    const c = client(t);
    const e = enc(id);
    const calls = [
      c.get(`/auth/users/${e}`),
      c.delete(`/auth/users/${e}`),
      c.get(`/auth/users/${e}/groups`),
      c.get(`/auth/users/${e}/policies?effective=true`),
      c.put(`/auth/users/${e}/policies/${e}`),
      c.delete(`/auth/users/${e}/policies/${e}`),
      c.get(`/auth/users/${e}/credentials`),
      c.post(`/auth/users/${e}/credentials`),
      c.get(`/auth/users/${e}/credentials/${e}`),
      c.delete(`/auth/users/${e}/credentials/${e}`),
      c.post(`/auth/users/${e}/external/principals?principalId=${e}`),
      c.delete(`/auth/users/${e}/external/principals?principalId=${e}`),
      c.get(`/auth/users/${e}/external/principals/ls`),
      c.get(`/auth/external/principals?principalId=${e}`),
      c.get(`/auth/groups/${e}`),
      c.delete(`/auth/groups/${e}`),
      c.get(`/auth/groups/${e}/members`),
      c.put(`/auth/groups/${e}/members/${e}`),
      c.delete(`/auth/groups/${e}/members/${e}`),
      c.get(`/auth/groups/${e}/policies`),
      c.put(`/auth/groups/${e}/policies/${e}`),
      c.delete(`/auth/groups/${e}/policies/${e}`),
      c.get(`/auth/policies/${e}`),
      c.put(`/auth/policies/${e}`, { id, statement: [{ effect: 'allow', action: ['fs:*'], resource: '*' }] }),
      c.delete(`/auth/policies/${e}`),
      c.get(`/auth/users?prefix=${e}&after=${e}`),
    ];
    for (const [i, res] of (await Promise.all(calls)).entries()) {
      expect(res.status, `call ${i}: ${res.text}`).toBeLessThan(500);
      if (res.status >= 400) expectLakefsError(res, res.status);
    }
  });

  it('can name a user, a group and a policy, with memberships and attachments', async () => {
    const c = client(t);
    const e = enc(id);
    const canCreate = !id.includes('/') && !id.includes('%');
    const user = await c.post('/auth/users', { id });
    const group = await c.post('/auth/groups', { id });
    const policy = await c.post('/auth/policies', { id, statement: [{ effect: 'allow', action: ['fs:*'], resource: '*' }] });
    if (!canCreate) {
      for (const res of [user, group, policy]) expect(res.status).toBe(400);
      return;
    }
    expect([user.status, group.status, policy.status]).toEqual([201, 201, 201]);
    expect((await c.put(`/auth/groups/${e}/members/${e}`)).status).toBe(201);
    expect((await c.put(`/auth/groups/${e}/policies/${e}`)).status).toBe(201);
    expect((await c.put(`/auth/users/${e}/policies/${e}`)).status).toBe(201);
    expect((await c.get(`/auth/users/${e}`)).body.id).toBe(id);
    expect((await c.get(`/auth/users/${e}/policies?effective=true`)).body.results.map((p: { id: string }) => p.id)).toEqual([id]);
    expect((await c.get(`/auth/groups/${e}/members`)).body.results.map((u: { id: string }) => u.id)).toEqual([id]);
    const state = lakefsState(t, c.session);
    expect(Object.getPrototypeOf(state.users)).toBe(Object.prototype);
    expect(Object.hasOwn(state.users, id)).toBe(true);
    expect((await c.delete(`/auth/users/${e}`)).status).toBe(204);
    expect((await c.delete(`/auth/groups/${e}`)).status).toBe(204);
    expect((await c.delete(`/auth/policies/${e}`)).status).toBe(204);
    expect(Object.hasOwn(state.users, id)).toBe(false);
  });
});

it('reads a percent-encoded slash as part of the id', async () => {
  expectLakefsError(await client(t).get('/auth/users/a%2Fb'), 404, 'user not found');
  // A bare slash is another path altogether: lakeFS's catch-all answers "invalid API endpoint".
  expectLakefsError(await client(t).get('/auth/users/a/b'), 404, 'invalid API endpoint');
});

it('answers a method the path does not serve with the catch-all 404, without an Allow header (lakeFS has no 405)', async () => {
  const res = await client(t).put('/auth/users', { id: 'x' });
  expectLakefsError(res, 404, 'invalid API endpoint');
  expect(res.headers.allow).toBeUndefined();
});

/**
 * Paging on every auth list, as lakeFS's KV backends page: byte-wise order, `prefix`, exclusive `after`, a full
 * page reports has_more with its last id as next_offset (so an exact multiple ends with one empty page), and
 * identity lists leave max_per_page at 0. `amount` outside −1..1000 is refused by validation.
 */
import { describe, expect, it } from 'vitest';
import { expectLakefsError } from '../support.js';
import { client, enc, useAuthApp, type Client } from './helpers.js';

const t = useAuthApp();

/** Creates what each list needs so that it holds exactly 6 items: ids ending in a…f, created out of order. */
const lists: Array<{ name: string; path: string; idOf: (item: any) => string; fill: (c: Client) => Promise<string[]> }> = [
  {
    name: 'listUsers',
    path: '/auth/users?prefix=pg-',
    idOf: (u) => u.id,
    fill: async (c) => ids('pg-', async (id) => c.post('/auth/users', { id })),
  },
  {
    name: 'listGroups',
    path: '/auth/groups?prefix=pg-',
    idOf: (g) => g.id,
    fill: async (c) => ids('pg-', async (id) => c.post('/auth/groups', { id })),
  },
  {
    name: 'listPolicies',
    path: '/auth/policies?prefix=pg-',
    idOf: (p) => p.id,
    fill: async (c) => ids('pg-', async (id) => c.post('/auth/policies', { id, statement: [{ effect: 'allow', action: ['fs:*'], resource: '*' }] })),
  },
  {
    name: 'listGroupMembers',
    path: '/auth/groups/Developers/members?prefix=pg-',
    idOf: (u) => u.id,
    fill: async (c) => ids('pg-', async (id) => (await c.post('/auth/users', { id }), c.put(`/auth/groups/Developers/members/${id}`))),
  },
  {
    name: 'listGroupPolicies',
    path: '/auth/groups/Developers/policies?prefix=pg-',
    idOf: (p) => p.id,
    fill: async (c) =>
      ids('pg-', async (id) => (await c.post('/auth/policies', { id, statement: [{ effect: 'allow', action: ['fs:*'], resource: '*' }] }), c.put(`/auth/groups/Developers/policies/${id}`))),
  },
  {
    name: 'listUserGroups',
    path: '/auth/users/nobody/groups?prefix=pg-',
    idOf: (g) => g.id,
    fill: async (c) => ids('pg-', async (id) => (await c.post('/auth/groups', { id }), c.put(`/auth/groups/${id}/members/nobody`))),
  },
  {
    name: 'listUserPolicies',
    path: '/auth/users/nobody/policies?prefix=pg-',
    idOf: (p) => p.id,
    fill: async (c) =>
      ids('pg-', async (id) => (await c.post('/auth/policies', { id, statement: [{ effect: 'allow', action: ['fs:*'], resource: '*' }] }), c.put(`/auth/users/nobody/policies/${id}`))),
  },
  {
    name: 'listUserPolicies (effective)',
    path: '/auth/users/nobody/policies?effective=true&prefix=pg-',
    idOf: (p) => p.id,
    fill: async (c) => {
      await c.post('/auth/groups', { id: 'Paging' });
      await c.put('/auth/groups/Paging/members/nobody');
      return ids('pg-', async (id, i) => {
        await c.post('/auth/policies', { id, statement: [{ effect: 'allow', action: ['fs:*'], resource: '*' }] });
        // Half directly, half through the group, one through both: each still listed once.
        if (i % 2 === 0 || i === 1) await c.put(`/auth/users/nobody/policies/${id}`);
        if (i % 2 === 1) await c.put(`/auth/groups/Paging/policies/${id}`);
      });
    },
  },
  {
    name: 'listUserCredentials',
    path: '/auth/users/nobody/credentials',
    idOf: (k) => k.access_key_id,
    fill: async (c) => {
      await c.delete('/auth/users/nobody/credentials/AKIAJNOBODY22222222Q');
      const made: string[] = [];
      for (let i = 0; i < 6; i++) made.push((await c.post('/auth/users/nobody/credentials')).body.access_key_id);
      return made.sort();
    },
  },
  {
    name: 'listUserExternalPrincipals',
    path: '/auth/users/nobody/external/principals/ls',
    idOf: (p) => p.id,
    fill: async (c) => ids('arn:aws:iam::1:role/pg-', async (id) => c.post(`/auth/users/nobody/external/principals?principalId=${enc(id)}`)),
  },
];

async function ids(prefix: string, create: (id: string, i: number) => Promise<unknown>): Promise<string[]> {
  const letters = ['d', 'a', 'f', 'c', 'e', 'b'];
  for (const [i, l] of letters.entries()) await create(`${prefix}${l}`, i);
  return letters.map((l) => `${prefix}${l}`).sort();
}

const withQuery = (path: string, query: string) => `${path}${path.includes('?') ? '&' : '?'}${query}`;

describe.each(lists)('$name', ({ path, idOf, fill }) => {
  it('pages through 3 full pages, then one empty page', async () => {
    const c = client(t);
    const all = await fill(c);
    const seen: string[] = [];
    let after = '';
    const pages: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await c.get(withQuery(path, `amount=2&after=${enc(after)}`));
      expect(res.status, res.text).toBe(200);
      pages.push(res.body.pagination);
      seen.push(...res.body.results.map(idOf));
      after = res.body.pagination.next_offset;
    }
    expect(seen).toEqual(all);
    expect(pages).toEqual([
      { has_more: true, next_offset: all[1], results: 2, max_per_page: 0 },
      { has_more: true, next_offset: all[3], results: 2, max_per_page: 0 },
      { has_more: true, next_offset: all[5], results: 2, max_per_page: 0 },
      { has_more: false, next_offset: '', results: 0, max_per_page: 0 },
    ]);
  });

  it('reads everything in one page by default, and with amount 0 or -1', async () => {
    const c = client(t);
    const all = await fill(c);
    for (const query of ['', 'amount=0', 'amount=-1', 'after=']) {
      const res = await c.get(query ? withQuery(path, query) : path);
      expect(res.body.results.map(idOf)).toEqual(all);
      expect(res.body.pagination).toEqual({ has_more: false, next_offset: '', results: 6, max_per_page: 0 });
    }
  });

  it('starts strictly after `after`, even when it names no item', async () => {
    const c = client(t);
    const all = await fill(c);
    expect((await c.get(withQuery(path, `after=${enc(all[2]!)}`))).body.results.map(idOf)).toEqual(all.slice(3));
    expect((await c.get(withQuery(path, `after=${enc(`${all[2]!}0`)}`))).body.results.map(idOf)).toEqual(all.slice(3));
  });

  // Byte for byte what the real lakeFS 1.80.0 answers (test/fidelity): kin-openapi dumps the schema and the value.
  it.each([
    ['amount=1001', 'number must be at most 1000', '1001'],
    ['amount=-2', 'number must be at least -1', '-2'],
  ])('answers 400 for %s', async (query, reason, value) => {
    const schema = '{\n    "default": 100,\n    "maximum": 1000,\n    "minimum": -1,\n    "type": "integer"\n  }';
    expectLakefsError(
      await client(t).get(withQuery(path, query)),
      400,
      `parameter "amount" in query has an error: ${reason}\nSchema:\n  ${schema}\n\nValue:\n  ${value}\n`,
    );
  });
});

// UTF-8 bytes, not JavaScript's UTF-16 units: U+FF21 sorts before U+1F600 byte-wise, after it in UTF-16.
it('orders ids byte-wise (UTF-8), as a KV scan does', async () => {
  const c = client(t);
  for (const id of ['pg-\u{1F600}', 'pg-é', 'pg-z', 'pg-\uFF21', 'pg-Z', 'pg-a']) expect((await c.post('/auth/users', { id })).status).toBe(201);
  const res = await c.get(`/auth/users?prefix=pg-`);
  expect(res.body.results.map((u: { id: string }) => u.id)).toEqual(['pg-Z', 'pg-a', 'pg-z', 'pg-é', 'pg-\uFF21', 'pg-\u{1F600}']);
  const second = await c.get(`/auth/users?prefix=pg-&after=${enc('pg-\uFF21')}`);
  expect(second.body.results.map((u: { id: string }) => u.id)).toEqual(['pg-\u{1F600}']);
});

it('caps amount at 1000', async () => {
  const c = client(t);
  const res = await c.get('/auth/users?amount=1000');
  expect(res.status).toBe(200);
  expect(res.body.pagination.has_more).toBe(false);
});

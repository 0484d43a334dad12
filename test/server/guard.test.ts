/**
 * The edge's guard against web pages the developer visits: DNS rebinding (a page whose own name now points at
 * 127.0.0.1) gets a 403 from a loopback-bound mockgate unless its Host is loopback or listed with
 * --allowed-host; a cross-site write to the admin API (a form POST that reset every session of a mockgate
 * without an admin token) gets a 403 unless it comes from the mock's own pages or an --admin-origin.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import type { AppConfig } from '../../src/config.js';

const LAKEFS = { Authorization: `Basic ${Buffer.from('AKIAIOSFOLQUICKSTART:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY').toString('base64')}` };
const TILEDB = { 'X-TILEDB-REST-API-KEY': 'tdb-ws_9m4e2mr0ui3e8a215n4g-alicedemotoken00000001' };

const apps: TestApp[] = [];
async function app(config: Partial<AppConfig> = {}): Promise<TestApp> {
  const t = await createTestApp(config);
  apps.push(t);
  return t;
}
afterAll(async () => {
  for (const t of apps) await t.close();
});

describe('Host check (DNS rebinding)', () => {
  it.each(['localhost:4010', 'localhost', '127.0.0.1:4010', '127.1.2.3', '[::1]:4010', 'app.localhost:4010', 'LOCALHOST:1'])(
    'a loopback-bound mockgate answers Host %s',
    async (host) => {
      const t = await app();
      await t.http.get('/api/v1/auth/users').set(LAKEFS).set('Host', host).expect(200);
    },
  );

  it.each([
    ['lakeFS', '/api/v1/auth/users', LAKEFS, (body: any) => expect(Object.keys(body)).toEqual(['message'])],
    ['TileDB', '/v4/credentials/acme', TILEDB, (body: any) => expect(Object.keys(body).sort()).toEqual(['code', 'message', 'request_id'])],
    ['the admin API', '/__admin/state', {}, (body: any) => expect(Object.keys(body)).toEqual(['message'])],
  ])('refuses another Host with 403 in the shape of %s, naming the host and the flag', async (_api, path, headers, shape) => {
    const t = await app();
    const res = await t.http.get(path).set(headers).set('Host', 'rebind.evil.example:4010');
    expect(res.status).toBe(403);
    shape(res.body);
    expect(res.body.message).toContain('host "rebind.evil.example" is not allowed');
    expect(res.body.message).toContain('--allowed-host rebind.evil.example');
  });

  it('answers the hosts listed with --allowed-host (names and *. patterns), and still refuses others', async () => {
    const t = await app({ allowedHosts: ['mock.internal', '*.example.test'] });
    await t.http.get('/api/v1/auth/users').set(LAKEFS).set('Host', 'mock.internal:4010').expect(200);
    await t.http.get('/api/v1/auth/users').set(LAKEFS).set('Host', 'ci.example.test').expect(200);
    await t.http.get('/api/v1/auth/users').set(LAKEFS).set('Host', 'example.test').expect(403);
  });

  it('a mockgate bound to every interface (a container) checks Host only when --allowed-host lists names', async () => {
    const open = await app({ host: '0.0.0.0' });
    await open.http.get('/api/v1/auth/users').set(LAKEFS).set('Host', 'mockgate:4010').expect(200);
    const listed = await app({ host: '0.0.0.0', allowedHosts: ['mockgate'] });
    await listed.http.get('/api/v1/auth/users').set(LAKEFS).set('Host', 'mockgate:4010').expect(200);
    await listed.http.get('/api/v1/auth/users').set(LAKEFS).set('Host', 'other:4010').expect(403);
  });
});

describe('cross-site writes to the admin API', () => {
  async function withUser(t: TestApp): Promise<void> {
    await t.http.post('/api/v1/auth/users').set(LAKEFS).send({ id: 'kept' }).expect(201);
  }
  const stillThere = (t: TestApp) => t.http.get('/api/v1/auth/users/kept').set(LAKEFS).expect(200);

  it.each([
    ['an Origin of another site', { Origin: 'https://evil.example' }],
    ['an Origin of another port of this host', { Origin: 'http://127.0.0.1:3000', 'Sec-Fetch-Site': 'same-site' }],
    ['Sec-Fetch-Site: cross-site without an Origin', { 'Sec-Fetch-Site': 'cross-site' }],
    ['Origin: null (a sandboxed page, a file)', { Origin: 'null' }],
  ])('refuses a reset carrying %s with 403, and resets nothing', async (_label, headers) => {
    const t = await app();
    await withUser(t);
    const res = await t.http.post('/__admin/reset').set(headers);
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/^cross-site request refused: the admin API changes state only for its own pages or an origin listed with --admin-origin/);
    await stillThere(t);
  });

  it.each([
    ['no Origin (curl, SDKs, the test suite)', {}],
    ['its own origin (the dashboard)', { Origin: 'http://127.0.0.1:4010', 'Sec-Fetch-Site': 'same-origin' }],
    ['Sec-Fetch-Site: none (typed into the address bar)', { 'Sec-Fetch-Site': 'none' }],
  ])('accepts a reset with %s', async (_label, headers) => {
    const t = await app();
    await withUser(t);
    await t.http.post('/__admin/reset').set('Host', '127.0.0.1:4010').set(headers).expect(200);
    await t.http.get('/api/v1/auth/users/kept').set(LAKEFS).expect(404);
  });

  it('accepts a write from an origin listed with --admin-origin', async () => {
    const t = await app({ adminOrigins: ['http://localhost:*'] });
    await t.http.put('/__admin/scenario').set('Origin', 'http://localhost:5173').send({ name: 'lakefs-rbac' }).expect(200);
    await t.http.put('/__admin/scenario').set('Origin', 'http://evil.example').send({ name: 'default' }).expect(403);
  });

  it('leaves reads to the browser\'s same-origin policy (the admin API sends no CORS headers)', async () => {
    const t = await app();
    const res = await t.http.get('/__admin/health').set('Origin', 'https://evil.example').expect(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('does not touch cross-site calls to the mocked APIs (CORS governs those)', async () => {
    const t = await app();
    await t.http.post('/api/v1/auth/users').set(LAKEFS).set('Origin', 'https://frontend.example').send({ id: 'from-a-frontend' }).expect(201);
  });
});

/**
 * The package entry as a TypeScript suite uses it: `startMockgate()` in the test process, its typed admin client,
 * and a session per test through a vitest fixture (the README's example). Imported from src/index.ts, the module
 * the package's `exports` points at once built (test/package-install.test.ts imports the installed one).
 */
import http from 'node:http';
import net from 'node:net';
import { afterAll, describe, expect, test as base } from 'vitest';
import {
  createAdminClient,
  ListenError,
  MockgateAdminError,
  ScenarioError,
  startMockgate,
  type Mockgate,
  type MockgateSession,
} from '../src/index.js';
import { widgetsApi } from './support/widgets-api.js';
import { fixturePath } from './support/test-app.js';

const ALICE = { 'X-TILEDB-REST-API-KEY': 'tdb-ws_9m4e2mr0ui3e8a215n4g-alicedemotoken00000001' };

/** One server for the file, one session per test: what the README shows for vitest. */
const test = base.extend<{ mock: Mockgate; session: MockgateSession }>({
  // eslint-disable-next-line no-empty-pattern -- vitest reads a fixture's dependencies from this pattern
  mock: [async ({}, use) => {
    const mock = await startMockgate({ seed: 7, strict: true, logLevel: 'silent' });
    await use(mock);
    await mock.close();
  }, { scope: 'file' }],
  session: async ({ mock }, use) => use(mock.admin.session()),
});

const others: Mockgate[] = [];
afterAll(async () => {
  await Promise.all(others.map((m) => m.close()));
});

async function start(options: Parameters<typeof startMockgate>[0] = {}): Promise<Mockgate> {
  const mock = await startMockgate({ logLevel: 'silent', ...options });
  others.push(mock);
  return mock;
}

const listCredentials = (mock: Mockgate, session: MockgateSession) =>
  fetch(`${mock.url}/v4/credentials/acme`, { headers: { ...ALICE, ...session.headers } });

describe('startMockgate', () => {
  test('listens on a free port of 127.0.0.1 by default and serves every bundled API there', async ({ mock }) => {
    expect(mock.url).toBe(`http://127.0.0.1:${mock.port}`);
    expect(mock.port).toBeGreaterThan(0);
    expect(mock.port).not.toBe(4010);
    const health = await mock.admin.health();
    expect(health).toMatchObject({ status: 'ok', scenario: 'default' });
    expect(health.apis).toEqual(expect.arrayContaining(['lakefs', 'lakefs-authentication', 'tiledb', 'registry']));
    expect(mock.admin.url).toBe(mock.url);
  });

  test('a session queues a one-shot fault that only its own requests meet, and reads them back from the journal', async ({ mock, session }) => {
    expect(session.headers).toEqual({ 'X-Mock-Session': session.name });
    const name = await session.addFault({ match: { operationId: 'getCredentials' }, status: 503, times: 1 });
    expect(name).toEqual(expect.any(String));
    expect(await session.faults()).toEqual([expect.objectContaining({ match: { operationId: 'getCredentials' }, status: 503, times: 1 })]);

    const neighbour = mock.admin.session();
    expect(neighbour.name).not.toBe(session.name);
    expect((await listCredentials(mock, neighbour)).status).toBe(200);
    expect((await listCredentials(mock, session)).status).toBe(503);
    expect((await listCredentials(mock, session)).status).toBe(200);

    const journal = await session.requests({ operationId: 'getCredentials' });
    expect(journal.map((e) => [e.status, e.session])).toEqual([
      [200, session.name],
      [503, session.name],
    ]); // newest first
    expect(await session.faults()).toEqual([]);
    const coverage = await session.coverage();
    expect(coverage.operations.find((row) => row.api === 'tiledb' && row.operationId === 'getCredentials')?.served).toEqual({ '200': 1, '503': 1 });
  });

  test('a session switches its own scenario; the others keep theirs', async ({ mock, session }) => {
    expect((await session.useScenario('rate-limited')).name).toBe('rate-limited');
    expect((await session.scenario()).name).toBe('rate-limited');
    expect((await mock.admin.scenario()).name).toBe('default');
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await listCredentials(mock, session)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  test('state snapshots, restores and resets per session', async ({ mock, session }) => {
    const seeded = await session.state();
    expect(seeded.session).toBe(session.name);
    expect(Object.keys(seeded.apis)).toEqual(expect.arrayContaining(['tiledb', 'registry']));
    const created = await fetch(`${mock.url}/v4/credentials/acme`, {
      method: 'POST',
      headers: { ...ALICE, ...session.headers, 'Content-Type': 'application/json' },
      body: JSON.stringify({ name: 'from-test', provider: 'AWS', credential: { aws: { access_key_id: 'AKIAEXAMPLE', secret_access_key: 's' } } }),
    });
    expect(created.status).toBe(201);
    expect(JSON.stringify((await session.state()).apis.tiledb)).toContain('from-test');

    await session.restoreState(seeded.apis);
    expect(JSON.stringify((await session.state()).apis.tiledb)).not.toContain('from-test');
    await listCredentials(mock, session);
    expect((await session.requests()).map((e) => e.operationId)).toEqual(['getCredentials', 'createCredential']);
    await session.reset();
    expect(await session.requests()).toEqual([]);
    expect((await mock.admin.sessions()).map((s) => s.name)).not.toContain(session.name);
  });

  test('coverage also comes as JUnit XML, and the admin API\'s lists are typed', async ({ mock, session }) => {
    await listCredentials(mock, session);
    const xml = await mock.admin.coverageJUnit(session.name);
    expect(xml).toMatch(/^<\?xml/);
    expect(xml).toContain('getCredentials');
    expect((await mock.admin.scenarios()).map((s) => s.name)).toContain('rate-limited');
    expect((await mock.admin.specs()).specs.map((s) => s.api)).toContain('tiledb');
    await mock.admin.clearRequests(session.name);
    expect(await session.requests()).toEqual([]);
  });

  test("a generic spec's credential mode, per session, typed", async () => {
    const mock = await start({ specs: [fixturePath('generic', 'secured.yaml')], scenario: fixturePath('generic', 'secured-credentials.yaml') });
    const secured = (await mock.admin.specs()).specs.find((s) => s.api === 'secured')!;
    const mode: 'exact' | 'any-well-formed' | undefined = secured.security?.credentials;
    expect(mode).toBe('exact');
    const firstRun = mock.admin.session();
    await firstRun.useScenario({ scenario: { name: 'first-run', apis: {} } });
    expect((await firstRun.specs()).specs.find((s) => s.api === 'secured')!.security?.credentials).toBe('any-well-formed');
  });

  test('the admin API\'s refusals reject with MockgateAdminError, its status and its message', async ({ session }) => {
    const refused = await session.addFault({ match: { operationId: 'getCredential' }, status: 500 }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(MockgateAdminError);
    expect(refused).toMatchObject({ status: 400 });
    expect((refused as Error).message).toMatch(/answered 400: .*getCredential.*did you mean/i);

    const missing = await session.useScenario('no-such-scenario').catch((err: unknown) => err);
    expect(missing).toMatchObject({ name: 'MockgateAdminError', status: 404 });
  });

  test('passes its options through: scenario, seed, admin token (which its admin client sends)', async () => {
    const mock = await start({ scenario: 'rate-limited', seed: 3, adminToken: 'let-me-in' });
    expect((await mock.admin.health()).scenario).toBe('rate-limited');
    expect(await mock.admin.requests()).toEqual([]);
    expect((await fetch(`${mock.url}/__admin/requests`)).status).toBe(401);
    const anonymous = createAdminClient(mock.url);
    await expect(anonymous.sessions()).rejects.toMatchObject({ status: 401 });
  });

  test('serves your own API modules: handlers by operationId, verifiers and state from the scenario', async () => {
    const mock = await start({
      apis: [widgetsApi],
      specs: [fixturePath('engine', 'widgets.yaml')],
      scenario: fixturePath('engine', 'widgets-scenario.yaml'),
    });
    const res = await fetch(`${mock.url}/widgets-api/widgets`, { headers: { 'X-Widget-Key': 'key-alice' } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ items: [{ name: 'sprocket', color: 'red' }] });
    expect((await fetch(`${mock.url}/widgets-api/widgets`, { headers: { 'X-Widget-Key': 'nope' } })).status).toBe(401);
    await expect(startMockgate({ apis: [{ ...widgetsApi, name: 'tiledb' }] })).rejects.toThrow(/an API named "tiledb" is already registered/);
  });

  test('two servers in one process keep their own state, sessions and faults', async () => {
    const [a, b] = await Promise.all([start(), start({ scenario: 'conflicts' })]);
    expect(a.port).not.toBe(b.port);
    expect((await a.admin.health()).scenario).toBe('default');
    expect((await b.admin.health()).scenario).toBe('conflicts');
    const shared = a.admin.session('same-name');
    await shared.addFault({ match: { operationId: 'getCredentials' }, status: 503 });
    expect((await listCredentials(a, shared)).status).toBe(503);
    expect((await listCredentials(b, b.admin.session('same-name'))).status).toBe(200);
    expect(await b.admin.requests({ session: 'same-name' })).toHaveLength(1);
    expect(await a.admin.requests({ session: 'same-name', status: 503 })).toHaveLength(1);
  });

  test('close() frees the port even with a keep-alive connection open, and may be called twice', async () => {
    const mock = await startMockgate({ logLevel: 'silent' });
    const agent = new http.Agent({ keepAlive: true });
    const status = await new Promise<number>((resolve, reject) => {
      http.get(`${mock.url}/__admin/health`, { agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode!));
      }).on('error', reject);
    });
    expect(status).toBe(200);
    expect(Object.values(agent.freeSockets).flat()).toHaveLength(1); // the connection stays open, idle

    const started = Date.now();
    await Promise.all([mock.close(), mock.close()]);
    expect(Date.now() - started).toBeLessThan(2_000);
    await mock.close();
    agent.destroy();

    // The port is free again: something else can listen on it.
    const probe = net.createServer();
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(mock.port, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => probe.close(() => resolve()));
  });

  test('refuses what the CLI refuses, with the same errors: a port in use, an invalid scenario', async ({ mock }) => {
    await expect(startMockgate({ port: mock.port, logLevel: 'silent' })).rejects.toBeInstanceOf(ListenError);
    await expect(startMockgate({ scenario: fixturePath('engine', 'widgets.yaml'), logLevel: 'silent' })).rejects.toBeInstanceOf(ScenarioError);
  });
});

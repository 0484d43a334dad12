/**
 * The live dashboard (GET /__admin/ui) in a real browser, against mockgate running the default scenario
 * with an admin token: the page must show what the API calls of the test did (journal, coverage, state),
 * drive reset and scenario switches, and never run what a request smuggled into the journal.
 * Every wait is on a DOM condition; nothing sleeps.
 */
import { copyFile, mkdir } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/test-app.js';
import { startBrowserHarness, type BrowserHarness } from './support/harness.js';

const TOKEN = 'dashboard-admin-token';
const SESSION = 'frontend-dev';
const ACME = 'acme';
const ALICE_KEY = { 'X-TILEDB-REST-API-KEY': 'tdb-ws_9m4e2mr0ui3e8a215n4g-alicedemotoken00000001' };
const READ_TOKEN = { Authorization: 'Bearer reg-read-token' };
const WRITE_TOKEN = { Authorization: 'Bearer reg-write-token' };
const S3_LOCATION = { s3_location: { bucket_name: 'b', path: 'datasets/1', s3_uri: 's3://b/datasets/1' }, console_session_required: false };

let h: BrowserHarness;
beforeAll(async () => {
  h = await startBrowserHarness({ config: { adminToken: TOKEN } });
});
afterAll(async () => {
  await h?.close();
});

/** A call to a mocked API in a session, as an SDK under test would make it. */
async function send(session: string, method: string, urlPath: string, headers: Record<string, string> = {}, body?: unknown): Promise<number> {
  const res = await fetch(h.mockUrl + urlPath, {
    method,
    headers: { 'X-Mock-Session': session, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  await res.arrayBuffer();
  return res.status;
}

/** A request whose path is sent byte for byte (fetch would percent-encode "<" and ">"). */
function sendRaw(session: string, rawPath: string): Promise<number> {
  const { hostname, port } = new URL(h.mockUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path: rawPath, method: 'GET', headers: { 'X-Mock-Session': session } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

const dashboardUrl = (session = SESSION, token: string | null = TOKEN) =>
  `${h.mockUrl}/__admin/ui?session=${encodeURIComponent(session)}${token === null ? '' : `&token=${encodeURIComponent(token)}`}`;

const journalRows = () => h.page.locator('#journal tr.entry');
const heatCell = (api: string, operationId: string, status: string) =>
  h.page.locator(`#coverage td.cell[data-api="${api}"][data-operation="${operationId}"][data-status="${status}"]`);

/** The page polls about once a second: give DOM conditions a few polls to come true. */
const eventually = <T>(read: () => T | Promise<T>) => expect.poll(read, { timeout: 10_000, interval: 50 });

/** Resolves after the page finished one more poll than it had when called (its body counts them). */
async function nextPoll(): Promise<void> {
  const seen = Number((await h.page.locator('body').getAttribute('data-polls')) ?? 0);
  // A function, not a string: the page's Content-Security-Policy forbids evaluating strings.
  type PageScope = { document: { body: { dataset: Record<string, string | undefined> } } };
  await h.page.waitForFunction((n) => Number((globalThis as unknown as PageScope).document.body.dataset.polls ?? 0) > n, seen);
}

describe('dashboard: the admin token', () => {
  it('refuses the page without the token, and with a wrong one, in the admin error shape', async () => {
    const missing = await h.page.goto(dashboardUrl(SESSION, null));
    expect(missing!.status()).toBe(401);
    expect(await missing!.json()).toEqual({ message: expect.stringContaining('/__admin/ui?token=') });
    const wrong = await h.page.goto(dashboardUrl(SESSION, 'not-the-token'));
    expect(wrong!.status()).toBe(401);
    expect((await wrong!.json()).message).toBe('invalid admin token');
    // Those 401s are expected in the console; nothing after them may log an error.
    h.pageErrors.length = 0;
  });

  it('accepts ?token= on the page only: the admin API itself still wants the Authorization header', async () => {
    const viaQuery = await fetch(`${h.mockUrl}/__admin/requests?token=${TOKEN}`);
    expect(viaQuery.status).toBe(401);
    const viaHeader = await fetch(`${h.mockUrl}/__admin/requests`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(viaHeader.status).toBe(200);
  });

  it('serves the page with the token, pinned by its Content-Security-Policy, and goes live using the token as a bearer', async () => {
    const res = await h.page.goto(dashboardUrl());
    expect(res!.status()).toBe(200);
    const headers = await res!.allHeaders();
    expect(headers['content-type']).toBe('text/html; charset=utf-8');
    expect(headers['content-security-policy']).toMatch(/default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-[A-Za-z0-9+/=]+'; connect-src 'self'/);
    expect(headers['referrer-policy']).toBe('no-referrer');
    // "live" means every admin call of the first poll was answered 200: the bearer header worked.
    await eventually(() => h.page.locator('#status').getAttribute('data-state')).toBe('live');
    await eventually(() => h.page.locator('#session').inputValue()).toBe(SESSION);
    expect(await h.page.locator('#scenario-name').textContent()).toBe('default');
  });
});

describe('dashboard: live panels', () => {
  it('lists the mounted APIs and their operations', async () => {
    const apis = h.page.locator('#apis');
    await eventually(() => apis.locator('details > summary').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringMatching(/^tiledb .* at \/v4 — 7 operations, 7 stateful$/), expect.stringMatching(/^registry /)]),
    );
    await apis.locator('summary', { hasText: /^tiledb / }).click();
    await eventually(() => apis.locator('table[data-api="tiledb"] td', { hasText: 'createCredential' }).count()).toBe(1);
  });

  it('shows each request in the journal, newest first: method, path, operation, status, answer source and validation', async () => {
    expect(await send(SESSION, 'GET', `/v4/credentials/${ACME}`, ALICE_KEY)).toBe(200);
    expect(await send(SESSION, 'GET', `/v4/credentials/${ACME}/no-such-credential`, ALICE_KEY)).toBe(404);
    expect(await send(SESSION, 'POST', '/registry/credentials/generate-write-access-credentials', READ_TOKEN, S3_LOCATION)).toBe(401);
    await eventually(() => journalRows().count()).toBe(3);
    const rows = await journalRows().evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].slice(1, 9).map((td) => td.textContent!.trim())),
    );
    expect(rows).toEqual([
      ['POST', '/registry/credentials/generate-write-access-credentials', 'generate_write_access_credentials_registry_credentials_generate_write_access_credentials_post registry', '401', 'security', '—', '–', '✓'],
      ['GET', `/v4/credentials/${ACME}/no-such-credential`, 'getCredentialByName tiledb', '404', 'handler', '—', '✓', '✓'],
      ['GET', `/v4/credentials/${ACME}`, 'getCredentials tiledb', '200', 'handler', '—', '✓', '✓'],
    ]);
  });

  it('opens a journal entry to show its headers and bodies, secrets redacted', async () => {
    await journalRows().nth(2).click();
    const detail = h.page.locator('#journal tr.detail pre');
    await eventually(() => detail.textContent()).toContain('"x-tiledb-rest-api-key": "[redacted]"');
    await journalRows().nth(2).click();
    await eventually(() => detail.count()).toBe(0);
  });

  it('colours the coverage heat map as statuses are served, and marks declared statuses never served', async () => {
    await eventually(() => heatCell('tiledb', 'getCredentials', '200').getAttribute('data-count')).toBe('1');
    expect(await heatCell('tiledb', 'getCredentials', '200').getAttribute('data-kind')).toBe('hit');
    expect(await heatCell('tiledb', 'getCredentialByName', '404').getAttribute('data-count')).toBe('1');
    expect(await heatCell('tiledb', 'getCredentials', '401').getAttribute('data-kind')).toBe('missing');
    await send(SESSION, 'GET', `/v4/credentials/${ACME}`, ALICE_KEY);
    await send(SESSION, 'GET', `/v4/credentials/${ACME}`, ALICE_KEY);
    await send(SESSION, 'GET', `/v4/credentials/${ACME}`, { 'X-TILEDB-REST-API-KEY': 'tdb-unknown' });
    await eventually(() => heatCell('tiledb', 'getCredentials', '200').getAttribute('data-count')).toBe('3');
    await eventually(() => heatCell('tiledb', 'getCredentials', '401').getAttribute('data-kind')).toBe('hit');
    expect(await h.page.locator('#coverage-summary').textContent()).toMatch(/^\d+ of \d+ declared responses served \(\d+%\), \d+ operations$/);
  });

  it('filters the heat map to the operations called', async () => {
    await h.page.locator('#coverage-called-only').check();
    const ops = h.page.locator('#coverage table.heat tbody tr');
    await eventually(() => ops.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-operation')))).toEqual([
      'getCredentials',
      'getCredentialByName',
      'generate_write_access_credentials_registry_credentials_generate_write_access_credentials_post',
    ]);
    await h.page.locator('#coverage-called-only').uncheck();
  });

  it('shows the state as tables, follows changes, and hides secrets until asked', async () => {
    const credentials = h.page.locator('#state [data-state-key="tiledb/credentials"]');
    await eventually(() => credentials.locator('td', { hasText: /^aws-keys$/ }).count()).toBe(1);
    const created = { name: 'ci-keys', provider: 'AWS', credential: { aws: { access_key_id: 'AKIAEXAMPLE00000001', secret_access_key: 'very-secret-value' } } };
    expect(await send(SESSION, 'POST', `/v4/credentials/${ACME}`, ALICE_KEY, created)).toBe(201);
    await eventually(() => credentials.locator('td', { hasText: /^ci-keys$/ }).count()).toBe(1);
    // Maps keyed by id (lakeFS) render as tables too; the password column of TileDB users is masked.
    const users = h.page.locator('#state [data-state-key="tiledb/users"]');
    expect(await users.textContent()).not.toContain('alice-password');
    expect(await h.page.locator('#state [data-state-key="lakefs/users"] td', { hasText: /^quickstart$/ }).count()).toBeGreaterThan(0);
    await h.page.locator('#show-secrets').check();
    await eventually(() => users.textContent()).toContain('alice-password');
    await h.page.locator('#show-secrets').uncheck();
  });

  it('renders a hostile path as text: nothing from a request runs in the page', async () => {
    const hostile = '/v4/<img/src=x/onerror=window.__pwned=1><script>window.__pwned=2</script>';
    expect(await sendRaw(SESSION, hostile)).toBe(404);
    await eventually(() => journalRows().first().locator('td.path').textContent()).toBe(hostile);
    expect(await h.page.locator('#journal img, #journal script').count()).toBe(0);
    expect(await h.page.evaluate(() => (globalThis as { __pwned?: number }).__pwned)).toBeUndefined();
  });

  it('lists the sessions that exist in the picker and switches to one', async () => {
    expect(await send('other-team', 'GET', '/', {})).toBe(200);
    await eventually(() => h.page.locator('#session option').allTextContents()).toEqual(['default', 'frontend-dev', 'other-team']);
    await h.page.locator('#session').selectOption('other-team');
    await eventually(() => journalRows().evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-operation')))).toEqual(['root__get']);
    expect(new URL(h.page.url()).searchParams.get('session')).toBe('other-team');
    expect(new URL(h.page.url()).searchParams.get('token')).toBe(TOKEN);
    await h.page.locator('#session').selectOption(SESSION);
    await eventually(() => journalRows().count()).toBeGreaterThan(1);
  });
});

describe('dashboard: actions', () => {
  it('resets the session: journal and coverage emptied, state re-seeded from the scenario', async () => {
    await h.page.locator('#reset').click();
    await eventually(() => h.page.locator('#journal .empty').textContent()).toMatch(/^No requests in session "frontend-dev" yet/);
    await eventually(() => heatCell('tiledb', 'getCredentials', '200').getAttribute('data-count')).toBe('0');
    const credentials = h.page.locator('#state [data-state-key="tiledb/credentials"]');
    await eventually(() => credentials.locator('td', { hasText: /^ci-keys$/ }).count()).toBe(0);
    expect(await credentials.locator('td', { hasText: /^aws-keys$/ }).count()).toBe(1);
    expect(await h.page.locator('#message').textContent()).toMatch(/reset/);
  });

  it('switches the session to a bundled scenario from the picker, leaving the other sessions alone', async () => {
    const choices = await h.page.locator('#scenario-select option').allTextContents();
    expect(choices).toEqual(expect.arrayContaining(['default', 'conflicts', 'expired-token', 'rate-limited']));
    await h.page.locator('#scenario-select').selectOption('conflicts');
    await h.page.locator('#switch-scenario').click();
    await eventually(() => h.page.locator('#scenario-name').textContent()).toBe('conflicts');
    const credentials = h.page.locator('#state [data-state-key="tiledb/credentials"]');
    await eventually(() => credentials.locator('td', { hasText: /^taken$/ }).count()).toBeGreaterThan(0);
    const admin = { headers: { Authorization: `Bearer ${TOKEN}` } };
    expect(await (await fetch(`${h.mockUrl}/__admin/scenario?session=${SESSION}`, admin)).json()).toMatchObject({ name: 'conflicts' });
    expect(await (await fetch(`${h.mockUrl}/__admin/scenario?session=default`, admin)).json()).toMatchObject({ name: 'default' });
    // The switched session answers from its new scenario.
    const taken = { name: 'taken', provider: 'AWS', credential: { aws: { access_key_id: 'AKIAEXAMPLE', secret_access_key: 's' } } };
    expect(await send(SESSION, 'POST', `/v4/credentials/${ACME}`, ALICE_KEY, taken)).toBe(409);
    await eventually(() => heatCell('tiledb', 'createCredential', '409').getAttribute('data-count')).toBe('1');
  });

  it('pauses and resumes polling', async () => {
    await h.page.locator('#pause').click();
    await eventually(() => h.page.locator('#status').getAttribute('data-state')).toBe('paused');
    await h.page.locator('#pause').click();
    await nextPoll();
    expect(await h.page.locator('#status').getAttribute('data-state')).toBe('live');
  });
});

describe('dashboard: transport faults', () => {
  it('shows a request that got one in the journal, by name, and counts it in its own heat-map column', async () => {
    const flaky = 'flaky';
    const admin = { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json' };
    for (const fault of [{ reset: true }, { truncate: true }]) {
      const added = await fetch(`${h.mockUrl}/__admin/faults?session=${flaky}`, { method: 'POST', headers: admin, body: JSON.stringify({ match: { operationId: 'getCredentials' }, ...fault }) });
      expect(added.status).toBe(201);
      await expect(send(flaky, 'GET', `/v4/credentials/${ACME}`, ALICE_KEY)).rejects.toThrow();
    }
    await h.page.locator('#session-input').fill(flaky);
    await h.page.locator('#session-input').press('Enter');
    await eventually(() => journalRows().evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-fault'), tr.querySelectorAll('td')[4]!.textContent!.trim()]))).toEqual([
      ['truncate', '200 truncate'],
      ['reset', 'reset'],
    ]);
    await eventually(() => heatCell('tiledb', 'getCredentials', 'reset').getAttribute('data-kind')).toBe('fault');
    expect(await heatCell('tiledb', 'getCredentials', 'truncate').getAttribute('data-count')).toBe('1');
    // A truncated answer is not a 200 the client read: it is counted under the fault only.
    expect(await heatCell('tiledb', 'getCredentials', '200').getAttribute('data-count')).toBe('0');
  });
});

describe('dashboard: screenshot', () => {
  it('writes test-output/dashboard.png (and docs/dashboard.png with UPDATE_DOCS_SCREENSHOT=1)', async () => {
    const demo = 'demo';
    const calls: Array<[string, string, Record<string, string>, unknown?]> = [
      ['GET', `/v4/credentials/${ACME}`, ALICE_KEY],
      ['GET', `/v4/credentials/${ACME}/aws-keys`, ALICE_KEY],
      ['POST', `/v4/credentials/${ACME}`, ALICE_KEY, { name: 'ci-keys', provider: 'AWS', credential: { aws: { access_key_id: 'AKIAEXAMPLE00000001', secret_access_key: 'x' } } }],
      ['POST', `/v4/credentials/${ACME}`, ALICE_KEY, { name: 'ci-keys', provider: 'AWS', credential: { aws: { access_key_id: 'AKIAEXAMPLE00000001', secret_access_key: 'x' } } }],
      ['PATCH', `/v4/credentials/${ACME}/ci-keys`, ALICE_KEY, { allowed_in_tasks: true }],
      ['GET', '/v4/credentials/globex', ALICE_KEY],
      ['GET', `/v4/credentials/${ACME}`, { 'X-TILEDB-REST-API-KEY': 'tdb-ws_9m4e2mr0ui3e8a215n4g-revokedtoken' }],
      ['DELETE', `/v4/credentials/${ACME}/ci-keys`, ALICE_KEY],
      ['POST', '/registry/credentials/generate-read-access-credentials', READ_TOKEN, S3_LOCATION],
      ['POST', '/registry/credentials/generate-write-access-credentials', WRITE_TOKEN, S3_LOCATION],
      ['POST', '/registry/credentials/generate-write-access-credentials', READ_TOKEN, S3_LOCATION],
      ['POST', '/registry/credentials/generate-read-access-credentials', READ_TOKEN, { s3_location: {} }],
    ];
    for (const [method, urlPath, headers, body] of calls) await send(demo, method, urlPath, headers, body);
    await h.page.locator('#session-input').fill(demo);
    await h.page.locator('#session-input').press('Enter');
    await eventually(() => journalRows().count()).toBe(calls.length);
    await h.page.locator('#coverage-called-only').check();
    await nextPoll();
    expect(h.pageErrors).toEqual([]);

    const out = path.join(repoRoot, 'test-output', 'dashboard.png');
    await mkdir(path.dirname(out), { recursive: true });
    await h.page.screenshot({ path: out });
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1') await copyFile(out, path.join(repoRoot, 'docs', 'dashboard.png'));
  });

  it('logged no console error and broke no contract', () => {
    expect(h.pageErrors).toEqual([]);
    expect(h.violations()).toEqual([]);
  });
});

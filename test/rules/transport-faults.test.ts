/**
 * Transport faults, seen from a raw socket (a client library would hide what the wire did): reset, empty,
 * garbage and stall answer nothing; truncate and dribble deliver the real answer badly. With `times`, `after`,
 * `probability` and sessions, from the admin API and from scenario files; journaled and counted in coverage.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../src/config.js';
import { ScenarioError } from '../../src/scenario/load.js';
import { createTestApp, scenarioPath, type TestApp } from '../support/test-app.js';

const BASIC = `Basic ${Buffer.from('AKIAIOSFOLQUICKSTART:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY').toString('base64')}`;
const GET_USER = '/api/v1/auth/users/quickstart';

interface WireResult {
  /** Every byte the server sent, as latin1 text. */
  text: string;
  /** When each piece arrived, ms after the request was written. */
  arrivals: number[];
  /** The socket error, if the connection failed (ECONNRESET). */
  error?: string;
  /** When the connection ended, ms after the request was written. */
  closedAfterMs: number;
}

/** One HTTP/1.1 request on a fresh connection (Connection: close), and everything that came back until it closed. */
function rawRequest(port: number, options: { method?: string; path?: string; session?: string; body?: object } = {}): Promise<WireResult> {
  const { method = 'GET', path: target = GET_USER, session, body } = options;
  const payload = body === undefined ? '' : JSON.stringify(body);
  const head = [
    `${method} ${target} HTTP/1.1`,
    'Host: 127.0.0.1',
    `Authorization: ${BASIC}`,
    'Connection: close',
    ...(session ? [`X-Mock-Session: ${session}`] : []),
    ...(body === undefined ? [] : ['Content-Type: application/json', `Content-Length: ${Buffer.byteLength(payload)}`]),
  ].join('\r\n');
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const started = performance.now();
    const since = () => Math.round(performance.now() - started);
    const result: WireResult = { text: '', arrivals: [], closedAfterMs: 0 };
    socket.on('data', (chunk) => {
      result.text += chunk.toString('latin1');
      result.arrivals.push(since());
    });
    socket.on('error', (err: NodeJS.ErrnoException) => (result.error = err.code));
    socket.on('close', () => resolve({ ...result, closedAfterMs: since() }));
    socket.write(`${head}\r\n\r\n${payload}`);
  });
}

const bodyOf = (text: string) => text.slice(text.indexOf('\r\n\r\n') + 4);
const contentLengthOf = (text: string) => Number(/\r\ncontent-length: (\d+)/i.exec(text)?.[1]);

let t: TestApp;
let port: number;
const others: TestApp[] = [];

async function listening(config: Partial<AppConfig> = {}): Promise<{ app: TestApp; port: number }> {
  const app = await createTestApp({ port: 0, ...config });
  others.push(app);
  const server = await app.app.listen();
  return { app, port: (server.address() as net.AddressInfo).port };
}

beforeAll(async () => {
  ({ app: t, port } = await listening({ maxStallMs: 400 }));
});
afterAll(async () => {
  for (const app of others) await app.close();
});

const fault = async (session: string, rule: object) => {
  const res = await t.http.post(`/__admin/faults?session=${session}`).send(rule);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
};
const journal = async (session: string) => (await t.http.get(`/__admin/requests?session=${session}`)).body.requests as Array<Record<string, any>>;

describe('faults in place of the answer', () => {
  it('reset: the connection is reset before any byte; the journal says so with status 0; the next call is answered', async () => {
    await fault('reset', { match: { operationId: 'getUser' }, reset: true });
    const failed = await rawRequest(port, { session: 'reset' });
    expect(failed.error).toBe('ECONNRESET');
    expect(failed.text).toBe('');
    const next = await rawRequest(port, { session: 'reset' });
    expect(next.text).toMatch(/^HTTP\/1\.1 200 /);
    const [second, first] = await journal('reset');
    expect(first).toMatchObject({ operationId: 'getUser', status: 0, fault: { action: 'reset' }, rules: ['fault #1'], source: 'rule' });
    expect(first!.responseValid).toBeUndefined();
    expect(second).toMatchObject({ status: 200 });
    expect(second!.fault).toBeUndefined();
  });

  it('empty: the connection closes cleanly with nothing sent', async () => {
    await fault('empty', { match: { operationId: 'getUser' }, empty: true });
    const res = await rawRequest(port, { session: 'empty' });
    expect(res.error).toBeUndefined();
    expect(res.text).toBe('');
  });

  it('garbage: bytes that are not HTTP, then a close — 64 random ones, or the text the rule gives', async () => {
    await fault('garbage', { match: { operationId: 'getUser' }, garbage: true });
    const random = await rawRequest(port, { session: 'garbage' });
    expect(Buffer.byteLength(random.text, 'latin1')).toBe(64);
    expect(random.text.startsWith('HTTP/')).toBe(false);
    await fault('garbage', { match: { operationId: 'getUser' }, garbage: 'SSH-2.0-OpenSSH_9.6\r\n' });
    expect((await rawRequest(port, { session: 'garbage' })).text).toBe('SSH-2.0-OpenSSH_9.6\r\n');
    expect((await journal('garbage'))[0]!.fault).toEqual({ action: 'garbage', bytes: 21 });
  });

  it('stall: nothing for the time given, then a close with no answer', async () => {
    await fault('stall', { match: { operationId: 'getUser' }, stall: '150ms' });
    const res = await rawRequest(port, { session: 'stall' });
    expect(res.text).toBe('');
    expect(res.closedAfterMs).toBeGreaterThanOrEqual(140);
    expect((await journal('stall'))[0]!.fault).toEqual({ action: 'stall', ms: 150 });
  });

  it('stall is bounded by --max-stall (stall: true waits for exactly that; a longer stall is cut to it)', async () => {
    await fault('stall-max', { match: { operationId: 'getUser' }, stall: true });
    const res = await rawRequest(port, { session: 'stall-max' });
    expect(res.text).toBe('');
    expect(res.closedAfterMs).toBeGreaterThanOrEqual(390);
    await fault('stall-max', { match: { operationId: 'getUser' }, stall: '1h' });
    expect((await rawRequest(port, { session: 'stall-max' })).closedAfterMs).toBeLessThan(5_000);
    expect((await journal('stall-max'))[0]!.fault).toEqual({ action: 'stall', ms: 400 });
  });

  it('closing the server ends a stalled request at once', async () => {
    const { app, port: own } = await listening({ maxStallMs: 60_000 });
    await app.http.post('/__admin/faults').send({ match: { operationId: 'getUser' }, stall: true }).expect(201);
    const pending = rawRequest(own);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const closing = performance.now();
    await app.close();
    const res = await pending;
    expect(res.text).toBe('');
    expect(performance.now() - closing).toBeLessThan(2_000);
  });

  it('the handler does not run: a reset createUser creates nothing', async () => {
    await fault('no-write', { match: { operationId: 'createUser' }, reset: true });
    const res = await rawRequest(port, { session: 'no-write', method: 'POST', path: '/api/v1/auth/users', body: { id: 'never-made' } });
    expect(res.error).toBe('ECONNRESET');
    await t.http.get('/api/v1/auth/users/never-made').set('Authorization', BASIC).set('X-Mock-Session', 'no-write').expect(404);
  });
});

describe('faults in how the answer is delivered', () => {
  it('truncate: status and headers promise the whole body; half of it comes, then the close', async () => {
    await fault('truncate', { match: { operationId: 'getUser' }, truncate: true });
    const res = await rawRequest(port, { session: 'truncate' });
    expect(res.text).toMatch(/^HTTP\/1\.1 200 /);
    const promised = contentLengthOf(res.text);
    expect(promised).toBeGreaterThan(20);
    expect(Buffer.byteLength(bodyOf(res.text))).toBe(Math.floor(promised / 2));
    expect((await journal('truncate'))[0]).toMatchObject({ status: 200, fault: { action: 'truncate' }, responseValid: true });
  });

  it('truncate: N sends N bytes of the body, and cuts an error the rule answers as well', async () => {
    await fault('truncate-n', { match: { operationId: 'getUser' }, truncate: 5, status: 503 });
    const res = await rawRequest(port, { session: 'truncate-n' });
    expect(res.text).toMatch(/^HTTP\/1\.1 503 /);
    expect(bodyOf(res.text)).toBe('{"mes');
    expect(contentLengthOf(res.text)).toBeGreaterThan(5);
  });

  it('truncate: the handler ran — a truncated createUser did create the user (the retry meets a 409)', async () => {
    await fault('truncate-write', { match: { operationId: 'createUser' }, truncate: 0 });
    const res = await rawRequest(port, { session: 'truncate-write', method: 'POST', path: '/api/v1/auth/users', body: { id: 'half-answered' } });
    expect(res.text).toMatch(/^HTTP\/1\.1 201 /);
    expect(bodyOf(res.text)).toBe('');
    await t.http.get('/api/v1/auth/users/half-answered').set('Authorization', BASIC).set('X-Mock-Session', 'truncate-write').expect(200);
    const retry = await rawRequest(port, { session: 'truncate-write', method: 'POST', path: '/api/v1/auth/users', body: { id: 'half-answered' } });
    expect(retry.text).toMatch(/^HTTP\/1\.1 409 /);
  });

  it('dribble: the whole answer, in pieces spread over the duration', async () => {
    await fault('dribble', { match: { operationId: 'getUser' }, dribble: { over: '300ms', chunks: 4 } });
    const res = await rawRequest(port, { session: 'dribble' });
    const body = bodyOf(res.text);
    expect(Buffer.byteLength(body)).toBe(contentLengthOf(res.text));
    expect(JSON.parse(body)).toMatchObject({ id: 'quickstart' });
    expect(res.arrivals.length).toBeGreaterThanOrEqual(4);
    expect(res.arrivals.at(-1)! - res.arrivals[0]!).toBeGreaterThanOrEqual(200);
    expect((await journal('dribble'))[0]!.fault).toEqual({ action: 'dribble', ms: 300, chunks: 4 });
  });
});

describe('when a fault fires', () => {
  it('times and after: only the 2nd and 3rd matching calls are reset', async () => {
    await fault('counted', { match: { operationId: 'getUser' }, reset: true, after: 2, times: 2 });
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push((await rawRequest(port, { session: 'counted' })).error ?? 'answered');
    expect(outcomes).toEqual(['answered', 'ECONNRESET', 'ECONNRESET', 'answered']);
  });

  it('only in the session it was added to', async () => {
    await fault('mine', { match: { operationId: 'getUser' }, reset: true });
    expect((await rawRequest(port, { session: 'theirs' })).error).toBeUndefined();
    expect((await rawRequest(port, { session: 'mine' })).error).toBe('ECONNRESET');
  });

  it('probability: a share of the matching calls, the same ones under the same --seed, none at 0', async () => {
    const pattern = async (app: TestApp, appPort: number, session: string, probability: number) => {
      await app.http.post(`/__admin/faults?session=${session}`).send({ match: { operationId: 'getUser' }, empty: true, times: 1000, probability }).expect(201);
      const fired = [];
      for (let i = 0; i < 40; i++) fired.push((await rawRequest(appPort, { session })).text === '' ? 1 : 0);
      return fired.join('');
    };
    const first = await pattern(t, port, 'p1', 0.5);
    const hits = [...first].filter((c) => c === '1').length;
    expect(hits).toBeGreaterThan(5);
    expect(hits).toBeLessThan(35);
    const again = await listening({ seed: 42 });
    expect(await pattern(again.app, again.port, 'p1', 0.5)).toBe(first);
    expect(await pattern(t, port, 'p0', 0)).toBe('0'.repeat(40));
  });

  it('from a scenario file, with the journal and coverage counting the fault under its own name', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mockgate-faults-'));
    const file = path.join(dir, 'flaky.yaml');
    await writeFile(file, `extends: ${scenarioPath('default')}\nrules:\n  - name: flaky users\n    match: { api: lakefs, operationId: getUser }\n    reset: true\n    times: 1\n`);
    const { app, port: own } = await listening({ scenario: file });
    expect((await rawRequest(own, { session: 's' })).error).toBe('ECONNRESET');
    expect((await rawRequest(own, { session: 's' })).text).toMatch(/^HTTP\/1\.1 200 /);
    const rows = (await app.http.get('/__admin/coverage?session=s')).body.operations as Array<Record<string, any>>;
    expect(rows.find((row) => row.operationId === 'getUser')!.served).toEqual({ 200: 1, reset: 1 });
    expect((await app.http.get('/__admin/requests?session=s')).body.requests[1].rules).toEqual(['flaky users']);
  });
});

describe('a plain fetch client (Node\'s, undici underneath): no retries of its own', () => {
  const get = (session: string, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${port}${GET_USER}`, { ...init, headers: { Authorization: BASIC, 'X-Mock-Session': session } });
  const failureOf = async (session: string, init?: RequestInit) => {
    try {
      const res = await get(session, init);
      await res.text();
      return 'answered';
    } catch (err) {
      const { name, message, cause } = err as Error & { cause?: { code?: string; name?: string } };
      return `${name}: ${message} (${cause?.code ?? cause?.name ?? 'no cause'})`;
    }
  };

  it.each([
    [{ reset: true }, 'TypeError: fetch failed (ECONNRESET)'],
    [{ empty: true }, 'TypeError: fetch failed (UND_ERR_SOCKET)'],
    // Node 24's undici: an HTTPParserError without a code (Node 20's said HPE_INVALID_CONSTANT).
    [{ garbage: true }, 'TypeError: fetch failed (HTTPParserError)'],
    // The status and headers arrived (fetch resolved); reading the body fails.
    [{ truncate: true }, 'TypeError: terminated (UND_ERR_SOCKET)'],
  ])('%j rejects with %s', async (rule, failure) => {
    const session = `fetch-${Object.keys(rule)[0]}`;
    await fault(session, { match: { operationId: 'getUser' }, ...rule });
    expect(await failureOf(session)).toBe(failure);
  });

  it('a stall is the caller\'s timeout to end (AbortSignal.timeout)', async () => {
    await fault('fetch-stall', { match: { operationId: 'getUser' }, stall: '5s' });
    expect(await failureOf('fetch-stall', { signal: AbortSignal.timeout(100) })).toMatch(/^TimeoutError: /);
  });

  it('a retry loop around it gets the answer on the second try, and the journal shows both', async () => {
    await fault('fetch-retry', { match: { operationId: 'getUser' }, reset: true });
    let user: { id?: string } | undefined;
    for (let attempt = 1; !user && attempt <= 3; attempt++) {
      try {
        user = (await (await get('fetch-retry')).json()) as { id?: string };
      } catch (err) {
        expect((err as { cause?: { code?: string } }).cause?.code).toBe('ECONNRESET');
      }
    }
    expect(user?.id).toBe('quickstart');
    expect((await journal('fetch-retry')).map((e) => [e.status, e.fault?.action])).toEqual([
      [200, undefined],
      [0, 'reset'],
    ]);
  });
});

describe('refused rules', () => {
  it.each([
    [{ reset: true, status: 503 }, 'a rule answers one way: it has status and reset'],
    [{ empty: true, stall: '1s' }, 'a rule answers one way: it has empty and stall'],
    [{ reset: false }, 'body/reset'],
    [{ truncate: -1 }, 'body/truncate'],
    [{ dribble: { over: '1s', chunks: 0 } }, 'body/dribble'],
    [{ stall: 'forever' }, 'body/stall'],
    [{ empty: true, probability: 1.5 }, 'body/probability'],
  ])('%j is a 400 from the admin API', async (rule, message) => {
    const res = await t.http.post('/__admin/faults?session=refused').send({ match: { operationId: 'getUser' }, ...rule });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(message);
  });

  it('a scenario rule with two ways of answering is refused with the file and the rule', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mockgate-faults-'));
    const file = path.join(dir, 'both.yaml');
    await writeFile(file, `rules:\n  - match: { operationId: getUser }\n    reset: true\n    garbage: true\n`);
    await expect(createTestApp({ scenario: file })).rejects.toThrow(ScenarioError);
    await expect(createTestApp({ scenario: file })).rejects.toThrow(`${file}: /rules/0: a rule answers one way: it has reset and garbage`);
  });
});

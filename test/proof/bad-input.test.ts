/**
 * Hostile input, against a real listening server, over every bundled API (and the admin API): malformed
 * JSON, wrong and missing content types, a 10 MB body (plain, chunked, gzip bomb), 10 000-deep JSON, bytes
 * that are not UTF-8 (body, request line, header), percent-encoded `/` and `..` in ids, a 64 KiB header and
 * one past the bound, unknown paths, wrong methods, huge and negative paging values, and 50 concurrent
 * creates of one id.
 *
 * The contract proved: every answer is a 4xx in the API's own error shape (never a 5xx, never Node's bare
 * status line), the server stays up, nothing pollutes Object.prototype, and the session's state snapshot
 * after the suite equals the one before except for the one resource each race created.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listenApp, rawHead, send, sendRaw, type Answer, type ListeningApp, type Sent } from './support/http.js';
import { jsonDiff } from './support/json-diff.js';
import { messageShape, targets, type RowKind, type Target } from './support/targets.js';

const SESSION = 'hostile-input';

let server: ListeningApp;
let before: Record<string, unknown>;

beforeAll(async () => {
  // Strict, as the whole suite runs: an answer that broke its own spec would be a 500 here.
  server = await listenApp({ strict: true });
  const snapshot = await send(server.base, { path: `/__admin/state?session=${SESSION}` });
  expect(snapshot.status).toBe(200);
  before = snapshot.json.apis;
});

afterAll(async () => {
  await server?.close();
});

/** The session header and the target's credentials, under the row's own headers. */
function as(t: Target, sent: Sent): Sent {
  return { ...sent, headers: { 'X-Mock-Session': SESSION, ...t.auth, ...sent.headers } };
}

function expectOwnShape(t: Target, a: Answer, kind?: RowKind): void {
  const what = `${t.name}: ${a.status} ${a.text.slice(0, 300)}`;
  expect(a.status, what).toBeGreaterThanOrEqual(400);
  expect(a.status, what).toBeLessThan(500);
  const wanted = kind ? t.expect[kind] : undefined;
  if (wanted !== undefined) expect(a.status, what).toBe(wanted);
  expect(t.shape(a), what).toEqual([]);
}

const body = (t: Target, text: string | Buffer, contentType: string | undefined = 'application/json', extra: Record<string, string> = {}): Sent => ({
  method: t.bodyOp.method,
  path: t.bodyOp.path,
  headers: { ...(contentType ? { 'Content-Type': contentType } : {}), ...extra },
  body: text,
});

const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);
const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);

/** The target's valid body as JSON text, with `bytes` spliced into its first string value. */
function withBytesInAString(t: Target, bytes: number[]): Buffer {
  const text = JSON.stringify(t.bodyOp.valid);
  const at = text.indexOf(':"') + 3;
  return Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from(bytes), Buffer.from(text.slice(at))]);
}

const TEN_MB = 10 * 1024 * 1024;
const KIB64 = 'k'.repeat(64 * 1024);

interface Row {
  name: string;
  kind: RowKind;
  request: (t: Target) => Sent;
}

const bodyRows: Row[] = [
  { name: 'an unterminated JSON object', kind: 'malformed', request: (t) => body(t, '{"name":') },
  { name: 'single-quoted JSON', kind: 'malformed', request: (t) => body(t, "{'name': 'x'}") },
  { name: 'a trailing comma', kind: 'malformed', request: (t) => body(t, '{"a": [1,]}') },
  { name: 'text after the document', kind: 'malformed', request: (t) => body(t, '{"a": 1} {"b": 2}') },
  { name: 'NaN', kind: 'malformed', request: (t) => body(t, 'NaN') },
  { name: 'a valid body sent as text/plain', kind: 'wrongType', request: (t) => body(t, JSON.stringify(t.bodyOp.valid), 'text/plain') },
  { name: 'a valid body sent as application/xml', kind: 'wrongType', request: (t) => body(t, JSON.stringify(t.bodyOp.valid), 'application/xml') },
  { name: 'a valid body sent as a form', kind: 'wrongType', request: (t) => body(t, 'name=x&provider=AWS', 'application/x-www-form-urlencoded') },
  { name: 'a valid body sent as multipart', kind: 'wrongType', request: (t) => body(t, '--b\r\n\r\nx\r\n--b--', 'multipart/form-data; boundary=b') },
  // With no Content-Type a body is read as JSON (as FastAPI and Go's handlers do), so a form is malformed JSON.
  { name: 'a form body with no content type', kind: 'missingType', request: (t) => body(t, 'name=x&provider=AWS', undefined) },
  { name: 'prototype-polluting keys', kind: 'invalidBody', request: (t) => body(t, '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}') },
  { name: 'an array instead of an object', kind: 'invalidBody', request: (t) => body(t, '[]') },
  { name: 'a JSON string instead of an object', kind: 'invalidBody', request: (t) => body(t, '"just text"') },
  { name: 'a 10 MB body with its Content-Length', kind: 'tooLarge', request: (t) => body(t, Buffer.alloc(TEN_MB, 0x20)) },
  {
    name: 'a 10 MB body, chunked',
    kind: 'tooLarge',
    request: (t) => ({ ...body(t, ''), body: undefined, chunks: Array.from({ length: 40 }, () => Buffer.alloc(TEN_MB / 40, 0x20)) }),
  },
  { name: 'a gzip bomb (10 KB inflating to 10 MB)', kind: 'tooLarge', request: (t) => body(t, gzipSync(Buffer.alloc(TEN_MB, 0x20)), 'application/json', { 'Content-Encoding': 'gzip' }) },
  { name: 'gzip that is not gzip', kind: 'badEncoding', request: (t) => body(t, '{"not": "gzip"}', 'application/json', { 'Content-Encoding': 'gzip' }) },
  { name: 'an unknown content encoding', kind: 'unknownEncoding', request: (t) => body(t, '{}', 'application/json', { 'Content-Encoding': 'compress' }) },
  { name: '10 000 nested arrays', kind: 'tooDeep', request: (t) => body(t, deepArray(10_000)) },
  { name: '10 000 nested objects', kind: 'tooDeep', request: (t) => body(t, deepObject(10_000)) },
  {
    name: '10 000 nested objects inside a valid field',
    kind: 'tooDeep',
    request: (t) => body(t, JSON.stringify(t.bodyOp.valid).replace(/:"[^"]*"/, `:${deepObject(10_000)}`)),
  },
  { name: '10 000 unclosed arrays', kind: 'tooDeep', request: (t) => body(t, '['.repeat(10_000)) },
  { name: 'a lone 0xFF byte in a string', kind: 'invalidUtf8', request: (t) => body(t, withBytesInAString(t, [0xff])) },
  { name: 'an overlong encoding of "/"', kind: 'invalidUtf8', request: (t) => body(t, withBytesInAString(t, [0xc0, 0xaf])) },
  { name: 'a UTF-8-encoded surrogate', kind: 'invalidUtf8', request: (t) => body(t, withBytesInAString(t, [0xed, 0xa0, 0x80])) },
  { name: 'a truncated sequence', kind: 'invalidUtf8', request: (t) => body(t, withBytesInAString(t, [0xe2, 0x82])) },
  { name: 'Latin-1 text', kind: 'invalidUtf8', request: (t) => body(t, withBytesInAString(t, [0x63, 0x61, 0x66, 0xe9])) },
];

const slot = (t: Target, value: string, headers: Record<string, string> = {}): Sent => ({
  method: t.slot.method,
  path: t.slot.path,
  headers: { ...t.auth, ...t.slot.headers, [t.slot.header]: `${t.slot.prefix}${value}`, ...headers },
  body: t.slot.body,
});

const otherRows: Row[] = [
  { name: 'a 64 KiB header', kind: 'bigHeader', request: (t) => slot(t, KIB64) },
  { name: 'a 64 KiB header among a hundred others', kind: 'bigHeader', request: (t) => slot(t, KIB64, Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`X-Extra-${i}`, 'x'.repeat(100)]))) },
  { name: 'a header section past the 96 KiB bound', kind: 'headerOverBound', request: (t) => slot(t, 'k'.repeat(100 * 1024)) },
  { name: 'an unknown path', kind: 'unknownPath', request: (t) => ({ path: t.unknownPath }) },
  { name: 'an unknown path with a query', kind: 'unknownPath', request: (t) => ({ path: `${t.unknownPath}?page=-1&amount=x` }) },
  { name: 'a wrong method', kind: 'wrongMethod', request: (t) => ({ method: t.wrongMethod.method, path: t.wrongMethod.path }) },
  { name: 'a method no route has', kind: 'wrongMethod', request: (t) => ({ method: 'PROPFIND', path: t.wrongMethod.path }) },
];

describe.each(targets)('$name: hostile input answers a 4xx in its own shape', (t) => {
  it.each([...bodyRows, ...otherRows])('$name', async (row) => {
    expectOwnShape(t, await send(server.base, as(t, row.request(t))), row.kind);
  });

  it('a header value that is not UTF-8', async () => {
    const s = t.slot;
    const value = Buffer.concat([Buffer.from(s.prefix, 'latin1'), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x80])]);
    const bytes = rawHead(`${s.method} ${s.path} HTTP/1.1`, { 'X-Mock-Session': SESSION, ...t.auth, ...s.headers, [s.header]: value }, s.body ? Buffer.from(s.body) : undefined);
    expectOwnShape(t, await sendRaw(server.base, bytes), 'bigHeader');
  });

  it.each([
    ['raw bytes that are not UTF-8', Buffer.from([0xff, 0xfe])],
    ['a raw NUL', Buffer.from([0x00])],
    ['a raw tab', Buffer.from([0x09, 0x41])],
  ])('a request target holding %s: 400', async (_name, bytes) => {
    const line = Buffer.concat([Buffer.from(`GET ${t.unknownPath}/`), bytes, Buffer.from(' HTTP/1.1')]);
    const a = await sendRaw(server.base, rawHead(line, { 'X-Mock-Session': SESSION }));
    expectOwnShape(t, a);
    expect(a.status).toBe(400);
  });

  const ids = [
    '..%2Faws-keys',
    '%2E%2E',
    '%2e%2e%2F%2e%2e%2F__admin%2Freset',
    'aws-keys%2F..',
    '..%5C..%5Cetc%5Cpasswd',
    '%2F',
    '%00',
    '%C0%AE%C0%AE',
    '%FF',
    '%E0%A4%A',
    'a%2Fb%2Fc',
    `${'%41'.repeat(10_000)}`,
  ];
  if (t.idRoutes) it('percent-encoded "/", "..", NUL and broken UTF-8 in ids: 400 or 404, nothing touched', async () => {
    for (const id of ids) {
      for (const sent of t.idRoutes!(id)) {
        const a = await send(server.base, as(t, sent));
        expectOwnShape(t, a);
        expect([400, 404], `${sent.method} ${sent.path.slice(0, 80)}`).toContain(a.status);
      }
    }
  });

  if (t.paging) it('huge, negative and non-numeric paging values: 400', async () => {
    for (const query of t.paging!.bad) {
      const a = await send(server.base, as(t, { path: `${t.paging!.path}?${query}` }));
      expectOwnShape(t, a);
      expect(a.status, query).toBe(400);
    }
  });
});

describe.each(targets.filter((t) => t.create))('$name: 50 concurrent creates of one id', (t) => {
  it('exactly one succeeds and the other 49 answer a conflict in the API\'s shape', async () => {
    const c = t.create!;
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        send(server.base, as(t, { method: 'POST', path: c.path, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(c.body(raceId(t))) })),
      ),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === c.created), statuses.join(' ')).toHaveLength(1);
    const conflicts = answers.filter((a) => a.status === c.conflict);
    expect(conflicts, statuses.join(' ')).toHaveLength(49);
    for (const a of conflicts) {
      expect(t.shape(a)).toEqual([]);
      if (c.conflictBody) expect(a.json).toEqual(c.conflictBody);
    }
  });
});

const raceId = (t: Target) => `hostile-race-${t.name}`;

describe('past every bound', () => {
  it('a header section past the parser\'s 1 MiB: 431 with a {"message"} body, the connection closed', async () => {
    const a = await sendRaw(server.base, rawHead('GET /v4/credentials/acme HTTP/1.1', { 'X-Padding': 'p'.repeat(2 * 1024 * 1024) }));
    expect(a.status).toBe(431);
    expect(a.headers.connection).toBe('close');
    expect(messageShape(a)).toEqual([]);
  });

  it('a request line with no path at all: 400 with a {"message"} body', async () => {
    const a = await sendRaw(server.base, rawHead(Buffer.from([0x47, 0x45, 0x54, 0x20, 0xff, 0x20, 0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e, 0x31])));
    expect(a.status).toBe(400);
    expect(messageShape(a)).toEqual([]);
  });
});

describe('after the suite', () => {
  it('the server is up: health, a valid listing, the journal (redacted when read) and coverage all answer 200', async () => {
    expect((await send(server.base, { path: '/__admin/health' })).status).toBe(200);
    const list = await send(server.base, as(targets[0]!, { path: '/v4/credentials/acme' }));
    expect(list.status, list.text).toBe(200);
    expect((await send(server.base, { path: `/__admin/requests?session=${SESSION}` })).status).toBe(200);
    expect((await send(server.base, { path: `/__admin/coverage?session=${SESSION}` })).status).toBe(200);
    expect((await send(server.base, { path: `/__admin/coverage?format=junit` })).status).toBe(200);
  });

  it('nothing was written onto Object.prototype', () => {
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('answered within each API\'s spec: no response-validation violation was recorded', () => {
    expect(server.app.journal.violations()).toEqual([]);
  });

  it('the state snapshot equals the one before, except the one resource each race created', async () => {
    const snapshot = await send(server.base, { path: `/__admin/state?session=${SESSION}` });
    expect(snapshot.status).toBe(200);
    const differences = jsonDiff(before, snapshot.json.apis);
    const racers = targets.filter((t) => t.create);
    for (const t of racers) {
      const created = differences.filter((d) => d.path.startsWith(`/${t.name}/`));
      expect(created.length, `${t.name}: ${JSON.stringify(created).slice(0, 500)}`).toBeGreaterThan(0);
    }
    for (const d of differences) {
      const owner = racers.find((t) => d.path.startsWith(`/${t.name}/`));
      expect(owner, `an unexpected change at ${d.path}`).toBeDefined();
      expect(d.before, `${d.path} existed before`).toBeUndefined();
      expect(JSON.stringify(d.after), d.path).toContain(raceId(owner!));
    }
  });
});

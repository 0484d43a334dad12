/**
 * The HTTP edge (src/server/http.ts) as a plain node:http listener: what body-parser and express used to do
 * for it, it now does itself — bodies in every Content-Encoding HTTP clients send, the body limit on the
 * decoded bytes, framing errors in the API's shape, CORS headers — and a reply Node refuses to write still
 * gets an answer.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { createHttpHandler } from '../../src/server/http.js';
import { ALICE, createWidgetsApp, WIDGETS } from '../support/widgets-app.js';
import supertest from 'supertest';
import { MockError } from '../../src/engine/errors.js';
import type { Reply } from '../../src/engine/types.js';

const t = await createWidgetsApp({ bodyLimitBytes: 1024 });
afterAll(() => t.close());

describe('request bodies', () => {
  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateSync],
    ['br', brotliCompressSync],
    ['GZIP', gzipSync],
  ])('reads a %s body as the JSON it encodes', async (encoding, encode) => {
    const res = await t.http
      .post(`${WIDGETS}/widgets`)
      .set(ALICE)
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', encoding)
      .serialize((bytes) => bytes)
      .send(encode(Buffer.from(JSON.stringify({ name: `enc-${encoding}`, color: 'red' }))));
    expect(res.status).toBe(201);
  });

  it('applies the body limit to the decoded bytes', async () => {
    const res = await t.http
      .post(`${WIDGETS}/widgets`)
      .set(ALICE)
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .serialize((bytes) => bytes)
      .send(gzipSync(Buffer.from(JSON.stringify({ name: 'x'.repeat(2000) }))));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ message: 'request body exceeds 1024 bytes' });
  });

  it('refuses a declared Content-Length over the limit in the API shape', async () => {
    const res = await t.http.post(`${WIDGETS}/widgets`).set(ALICE).set('Content-Type', 'application/json').send(JSON.stringify({ name: 'y'.repeat(2000) }));
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ message: 'request body exceeds 1024 bytes' });
  });
});

describe('CORS on every answer of a mocked API', () => {
  it('varies on Origin and echoes an allowed one, with the exposed headers', async () => {
    const res = await t.http.get(`${WIDGETS}/widgets`).set(ALICE).set('Origin', 'http://localhost:3000');
    expect(res.headers.vary).toBe('Origin');
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers['access-control-expose-headers']).toContain('Retry-After');
  });

  it('leaves the admin API out, whatever the query or fragment', async () => {
    const res = await t.http.get('/__admin/health?x=1').set('Origin', 'http://localhost:3000');
    expect(res.headers.vary).toBeUndefined();
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('replies Node refuses to write', () => {
  // The pipeline answers synchronously when no stage waits, else with a promise: the edge handles both.
  it.each([
    ['a synchronous answer', (reply: Reply) => reply],
    ['an answer that had to wait', (reply: Reply) => Promise.resolve(reply)],
  ])('answers 500 in the API shape instead of leaving the request open (%s)', async (_case, deliver) => {
    const engine = {
      answer: () => deliver({ status: 200, headers: { 'X-Bad': 'a\r\nb' }, body: 'x' }),
      renderAt: (_path: string, error: MockError) => ({ status: error.status, body: { message: error.message } }),
    };
    const handler = createHttpHandler(engine, { bodyLimitBytes: 1024, corsOrigins: [], exposedHeaders: '', adminPrefix: '/__admin', bindHost: '127.0.0.1', allowedHosts: [], adminOrigins: [] });
    const res = await supertest(handler).get('/anything');
    expect(res.status).toBe(500);
    expect(res.headers['x-bad']).toBeUndefined();
    expect(res.body).toEqual({ message: 'internal error: the answer could not be written' });
  });
});

describe('the answer as written', () => {
  const options = { bodyLimitBytes: 1024, corsOrigins: ['*'], exposedHeaders: '', adminPrefix: '/__admin', bindHost: '127.0.0.1', allowedHosts: [], adminOrigins: [] };
  const edge = (reply: Reply) =>
    createHttpHandler({ answer: () => reply, renderAt: (_path: string, error: MockError) => ({ status: error.status, body: { message: error.message } }) }, options);

  it('sends one Content-Type: a JSON body’s own, over one in the headers', async () => {
    const res = await supertest(edge({ status: 200, headers: { 'content-type': 'text/html' }, body: { ok: true } })).get('/x');
    expect(res.headers['content-type']).toBe('application/json');
    expect(res.body).toEqual({ ok: true });
  });

  it('keeps a text body’s Content-Type from the headers, and list values as separate lines (with CORS headers set before)', async () => {
    const res = await supertest(edge({ status: 201, headers: { 'Content-Type': 'text/csv', 'Set-Cookie': ['a=1', 'b=2'] }, body: 'x,y' }))
      .get('/x')
      .set('Origin', 'http://app.example');
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('text/csv');
    expect(res.headers['set-cookie']).toEqual(['a=1', 'b=2']);
    expect(res.headers['access-control-allow-origin']).toBeDefined();
    expect(res.text).toBe('x,y');
  });

  it('frames a body with its Content-Length, not chunked (bytes, not characters)', async () => {
    const res = await supertest(edge({ status: 200, body: { name: 'Zoë' } })).get('/x');
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength('{"name":"Zoë"}')));
    expect(res.headers['transfer-encoding']).toBeUndefined();
    expect(res.body).toEqual({ name: 'Zoë' });
    const empty = await supertest(edge({ status: 201, body: '' })).post('/x');
    expect(empty.headers['content-length']).toBe('0');
  });

  it('writes an answer once the turn of the event loop that handled its request is over, not while it runs', async () => {
    const handler = edge({ status: 200, body: { ok: true } });
    const sentWhenHandled: boolean[] = [];
    const res = await supertest((req: IncomingMessage, res: ServerResponse) => {
      handler(req, res);
      sentWhenHandled.push(res.headersSent);
    }).get('/x');
    expect(res.body).toEqual({ ok: true });
    expect(sentWhenHandled).toEqual([false]);
  });

  it('writes no more than 32 answers together: the 32nd request handled in a turn sends them', async () => {
    const handler = edge({ status: 200, body: 'ok' });
    const ended: number[] = [];
    const answers: ServerResponse[] = [];
    const server = createServer((req, res) => {
      answers.push(res);
      handler(req, res);
      ended.push(answers.filter((r) => r.writableEnded).length);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      // Forty pipelined requests in one write: Node's parser hands all of them over in one turn.
      const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString()));
      socket.write('GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'.repeat(40));
      await vi.waitFor(() => expect(received.split('HTTP/1.1 200').length - 1).toBe(40));
      socket.destroy();
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(ended.slice(0, 31)).toEqual(new Array(31).fill(0));
    expect(ended[31]).toBe(32);
  });

  it('keeps a Content-Length or Transfer-Encoding the answer sets, and sends none on a 204 or a 304', async () => {
    // A HEAD answer states the length of the body it stands for (lakeFS's statObject).
    const head = await supertest(edge({ status: 200, headers: { 'Content-Length': '1234' }, body: '' })).head('/x');
    expect(head.headers['content-length']).toBe('1234');
    const chunked = await supertest(edge({ status: 200, headers: { 'Transfer-Encoding': 'chunked' }, body: 'abc' })).get('/x');
    expect(chunked.headers['content-length']).toBeUndefined();
    expect(chunked.text).toBe('abc');
    for (const status of [204, 304]) {
      const res = await supertest(edge({ status, body: '' })).get('/x');
      expect(res.status).toBe(status);
      expect(res.headers['content-length']).toBeUndefined();
    }
  });
});

/** Object data: upload (raw and form), download with ranges and conditions, HEAD; the texts and headers are lakeFS 1.80's. */
import { describe, expect, it } from 'vitest';
import { expectLakefsError } from '../support.js';
import { client, NOW_SECONDS, useReposApp, users, type Client } from './support.js';

const objects = (branch: string, path: string) => `/repositories/example-repo/branches/${branch}/objects?path=${encodeURIComponent(path)}`;
const read = (ref: string, path: string) => `/repositories/example-repo/refs/${encodeURIComponent(ref)}/objects?path=${encodeURIComponent(path)}`;

function upload(c: Client, path: string, data: string | Buffer, type = 'application/octet-stream', branch = 'dev') {
  return c.post(objects(branch, path)).set('Content-Type', type).send(data);
}

describe('uploadObject', () => {
  const t = useReposApp();

  it('stages a raw body of any type with its MD5, size, content type and X-Lakefs-Meta- metadata (201)', async () => {
    const c = client(t);
    const res = await upload(c, 'data/hello.txt', 'hello world', 'text/plain').set('X-Lakefs-Meta-Owner', 'me');
    expect(res.status, res.text).toBe(201);
    expect(res.body).toEqual({
      checksum: '5eb63bbbe01eeed093cb22bb8f5acdc3',
      content_type: 'text/plain',
      metadata: { owner: 'me' },
      mtime: NOW_SECONDS,
      path: 'data/hello.txt',
      path_type: 'object',
      physical_address: expect.stringMatching(/^s3:\/\/example-bucket\/example-repo\/data\/[0-9a-v]{20}\/[0-9a-v]{20}$/),
      size_bytes: 11,
    });
    // A JSON body that is not JSON is data like any other.
    expect((await upload(c, 'x.json', 'not json{', 'application/json')).body).toMatchObject({ content_type: 'application/json', size_bytes: 9 });
    const stat = await c.get(`/repositories/example-repo/refs/dev/objects/stat?path=data%2Fhello.txt`);
    expect(stat.body.checksum).toBe('5eb63bbbe01eeed093cb22bb8f5acdc3');
  });

  it('takes the `content` part of a form, with that part\'s content type', async () => {
    const c = client(t);
    const res = await c.post(objects('dev', 'form.bin')).attach('content', Buffer.from('abc'), { filename: 'f', contentType: 'application/x-thing' });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ checksum: '900150983cd24fb0d6963f7d28e17f72', content_type: 'application/x-thing', size_bytes: 3 });
    const missing = await c.post(objects('dev', 'form2.bin')).field('other', 'x');
    expectLakefsError(missing, 500, "multipart upload missing key 'content': http: no such file");
  });

  it('answers 412 `path already exists` to If-None-Match: * on a taken path, 404 for an unknown branch', async () => {
    const c = client(t);
    expectLakefsError(await upload(c, 'README.md', 'x').set('If-None-Match', '*'), 412, 'path already exists');
    expect((await upload(c, 'new.txt', 'x').set('If-None-Match', '*')).status).toBe(201);
    expectLakefsError(await upload(c, 'x', 'x', 'text/plain', 'nob'), 404, "branch 'nob' not found");
  });

  it('refuses a protected branch (403), a read-only repository unless forced, and a caller without fs:WriteObject (401)', async () => {
    const c = client(t);
    expectLakefsError(await upload(c, 'x', 'x', 'text/plain', 'main'), 403, 'cannot write to protected branch');
    expectLakefsError(await c.post('/repositories/frozen-repo/branches/main/objects?path=x').set('Content-Type', 'text/plain').send('x'), 403, 'read-only repository');
    expect((await c.post('/repositories/frozen-repo/branches/main/objects?path=x&force=true').set('Content-Type', 'text/plain').send('x')).status).toBe(201);
    expectLakefsError(await upload(c.as('viewer'), 'x', 'x'), 401, 'insufficient permissions: not allowed to fs:WriteObject');
  });
});

describe('getObject and headObject', () => {
  const t = useReposApp();

  it('serves the bytes with lakeFS\'s headers', async () => {
    const c = client(t);
    await upload(c, 'a.txt', 'hello world', 'text/plain');
    const res = await c.get(read('dev', 'a.txt'));
    expect(res.status).toBe(200);
    expect(res.text).toBe('hello world');
    expect(res.headers).toMatchObject({
      etag: '"5eb63bbbe01eeed093cb22bb8f5acdc3"',
      'content-type': 'text/plain',
      'content-length': '11',
      'content-disposition': 'inline',
      'cache-control': 'no-store, must-revalidate',
      'last-modified': new Date(NOW_SECONDS * 1000).toUTCString(),
    });
  });

  it('answers ranges with 206 and Content-Range, an unsatisfiable one with 416 and the size', async () => {
    const c = client(t);
    await upload(c, 'b.bin', Buffer.from('0123456789'));
    const part = await c.get(read('dev', 'b.bin')).set('Range', 'bytes=2-4').buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (d: Buffer) => chunks.push(d));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(part.status).toBe(206);
    expect(part.body.toString()).toBe('234');
    expect(part.headers['content-range']).toBe('bytes 2-4/10');
    expect((await c.get(read('dev', 'b.bin')).set('Range', 'bytes=-3')).headers['content-range']).toBe('bytes 7-9/10');
    const past = await c.get(read('dev', 'b.bin')).set('Range', 'bytes=20-30');
    expectLakefsError(past, 416, 'Requested Range Not Satisfiable');
    expect(past.headers['content-range']).toBe('bytes */10');
  });

  it('answers 304 to the current ETag, 404 `not found` for a missing path or reference', async () => {
    const c = client(t);
    await upload(c, 'c.txt', 'hello world', 'text/plain');
    expect((await c.get(read('dev', 'c.txt')).set('If-None-Match', '"5eb63bbbe01eeed093cb22bb8f5acdc3"')).status).toBe(304);
    expectLakefsError(await c.get(read('dev', 'nothing')), 404, 'not found');
    expectLakefsError(await c.get(read('nowhere', 'c.txt')), 404, 'not found');
  });

  it('reads a seeded object without data as zero bytes of its size, at any reference', async () => {
    const res = await client(t).get(read('v1.0', 'README.md'));
    expect(res.status).toBe(200);
    expect(res.headers['content-length']).toBe('12');
  });

  it('serves the data itself for presign=true on a blockstore that presigns (s3 here)', async () => {
    expect((await client(t).get(`${read('main', 'README.md')}&presign=true`)).status).toBe(200);
  });

  it('answers HEAD with the headers and no body, errors included', async () => {
    const c = client(t);
    await upload(c, 'd.txt', 'hello world', 'text/plain');
    const head = await t.http.head(`/api/v1${read('dev', 'd.txt')}`).set('X-Mock-Session', c.session).set({ Authorization: users.admin.Authorization });
    expect(head.status).toBe(200);
    expect(head.headers).toMatchObject({ 'accept-ranges': 'bytes', 'content-length': '11', etag: '"5eb63bbbe01eeed093cb22bb8f5acdc3"' });
    const missing = await t.http.head(`/api/v1${read('dev', 'nope')}`).set('X-Mock-Session', c.session).set({ Authorization: users.admin.Authorization });
    expect(missing.status).toBe(404);
    expect(missing.text ?? '').toBe('');
  });
});

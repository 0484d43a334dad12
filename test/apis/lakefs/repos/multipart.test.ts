/**
 * Presigned multipart uploads through HTTP: start, PUT the parts to the URLs the mock hands out, complete,
 * abort — with S3's part checks, lakeFS's address checks, and the statuses the legacy client documents.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { partSignature, signAddress } from '../../../../src/apis/lakefs/repos/signing.js';
import { expectLakefsError, expectNoBody } from '../support.js';
import { client, NOW_SECONDS, pathOf, useReposApp, type Client } from './support.js';
import type { TestApp } from '../../../support/test-app.js';

const md5 = (data: Buffer | string) => createHash('md5').update(data).digest('hex');
const pmpu = (branch: string, path: string, query = '') => `/repositories/example-repo/branches/${branch}/staging/pmpu${query ? `?${query}` : `?path=${encodeURIComponent(path)}`}`;
const upload = (branch: string, id: string, path: string) => `/repositories/example-repo/branches/${branch}/staging/pmpu/${encodeURIComponent(id)}?path=${encodeURIComponent(path)}`;

/** PUTs bytes to a part URL as a plain HTTP client would: no mockgate header, the URL names the session. */
function putPart(t: TestApp, _c: Client, url: string, data: Buffer | string) {
  return t.http.put(pathOf(url)).set('Content-Type', 'application/octet-stream').send(Buffer.from(data));
}

/** Starts an upload of `parts.length` parts and uploads them; answers what completing needs. */
async function uploaded(t: TestApp, c: Client, branch: string, path: string, parts: string[]) {
  const start = await c.post(`${pmpu(branch, path)}&parts=${parts.length}`);
  expect(start.status, start.text).toBe(201);
  const etags: string[] = [];
  for (const [i, data] of parts.entries()) {
    const res = await putPart(t, c, start.body.presigned_urls[i], data);
    expect(res.status, res.text).toBe(200);
    etags.push(res.headers.etag);
  }
  return {
    id: start.body.upload_id as string,
    physical_address: start.body.physical_address as string,
    parts: etags.map((etag, i) => ({ part_number: i + 1, etag })),
  };
}

describe('the presigned multipart flow', () => {
  const t = useReposApp();

  it('uploads, completes, stages, commits, and is undone by a hard reset', async () => {
    const c = client(t, 'developer');
    expect((await c.post('/repositories/example-repo/branches', { name: 'upload', source: 'main' })).status).toBe(201);

    const start = await c.post(`${pmpu('upload', 'data/big.bin')}&parts=3`);
    expect(start.status, start.text).toBe(201);
    expect(start.body).toEqual({
      upload_id: expect.stringMatching(/^[A-Za-z0-9]{64}$/),
      physical_address: expect.stringMatching(/^s3:\/\/example-bucket\/example-repo\/data\/[0-9a-v]{20}\/[0-9a-v]{20},[\w-]+$/),
      presigned_urls: [expect.any(String), expect.any(String), expect.any(String)],
    });
    const urls: string[] = start.body.presigned_urls;
    urls.forEach((url, i) => {
      expect(url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/mockgate/lakefs/blockstore/uploads/${start.body.upload_id}/parts/${i + 1}\\?`));
      expect(new URL(url).searchParams.get('expires')).toBe(String(NOW_SECONDS + 900));
      expect(new URL(url).searchParams.get('__session')).toBe(c.session);
    });

    const data = ['first part, ', 'second part, ', 'the end'];
    const etags: string[] = [];
    for (const [i, url] of urls.entries()) {
      const res = await putPart(t, c, url, data[i]!);
      expect(res.status, res.text).toBe(200);
      expect(res.headers.etag).toBe(`"${md5(data[i]!)}"`);
      expect(res.text).toBe('');
      etags.push(res.headers.etag);
    }

    const done = await c.put(upload('upload', start.body.upload_id, 'data/big.bin'), {
      physical_address: start.body.physical_address,
      parts: etags.map((etag, i) => ({ part_number: i + 1, etag })),
      content_type: 'application/x-demo',
      user_metadata: { source: 'test' },
    });
    expect(done.status, done.text).toBe(200);
    const whole = createHash('md5').update(Buffer.concat(data.map((d) => Buffer.from(md5(d), 'hex')))).digest('hex');
    const size = data.join('').length;
    expect(done.body).toEqual({
      checksum: `${whole}-3`,
      content_type: 'application/x-demo',
      metadata: { source: 'test' },
      mtime: NOW_SECONDS,
      path: 'data/big.bin',
      path_type: 'object',
      physical_address: start.body.physical_address.replace('s3://example-bucket/example-repo/', ''),
      size_bytes: size,
    });

    const stat = await c.get('/repositories/example-repo/refs/upload/objects/stat?path=data/big.bin');
    expect(stat.body).toMatchObject({ size_bytes: size, checksum: `${whole}-3`, physical_address: start.body.physical_address });

    const commit = await c.post('/repositories/example-repo/branches/upload/commits', { message: 'Add big.bin' });
    expect(commit.status).toBe(201);
    expect((await c.get(`/repositories/example-repo/refs/${commit.body.id}/objects/stat?path=data/big.bin`)).status).toBe(200);

    expectNoBody(await c.put('/repositories/example-repo/branches/upload/hard_reset?ref=upload~1'), 204);
    expectLakefsError(await c.get('/repositories/example-repo/refs/upload/objects/stat?path=data/big.bin'), 404, 'not found');
    // The upload is spent: completing it again finds nothing.
    expect((await c.put(upload('upload', start.body.upload_id, 'data/big.bin'), { physical_address: start.body.physical_address, parts: [{ part_number: 1, etag: etags[0] }] })).status).toBe(404);
  });

  it('works in the default session, whose URLs name no session', async () => {
    const c = client(t, 'admin', 'default');
    const start = await c.post(`${pmpu('dev', 'default-session.bin')}&parts=1`);
    expect(new URL(start.body.presigned_urls[0]).searchParams.has('__session')).toBe(false);
    const res = await t.http.put(pathOf(start.body.presigned_urls[0])).set('Content-Type', 'application/octet-stream').send(Buffer.from('x'));
    expect(res.status, res.text).toBe(200);
  });
});

describe('createPresignMultipartUpload', () => {
  const t = useReposApp();

  it.each([['absent', ''], ['0', '&parts=0']])('hands out no URLs when parts is %s', async (_, query) => {
    const res = await client(t).post(`${pmpu('dev', 'a.bin')}${query}`);
    expect(res.status).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['physical_address', 'upload_id']);
  });

  it('hands out 10000 URLs at most', async () => {
    const res = await client(t).post(`${pmpu('dev', 'a.bin')}&parts=10000`);
    expect(res.body.presigned_urls).toHaveLength(10000);
  });

  it.each([
    ['parts below 0', pmpu('dev', '', 'path=a.bin&parts=-1'), 400, 'parts can be between 0 and 10000'],
    ['parts above 10000', pmpu('dev', '', 'path=a.bin&parts=10001'), 400, 'parts can be between 0 and 10000'],
    // kin-openapi refuses an empty query value before lakeFS sees it (recorded from the real 1.80.0).
    ['an empty path', pmpu('dev', '', 'path='), 400, 'parameter "path" in query has an error: empty value is not allowed'],
    ['an unknown branch', pmpu('nope', 'a.bin'), 404, "branch 'nope' not found"],
    ['an unknown repository', '/repositories/no-such-repo/branches/main/staging/pmpu?path=a.bin', 404, 'repository not found'],
  ])('answers %s', async (_, path, status, message) => {
    expectLakefsError(await client(t).post(path), status, message);
  });

  it('answers 400 without a path and for a non-integer parts (validation, before authentication)', async () => {
    expectLakefsError(await client(t, 'anonymous').post(pmpu('dev', '', 'parts=2')), 400, 'parameter "path" in query has an error: value is required but missing');
    expectLakefsError(await client(t, 'anonymous').post(pmpu('dev', '', 'path=a&parts=two')), 400, /^parameter "parts" in query has an error/);
  });

  it('answers 401 to an anonymous caller and to a viewer', async () => {
    expectLakefsError(await client(t, 'anonymous').post(pmpu('dev', 'a.bin')), 401, 'error authenticating request');
    expectLakefsError(await client(t, 'viewer').post(pmpu('dev', 'a.bin')), 401, 'insufficient permissions: not allowed to fs:WriteObject');
  });

  it('answers the legacy client\'s 420, with no body, once a rule says so', async () => {
    const c = client(t, 'throttled');
    expect((await c.post(pmpu('dev', 'a.bin'))).status).toBe(201);
    const res = await c.post(pmpu('dev', 'a.bin'));
    expect(res.status).toBe(420);
    expect(res.text).toBe('');
  });

  it('forgets the oldest open upload beyond 100', async () => {
    const c = client(t);
    const first = await c.post(pmpu('dev', 'a.bin'));
    for (let i = 0; i < 100; i++) await c.post(pmpu('dev', `b${i}.bin`));
    expect(Object.keys(c.state().uploads)).toHaveLength(100);
    expect(c.state().uploads[first.body.upload_id]).toBeUndefined();
  });
});

describe('completePresignMultipartUpload', () => {
  const t = useReposApp();

  it('stages the object over an existing one', async () => {
    const c = client(t);
    const u = await uploaded(t, c, 'dev', 'README.md', ['new readme']);
    const res = await c.put(upload('dev', u.id, 'README.md'), { physical_address: u.physical_address, parts: u.parts });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ size_bytes: 10, content_type: '', metadata: {} });
    expect((await c.get('/repositories/example-repo/refs/dev/objects/stat?path=README.md')).body.size_bytes).toBe(10);
  });

  it('accepts the namespace-relative physical address and unquoted ETags', async () => {
    const c = client(t);
    const u = await uploaded(t, c, 'dev', 'x.bin', ['abc']);
    const relative = u.physical_address.replace('s3://example-bucket/example-repo/', '');
    const res = await c.put(upload('dev', u.id, 'x.bin'), { physical_address: relative, parts: [{ part_number: 1, etag: md5('abc') }] });
    expect(res.status, res.text).toBe(200);
  });

  it('completes with the last upload of a part', async () => {
    const c = client(t);
    const start = await c.post(`${pmpu('dev', 'y.bin')}&parts=1`);
    await putPart(t, c, start.body.presigned_urls[0], 'old');
    const again = await putPart(t, c, start.body.presigned_urls[0], 'newer');
    expectLakefsError(
      await c.put(upload('dev', start.body.upload_id, 'y.bin'), { physical_address: start.body.physical_address, parts: [{ part_number: 1, etag: `"${md5('old')}"` }] }),
      400,
      /could not be found/,
    );
    const res = await c.put(upload('dev', start.body.upload_id, 'y.bin'), { physical_address: start.body.physical_address, parts: [{ part_number: 1, etag: again.headers.etag }] });
    expect(res.body.size_bytes).toBe(5);
  });

  it.each([
    ['a part never uploaded', (u: Awaited<ReturnType<typeof uploaded>>) => [...u.parts, { part_number: 3, etag: '"x"' }], /^One or more of the specified parts could not be found/],
    ['a wrong ETag', (u: Awaited<ReturnType<typeof uploaded>>) => [{ part_number: 1, etag: `"${md5('other')}"` }, u.parts[1]!], /^One or more of the specified parts could not be found/],
    ['parts out of order', (u: Awaited<ReturnType<typeof uploaded>>) => [u.parts[1]!, u.parts[0]!], /^The list of parts was not in ascending order/],
    ['no parts', () => [], 'parts are required'],
  ])('answers 400 for %s, leaving the upload open', async (_, parts, message) => {
    const c = client(t);
    const u = await uploaded(t, c, 'dev', 'z.bin', ['one', 'two']);
    expectLakefsError(await c.put(upload('dev', u.id, 'z.bin'), { physical_address: u.physical_address, parts: parts(u) }), 400, message);
    expect((await c.put(upload('dev', u.id, 'z.bin'), { physical_address: u.physical_address, parts: u.parts })).status).toBe(200);
  });

  it.each([
    ['no body', undefined, 'physical_address is required'],
    ['an address outside the namespace', { physical_address: 's3://other-bucket/data/x', parts: [{ part_number: 1, etag: 'x' }] }, 'physical address must be relative to the storage namespace'],
    ['an unsigned address', { physical_address: 'data/abc/def', parts: [{ part_number: 1, etag: 'x' }] }, 'address is not signed: link address invalid'],
    ['a forged signature', { physical_address: 'data/abc/def,Zm9yZ2Vk', parts: [{ part_number: 1, etag: 'x' }] }, 'invalid address signature: invalid address'],
  ])('answers 400 for %s', async (_, body, message) => {
    expectLakefsError(await client(t).put(upload('dev', 'some-upload', 'a.bin'), body), 400, message);
  });

  it('answers 400 once the address is older than a day', async () => {
    const c = client(t);
    const u = await uploaded(t, c, 'dev', 'old.bin', ['x']);
    c.state().uploads[u.id]!.createdAt -= 2 * 86400;
    expectLakefsError(await c.put(upload('dev', u.id, 'old.bin'), { physical_address: u.physical_address, parts: u.parts }), 400, 'link address expired');
  });

  it('answers 404 for an unknown upload id, even a hostile one, and for another upload\'s address', async () => {
    const c = client(t);
    const u = await uploaded(t, c, 'dev', 'a.bin', ['x']);
    const v = await uploaded(t, c, 'dev', 'b.bin', ['y']);
    for (const id of ['nope', '__proto__', 'constructor']) {
      expectLakefsError(await c.put(upload('dev', id, 'a.bin'), { physical_address: u.physical_address, parts: u.parts }), 404, /^The specified upload does not exist/);
    }
    expectLakefsError(await c.put(upload('dev', u.id, 'a.bin'), { physical_address: v.physical_address, parts: u.parts }), 404, /^The specified upload does not exist/);
  });

  it('answers 404 for a branch deleted meanwhile and for an unknown repository', async () => {
    const c = client(t);
    const u = await uploaded(t, c, 'dev', 'a.bin', ['x']);
    await c.delete('/repositories/example-repo/branches/dev');
    expectLakefsError(await c.put(upload('dev', u.id, 'a.bin'), { physical_address: u.physical_address, parts: u.parts }), 404, 'branch not found');
    expectLakefsError(
      await c.put(`/repositories/no-such-repo/branches/dev/staging/pmpu/${u.id}?path=a.bin`, { physical_address: u.physical_address, parts: u.parts }),
      404,
      'repository not found',
    );
  });

  it('answers 403 on a protected branch', async () => {
    const c = client(t);
    const u = await uploaded(t, c, 'main', 'a.bin', ['x']);
    expectLakefsError(await c.put(upload('main', u.id, 'a.bin'), { physical_address: u.physical_address, parts: u.parts }), 403, 'cannot write to protected branch');
  });

  it('answers 409 when the object changed underneath the upload', async () => {
    const c = client(t);
    const slow = await uploaded(t, c, 'dev', 'shared.bin', ['slow']);
    const fast = await uploaded(t, c, 'dev', 'shared.bin', ['fast']);
    expect((await c.put(upload('dev', fast.id, 'shared.bin'), { physical_address: fast.physical_address, parts: fast.parts })).status).toBe(200);
    const res = await c.put(upload('dev', slow.id, 'shared.bin'), { physical_address: slow.physical_address, parts: slow.parts });
    expectLakefsError(res, 409, 'conflict found');
    expect((await c.get('/repositories/example-repo/refs/dev/objects/stat?path=shared.bin')).body.size_bytes).toBe(4);
  });

  it('answers 401 to a viewer', async () => {
    expectLakefsError(await client(t, 'viewer').put(upload('dev', 'x', 'a.bin'), { physical_address: 'x', parts: [] }), 401, 'insufficient permissions: not allowed to fs:WriteObject');
  });
});

describe('abortPresignMultipartUpload', () => {
  const t = useReposApp();

  it('aborts (204); completing or aborting afterwards is 404, and so is uploading a part', async () => {
    const c = client(t);
    const start = await c.post(`${pmpu('dev', 'a.bin')}&parts=2`);
    await putPart(t, c, start.body.presigned_urls[0], 'x');
    expectNoBody(await c.delete(upload('dev', start.body.upload_id, 'a.bin'), { physical_address: start.body.physical_address }), 204);
    expectLakefsError(
      await c.put(upload('dev', start.body.upload_id, 'a.bin'), { physical_address: start.body.physical_address, parts: [{ part_number: 1, etag: md5('x') }] }),
      404,
      /^The specified upload does not exist/,
    );
    expectLakefsError(await c.delete(upload('dev', start.body.upload_id, 'a.bin'), { physical_address: start.body.physical_address }), 404, /^The specified upload does not exist/);
    expectLakefsError(await putPart(t, c, start.body.presigned_urls[1], 'y'), 404, /^The specified upload does not exist/);
  });

  it.each([
    ['no body', undefined, 400, 'physical_address is required'],
    ['an unsigned address', { physical_address: 'data/a/b' }, 400, 'address is not signed: link address invalid'],
  ])('answers %s', async (_, body, status, message) => {
    expectLakefsError(await client(t).delete(upload('dev', 'x', 'a.bin'), body), status, message);
  });

  it('answers 401 to a viewer', async () => {
    expectLakefsError(await client(t, 'viewer').delete(upload('dev', 'x', 'a.bin'), { physical_address: 'x' }), 401, 'insufficient permissions: not allowed to fs:WriteObject');
  });
});

describe('the mock blockstore', () => {
  const t = useReposApp();

  async function started(c: Client) {
    const start = await c.post(`${pmpu('dev', 'a.bin')}&parts=2`);
    return { id: start.body.upload_id as string, url: new URL(start.body.presigned_urls[0]) };
  }

  it('refuses a URL whose signature does not match (403)', async () => {
    const c = client(t);
    const { url } = await started(c);
    url.searchParams.set('signature', 'f'.repeat(64));
    expectLakefsError(await putPart(t, c, url.href, 'x'), 403, /^The request signature we calculated does not match/);
    const other = new URL(url.href.replace('/parts/1', '/parts/2'));
    expectLakefsError(await putPart(t, c, other.href, 'x'), 403, /does not match/);
  });

  it('refuses an expired URL (403)', async () => {
    const c = client(t);
    const { id, url } = await started(c);
    const expires = NOW_SECONDS - 1;
    url.searchParams.set('expires', String(expires));
    url.searchParams.set('signature', partSignature('repos-test-secret', { uploadId: id, partNumber: 1, expires, session: c.session }));
    expectLakefsError(await putPart(t, c, url.href, 'x'), 403, 'Request has expired');
  });

  it('refuses a URL replayed in another session (403): the signature covers the session', async () => {
    const c = client(t);
    const { url } = await started(c);
    const res = await t.http.put(pathOf(url.href)).set('X-Mock-Session', `${c.session}-other`).send(Buffer.from('x'));
    expectLakefsError(res, 403, 'The request signature we calculated does not match the signature you provided.');
  });

  it('takes any content type, and an empty part', async () => {
    const c = client(t);
    const { url } = await started(c);
    const text = await t.http.put(pathOf(url.href)).set('X-Mock-Session', c.session).set('Content-Type', 'text/plain').send('hello');
    expect(text.headers.etag).toBe(`"${md5('hello')}"`);
    const none = await t.http.put(pathOf(url.href)).set('X-Mock-Session', c.session);
    expect(none.status).toBe(200);
    expect(none.headers.etag).toBe(`"${md5('')}"`);
  });

  it('answers 400 for a part number out of range and a missing signature', async () => {
    const c = client(t);
    const { url } = await started(c);
    const out = new URL(url.href.replace('/parts/1', '/parts/0'));
    expectLakefsError(await putPart(t, c, out.href, 'x'), 400, /^parameter "partNumber" in path has an error/);
    url.searchParams.delete('signature');
    expectLakefsError(await putPart(t, c, url.href, 'x'), 400, 'parameter "signature" in query has an error: value is required but missing');
  });
});

describe('uploadPart: a presigned URL for one part, on demand', () => {
  const t = useReposApp();
  const part = (id: string, n: number, path: string) =>
    `/repositories/example-repo/branches/dev/staging/pmpu/${encodeURIComponent(id)}/parts/${n}?path=${encodeURIComponent(path)}`;

  it('answers a part URL the upload then completes with', async () => {
    const c = client(t, 'developer');
    const start = await c.post(`${pmpu('dev', 'late.bin')}&parts=1`);
    const res = await c.put(part(start.body.upload_id, 2, 'late.bin'), { physical_address: start.body.physical_address });
    expect(res.status, res.text).toBe(200);
    expect(Object.keys(res.body)).toEqual(['presigned_url']);
    const first = await putPart(t, c, start.body.presigned_urls[0], 'one');
    const second = await putPart(t, c, res.body.presigned_url, 'two');
    expect(second.status).toBe(200);
    const parts = [{ part_number: 1, etag: first.headers.etag }, { part_number: 2, etag: second.headers.etag }];
    expect((await c.put(upload('dev', start.body.upload_id, 'late.bin'), { physical_address: start.body.physical_address, parts })).status).toBe(200);
  });

  it('answers 400 for an address lakeFS did not sign or outside the namespace (as the real 1.80.0), 404 for an unknown repository', async () => {
    const c = client(t, 'developer');
    expectLakefsError(await c.put(part('x', 1, 'a.bin'), { physical_address: 's3://example-bucket/example-repo/data/x' }), 400, 'address is not signed: link address invalid');
    expectLakefsError(await c.put(part('x', 1, 'a.bin'), { physical_address: 'gs://elsewhere/x' }), 400, 'physical address must be relative to the storage namespace');
    expectLakefsError(await c.put(part('x', 0, 'a.bin'), { physical_address: 'data/x' }), 400, /^parameter "partNumber" in path has an error: number must be at least 1/);
    expectLakefsError(
      await c.put('/repositories/no-such-repo/branches/dev/staging/pmpu/x/parts/1?path=a.bin', { physical_address: 'data/x' }),
      404,
      'repository not found',
    );
  });
});

describe('without presigned multipart support', () => {
  const t = useReposApp('no-presign.yaml');

  it('answers 400 `operation not supported` to uploadPart once the address checks out', async () => {
    const c = client(t);
    const signed = signAddress('repos-test-secret', 'example-repo', 'data/abc/def');
    const res = await c.put(`/repositories/example-repo/branches/dev/staging/pmpu/x/parts/1?path=a.bin`, { physical_address: signed });
    expectLakefsError(res, 400, 'operation not supported');
  });

  it.each([
    ['start', (c: Client) => c.post(pmpu('dev', 'a.bin'))],
    ['complete', (c: Client) => c.put(upload('dev', 'x', 'a.bin'), { physical_address: 'x', parts: [] })],
    ['abort', (c: Client) => c.delete(upload('dev', 'x', 'a.bin'), { physical_address: 'x' })],
  ])('answers 501 to %s', async (_, call) => {
    expectLakefsError(await call(client(t)), 501, 'presign multipart upload API is not supported');
  });

  it('looks the repository up first (404), but not the branch (still 501), as the real 1.80.0 does', async () => {
    expectLakefsError(await client(t).post('/repositories/no-such-repo/branches/dev/staging/pmpu?path=a.bin'), 404, 'repository not found');
    expectLakefsError(await client(t).post(pmpu('no-such-branch', 'a.bin')), 501, 'presign multipart upload API is not supported');
  });

  it('still answers 401 first to a caller without the permission', async () => {
    expectLakefsError(await client(t, 'viewer').post(pmpu('dev', 'a.bin')), 401, 'insufficient permissions: not allowed to fs:WriteObject');
  });
});

/** The shipped lakefs-repos scenario: what a consumer's contract suite runs against it, through HTTP. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { afterAll, beforeAll } from 'vitest';
import { createTestApp, scenarioPath, type TestApp } from '../../../support/test-app.js';
import { basicAuth, expectLakefsError, expectNoBody } from '../support.js';
import { pathOf } from './support.js';

const MAIN = '6ec2f6a00a840f0c41a79b891b9646a4c830213679b451f14ef8c9bb021e1dde';
const FEATURE = '79b810b558b89f40e1d7e5411e17bfe778d186c3d03eb840b16865d6c69f271e';
const quickstart = basicAuth('AKIAIOSFOLQUICKSTART', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');

describe('scenario lakefs-repos', () => {
  let t: TestApp;
  // Every API is registered: the scenario extends default.yaml, which seeds all of them.
  beforeAll(async () => {
    t = await createTestApp({ scenario: scenarioPath('lakefs-repos') });
  });
  afterAll(async () => {
    expect(t.violations()).toEqual([]);
    await t.close();
  });
  const api = (session: string) => ({
    get: (p: string) => t.http.get(`/api/v1${p}`).set(quickstart).set('X-Mock-Session', session),
    post: (p: string, b?: object) => t.http.post(`/api/v1${p}`).set(quickstart).set('X-Mock-Session', session).send(b),
    put: (p: string, b?: object) => t.http.put(`/api/v1${p}`).set(quickstart).set('X-Mock-Session', session).send(b),
  });

  it('serves example-repo with a protected main, a feature branch ahead of it, and a tag', async () => {
    const c = api('seeded');
    expect((await c.get('/repositories/example-repo/branches')).body.results).toEqual([
      { id: 'feature', commit_id: FEATURE },
      { id: 'main', commit_id: MAIN },
      { id: 'throttled', commit_id: MAIN },
    ]);
    expect((await c.get(`/repositories/example-repo/commits/v2024.01`)).body.id).toBe(MAIN);
    expect((await c.get('/repositories/example-repo/refs/feature/objects/ls?delimiter=/')).body.results.map((o: { path: string }) => o.path)).toEqual([
      'README.md',
      'raw/',
      'reports/',
    ]);
    expectLakefsError(await c.put(`/repositories/example-repo/branches/main/hard_reset?ref=feature`), 403, 'protected branch');
  });

  it('runs the multipart flow on feature and hard resets it back', async () => {
    const c = api('flow');
    const start = await c.post('/repositories/example-repo/branches/feature/staging/pmpu?path=uploads/big.bin&parts=2');
    expect(start.status).toBe(201);
    const parts = [];
    for (const [i, url] of (start.body.presigned_urls as string[]).entries()) {
      const res = await t.http.put(pathOf(url)).set('X-Mock-Session', 'flow').set('Content-Type', 'application/octet-stream').send(Buffer.from(`part ${i}`));
      expect(res.headers.etag).toBe(`"${createHash('md5').update(`part ${i}`).digest('hex')}"`);
      parts.push({ part_number: i + 1, etag: res.headers.etag });
    }
    const done = await c.put(`/repositories/example-repo/branches/feature/staging/pmpu/${start.body.upload_id}?path=uploads/big.bin`, {
      physical_address: start.body.physical_address,
      parts,
    });
    expect(done.status).toBe(200);
    expect((await c.post('/repositories/example-repo/branches/feature/commits', { message: 'Upload' })).status).toBe(201);
    expectNoBody(await c.put(`/repositories/example-repo/branches/feature/hard_reset?ref=${FEATURE}`), 204);
    expectLakefsError(await c.get('/repositories/example-repo/refs/feature/objects/stat?path=uploads/big.bin'), 404, 'not found');
  });

  it('answers 420 with no body to uploads started on the throttled branch', async () => {
    const res = await api('throttle').post('/repositories/example-repo/branches/throttled/staging/pmpu?path=a.bin');
    expect(res.status).toBe(420);
    expect(res.text).toBe('');
  });
});

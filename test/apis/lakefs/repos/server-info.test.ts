/** healthCheck and getLakeFSVersion. */
import { describe, expect, it } from 'vitest';
import { expectLakefsError, expectNoBody } from '../support.js';
import { client, useReposApp } from './support.js';

describe('healthCheck', () => {
  const t = useReposApp();

  it('answers 204 with no body and no credentials', async () => {
    expectNoBody(await client(t, 'anonymous').get('/healthcheck'), 204);
  });

  it('answers 204 even with bad credentials (it has no security)', async () => {
    const res = await t.http.get('/api/v1/healthcheck').set('Authorization', 'Bearer not-a-token');
    expectNoBody(res, 204);
  });
});

describe('getLakeFSVersion', () => {
  const t = useReposApp();

  it('answers the version to any authenticated caller', async () => {
    const res = await client(t, 'nobody').get('/config/version');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ version: '1.84.0', version_context: 'lakeFS' });
  });

  it('answers 401 without credentials', async () => {
    expectLakefsError(await client(t, 'anonymous').get('/config/version'), 401, 'error authenticating request');
  });
});

describe('getLakeFSVersion with a configured version', () => {
  const t = useReposApp('no-presign.yaml');

  it('answers the scenario\'s lakefsVersion', async () => {
    expect((await client(t).get('/config/version')).body).toEqual({ version: '1.70.1', version_context: 'lakeFS' });
  });
});

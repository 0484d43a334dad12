/**
 * What the lakeFS UI and clients send or read about the installation: the garbage collection configuration, the
 * license, the usage report, usage events and the first-run communication preferences, as the real lakeFS 1.80.0
 * answers them (test/fidelity).
 */
import { describe, expect, it } from 'vitest';
import { expectLakefsError, expectNoBody } from '../support.js';
import { client, useReposApp } from './support.js';

describe('installation endpoints (lakeFS 1.84, the default version)', () => {
  const t = useReposApp();

  it('reads the garbage collection grace period: 24 hours', async () => {
    expect((await client(t).get('/config/garbage-collection')).body).toEqual({ grace_period: 86400 });
    expectLakefsError(await client(t, 'anonymous').get('/config/garbage-collection'), 401, 'error authenticating request');
  });

  it('has no license endpoint from 1.81 on', async () => {
    expectLakefsError(await client(t).get('/license'), 404, 'invalid API endpoint');
  });

  it('reports the installation and the current month', async () => {
    const res = await client(t).get('/usage-report/summary');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      installation_id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      reports: [{ count: 0, month: 5, year: 2024 }],
    });
    expect((await client(t).get('/usage-report/summary')).body.installation_id).toBe(res.body.installation_id);
    expectLakefsError(await client(t, 'anonymous').get('/usage-report/summary'), 401, 'error authenticating request');
  });

  it('takes usage events (204), refusing an empty class or name and a negative count', async () => {
    const event = { class: 'ui', name: 'click', count: 1 };
    expectNoBody(await client(t).post('/statistics', { events: [event] }), 204);
    expectLakefsError(await client(t).post('/statistics', { events: [{ ...event, class: '' }] }), 400, 'invalid value: class is required');
    expectLakefsError(await client(t).post('/statistics', { events: [{ ...event, name: '' }] }), 400, 'invalid value: name is required');
    expectLakefsError(await client(t).post('/statistics', { events: [{ ...event, count: -1 }] }), 400, 'invalid value: count must be a non-negative integer');
    expectLakefsError(await client(t, 'anonymous').post('/statistics', { events: [event] }), 401, 'error authenticating request');
  });

  it('keeps a business address as the communication preferences, without credentials; refuses others', async () => {
    const prefs = { featureUpdates: false, securityUpdates: false };
    const res = await client(t, 'anonymous').post('/setup_comm_prefs', { ...prefs, email: 'ops@treeverse.io' });
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    for (const [email, message] of [
      ['', 'email is required'],
      ['not an address', 'invalid email address'],
      ['Ops <ops@treeverse.io>', 'invalid email address'],
      ['someone@example.com', 'please use a business email address'],
      ['someone@Gmail.com', 'please use a business email address'],
    ]) {
      expectLakefsError(await client(t, 'anonymous').post('/setup_comm_prefs', { ...prefs, email }), 400, message);
    }
  });
});

describe('installation endpoints of lakeFS 1.80', () => {
  const t = useReposApp('v1.80.yaml');

  it('reports async_ops in the capabilities (1.81 dropped it)', async () => {
    expect((await client(t).get('/config')).body.capabilities_config).toEqual({ async_ops: false });
  });

  it('answers the license with 501 `Not implemented` (1.80\'s text)', async () => {
    expectLakefsError(await client(t).get('/license'), 501, 'Not implemented');
    expectLakefsError(await client(t, 'anonymous').get('/license'), 401, 'error authenticating request');
  });
});

/**
 * Scenario options for what the real server leaves undocumented: 400 for duplicate names, 409 for a
 * second provider default, and page sizes. Also the 429 of a rate-limit rule.
 */
import { describe, expect, it } from 'vitest';
import { fixturePath, useTestApp } from '../../support/test-app.js';
import { ACME, awsKeys, client, expectError, invalidFields } from './helpers.js';

describe('reject modes (reject-modes.yaml)', () => {
  const t = useTestApp({ scenario: fixturePath('tiledb', 'reject-modes.yaml') });

  it('returns 400 naming the field for a duplicate name when duplicateNameStatus is 400', async () => {
    const res = await client(t).post(`/credentials/${ACME}`, { name: 'aws-main', provider: 'AWS', credential: awsKeys });
    expectError(res, 400, /already exists/);
    expect(invalidFields(res)).toEqual(['name']);
  });

  it('returns 409 for a second provider default, on create and on patch, and changes nothing', async () => {
    const c = client(t);
    expectError(await c.post(`/credentials/${ACME}`, { name: 'aws-2', provider: 'AWS', provider_default: true, credential: awsKeys }), 409, /default/);
    expect((await c.post(`/credentials/${ACME}`, { name: 'aws-2', provider: 'AWS', credential: awsKeys })).status).toBe(201);
    expectError(await c.patch(`/credentials/${ACME}/aws-2`, { provider_default: true }), 409);
    expect((await c.get(`/credentials/${ACME}/aws-main`)).body.data.provider_default).toBe(true);
    expect((await c.get(`/credentials/${ACME}/aws-2`)).body.data.provider_default).toBe(false);
  });

  it('uses defaultPerPage and maxPerPage', async () => {
    const c = client(t);
    for (const name of ['b', 'c', 'd']) await c.post(`/credentials/${ACME}`, { name, provider: 'AWS', credential: awsKeys });
    expect((await c.get(`/credentials/${ACME}`)).body.pagination_metadata).toEqual({ page: 1, per_page: 2, total_pages: 2, total_items: 4 });
    expect((await c.get(`/credentials/${ACME}?per_page=50`)).body.pagination_metadata.per_page).toBe(3);
  });
});

describe('rate limit (rate-limited.yaml)', () => {
  const t = useTestApp({ scenario: fixturePath('tiledb', 'rate-limited.yaml') });

  it('returns 429 with Retry-After in the Error shape after 2 listings', async () => {
    const c = client(t);
    expect((await c.get(`/credentials/${ACME}`)).status).toBe(200);
    expect((await c.get(`/credentials/${ACME}`)).status).toBe(200);
    const res = await c.get(`/credentials/${ACME}`);
    expectError(res, 429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('does not limit the other operations', async () => {
    const c = client(t);
    for (let i = 0; i < 4; i++) expect((await c.get(`/credentials/${ACME}/aws-main`)).status).toBe(200);
  });
});

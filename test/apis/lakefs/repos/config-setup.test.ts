/** GET /config, GET /config/storage, setup state and setup, auth capabilities; shapes from lakeFS 1.80. */
import { describe, expect, it } from 'vitest';
import { API, expectLakefsError } from '../support.js';
import { client, useReposApp } from './support.js';

describe('configuration', () => {
  const t = useReposApp();

  it('describes the scenario\'s blockstore (s3 presigns) and the version', async () => {
    const res = await client(t).get('/config');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      // lakeFS 1.81 dropped async_ops (1.80 reports it: test/apis/lakefs/repos/usage.test.ts).
      capabilities_config: {},
      storage_config: {
        blockstore_description: '',
        blockstore_id: '',
        blockstore_namespace_ValidityRegex: '^s3://',
        blockstore_namespace_example: 's3://example-bucket/',
        blockstore_type: 's3',
        default_namespace_prefix: 's3://',
        import_support: true,
        import_validity_regex: '^s3://',
        pre_sign_multipart_upload: true,
        pre_sign_support: true,
        pre_sign_support_ui: true,
      },
      storage_config_list: [],
      ui_config: {},
      version_config: { version: '1.84.0', version_context: 'lakeFS' },
    });
    expect((await client(t).get('/config/storage')).body).toEqual(res.body.storage_config);
  });

  it('answers 401 without credentials', async () => {
    expectLakefsError(await t.http.get(`${API}/config`), 401, 'error authenticating request');
  });
});

describe('setup', () => {
  const t = useReposApp('empty.yaml');

  it('is not initialized without users; setup creates the admin with the given key, once', async () => {
    const c = client(t, 'anonymous');
    expect((await c.get('/setup_lakefs')).body).toEqual({
      comm_prefs_missing: false,
      login_config: {
        RBAC: 'none',
        login_cookie_names: ['internal_auth_session'],
        login_failed_message: "The credentials don't match.",
        login_url: '',
        login_url_method: 'none',
        logout_url: '',
      },
      state: 'not_initialized',
    });
    expectLakefsError(await c.post('/setup_lakefs', { username: '' }), 400, 'empty user display name');
    const key = { access_key_id: 'AKIAIOSFOLQUICKSTART', secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
    const done = await c.post('/setup_lakefs', { username: 'admin', key });
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ ...key, creation_date: expect.any(Number) });
    expect((await c.get('/setup_lakefs')).body.state).toBe('initialized');
    expectLakefsError(await c.post('/setup_lakefs', { username: 'again' }), 409, 'lakeFS already initialized');
    const basic = `Basic ${Buffer.from(`${key.access_key_id}:${key.secret_access_key}`).toString('base64')}`;
    // The new key signs in.
    expect((await t.http.get(`${API}/repositories`).set('X-Mock-Session', c.session).set('Authorization', basic)).status).toBe(200);
  });

  it('answers the auth capabilities without credentials', async () => {
    expect((await client(t, 'anonymous').get('/auth/capabilities')).body).toEqual({ invite_user: false });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fixturePath, type TestApp } from '../../support/test-app.js';
import type { RegistryState } from '../../../src/apis/registry/state.js';
import { AUTH, NOW, NOW_SECONDS, READ, WRITE, bearer, body, keycloakClaims, mintJwt } from './support.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ scenario: fixturePath('registry', 'options.yaml') }, { now: () => NOW });
});
afterAll(() => t.close());

describe('scenario options', () => {
  it.each([
    ['new-read-token', READ, 200],
    ['new-write-token', READ, 200],
    ['new-write-token', WRITE, 200],
    ['new-read-token', WRITE, 401],
    ['old-names-token', READ, 401],
    ['old-names-token', WRITE, 401],
  ])('checks the configured role names: %s on %s answers %i', async (token, path, status) => {
    const res = await t.http.post(path).set(bearer(token)).send(body());
    expect(res.status).toBe(status);
    if (status === 401) expect(res.body).toEqual({ detail: AUTH.role });
  });

  it('mints credentials lasting sessionDurationSeconds', async () => {
    const res = await t.http.post(READ).set(bearer('new-read-token')).send(body());
    expect(res.body.credentials.expiry).toBe('2024-05-01T18:00:00+00:00');
  });

  it('puts the configured issuer and region in the console sign-in URL', async () => {
    const res = await t.http.post(READ).set(bearer('new-read-token')).send(body({ console_session_required: true }));
    expect(res.body.console_session_url).toContain('&Issuer=https://auth.dev.example/auth/realms/rrap&');
    expect(res.body.console_session_url).toContain('%26region%3Dus-east-1&SigninToken=');
  });

  it('accepts a JWT whatever its signature when verifyJwtSignature is false, as the service test mode does', async () => {
    const token = await mintJwt(keycloakClaims('anyone', ['entity-registry-read']), { secret: 'a-secret-the-mock-never-saw-000' });
    const res = await t.http.post(READ).set(bearer(token)).send(body());
    expect(res.status).toBe(200);
  });

  it('still refuses an expired JWT when signatures are not checked', async () => {
    const token = await mintJwt(keycloakClaims('anyone', ['entity-registry-read']), { secret: 'whatever-0000000000000000000', exp: NOW_SECONDS - 10 });
    const res = await t.http.post(READ).set(bearer(token)).send(body());
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: AUTH.invalid });
  });

  it('keeps only the last issuedLimit credentials in the session state', async () => {
    const session = 'registry-issued-limit';
    const keys: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await t.http.post(READ).set(bearer('new-read-token')).set('X-Mock-Session', session).send(body());
      keys.push(res.body.credentials.aws_access_key_id);
    }
    const issued = (t.app.sessions.apiState(session, 'registry') as RegistryState).issued;
    expect(issued.map((c) => c.accessKeyId)).toEqual(keys.slice(1));
  });

  it('kept every answer within the spec', () => {
    expect(t.violations()).toEqual([]);
  });
});

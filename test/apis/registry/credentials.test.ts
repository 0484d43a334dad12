import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, fixturePath, type TestApp } from '../../support/test-app.js';
import type { RegistryState } from '../../../src/apis/registry/state.js';
import { AUTH, NOW_SECONDS, NOW, READ, WRITE, bearer, body, keycloakClaims, location, mintJwt } from './support.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ scenario: fixturePath('registry', 'basic.yaml') }, { now: () => NOW });
});
afterAll(() => t.close());

const stateOf = (session: string) => t.app.sessions.apiState(session, 'registry') as RegistryState;

describe('health check', () => {
  it('answers GET / with the health message and asks for no token', async () => {
    const res = await t.http.get('/');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ message: 'Health check successful.' });
  });
});

describe('minting credentials', () => {
  it('mints read credentials in STS shape for a token with the read role', async () => {
    const res = await t.http.post(READ).set(bearer('reg-read-token')).send(body());
    expect(res.status).toBe(200);
    expect(res.body.status).toEqual({ success: true, details: 'STS credentials generated successfully for specified path.' });
    const c = res.body.credentials;
    expect(c.aws_access_key_id).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(c.aws_secret_access_key).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(c.aws_session_token.length).toBeGreaterThan(300);
    // now + 1 h, whole seconds, Python isoformat of an aware datetime
    expect(c.expiry).toBe('2024-05-01T11:00:00+00:00');
    // FastAPI does not drop None fields: the key is present, null
    expect(res.body).toHaveProperty('console_session_url', null);
  });

  it('mints write credentials for a token holding the read and write roles', async () => {
    const res = await t.http.post(WRITE).set(bearer('reg-write-token')).send(body());
    expect(res.status).toBe(200);
    expect(res.body.credentials.aws_access_key_id).toMatch(/^ASIA[A-Z2-7]{16}$/);
  });

  it('mints fresh credentials on every call', async () => {
    const a = await t.http.post(READ).set(bearer('reg-read-token')).send(body());
    const b = await t.http.post(READ).set(bearer('reg-read-token')).send(body());
    expect(a.body.credentials.aws_access_key_id).not.toBe(b.body.credentials.aws_access_key_id);
    expect(a.body.credentials.aws_secret_access_key).not.toBe(b.body.credentials.aws_secret_access_key);
  });

  it('returns an AWS console sign-in URL opened at the requested bucket and prefix when asked', async () => {
    const res = await t.http.post(READ).set(bearer('reg-read-token')).send(body({ console_session_required: true }));
    expect(res.status).toBe(200);
    const destination =
      'https%3A%2F%2Fs3.console.aws.amazon.com%2Fs3%2Fbuckets%2Frrap-storage%3Fprefix%3Ddatasets%2F10378.1%2F1234567%26region%3Dap-southeast-2';
    expect(res.body.console_session_url).toMatch(
      new RegExp(
        `^https://signin\\.aws\\.amazon\\.com/federation\\?Action=login&Issuer=https://auth\\.test\\.example/auth/realms/rrap&Destination=${destination}&SigninToken=[A-Za-z0-9_-]{100,}$`,
      ),
    );
  });

  it('keeps the console sign-in URL out of the journal, as it opens the console to whoever holds it', async () => {
    const session = 'registry-console-journal';
    const res = await t.http.post(READ).set(bearer('reg-read-token')).set('X-Mock-Session', session).send(body({ console_session_required: true }));
    expect(res.body.console_session_url).toContain('SigninToken=');
    const [entry] = (await t.http.get(`/__admin/requests?session=${session}`)).body.requests;
    expect(entry.response.body.console_session_url).toBe('[redacted]');
  });

  it('grants any location, even outside the store bucket, as the 2022 contract checks no ownership', async () => {
    const res = await t.http
      .post(WRITE)
      .set(bearer('reg-write-token'))
      .send({ s3_location: { bucket_name: 'someone-elses-bucket', path: '', s3_uri: 's3://someone-elses-bucket' }, console_session_required: false });
    expect(res.status).toBe(200);
  });

  it('ignores fields the request model does not declare', async () => {
    const res = await t.http
      .post(READ)
      .set(bearer('reg-read-token'))
      .send({ ...body(), dataset_id: '10378.1/1234567', s3_location: { ...location, region: 'ap-southeast-2' } });
    expect(res.status).toBe(200);
  });

  it('records each minted credential in the session state, with the inline policy it stands for', async () => {
    const session = 'registry-issued';
    const res = await t.http
      .post(WRITE)
      .set(bearer('reg-write-token'))
      .set('X-Mock-Session', session)
      .send(body({ s3_location: { ...location, path: 'datasets/x/' } }));
    expect(res.status).toBe(200);
    const issued = stateOf(session).issued;
    expect(issued).toHaveLength(1);
    expect(issued[0]).toMatchObject({
      accessKeyId: res.body.credentials.aws_access_key_id,
      secretAccessKey: res.body.credentials.aws_secret_access_key,
      sessionToken: res.body.credentials.aws_session_token,
      expiry: res.body.credentials.expiry,
      access: 'write',
      username: 'writer',
      roleSessionName: 'writer,write-prog-bucket-access',
      bucket: 'rrap-storage',
      path: 'datasets/x/',
      consoleSession: false,
      grants: {
        list: ['arn:aws:s3:::rrap-storage', 'arn:aws:s3:::rrap-storage/*'],
        read: ['arn:aws:s3:::rrap-storage/datasets/x', 'arn:aws:s3:::rrap-storage/datasets/x/', 'arn:aws:s3:::rrap-storage/datasets/x/*'],
        write: ['arn:aws:s3:::rrap-storage/datasets/x', 'arn:aws:s3:::rrap-storage/datasets/x/', 'arn:aws:s3:::rrap-storage/datasets/x/*'],
      },
    });
  });

  it('accepts a JWT signed with the scenario secret and names the role session after preferred_username', async () => {
    const session = 'registry-jwt';
    const token = await mintJwt(keycloakClaims('jwt-reader', ['data-store-read']));
    const res = await t.http.post(READ).set(bearer(token)).set('X-Mock-Session', session).send(body());
    expect(res.status).toBe(200);
    expect(stateOf(session).issued[0]).toMatchObject({ access: 'read', roleSessionName: 'jwt-reader,read-prog-bucket-access', grants: { write: [] } });
  });

  it('accepts a JWT until its exp second has passed, and one without exp', async () => {
    const atExp = await mintJwt(keycloakClaims('edge', ['data-store-read']), { exp: NOW_SECONDS });
    const noExp = await mintJwt(keycloakClaims('forever', ['data-store-read']), { exp: null });
    expect((await t.http.post(READ).set(bearer(atExp)).send(body())).status).toBe(200);
    expect((await t.http.post(READ).set(bearer(noExp)).send(body())).status).toBe(200);
  });

  it('accepts the bearer scheme in any case, as FastAPI does', async () => {
    const res = await t.http.post(READ).set('Authorization', 'bearer reg-read-token').send(body());
    expect(res.status).toBe(200);
  });

  it('accepts a seeded token until its expiresAt', async () => {
    const res = await t.http.post(READ).set(bearer('reg-later-token')).send(body());
    expect(res.status).toBe(200);
  });
});

describe('authentication: every failure is 401 {detail} with WWW-Authenticate: Bearer', () => {
  it.each([
    ['no Authorization header', READ, undefined, AUTH.missing],
    ['a Basic Authorization header', READ, 'Basic cmVhZGVyOnNlY3JldA==', AUTH.missing],
    ['an unknown opaque token', READ, 'Bearer not-a-known-token', AUTH.invalid],
    ['a token that is not a JWT in three parts', READ, 'Bearer a.b.c', AUTH.invalid],
    ['an expired seeded token', READ, 'Bearer reg-expired-token', AUTH.invalid],
    ['a revoked seeded token', WRITE, 'Bearer reg-revoked-token', AUTH.invalid],
    ['a token without a roles claim', READ, 'Bearer reg-noclaim-token', AUTH.structure],
    ['a token with no roles', READ, 'Bearer reg-norole-token', AUTH.role],
    ['a read-only token on the write endpoint', WRITE, 'Bearer reg-read-token', AUTH.role],
    ['a write-only token on the read endpoint (read is required too)', READ, 'Bearer reg-write-only-token', AUTH.role],
    ['a write-only token on the write endpoint', WRITE, 'Bearer reg-write-only-token', AUTH.role],
  ])('refuses %s', async (_name, path, authorization, detail) => {
    const req = t.http.post(path);
    if (authorization) req.set('Authorization', authorization);
    const res = await req.send(body());
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail });
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  const unsigned = (claims: object) =>
    `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;

  it.each([
    ['a JWT signed with another secret', READ, () => mintJwt(keycloakClaims('x', ['data-store-read']), { secret: 'another-secret-entirely-000000' }), AUTH.invalid],
    ['an unsigned (alg none) JWT', READ, async () => unsigned(keycloakClaims('x', ['data-store-read'])), AUTH.invalid],
    ['a JWT whose exp has passed', READ, () => mintJwt(keycloakClaims('x', ['data-store-read']), { exp: NOW_SECONDS - 1 }), AUTH.invalid],
    ['a JWT that is not valid yet (nbf)', READ, () => mintJwt({ ...keycloakClaims('x', ['data-store-read']), nbf: NOW_SECONDS + 600 }), AUTH.invalid],
    ['a JWT without realm_access', READ, () => mintJwt({ preferred_username: 'x' }), AUTH.structure],
    ['a JWT whose realm_access has no roles', READ, () => mintJwt({ preferred_username: 'x', realm_access: {} }), AUTH.structure],
    ['a JWT without the write role on the write endpoint', WRITE, () => mintJwt(keycloakClaims('x', ['data-store-read'])), AUTH.role],
  ])('refuses %s', async (_name, path, token, detail) => {
    const res = await t.http.post(path).set(bearer(await token())).send(body());
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail });
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });
});

describe('order of checks', () => {
  it('checks the token before the body: no token and an invalid body answer 401', async () => {
    const res = await t.http.post(READ).send({ s3_location: 'x' });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: AUTH.missing });
  });

  it('checks roles before the body too', async () => {
    const res = await t.http.post(WRITE).set(bearer('reg-read-token')).send({});
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ detail: AUTH.role });
  });

  it('reports malformed JSON before authentication, as FastAPI reads the body first', async () => {
    const res = await t.http.post(READ).set('Content-Type', 'application/json').send('not json');
    expect(res.status).toBe(422);
    expect(res.body.detail).toHaveLength(1);
    expect(res.body.detail[0]).toMatchObject({
      loc: ['body', 0],
      msg: 'Expecting value: line 1 column 1 (char 0)',
      type: 'value_error.jsondecode',
    });
  });
});

describe('validation: 422 with pydantic v1 errors, in field order', () => {
  const missing = (...path: string[]) => ({ loc: ['body', ...path], msg: 'field required', type: 'value_error.missing' });
  const notDict = (...path: string[]) => ({ loc: ['body', ...path], msg: 'value is not a valid dict', type: 'type_error.dict' });
  const notStr = (...path: string[]) => ({ loc: ['body', ...path], msg: 'str type expected', type: 'type_error.str' });
  const notBool = (...path: string[]) => ({ loc: ['body', ...path], msg: 'value could not be parsed to a boolean', type: 'type_error.bool' });

  it.each([
    ['an empty object', {}, [missing('s3_location'), missing('console_session_required')]],
    ['a missing console flag', { s3_location: location }, [missing('console_session_required')]],
    ['a missing path', body({ s3_location: { bucket_name: 'b', s3_uri: 's3://b' } }), [missing('s3_location', 'path')]],
    ['a location that is a string', body({ s3_location: 'x' }), [notDict('s3_location')]],
    ['a location that is a list of numbers', body({ s3_location: [1, 2] }), [notDict('s3_location')]],
    ['a console flag of "maybe"', body({ console_session_required: 'maybe' }), [notBool('console_session_required')]],
    ['a console flag of 2', body({ console_session_required: 2 }), [notBool('console_session_required')]],
    ['a bucket name that is an object', body({ s3_location: { ...location, bucket_name: {} } }), [notStr('s3_location', 'bucket_name')]],
    ['a bucket name that is a list', body({ s3_location: { ...location, bucket_name: [] } }), [notStr('s3_location', 'bucket_name')]],
    ['a body that is a list of numbers', [1, 2], [notDict()]],
    [
      'several problems at once',
      { console_session_required: 'maybe', s3_location: { s3_uri: 'x', bucket_name: {} } },
      [notStr('s3_location', 'bucket_name'), missing('s3_location', 'path'), notBool('console_session_required')],
    ],
    ['a location given as an empty string (dict("") is empty)', body({ s3_location: '' }), [missing('s3_location', 'bucket_name'), missing('s3_location', 'path'), missing('s3_location', 's3_uri')]],
  ])('lists %s', async (_name, sent, detail) => {
    const res = await t.http.post(READ).set(bearer('reg-read-token')).send(sent as object);
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ detail });
  });

  it.each([
    ['a JSON null body', null, [missing()]],
    ['an empty list body', [], [missing('s3_location'), missing('console_session_required')]],
    ['a null location', body({ s3_location: null }), [{ loc: ['body', 's3_location'], msg: 'none is not an allowed value', type: 'type_error.none.not_allowed' }]],
  ])('answers %s as pydantic does', async (_name, sent, detail) => {
    const res = await t.http.post(READ).set(bearer('reg-read-token')).set('Content-Type', 'application/json').send(JSON.stringify(sent));
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ detail });
  });

  it('reads a body sent without Content-Type as JSON, as FastAPI does', async () => {
    const res = await t.http.post(READ).set(bearer('reg-read-token')).set('Content-Type', '').send(Buffer.from(JSON.stringify(body())));
    expect(res.status).toBe(200);
  });

  it('answers a missing body with loc ["body"] field required', async () => {
    const res = await t.http.post(READ).set(bearer('reg-read-token')).set('Content-Type', 'application/json');
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ detail: [missing()] });
  });

  it('answers a body that is not JSON-typed with "value is not a valid dict"', async () => {
    const res = await t.http.post(READ).set(bearer('reg-read-token')).set('Content-Type', 'text/plain').send(JSON.stringify(body()));
    expect(res.status).toBe(422);
    expect(res.body).toEqual({ detail: [notDict()] });
  });
});

describe('pydantic v1 coercion before validation', () => {
  it.each([
    ['a numeric bucket name', { bucket_name: 5 }, { bucket: '5' }],
    ['a float path', { path: 1.5 }, { path: '1.5' }],
    ['a tiny float path, in Python float repr', { path: 0.00001 }, { path: '1e-05' }],
    ['a boolean bucket name, as Python prints it', { bucket_name: true }, { bucket: 'True' }],
  ])('turns %s into a string', async (_name, change, expected) => {
    const session = `registry-coerce-${_name}`;
    const res = await t.http
      .post(READ)
      .set(bearer('reg-read-token'))
      .set('X-Mock-Session', session)
      .send(body({ s3_location: { ...location, ...change } }));
    expect(res.status).toBe(200);
    expect(stateOf(session).issued[0]).toMatchObject(expected);
  });

  it.each([
    ['yes', true],
    ['On', true],
    ['T', true],
    ['1', true],
    [1, true],
    ['no', false],
    ['off', false],
    ['F', false],
    ['0', false],
    [0, false],
  ])('reads console_session_required %j as %s', async (flag, expected) => {
    const res = await t.http.post(READ).set(bearer('reg-read-token')).send(body({ console_session_required: flag }));
    expect(res.status).toBe(200);
    expect(res.body.console_session_url === null).toBe(!expected);
  });

  it('takes a location given as a list of [key, value] pairs, as dict() does', async () => {
    const session = 'registry-coerce-pairs';
    const pairs = Object.entries(location);
    const res = await t.http.post(READ).set(bearer('reg-read-token')).set('X-Mock-Session', session).send(body({ s3_location: pairs }));
    expect(res.status).toBe(200);
    expect(stateOf(session).issued[0]).toMatchObject({ bucket: location.bucket_name, path: location.path });
  });
});

describe('routing', () => {
  it('answers an unknown path with 404 {"detail": "Not Found"}', async () => {
    const res = await t.http.post('/registry/credentials/generate-admin-credentials').set(bearer('reg-write-token')).send(body());
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ detail: 'Not Found' });
  });

  it('answers a wrong method with 405 {"detail": "Method Not Allowed"} and the Allow header', async () => {
    const res = await t.http.get(READ).set(bearer('reg-read-token'));
    expect(res.status).toBe(405);
    expect(res.body).toEqual({ detail: 'Method Not Allowed' });
    expect(res.headers.allow).toBe('POST');
  });
});

describe('contract', () => {
  it('kept every answer above within the spec', () => {
    expect(t.violations()).toEqual([]);
  });
});

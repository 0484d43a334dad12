/**
 * A user's spec's security schemes are enforced (src/generic/auth.ts): with no credentials in the scenario any
 * well-formed credential passes and a missing or malformed one answers 401 with its scheme's challenge; with
 * credentials listed the checks are exact — unknown 401, expired 401, missing scope 403. Driven through
 * test/fixtures/generic/secured.yaml under --strict (its 401s and 403s are declared: every answer is checked).
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import { linesOf, runCli, startCli, stopAll } from '../support/spawn.js';
import { fixturePath, repoRoot, useTestApp } from '../support/test-app.js';

const secured = fixturePath('generic', 'secured.yaml');
const credentials = fixturePath('generic', 'secured-credentials.yaml');
const basic = (userPass: string) => `Basic ${Buffer.from(userPass).toString('base64')}`;
const REALM = 'realm="Secured pets"';

describe('first run: no credentials listed, any well-formed credential passes', () => {
  const t = useTestApp({ specs: [{ file: secured }] });

  it.each([
    ['an API key in a header', '/v1/pets', { 'X-API-Key': 'anything' }],
    ['an OAuth2 token', '/v1/pets', { Authorization: 'Bearer whatever.jwt-like~token' }],
    ['basic credentials', '/v1/reports', { Authorization: basic('someone:any password') }],
    ['an API key in a cookie', '/v1/me', { Cookie: 'sid=abc' }],
    ['an API key in the query', '/v1/me?access_token=abc', {}],
    ['an OpenID Connect token', '/v1/me', { Authorization: 'Bearer id' }],
  ])('%s', async (_, url, headers) => {
    await t.http.get(url).set(headers).expect(200);
  });

  it('AND within one requirement: both keys pass, one alone is missing the other (401, no challenge: API keys have none)', async () => {
    await t.http.delete('/v1/pets/1').set({ 'X-API-Key': 'a', 'X-App-Id': 'b' }).expect(404);
    const { body, headers } = await t.http.delete('/v1/pets/1').set({ 'X-API-Key': 'a' }).expect(401);
    expect(body).toEqual({ code: 401, message: 'authentication required' });
    expect(headers['www-authenticate']).toBeUndefined();
  });

  it.each([
    ['a bearer scheme', '/v1/pets/1', `Bearer ${REALM}`],
    ['basic', '/v1/reports', `Basic ${REALM}`],
    ['an OAuth2 token or an API key', '/v1/pets', `Bearer ${REALM}`],
    ['a cookie, a query key or OpenID Connect', '/v1/me', `Bearer ${REALM}`],
  ])('no credential for %s: 401 in the declared shape, with the challenge of every scheme it accepts', async (_, url, challenge) => {
    const { body, headers } = await t.http.get(url).expect(401);
    expect(body).toEqual({ code: 401, message: 'authentication required' });
    expect(headers['www-authenticate']).toBe(challenge);
  });

  it.each([
    ['an empty bearer token', { Authorization: 'Bearer' }, '/v1/pets/1'],
    ['a bearer token with spaces', { Authorization: 'Bearer not a token' }, '/v1/pets/1'],
  ])('%s is malformed: 401 invalid_token', async (_, headers, url) => {
    const { body, headers: answered } = await t.http.get(url).set(headers).expect(401);
    expect(body.message).toBe('the bearer token is empty or malformed');
    expect(answered['www-authenticate']).toBe(`Bearer ${REALM}, error="invalid_token", error_description="the bearer token is empty or malformed"`);
  });

  it.each([
    ['not base64', 'Basic !!!'],
    ['no colon', basic('justauser')],
    ['no user', basic(':password')],
  ])('basic credentials with %s are malformed: 401 with the Basic challenge', async (_, authorization) => {
    const { headers } = await t.http.get('/v1/reports').set('Authorization', authorization).expect(401);
    expect(headers['www-authenticate']).toBe(`Basic ${REALM}`);
  });

  it('`security: []` stays open, whatever is sent', async () => {
    await t.http.get('/v1/health').expect(200);
    await t.http.get('/v1/health').set('Authorization', 'Bearer').expect(200);
  });

  it('an operation that declares no 401 answers it as RFC 7807 problem+json, never a strict 500', async () => {
    const { body, headers } = await t.http.get('/v1/undeclared').expect(401);
    expect(headers['content-type']).toBe('application/problem+json');
    expect(body).toEqual({ type: 'about:blank', title: 'Unauthorized', status: 401, detail: 'authentication required' });
    expect(headers['www-authenticate']).toBe(`Bearer ${REALM}`);
  });
});

describe('credentials listed in the scenario: exact checks', () => {
  const t = useTestApp({ specs: [{ file: secured }], scenario: credentials });
  const SCHEMES = ['bearerAuth', 'basicAuth', 'api_key', 'app_id', 'session', 'token_query', 'oidc', 'petstore_auth'];

  it("GET /__admin/specs shows the credential mode under the session's scenario: exact when it lists credentials, any-well-formed when not", async () => {
    const specs = async (query = '') => (await t.http.get(`/__admin/specs${query}`).expect(200)).body.specs;
    expect((await specs())[0].security).toEqual({ schemes: SCHEMES, credentials: 'exact' });
    await t.http.put('/__admin/scenario?session=first-run').send({ scenario: { name: 'no-credentials', apis: {} } }).expect(200);
    expect((await specs('?session=first-run'))[0].security).toEqual({ schemes: SCHEMES, credentials: 'any-well-formed' });
    // `credentials: {}` lists none, and lets nobody in: exact too.
    await t.http.put('/__admin/scenario?session=nobody').send({ scenario: { name: 'nobody', apis: { secured: { credentials: {} } } } }).expect(200);
    expect((await specs('?session=nobody'))[0].security.credentials).toBe('exact');
    await t.http.get('/v1/pets').set('X-Mock-Session', 'nobody').set('X-API-Key', 'k-123').expect(401);
  });
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  it.each([
    ['a listed bearer token', '/v1/pets/1', bearer('good-token'), 404],
    ['a listed OAuth2 token with the scope', '/v1/pets', bearer('reader'), 200],
    ['a listed API key', '/v1/pets', { 'X-API-Key': 'k-123' }, 200],
    ['both keys of an AND', '/v1/pets/1', { 'X-API-Key': 'k-123', 'X-App-Id': 'app-1' }, 404],
    ['a listed basic user (a colon in the password)', '/v1/reports', { Authorization: basic('ann:s3cret:with colon') }, 200],
    ['a listed cookie key', '/v1/me', { Cookie: 'sid=sess-1' }, 200],
    ['a listed query key', '/v1/me?access_token=q-1', {}, 200],
  ])('%s passes', async (_, url, headers, status) => {
    const method = url === '/v1/pets/1' && 'X-App-Id' in headers ? 'delete' : 'get';
    await t.http[method](url).set(headers).expect(status);
  });

  it.each([
    ['an unknown bearer token', '/v1/pets/1', bearer('forged'), `Bearer ${REALM}, error="invalid_token", error_description="unknown token"`],
    // An API key has no challenge of its own: the operation's other schemes' are given (RFC 7235 wants one on a 401).
    ['an unknown API key', '/v1/pets', { 'X-API-Key': 'k-999' }, `Bearer ${REALM}`],
    ['a wrong basic password', '/v1/reports', { Authorization: basic('ann:guess') }, `Basic ${REALM}`],
    ['an unknown basic user', '/v1/reports', { Authorization: basic('bob:s3cret:with colon') }, `Basic ${REALM}`],
    ['an unknown cookie key', '/v1/me', { Cookie: 'sid=nope' }, `Bearer ${REALM}`],
  ])('%s: 401', async (_, url, headers, challenge) => {
    const { body, headers: answered } = await t.http.get(url).set(headers).expect(401);
    expect(body.code).toBe(401);
    expect(answered['www-authenticate']).toBe(challenge);
  });

  it('one key of an AND that is not listed: 401, with no challenge (the operation takes API keys only)', async () => {
    const { headers } = await t.http.delete('/v1/pets/1').set({ 'X-API-Key': 'k-123', 'X-App-Id': 'app-2' }).expect(401);
    expect(headers['www-authenticate']).toBeUndefined();
  });

  it('an expired token: 401 invalid_token, saying when it expired', async () => {
    const { body, headers } = await t.http.get('/v1/pets/1').set(bearer('old-token')).expect(401);
    expect(body).toEqual({ code: 401, message: 'the token expired at 2020-01-01T00:00:00Z' });
    expect(headers['www-authenticate']).toBe(`Bearer ${REALM}, error="invalid_token", error_description="the token expired at 2020-01-01T00:00:00Z"`);
  });

  it('a token without a scope the operation needs: 403 insufficient_scope, naming the scopes it needs (RFC 6750)', async () => {
    const { body, headers } = await t.http.post('/v1/pets').set(bearer('reader')).send({ id: 1, name: 'rex' }).expect(403);
    expect(body).toEqual({ code: 403, message: 'missing scope: write:pets' });
    expect(headers['www-authenticate']).toBe(`Bearer ${REALM}, error="insufficient_scope", error_description="missing scope: write:pets", scope="read:pets write:pets"`);
    await t.http.post('/v1/pets').set(bearer('writer')).send({ id: 1, name: 'rex' }).expect(201);
  });

  it('OpenID Connect scopes are checked the same way', async () => {
    const { headers } = await t.http.get('/v1/me').set(bearer('id-token')).expect(403);
    expect(headers['www-authenticate']).toContain('scope="profile"');
  });

  it('OR: the first alternative the request carries decides; a bad credential there is not rescued by a later one', async () => {
    await t.http.get('/v1/pets').set({ 'X-API-Key': 'k-123', ...bearer('forged') }).expect(401);
    await t.http.get('/v1/pets').set({ 'X-API-Key': 'k-123' }).expect(200);
  });

  it('a missing credential is still 401 with the challenge', async () => {
    expect((await t.http.get('/v1/pets/1').expect(401)).headers['www-authenticate']).toBe(`Bearer ${REALM}`);
  });

  it('credentials are session state: a snapshot carries them, and a session restored without them is back to the first run', async () => {
    const session = { 'X-Mock-Session': 'restored' };
    await t.http.get('/v1/pets').set(session).set('X-API-Key', 'k-999').expect(401);
    const { body: snapshot } = await t.http.get('/__admin/state?session=restored').expect(200);
    expect(snapshot.apis.secured.credentials.api_key['k-123'].principal).toEqual({ id: 'ci' });
    delete snapshot.apis.secured.credentials;
    await t.http.put('/__admin/state?session=restored').send(snapshot).expect(200);
    await t.http.get('/v1/pets').set(session).set('X-API-Key', 'k-999').expect(200);
  });
});

describe("expiry is read on the request's clock: valid up to the instant before expiresAt", async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mockgate-expiry-'));
  const file = path.join(dir, 'expiry.yaml');
  await writeFile(file, "name: expiry\napis:\n  secured:\n    credentials:\n      bearerAuth: [{ token: t, expiresAt: '2030-01-01T00:00:00Z' }]\n");
  let clock = new Date('2029-12-31T23:59:59.999Z');
  const t = useTestApp({ specs: [{ file: secured }], scenario: file }, { now: () => clock });

  it('one millisecond before: passes; at expiresAt: 401', async () => {
    await t.http.get('/v1/pets/1').set('Authorization', 'Bearer t').expect(404);
    clock = new Date('2030-01-01T00:00:00Z');
    const { headers } = await t.http.get('/v1/pets/1').set('Authorization', 'Bearer t').expect(401);
    expect(headers['www-authenticate']).toContain('error="invalid_token"');
  });
});

describe('a title no header can carry as it is (beyond ASCII, quotes, a line break) is made safe in the realm', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mockgate-realm-'));
  const file = path.join(dir, 'unicode.yaml');
  await writeFile(
    file,
    [
      'openapi: 3.0.3',
      'info: { title: "Pétstore — \\"ü\\" \\\\ ✓\\nnext", version: "1" }',
      'security: [{ basicAuth: [] }, { bearerAuth: [] }]',
      'paths:',
      '  /things:',
      '    get:',
      '      operationId: listThings',
      '      responses: { "200": { description: ok } }',
      'components:',
      '  securitySchemes: { basicAuth: { type: http, scheme: basic }, bearerAuth: { type: http, scheme: bearer } }',
      '',
    ].join('\n'),
  );
  const t = useTestApp({ specs: [{ file }] });

  it('each such character is a ?, quotes and backslashes are escaped', async () => {
    const { headers } = await t.http.get('/things').expect(401);
    expect(headers['www-authenticate']).toBe('Basic realm="P?tstore ? \\"?\\" \\\\ ??next", Bearer realm="P?tstore ? \\"?\\" \\\\ ??next"');
  });
});

describe("a real document: the Swagger Petstore of @readme/oas-examples (api_key, and petstore_auth's OAuth2 scopes)", async () => {
  const file = path.join(repoRoot, 'node_modules', '@readme', 'oas-examples', '3.0', 'json', 'petstore.json');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mockgate-swagger-petstore-'));
  const scenario = path.join(dir, 'petstore-credentials.yaml');
  await writeFile(scenario, "name: petstore-credentials\napis:\n  petstore:\n    credentials:\n      api_key: [{ key: special-key }]\n      petstore_auth: [{ token: reader, scopes: ['read:pets'] }, { token: owner }]\n");

  describe('first run', () => {
    const t = useTestApp({ specs: [{ file, prefix: '/v2' }] });

    it('401 without its key, any key on a first run; an operation without security is open', async () => {
      await t.http.get('/v2/store/inventory').expect(401);
      await t.http.get('/v2/store/inventory').set('api_key', 'whatever').expect(200);
      await t.http.get('/v2/pet/findByStatus?status=available').set('Authorization', 'Bearer anything').expect(200);
      await t.http.get('/v2/user/login?username=a&password=b').expect(200);
    });
  });

  describe('with credentials listed', () => {
    const t = useTestApp({ specs: [{ file, prefix: '/v2' }], scenario });

    it('the listed key passes and another is 401; a token without write:pets is 403, one listed without scopes holds them all', async () => {
      await t.http.get('/v2/store/inventory').set('api_key', 'special-key').expect(200);
      await t.http.get('/v2/store/inventory').set('api_key', 'whatever').expect(401);
      const { headers } = await t.http.get('/v2/pet/findByStatus?status=available').set('Authorization', 'Bearer reader').expect(403);
      expect(headers['www-authenticate']).toBe('Bearer realm="Swagger Petstore", error="insufficient_scope", error_description="missing scope: write:pets", scope="write:pets read:pets"');
      await t.http.get('/v2/pet/findByStatus?status=available').set('Authorization', 'Bearer owner').expect(200);
    });
  });
});

describe('a bad credentials list is refused at load, naming the file, the place and the fix', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mockgate-credentials-'));
  const scenario = async (name: string, section: string) => {
    const file = path.join(dir, `${name}.yaml`);
    await writeFile(file, `name: ${name}\napis:\n  secured:\n    credentials:\n${section}`);
    return file;
  };
  const load = (file: string) => createApp({ ...defaultConfig(), logLevel: 'silent', strict: true, seed: 5, specs: [{ file: secured }], scenario: file });

  it.each([
    ['unknown-scheme', '      bearAuth: [{ token: t }]\n', '/apis/secured/credentials/bearAuth: "bearAuth" is not a security scheme of the spec; did you mean "bearerAuth"?'],
    ['unknown-scheme-not-a-list', '      bearAuth: { token: t }\n', '/apis/secured/credentials/bearAuth: "bearAuth" is not a security scheme of the spec; did you mean "bearerAuth"?'],
    ['wrong-field', '      api_key: [{ token: t }]\n', '/apis/secured/credentials/api_key/0: missing required key "key"'],
    ['duplicate', '      api_key: [{ key: a }, { key: a }]\n', '/apis/secured/credentials/api_key/1/key: "a" is already listed at 0; list each key once'],
    ['unknown-scope', "      petstore_auth: [{ token: t, scopes: ['raed:pets'] }]\n", '/apis/secured/credentials/petstore_auth/0/scopes/0: "raed:pets" is not a scope of petstore_auth; did you mean "read:pets"?'],
    ['bad-expiry', '      bearerAuth: [{ token: t, expiresAt: tomorrow }]\n', '/apis/secured/credentials/bearerAuth/0/expiresAt: must match format "date-time"'],
    ['basic-without-password', '      basicAuth: [{ username: ann }]\n', '/apis/secured/credentials/basicAuth/0: missing required key "password"'],
  ])('%s', async (name, section, says) => {
    const file = await scenario(name, section);
    await expect(load(file)).rejects.toThrow(says);
    await expect(load(file)).rejects.toThrow(new RegExp(`^${file.replaceAll('.', '\\.')}`));
  });

  it('from the command line: one line on stderr, exit 1', async () => {
    const file = await scenario('cli', '      bearAuth: [{ token: t }]\n');
    const { code, stderr } = await runCli([secured, '--port', '0', '--scenario', file]);
    expect(code, stderr).toBe(1);
    const lines = linesOf(stderr);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${file}: /apis/secured/credentials/bearAuth: "bearAuth" is not a security scheme of the spec; did you mean "bearerAuth"?`);
  });
});

describe('the start-up line says what the schemes are checked against', () => {
  afterAll(stopAll);
  const schemes = 'bearerAuth, basicAuth, api_key, app_id, session, token_query, oidc, petstore_auth';

  it.each([
    ['no credentials listed', [], `security ${schemes}: any well-formed credential (apis.secured.credentials makes it exact)`],
    ['credentials listed', ['--scenario', credentials], `security ${schemes}: the credentials apis.secured.credentials lists`],
  ])('%s', async (_, args, says) => {
    const cli = await startCli([secured, '--port', '0', ...args]);
    try {
      await cli.waitForStderr('security ');
      expect(cli.stderr()).toContain(`${secured} at /v1: generic, apis.secured in a scenario`);
      expect(cli.stderr()).toContain(says);
    } finally {
      await cli.stop();
    }
  });
});

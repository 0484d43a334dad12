/**
 * HTTP authentication schemes other than Basic and Bearer, and mutualTLS, on a user's spec (src/generic/auth.ts,
 * src/engine/security.ts): an `http` scheme such as Digest is read from the Authorization header by its word —
 * well-formed is the word plus a parameter; a listed credential is the rest of the header, compared whole — and a
 * mutualTLS requirement, which plain HTTP cannot check, is taken as satisfied and said so at start. Under --strict.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import { startCli, stopAll } from '../support/spawn.js';
import { fixturePath, useTestApp } from '../support/test-app.js';

const spec = fixturePath('generic', 'other-schemes.yaml');
const REALM = 'realm="Other schemes"';
const DIGEST = 'Digest username="ann", realm="Other schemes", nonce="n1", uri="/v1/digest", response="r1"';

describe('first run: any well-formed credential of the scheme passes', () => {
  const t = useTestApp({ specs: [{ file: spec }] });

  it.each([
    ['Digest with parameters', '/v1/digest', DIGEST],
    ['the scheme word in another case', '/v1/digest', 'digest username="ann", response="r1"'],
    ["a vendor's scheme (Token)", '/v1/token', 'Token abc123'],
  ])('%s passes', async (_, url, authorization) => {
    await t.http.get(url).set('Authorization', authorization).expect(200);
  });

  it('the word alone is malformed: 401 in the declared shape, with the scheme\'s challenge', async () => {
    const { body, headers } = await t.http.get('/v1/digest').set('Authorization', 'Digest').expect(401);
    expect(body).toEqual({ code: 401, message: 'digest credentials need parameters after "digest"' });
    expect(headers['www-authenticate']).toBe(`digest ${REALM}`);
  });

  it.each([
    ['no Authorization header', {}],
    ['another scheme', { Authorization: 'Bearer abc' }],
  ])('%s: 401, the credential is missing, with the challenge', async (_, headers) => {
    const res = await t.http.get('/v1/digest').set(headers).expect(401);
    expect(res.body).toEqual({ code: 401, message: 'authentication required' });
    expect(res.headers['www-authenticate']).toBe(`digest ${REALM}`);
  });

  it('an operation that declares no 401 answers it as problem+json, with the challenge', async () => {
    const res = await t.http.get('/v1/token').expect(401);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.headers['www-authenticate']).toBe(`Token ${REALM}`);
  });

  it('mutualTLS is taken as presented: an operation that asks only for it is open', async () => {
    await t.http.get('/v1/mtls').expect(200);
  });

  it('mutualTLS AND an API key: the key is still required', async () => {
    await t.http.get('/v1/mtls-and-key').expect(401);
    await t.http.get('/v1/mtls-and-key').set('X-API-Key', 'k').expect(200);
  });
});

describe('credentials listed: the rest of the header, compared whole', async () => {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mockgate-schemes-'));
  const scenario = path.join(dir, 'listed.yaml');
  await writeFile(
    scenario,
    [
      'name: listed',
      'apis:',
      '  other-schemes:',
      '    credentials:',
      `      digestAuth: [{ value: '${DIGEST.slice('Digest '.length)}', principal: ann }]`,
      "      tokenAuth: [{ value: abc123, expiresAt: '2020-01-01T00:00:00Z' }]",
      '',
    ].join('\n'),
  );
  const t = useTestApp({ specs: [{ file: spec }], scenario });

  it('the listed credential passes; any other is 401', async () => {
    await t.http.get('/v1/digest').set('Authorization', DIGEST).expect(200);
    const { body } = await t.http.get('/v1/digest').set('Authorization', 'Digest username="ann", response="forged"').expect(401);
    expect(body).toEqual({ code: 401, message: 'unknown digest credentials' });
  });

  it('a listed one past its expiresAt is 401', async () => {
    const res = await t.http.get('/v1/token').set('Authorization', 'Token abc123').expect(401);
    expect(res.body.detail).toBe('the credential expired at 2020-01-01T00:00:00Z');
  });
});

describe('a credentials list for mutualTLS is refused at load', () => {
  it('naming the place and the fix', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mockgate-schemes-'));
    const file = path.join(dir, 'mtls.yaml');
    await writeFile(file, 'name: mtls\napis:\n  other-schemes:\n    credentials:\n      mtls: [{ key: cert }]\n');
    await expect(createApp({ ...defaultConfig(), logLevel: 'silent', specs: [{ file: spec }], scenario: file })).rejects.toThrow(
      "/apis/other-schemes/credentials/mtls: a client certificate (mutualTLS) cannot be checked over mockgate's plain HTTP, and is taken as presented; remove the list",
    );
  });
});

describe('the start-up line says, once, that mutualTLS is not checked', () => {
  afterAll(stopAll);

  it('names the scheme', async () => {
    const cli = await startCli([spec, '--port', '0']);
    try {
      await cli.waitForStderr('security ');
      const says = 'mtls (mutualTLS) cannot be checked over plain HTTP: taken as satisfied';
      expect(cli.stderr()).toContain(`security digestAuth, tokenAuth, mtls, api_key: any well-formed credential (apis.other-schemes.credentials makes it exact); ${says}`);
      expect(cli.stderr().split(says)).toHaveLength(2);
    } finally {
      await cli.stop();
    }
  });
});

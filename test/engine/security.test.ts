import { afterAll, describe, expect, it } from 'vitest';
import { authenticate, type PresentedCredentials } from '../../src/engine/security.js';
import type { ApiModule, PresentedCredential, SecurityContext } from '../../src/engine/types.js';
import { ALICE, createWidgetsApp, WIDGETS } from '../support/widgets-app.js';

const t = await createWidgetsApp();
afterAll(() => t.close());

describe('security dispatch', () => {
  it.each([
    ['no credentials', {}, 401, 'authentication required'],
    ['an unknown API key', { 'X-Widget-Key': 'nope' }, 401, 'unknown key'],
    ['a known API key', ALICE, 200, undefined],
    ['basic auth with a bad password', { Authorization: `Basic ${Buffer.from('u:wrong').toString('base64')}` }, 401, 'bad password'],
    ['basic auth with the right password', { Authorization: `Basic ${Buffer.from('u:secret').toString('base64')}` }, 200, undefined],
    ['an unknown OAuth2 bearer token', { Authorization: 'Bearer abc' }, 401, 'unknown token'],
    ['a known OAuth2 bearer token', { Authorization: 'Bearer token-carol' }, 200, undefined],
    ['an empty bearer token (present, so invalid, not missing)', { Authorization: 'Bearer' }, 401, 'unknown token'],
    ['a bearer token the verifier does not read as a credential (as if absent)', { Authorization: 'Bearer not-a-token' }, 401, 'authentication required'],
    ['a Digest authorization no scheme reads', { Authorization: 'Digest abc' }, 401, 'authentication required'],
    ['a known key in the cookie scheme', { Cookie: 'other=1; widget_session=key-alice' }, 200, undefined],
    ['an unknown key in the cookie scheme', { Cookie: 'widget_session=nope' }, 401, 'unknown key'],
  ])('answers %s with %i', async (_label, headers, status, message) => {
    const res = await t.http.get(`${WIDGETS}/widgets`).set(headers as Record<string, string>);
    expect(res.status).toBe(status);
    if (message) expect(res.body.message).toBe(message);
  });

  it.each([
    ['a known key in the query scheme', 'key-alice', 200],
    ['an unknown key in the query scheme', 'nope', 401],
  ])('answers %s with %i', async (_label, key, status) => {
    const res = await t.http.get(`${WIDGETS}/widgets?api_key=${key}`);
    expect(res.status).toBe(status);
  });

  it('lets the first alternative whose credentials are present decide: a bad key is not rescued by good basic auth', async () => {
    const res = await t.http.get(`${WIDGETS}/widgets`).set('X-Widget-Key', 'nope').auth('u', 'secret');
    expect(res.status).toBe(401);
    expect(res.body.message).toBe('unknown key');
  });

  it('lets operations with empty security through without credentials', async () => {
    await t.http.get(`${WIDGETS}/public/ping`).expect(200, { pong: true });
  });

  it('reads state of the caller\'s session: a key seeded nowhere else is unknown', async () => {
    // keys come from the scenario; a session restored without them rejects the same key
    await t.http.put('/__admin/state?session=empty').send({ session: 'empty', apis: { widgets: { keys: [], widgets: {} } } }).expect(200);
    await t.http.get(`${WIDGETS}/widgets`).set(ALICE).set('X-Mock-Session', 'empty').expect(401);
  });

  it('never recorded a response that breaks the spec', () => {
    expect(t.violations()).toEqual([]);
  });
});

describe('authenticate', () => {
  it("tells each verifier the scopes its scheme's entry in the chosen requirement lists", () => {
    const seen: Array<[string, readonly string[]]> = [];
    const record = (credential: PresentedCredential, _ctx: SecurityContext, scopes: readonly string[]) => {
      seen.push([credential.scheme, scopes]);
      return { id: credential.key };
    };
    const api = { verifiers: { oauth: record, key: record } } as unknown as ApiModule;
    const presented: PresentedCredentials = new Map([
      ['oauth', { scheme: 'oauth', type: 'bearer', value: 't', key: 't' }],
      ['key', { scheme: 'key', type: 'apiKey', value: 'k', key: 'k' }],
    ]);
    // The first alternative names a scheme the request does not carry: the second decides.
    const principal = authenticate([{ other: ['x'] }, { oauth: ['read', 'write'], key: [] }], presented, api, {} as SecurityContext);
    expect(seen).toEqual([
      ['oauth', ['read', 'write']],
      ['key', []],
    ]);
    expect(principal).toEqual({ id: 'k', scheme: 'key' });
  });
});

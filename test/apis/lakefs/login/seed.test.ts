import { describe, expect, it } from 'vitest';
import { lakefs } from '../../../../src/apis/lakefs/index.js';
import { createLoginState } from '../../../../src/apis/lakefs/login/index.js';
import { createFaker } from '../../../../src/engine/faker.js';
import { createTestApp, fixturePath } from '../../../support/test-app.js';
import { client, clock, flows, loginApp, startMailbox } from './support.js';

const build = (seed: Record<string, unknown>) => lakefs.createState(seed, { faker: createFaker(1, 'test'), now: clock.now });
const alice = { users: [{ id: 'alice', externalPrincipals: [{ id: 'p-alice', identity: { access_key_id: 'ASIA1' }, expired: true }] }] };

describe('apis.lakefs.sso seeding', () => {
  it('starts empty when the scenario has no sso block (and no lakefs section at all)', () => {
    expect(createLoginState({}, { users: {} }, { faker: createFaker(1, 'test'), now: clock.now })).toEqual({
      oidcSessions: {},
      samlSessions: {},
      oidcIdentities: [],
      oidcCodes: {},
      stsCodes: {},
      externalIdentities: [],
      ldapUsers: {},
      loginRequests: {},
      mailboxes: {},
    });
    expect(lakefs.createState(undefined, { faker: createFaker(1, 'test'), now: clock.now }).login.oidcSessions).toEqual({});
  });

  it('copies the identity proofs of seeded principals first, then the unattached ones', () => {
    const state = build({ ...alice, sso: { externalIdentities: [{ principalId: 'p-zed', identity: { team: 'x' } }] } });
    expect(state.login.externalIdentities).toEqual([
      { principalId: 'p-alice', identity: { access_key_id: 'ASIA1' }, expired: true },
      { principalId: 'p-zed', identity: { team: 'x' } },
    ]);
  });

  it('stores seeded SSO sessions with the user as sub unless the claims say otherwise', () => {
    const state = build({ ...alice, sso: { oidcSessions: [{ cookie: 'c1', user: 'alice', expiresAt: 5 }], samlSessions: [{ cookie: 'c2', user: 'alice', claims: { sub: 'x' } }] } });
    expect(state.login.oidcSessions).toEqual({ c1: { userId: 'alice', claims: { sub: 'alice' }, expiresAt: 5 } });
    expect(state.login.samlSessions).toEqual({ c2: { userId: 'alice', claims: { sub: 'x' } } });
  });

  it('keeps ids such as __proto__ as ordinary keys', () => {
    const state = build({ sso: { stsCodes: [{ code: '__proto__', claims: { sub: 's' } }], ldapUsers: [{ username: 'constructor', password: 'p' }] } });
    expect(Object.keys(state.login.stsCodes!)).toEqual(['__proto__']);
    expect(Object.keys(state.login.ldapUsers!)).toEqual(['constructor']);
  });

  it.each([
    [{ sso: { oidcIdentities: [{ sub: 'a' }, { sub: 'a' }] } }, 'apis.lakefs.sso.oidcIdentities[1]: sub "a" is listed twice'],
    [{ sso: { stsCodes: [{ code: 'c', claims: {} }, { code: 'c', claims: {} }] } }, 'apis.lakefs.sso.stsCodes[1]: code "c" is listed twice'],
    [{ sso: { ldapUsers: [{ username: 'u', password: 'p' }, { username: 'u', password: 'q' }] } }, 'apis.lakefs.sso.ldapUsers[1]: username "u" is listed twice'],
    [{ ...alice, sso: { oidcSessions: [{ cookie: 'c', user: 'nobody' }] } }, 'apis.lakefs.sso.oidcSessions[0].user: user "nobody" is not among apis.lakefs.users'],
    [{ ...alice, sso: { samlSessions: [{ cookie: 'c', user: 'alice' }, { cookie: 'c', user: 'alice' }] } }, 'apis.lakefs.sso.samlSessions[1]: cookie "c" is listed twice'],
  ])('refuses %j naming the entry', (seed, message) => {
    expect(() => build(seed)).toThrow(message);
  });

  it('refuses a misspelt key under sso when the scenario loads, naming it', async () => {
    await expect(createTestApp({ scenario: fixturePath('lakefs', 'login', 'unknown-sso-key.yaml') }, { apis: [lakefs] })).rejects.toThrow(
      /unknown key "oidcIdentity"/,
    );
  });

  it('serves the flows from a state written before they existed (only the two session tables)', async () => {
    const t = await loginApp();
    try {
      const c = client(t);
      const state = t.app.sessions.snapshot(c.session) as Record<string, any>;
      state.lakefs.login = { oidcSessions: {}, samlSessions: {} };
      t.app.sessions.restore(c.session, state);
      await startMailbox(c);
      expect(Object.keys(flows(t, c.session).loginRequests)).toHaveLength(1);
      expect(t.violations()).toEqual([]);
    } finally {
      await t.close();
    }
  });
});

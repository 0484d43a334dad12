/**
 * `apis.lakefs.sso` in a scenario — what the simulated identity provider and authentication service know —
 * and the login options under `apis.lakefs.options`. External principals' identity proofs are seeded with
 * the principals themselves (`users[].externalPrincipals[].identity`) and copied here.
 */
import type { StateFactoryContext } from '../../../engine/types.js';
import type { LakefsState } from '../state.js';
import { has, put } from '../table.js';
import { emptyLoginState, loginDefaults, type ExternalIdentity, type LoginFlows, type SsoSession } from './state.js';

const claims = {
  type: 'object',
  additionalProperties: { type: 'string' },
  description: 'Claims of the identity, as strings.',
};

const session = {
  type: 'object',
  additionalProperties: false,
  required: ['cookie', 'user'],
  properties: {
    cookie: { type: 'string', minLength: 1, description: 'The cookie value a browser or test sends.' },
    user: { type: 'string', minLength: 1, description: 'The lakeFS user (id) it signs in.' },
    claims,
    expiresAt: { type: 'integer', minimum: 0, description: 'Unix seconds; never expires when left out.' },
  },
};

const identityFields = {
  type: 'object',
  minProperties: 1,
  additionalProperties: { type: 'string' },
  description:
    'Fields an identityRequest must carry, all equal: each is looked up at the top of identityRequest and inside its ' +
    'decoded identity_token (the presigned GetCallerIdentity description AWS clients send: access_key_id, ' +
    'security_token, region, host, …).',
};

export const loginSeedProperties: Record<string, unknown> = {
  sso: {
    type: 'object',
    additionalProperties: false,
    description: 'What the simulated identity provider and authentication service know, for the login flows.',
    properties: {
      oidcIdentities: {
        type: 'array',
        description: 'People the mock OIDC sign-in page (/mockgate/lakefs/oidc/authorize) offers.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['sub'],
          properties: {
            sub: { type: 'string', minLength: 1, description: 'Subject: matched against users[].externalId.' },
            email: { type: 'string', description: 'Becomes the id of a user created at first sign-in.' },
            name: { type: 'string', description: 'Becomes the friendly name of a user created at first sign-in.' },
            groups: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Initial groups of a user created at first sign-in.' },
          },
        },
      },
      stsCodes: {
        type: 'array',
        description: 'Authorization codes POST /sts/login redeems.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['code', 'claims'],
          properties: {
            code: { type: 'string', minLength: 1 },
            state: { type: 'string', description: 'When set, the request must carry this state.' },
            redirectUri: { type: 'string', description: 'When set, the request must carry this redirect_uri.' },
            claims: { ...claims, description: 'The ID token claims; `sub` names the user (users[].externalId). Without `sub`: 401.' },
            expired: { type: 'boolean', default: false, description: 'Answer 403 "session expired".' },
          },
        },
      },
      externalIdentities: {
        type: 'array',
        description:
          'Identity proofs naming a principal that no user has (yet): login answers 404 until the principal is ' +
          'attached (POST /auth/users/{userId}/external/principals). Proofs of attached principals go in users[].externalPrincipals[].identity.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['principalId', 'identity'],
          properties: {
            principalId: { type: 'string', minLength: 1, description: 'The principal the proof names, e.g. an IAM role ARN.' },
            identity: identityFields,
            expired: { type: 'boolean', default: false, description: 'Answer 403 "session expired".' },
          },
        },
      },
      ldapUsers: {
        type: 'array',
        description: 'Directory accounts POST /auth/login accepts (username / password) when no access key matches.',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['username', 'password'],
          properties: {
            username: { type: 'string', minLength: 1, description: 'Also the id of the lakeFS user created at first sign-in.' },
            password: { type: 'string', minLength: 1 },
            dn: { type: 'string', description: 'External id the directory reports; the username when left out.' },
          },
        },
      },
      oidcSessions: { type: 'array', items: session, description: '`oidc_auth_session` cookie values that are signed in.' },
      samlSessions: { type: 'array', items: session, description: '`saml_auth_session` cookie values that are signed in.' },
    },
  },
};

export const loginOptionProperties: Record<string, unknown> = {
  logoutRedirect: { type: 'string', minLength: 1, default: loginDefaults.logoutRedirect, description: 'Where GET /logout sends the browser.' },
  oidcRedirect: { type: 'string', minLength: 1, default: loginDefaults.oidcRedirect, description: 'Where the OIDC callback sends a signed-in browser.' },
  oidcDefaultGroups: {
    type: 'array',
    items: { type: 'string', minLength: 1 },
    default: loginDefaults.oidcDefaultGroups,
    description: 'Groups a user created by the OIDC callback joins when its identity names none.',
  },
  oidcCodeLifetimeSeconds: { type: 'integer', minimum: 1, default: loginDefaults.oidcCodeLifetimeSeconds, description: 'Lifetime of the mock sign-in page codes.' },
  stsSingleUseCodes: { type: 'boolean', default: loginDefaults.stsSingleUseCodes, description: 'false: an STS code may be redeemed again.' },
  tokenMailboxLifetimeSeconds: {
    type: 'integer',
    minimum: 1,
    default: loginDefaults.tokenMailboxLifetimeSeconds,
    description: 'How long a `lakectl login` request and its mailbox stay open.',
  },
  ldapDefaultGroup: {
    type: 'string',
    minLength: 1,
    default: loginDefaults.ldapDefaultGroup,
    description: 'Group a directory user joins when its first sign-in creates it (skipped when no such group exists).',
  },
};

/** `seed` is the whole `apis.lakefs` object; `identity` the users etc. already built from it. */
export function createLoginState(seed: Record<string, any>, identity: Pick<LakefsState, 'users'>, _ctx: StateFactoryContext): LoginFlows {
  const login = emptyLoginState();
  const sso: Record<string, any> = seed.sso ?? {};

  const subs = new Set<string>();
  (sso.oidcIdentities ?? []).forEach((entry: any, i: number) => {
    if (subs.has(entry.sub)) fail(`sso.oidcIdentities[${i}]`, `sub "${entry.sub}" is listed twice`);
    subs.add(entry.sub);
    login.oidcIdentities.push({
      sub: entry.sub,
      ...(entry.email !== undefined && { email: entry.email }),
      ...(entry.name !== undefined && { name: entry.name }),
      ...(entry.groups !== undefined && { groups: [...entry.groups] }),
    });
  });

  (sso.stsCodes ?? []).forEach((entry: any, i: number) => {
    if (has(login.stsCodes, entry.code)) fail(`sso.stsCodes[${i}]`, `code "${entry.code}" is listed twice`);
    put(login.stsCodes, entry.code, {
      code: entry.code,
      claims: { ...entry.claims },
      ...(entry.state !== undefined && { state: entry.state }),
      ...(entry.redirectUri !== undefined && { redirectUri: entry.redirectUri }),
      ...(entry.expired && { expired: true }),
    });
  });

  // Proofs of the seeded principals first, in seed order, then the unattached ones.
  (seed.users ?? []).forEach((user: any) => {
    for (const principal of user.externalPrincipals ?? []) {
      if (principal.identity === undefined) continue;
      login.externalIdentities.push(externalIdentity(principal.id, principal.identity, principal.expired));
    }
  });
  (sso.externalIdentities ?? []).forEach((entry: any) => {
    login.externalIdentities.push(externalIdentity(entry.principalId, entry.identity, entry.expired));
  });

  (sso.ldapUsers ?? []).forEach((entry: any, i: number) => {
    if (has(login.ldapUsers, entry.username)) fail(`sso.ldapUsers[${i}]`, `username "${entry.username}" is listed twice`);
    put(login.ldapUsers, entry.username, { username: entry.username, password: entry.password, ...(entry.dn !== undefined && { dn: entry.dn }) });
  });

  for (const kind of ['oidcSessions', 'samlSessions'] as const) {
    (sso[kind] ?? []).forEach((entry: any, i: number) => {
      const where = `sso.${kind}[${i}]`;
      if (has(login[kind], entry.cookie)) fail(where, `cookie "${entry.cookie}" is listed twice`);
      if (!has(identity.users, entry.user)) fail(`${where}.user`, `user "${entry.user}" is not among apis.lakefs.users`);
      const stored: SsoSession = { userId: entry.user, claims: { sub: entry.user, ...(entry.claims ?? {}) } };
      if (entry.expiresAt !== undefined) stored.expiresAt = entry.expiresAt;
      put(login[kind], entry.cookie, stored);
    });
  }

  return login;
}

/** Same wording as the foundation's seeding errors: the offending entry, then the problem. */
function fail(where: string, problem: string): never {
  throw new Error(`apis.lakefs.${where}: ${problem}`);
}

function externalIdentity(principalId: string, identity: Record<string, string>, expired: unknown): ExternalIdentity {
  return { principalId, identity: { ...identity }, ...(expired === true && { expired: true }) };
}

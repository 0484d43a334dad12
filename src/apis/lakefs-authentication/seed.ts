/**
 * `apis.lakefs-authentication` in a scenario file: its JSON Schema, and the session state built from it.
 * Rules the schema cannot say (unique usernames, codes and access keys; dates that parse) are checked by
 * createState, which names the offending entry.
 */
import type { StateFactoryContext } from '../../engine/types.js';
import {
  DEFAULTS,
  resolveOptions,
  type AuthServiceOptions,
  type AuthServiceState,
  type ExternalPrincipalEntry,
  type LdapUser,
  type OidcCode,
  type StsCode,
} from './state.js';

// A pattern rather than `format`, which the scenario validator does not load.
const dateTime = (description: string) => ({
  type: 'string',
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})$',
  description,
});

export const seedSchema: Record<string, unknown> = {
  type: 'object',
  description:
    'lakeFS external authentication service: directory users, AWS identities, and OIDC authorization codes ' +
    '(for STS login and for the browser callback).',
  additionalProperties: false,
  properties: {
    options: {
      type: 'object',
      description: 'Behaviour switches; each default is the most plausible behaviour of a real service.',
      additionalProperties: false,
      properties: {
        oidcCallbackLocation: {
          type: 'string',
          minLength: 1,
          default: DEFAULTS.oidcCallbackLocation,
          description: 'Location of the 302 answered by GET /oidc/callback for a good code.',
        },
        singleUseCodes: {
          type: 'boolean',
          default: DEFAULTS.singleUseCodes,
          description: 'A redeemed STS or OIDC code answers 401 the next time, as real authorization codes do.',
        },
        stsClaimsLifetimeSeconds: {
          type: 'integer',
          minimum: 1,
          default: DEFAULTS.stsClaimsLifetimeSeconds,
          description: 'STS login adds `exp` = now + this many seconds to claims seeded without one (lakeFS requires it).',
        },
        checkIdentityTokenExpiry: {
          type: 'boolean',
          default: DEFAULTS.checkIdentityTokenExpiry,
          description:
            'External principal login answers 403 "session expired" when the presigned request in the identity ' +
            'token has expired (its date + expiration_duration is past). Tokens without those fields are not checked.',
        },
        ldapUserBaseDn: {
          type: 'string',
          minLength: 1,
          default: DEFAULTS.ldapUserBaseDn,
          description: 'Directory users seeded without a dn get `uid=<username>,<this>`.',
        },
      },
    },
    ldapUsers: {
      type: 'array',
      description: 'Directory entries LDAP login binds against. Usernames match case-insensitively, as uid does.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['username', 'password'],
        properties: {
          username: { type: 'string', minLength: 1 },
          password: { type: 'string', minLength: 1, description: 'An empty password never binds.' },
          dn: { type: 'string', minLength: 1, description: 'Distinguished name returned on success; login by DN works too.' },
          disabled: { type: 'boolean', default: false, description: 'Every bind is refused (401).' },
        },
      },
    },
    externalPrincipals: {
      type: 'array',
      description:
        'AWS identities the simulated STS recognises. An identity token is matched on its access_key_id ' +
        '(and security_token when the entry has one); the answer is the entry id.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'accessKeyId'],
        properties: {
          id: {
            type: 'string',
            minLength: 1,
            description: 'The caller ARN, e.g. arn:aws:sts::123456789012:assumed-role/Dev/alice@example.com.',
          },
          accessKeyId: { type: 'string', minLength: 1, description: 'access_key_id inside the identity token.' },
          securityToken: { type: 'string', minLength: 1, description: 'When set, security_token must equal it (else 401).' },
          expired: { type: 'boolean', default: false, description: 'Login answers 403 "session expired".' },
          expiresAt: dateTime('From this instant on, login answers 403 "session expired".'),
        },
      },
    },
    stsCodes: {
      type: 'array',
      description: 'Authorization codes POST /sts/login redeems for claims.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['code', 'claims'],
        properties: {
          code: { type: 'string', minLength: 1 },
          state: { type: 'string', description: 'When set, the request state must equal it (else 401).' },
          redirectUri: { type: 'string', description: 'When set, the request redirect_uri must equal it (else 401).' },
          claims: {
            type: 'object',
            additionalProperties: { type: 'string' },
            description: 'ID token claims, as strings. lakeFS needs `sub`; `exp` is added when missing.',
          },
          expiresAt: dateTime('From this instant on, the code answers 401.'),
        },
      },
    },
    oidcCodes: {
      type: 'array',
      description: 'Authorization codes GET /oidc/callback accepts.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['code'],
        properties: {
          code: { type: 'string', minLength: 1 },
          state: { type: 'string', description: 'When set, the callback state must equal it (else 401).' },
          location: { type: 'string', minLength: 1, description: 'Redirect target for this code (default: options.oidcCallbackLocation).' },
          expiresAt: dateTime('From this instant on, the code answers 401.'),
        },
      },
    },
  },
};

interface Seed {
  options?: AuthServiceOptions;
  ldapUsers?: Array<Partial<LdapUser> & { username: string; password: string }>;
  externalPrincipals?: Array<Omit<ExternalPrincipalEntry, 'expired'> & { expired?: boolean }>;
  stsCodes?: Array<Omit<StsCode, 'usedAt'>>;
  oidcCodes?: Array<Omit<OidcCode, 'usedAt'>>;
}

const KEY = 'apis.lakefs-authentication';

export function createState(seed: Seed | undefined, _ctx: StateFactoryContext): AuthServiceState {
  const options = resolveOptions(seed?.options);
  const ldapUsers = (seed?.ldapUsers ?? []).map(
    (u): LdapUser => ({
      username: u.username,
      password: u.password,
      dn: u.dn ?? `uid=${u.username},${options.ldapUserBaseDn}`,
      disabled: u.disabled ?? false,
    }),
  );
  unique(ldapUsers.map((u) => u.username.toLowerCase()), 'ldapUsers', 'username');

  const externalPrincipals = (seed?.externalPrincipals ?? []).map((p, i): ExternalPrincipalEntry => {
    checkDate(p.expiresAt, `externalPrincipals[${i}].expiresAt`);
    return { ...p, expired: p.expired ?? false };
  });
  unique(externalPrincipals.map((p) => p.accessKeyId), 'externalPrincipals', 'accessKeyId');

  const stsCodes = (seed?.stsCodes ?? []).map((c, i): StsCode => {
    checkDate(c.expiresAt, `stsCodes[${i}].expiresAt`);
    return { ...c, claims: { ...c.claims }, usedAt: null };
  });
  unique(stsCodes.map((c) => c.code), 'stsCodes', 'code');

  const oidcCodes = (seed?.oidcCodes ?? []).map((c, i): OidcCode => {
    checkDate(c.expiresAt, `oidcCodes[${i}].expiresAt`);
    return { ...c, usedAt: null };
  });
  unique(oidcCodes.map((c) => c.code), 'oidcCodes', 'code');

  return { ldapUsers, externalPrincipals, stsCodes, oidcCodes };
}

function unique(values: string[], list: string, field: string): void {
  const seen = new Map<string, number>();
  values.forEach((value, i) => {
    const first = seen.get(value);
    if (first !== undefined) throw new Error(`${KEY}.${list}[${i}].${field}: same value as ${list}[${first}]`);
    seen.set(value, i);
  });
}

function checkDate(value: string | undefined, where: string): void {
  // The schema's pattern lets through dates like 2024-13-45; one that does not parse would never expire.
  if (value !== undefined && Number.isNaN(Date.parse(value))) throw new Error(`${KEY}.${where}: "${value}" is not a date-time`);
}

/**
 * JSON Schema of `apis.lakefs` in a scenario file: the identity store (users with their credentials, groups,
 * policies, external principals) plus what login/ and repos/ add. Cross-references (a user's groups, a
 * group's policies) are checked by createState, which names the offending entry.
 */
import { loginOptionProperties, loginSeedProperties } from './login/index.js';
import { repoOptionProperties, repoSeedProperties } from './repos/index.js';

const unixTime = { type: 'integer', minimum: 0, description: 'Unix seconds; the seeding time when left out.' };
const ids = (what: string) => ({ type: 'array', items: { type: 'string', minLength: 1 }, description: what });

const statement = {
  type: 'object',
  additionalProperties: false,
  required: ['effect', 'action', 'resource'],
  properties: {
    effect: { enum: ['allow', 'deny'] },
    action: { type: 'array', minItems: 1, items: { type: 'string' }, description: 'Actions such as `auth:CreateUser`; `*` and `?` wildcards.' },
    resource: {
      description: 'An ARN, `*`, or a list of ARNs (stored as lakeFS stores it: a JSON array in a string). `${user}` is the caller.',
      oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
    },
    condition: {
      type: 'object',
      description: 'lakeFS conditions: `{IpAddress: {SourceIp: [cidr…]}}`, NotIpAddress, StringLike, StringNotLike.',
      additionalProperties: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
    },
  },
};

const credential = {
  type: 'object',
  additionalProperties: false,
  required: ['accessKeyId'],
  properties: {
    accessKeyId: { type: 'string', minLength: 3, maxLength: 20, description: 'As lakeFS accepts supplied keys: 3 to 20 characters.' },
    secretAccessKey: { type: 'string', minLength: 1, description: 'Generated (40 characters) when left out.' },
    creationDate: unixTime,
  },
};

const externalPrincipal = {
  type: 'object',
  additionalProperties: false,
  required: ['id'],
  properties: {
    id: { type: 'string', minLength: 1, description: 'The principal, e.g. an AWS IAM role ARN.' },
    identity: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'Fields an identity request must carry, all equal, for externalPrincipalLogin to resolve to this principal.',
    },
    expired: { type: 'boolean', default: false, description: 'Logins through this principal answer 403 `session expired`.' },
  },
};

export function seedSchema(): Record<string, unknown> {
  return {
    type: 'object',
    description: 'lakeFS: users with their credentials, groups, policies and external principals, plus login flows and repositories.',
    additionalProperties: false,
    properties: {
      options: {
        type: 'object',
        additionalProperties: false,
        properties: {
          mode: {
            enum: ['rbac', 'community'],
            default: 'rbac',
            description: 'rbac: lakeFS Enterprise, policies evaluated. community: open-source single-user mode (groups, policies, external principals answer 501).',
          },
          jwtSecret: { type: 'string', minLength: 1, description: 'HS256 secret of login tokens, so tests can mint their own.' },
          loginTokenLifetimeSeconds: { type: 'integer', minimum: 1, default: 604800, description: 'Lifetime of login tokens (lakeFS: 168h).' },
          loginTokenMaxLifetimeSeconds: { type: 'integer', minimum: 1, default: 1209600, description: 'Longest lifetime a caller may ask for (lakeFS: 336h).' },
          externalPrincipals: { type: 'boolean', default: true, description: 'false: external principal operations answer 501, as with the feature off.' },
          caches: {
            description:
              "lakeFS's caches, off by default. lakefs-defaults: a deleted repository stays readable for 5 s, a deleted user's keys, tokens and cookies authenticate for 20 s, new branch protection rules apply after 3 s, as lakeFS's default caches (without their jitter). An object: those defaults with the seconds it sets (0 turns a cache off).",
            default: 'off',
            oneOf: [
              { enum: ['off', 'lakefs-defaults'] },
              {
                type: 'object',
                additionalProperties: false,
                properties: {
                  repositorySeconds: { type: 'number', minimum: 0, default: 5, description: 'graveler.repository_cache.expiry: how long a deleted repository stays readable.' },
                  authSeconds: { type: 'number', minimum: 0, default: 20, description: "auth.cache.ttl: how long a deleted user's credentials, tokens and cookies keep working." },
                  settingsSeconds: { type: 'number', minimum: 0, default: 3, description: 'The settings cache: how long new branch protection rules wait before they are enforced.' },
                },
              },
            ],
          },
          ...loginOptionProperties,
          ...repoOptionProperties,
        },
      },
      users: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['id'],
          properties: {
            id: { type: 'string', minLength: 1, description: 'The username.' },
            friendlyName: { type: 'string' },
            email: { type: 'string' },
            externalId: { type: 'string', description: "The identity provider's subject (OIDC `sub`) for SSO logins." },
            creationDate: unixTime,
            groups: ids('Groups the user is a member of.'),
            policies: ids('Policies attached to the user directly.'),
            credentials: { type: 'array', items: credential },
            externalPrincipals: { type: 'array', items: externalPrincipal },
          },
        },
      },
      groups: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['id'],
          properties: {
            id: { type: 'string', minLength: 1 },
            description: { type: 'string' },
            creationDate: unixTime,
            policies: ids('Policies attached to the group.'),
          },
        },
      },
      policies: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'statement'],
          properties: { id: { type: 'string', minLength: 1 }, creationDate: unixTime, statement: { type: 'array', minItems: 1, items: statement } },
        },
      },
      ...loginSeedProperties,
      ...repoSeedProperties,
    },
  };
}

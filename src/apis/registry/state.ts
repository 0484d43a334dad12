/**
 * Per-session state of the registry credentials API: the bearer tokens a scenario seeds, and the STS-like
 * credentials minted so far (so that a companion S3 mock, or a test, can check what was handed out).
 */
import type { StateFactoryContext } from '../../engine/types.js';

export interface RegistryOptions {
  /** Realm role names. The 2022 names are not published; these defaults are inferred (see seedSchema). */
  roles?: { read?: string; write?: string };
  sessionDurationSeconds?: number;
  /** HS256 secret for JWTs; without it only seeded tokens are accepted. */
  jwtSecret?: string;
  /** false reproduces the service's test mode: JWTs are decoded without checking their signature. */
  verifyJwtSignature?: boolean;
  /** Put in the console sign-in URL's Issuer parameter (the service passes its Keycloak issuer). */
  consoleIssuer?: string;
  consoleRegion?: string;
  /** How many minted credentials the state keeps (oldest dropped first). */
  issuedLimit?: number;
}

export interface SeededToken {
  token: string;
  username: string;
  email?: string;
  /** Realm roles; leaving them out gives a token with no `realm_access` claim. */
  roles?: string[];
  expiresAt?: string;
  revoked?: boolean;
}

export type Access = 'read' | 'write';

export interface IssuedCredential {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiry: string;
  access: Access;
  username: string;
  roleSessionName: string;
  bucket: string;
  path: string;
  /** Resource ARNs of the inline session policy, per kind of action, as the service builds them. */
  grants: { list: string[]; read: string[]; write: string[] };
  consoleSession: boolean;
  issuedAt: string;
}

export interface RegistryState {
  tokens: SeededToken[];
  issued: IssuedCredential[];
}

export const DEFAULTS = {
  readRole: 'data-store-read',
  writeRole: 'data-store-write',
  sessionDurationSeconds: 3600,
  consoleIssuer: 'https://auth.example.org/auth/realms/rrap',
  consoleRegion: 'ap-southeast-2',
  issuedLimit: 1000,
} as const;

export interface ResolvedOptions {
  readRole: string;
  writeRole: string;
  sessionDurationSeconds: number;
  jwtSecret?: string;
  verifyJwtSignature: boolean;
  consoleIssuer: string;
  consoleRegion: string;
  issuedLimit: number;
}

/** What handlers see as `ctx.options`: each option the scenario left out defaulted (`??`), `roles` flattened. */
export function resolveOptions(options: RegistryOptions | undefined): ResolvedOptions {
  const o = options ?? {};
  return {
    readRole: o.roles?.read ?? DEFAULTS.readRole,
    writeRole: o.roles?.write ?? DEFAULTS.writeRole,
    sessionDurationSeconds: o.sessionDurationSeconds ?? DEFAULTS.sessionDurationSeconds,
    jwtSecret: o.jwtSecret,
    verifyJwtSignature: o.verifyJwtSignature ?? true,
    consoleIssuer: o.consoleIssuer ?? DEFAULTS.consoleIssuer,
    consoleRegion: o.consoleRegion ?? DEFAULTS.consoleRegion,
    issuedLimit: o.issuedLimit ?? DEFAULTS.issuedLimit,
  };
}

export const seedSchema: Record<string, unknown> = {
  type: 'object',
  description: 'Registry credentials (data store): bearer tokens the mock accepts, and behaviour options.',
  additionalProperties: false,
  properties: {
    options: {
      type: 'object',
      description: 'Behaviour switches; the defaults follow the real service where it is known.',
      additionalProperties: false,
      properties: {
        roles: {
          type: 'object',
          description:
            'Keycloak realm roles the two operations require: read needs `read`; write needs `read` and `write`. ' +
            "The 2022 service's role names are not published; the defaults are inferred from its later code.",
          additionalProperties: false,
          properties: {
            read: { type: 'string', minLength: 1, default: DEFAULTS.readRole },
            write: { type: 'string', minLength: 1, default: DEFAULTS.writeRole },
          },
        },
        sessionDurationSeconds: {
          type: 'integer',
          minimum: 1,
          maximum: 43200,
          default: DEFAULTS.sessionDurationSeconds,
          description: 'Lifetime of minted credentials. Real STS allows 900 to 43200; shorter ones help test client refresh.',
        },
        jwtSecret: {
          type: 'string',
          minLength: 1,
          description:
            'HS256 secret: JWTs signed with it are accepted (claims preferred_username, email, realm_access.roles, exp), ' +
            'so tests can mint their own tokens. The real service checks RS256 Keycloak signatures instead.',
        },
        verifyJwtSignature: {
          type: 'boolean',
          default: true,
          description: "false: accept any well-formed JWT without checking its signature (the service's test mode); exp is still enforced.",
        },
        consoleIssuer: {
          type: 'string',
          minLength: 1,
          default: DEFAULTS.consoleIssuer,
          description: 'Issuer parameter of the console sign-in URL (the service uses its Keycloak issuer).',
        },
        consoleRegion: {
          type: 'string',
          minLength: 1,
          default: DEFAULTS.consoleRegion,
          description: 'Region parameter of the S3 console destination in the sign-in URL.',
        },
        issuedLimit: {
          type: 'integer',
          minimum: 0,
          maximum: 100000,
          default: DEFAULTS.issuedLimit,
          description: 'Minted credentials kept in the session state for inspection (oldest dropped first).',
        },
      },
    },
    tokens: {
      type: 'array',
      description: 'Opaque bearer tokens, checked before any JWT handling.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['token', 'username'],
        properties: {
          token: { type: 'string', minLength: 1, description: 'The value sent as `Authorization: Bearer <token>`.' },
          username: { type: 'string', minLength: 1, description: 'preferred_username; it names the STS role session.' },
          email: { type: 'string' },
          roles: {
            type: 'array',
            items: { type: 'string' },
            description: 'Realm roles. Leave out to get a token without a roles claim ("Token had incorrect structure.").',
          },
          expiresAt: {
            type: 'string',
            // A pattern rather than `format`, which the scenario validator does not load.
            pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})$',
            description: 'ISO 8601 date-time with offset; from this instant on the token is refused as expired.',
          },
          revoked: { type: 'boolean', default: false, description: 'Refused as if its signature did not verify.' },
        },
      },
    },
  },
};

export function createState(seed: { tokens?: SeededToken[] } | undefined, _ctx: StateFactoryContext): RegistryState {
  const seen = new Map<string, number>();
  const tokens = (seed?.tokens ?? []).map((t, i) => {
    // The schema may be checked without formats; a date that does not parse would silently never expire.
    if (t.expiresAt !== undefined && Number.isNaN(Date.parse(t.expiresAt))) {
      throw new Error(`apis.registry.tokens[${i}].expiresAt: "${t.expiresAt}" is not a date-time`);
    }
    const first = seen.get(t.token);
    if (first !== undefined) throw new Error(`apis.registry.tokens[${i}].token: same value as tokens[${first}]`);
    seen.set(t.token, i);
    // Copies, so that a session's state never aliases the scenario object other sessions start from.
    return { ...t, ...(t.roles ? { roles: [...t.roles] } : {}) };
  });
  return { tokens, issued: [] };
}

/**
 * JSON Schema of `apis.tiledb` in a scenario file. Cross-references (a user's workspaces, a credential's
 * teamspace, …) and the credential rules are checked by createState, which names the offending entry.
 */
const xid = (prefix: string) => ({
  type: 'string',
  pattern: `^${prefix}_[0-9a-v]{20}$`,
  description: `\`${prefix}_\` followed by a 20-character xid ([0-9a-v]); generated when left out.`,
});

const reference = (what: string) => ({ type: 'string', minLength: 1, description: `${what}, by name or id.` });

const material = (description: string) => ({ type: 'object', description });

export const seedSchema: Record<string, unknown> = {
  type: 'object',
  description: 'TileDB v4 credentials: workspaces and their teamspaces, members, API tokens and stored credentials.',
  additionalProperties: false,
  properties: {
    options: {
      type: 'object',
      description: 'Behaviour switches for what the real server does not document.',
      additionalProperties: false,
      properties: {
        duplicateNameStatus: {
          enum: [409, 400],
          default: 409,
          description: 'Status answered when a create or rename uses a name already taken in the scope.',
        },
        providerDefaultConflict: {
          enum: ['replace', 'reject'],
          default: 'replace',
          description: 'A new provider default clears the old one (replace) or is refused with 409 (reject).',
        },
        defaultPerPage: { type: 'integer', minimum: 1, default: 10, description: 'List page size when per_page is absent.' },
        maxPerPage: { type: 'integer', minimum: 1, default: 100, description: 'Larger per_page values are lowered to this.' },
        verifyDeniedRoleArns: {
          type: 'array',
          items: { type: 'string' },
          description: 'Role ARNs (`*` wildcards) whose simulated AssumeRole fails, so verify answers 400.',
        },
        verifyAllowedRoleArns: {
          type: 'array',
          items: { type: 'string' },
          description: 'When set, only role ARNs matching one of these patterns pass verify.',
        },
      },
    },
    workspaces: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          id: xid('ws'),
          name: { type: 'string', minLength: 1, description: 'Workspace name; the path accepts it as well as the id.' },
          teamspaces: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name'],
              properties: { id: xid('ts'), name: { type: 'string', minLength: 1 } },
            },
          },
        },
      },
    },
    users: {
      type: 'array',
      description: 'Members who authenticate with HTTP Basic.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['username', 'password'],
        properties: {
          id: xid('usr'),
          username: { type: 'string', minLength: 1 },
          password: { type: 'string' },
          workspaces: { type: 'array', items: reference('A workspace the user is a member of') },
        },
      },
    },
    tokens: {
      type: 'array',
      description: 'API tokens, sent as X-TILEDB-REST-API-KEY or as an OAuth2 bearer token; each grants one workspace.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['token'],
        properties: {
          token: {
            type: 'string',
            minLength: 1,
            description: 'The value, ideally shaped `<prefix>-ws_<xid>-<secret>` as TileDB clients expect.',
          },
          workspace: reference('The workspace the token grants (default: the ws_ id inside the token)'),
          user: { type: 'string', description: 'Username of the owner (informational).' },
          expiresAt: { type: 'string', description: 'ISO 8601 date-time from which the token answers 401.' },
          revoked: { type: 'boolean', default: false, description: 'A revoked token answers 401.' },
        },
      },
    },
    credentials: {
      type: 'array',
      description: 'Stored credentials; the same rules as a create request apply.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['workspace', 'name', 'provider'],
        properties: {
          id: xid('cred'),
          workspace: reference('Owning workspace'),
          teamspace: reference('Owning teamspace of that workspace (absent: a workspace credential)'),
          name: { type: 'string' },
          provider: { enum: ['AWS', 'AZURE', 'GCP'] },
          provider_default: { type: 'boolean', default: false },
          allowed_in_tasks: { type: 'boolean', default: false },
          created_at: { type: 'string', description: 'ISO 8601; default: the scenario load time.' },
          updated_at: { type: 'string' },
          credential: material('Key material: {aws|azure|gcp: {...}} as in a create request.'),
          role: material('Role material: {aws: {role_arn, external_id}}.'),
          token: material('Token material: {azure: {...}} or {gcp: {key_text}}.'),
        },
      },
    },
  },
};

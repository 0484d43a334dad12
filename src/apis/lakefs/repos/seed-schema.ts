/**
 * JSON Schema of what repos/ adds to `apis.lakefs` in a scenario: `repositories` (with their commits, tags
 * and branches) and three options. References between entries (a commit's parent, a branch's commit) are
 * checked by createRepoState, which names the offending entry.
 */

const unixTime = { type: 'integer', minimum: 0, description: 'Unix seconds; the seeding time when left out.' };
const commitIdPattern = '^[0-9a-f]{64}$';

const object = {
  type: 'object',
  additionalProperties: false,
  required: ['path'],
  properties: {
    path: { type: 'string', minLength: 1 },
    sizeBytes: { type: 'integer', minimum: 0, default: 0, description: 'Ignored with `content`. Without it, the object reads as this many zero bytes.' },
    content: { type: 'string', description: "The object's data, as text (UTF-8); sets its size and checksum (MD5)." },
    checksum: { type: 'string', minLength: 1, description: 'The ETag, without quotes; derived from the path and size when left out.' },
    physicalAddress: {
      type: 'string',
      minLength: 1,
      description: 'Relative to the storage namespace (`data/…`) or a full URI; generated when left out.',
    },
    contentType: { type: 'string', default: 'application/octet-stream' },
    metadata: { type: 'object', additionalProperties: { type: 'string' }, description: 'User metadata.' },
    mtime: unixTime,
  },
};

const commit = {
  type: 'object',
  additionalProperties: false,
  required: ['message'],
  properties: {
    id: { type: 'string', pattern: commitIdPattern, description: '64 hex digits; computed from the content when left out.' },
    message: { type: 'string' },
    committer: { type: 'string', description: 'A username; the first seeded user when left out.' },
    creationDate: unixTime,
    metadata: { type: 'object', additionalProperties: { type: 'string' } },
    parent: {
      type: 'string',
      pattern: commitIdPattern,
      description: 'Id of an earlier commit of the list; by default the previous one (for the first, the "Repository created" commit).',
    },
    objects: { type: 'array', items: object, description: 'Objects this commit adds or replaces (the rest comes from the parent).' },
    deletes: { type: 'array', items: { type: 'string', minLength: 1 }, description: 'Paths this commit removes.' },
  },
};

const branch = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: {
    name: { type: 'string', pattern: '^\\w[-\\w]*$' },
    commit: { type: 'string', minLength: 1, description: 'A commit id or a tag; the last listed commit when left out.' },
    protected: {
      type: 'boolean',
      default: false,
      description: 'Covered by a branch protection rule (one with its name): staging writes, commits and hard resets answer 403.',
    },
    hidden: { type: 'boolean', default: false, description: 'Left out of branch listings unless show_hidden.' },
    staged: { type: 'array', items: object, description: 'Uncommitted objects (a branch with any is dirty).' },
  },
};

const repository = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'storageNamespace'],
  properties: {
    name: { type: 'string', pattern: '^[a-z0-9][a-z0-9-]{2,62}$' },
    storageNamespace: { type: 'string', pattern: '^(s3|gs|https?|mem|local|transient)://.*$', examples: ['s3://example-bucket/repo'] },
    defaultBranch: { type: 'string', pattern: '^\\w[-\\w]*$', default: 'main' },
    readOnly: { type: 'boolean', default: false },
    storageId: { type: 'string' },
    creationDate: unixTime,
    commits: { type: 'array', items: commit, description: 'History after the "Repository created" commit, oldest first.' },
    tags: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'commit'],
        properties: { name: { type: 'string', minLength: 1 }, commit: { type: 'string', pattern: commitIdPattern } },
      },
    },
    branches: {
      type: 'array',
      items: branch,
      description: 'The default branch is added (at the last commit) when not listed.',
    },
  },
};

export const repoSeedProperties: Record<string, unknown> = {
  repositories: { type: 'array', items: repository, description: 'lakeFS repositories with their history, branches and objects.' },
};

export const repoOptionProperties: Record<string, unknown> = {
  presignMultipart: {
    type: 'boolean',
    default: true,
    description: 'false: the presigned multipart operations answer 501, as lakeFS on a blockstore other than S3.',
  },
  presignExpirySeconds: { type: 'integer', minimum: 1, default: 900, description: 'Lifetime of part upload URLs (lakeFS: 15 minutes).' },
  lakefsVersion: { type: 'string', minLength: 1, default: '1.84.0', description: 'What GET /config/version reports.' },
  blockstoreType: {
    type: 'string',
    enum: ['s3', 'gs', 'azure', 'local', 'mem'],
    default: 's3',
    description:
      'The blockstore GET /config and GET /config/storage describe. On s3, gs and azure lakeFS presigns, and its Python client uploads through presigned URLs; on local it uploads directly.',
  },
  preSignSupport: { type: 'boolean', description: 'What the storage config reports as pre_sign_support; by default whether the blockstore presigns.' },
};

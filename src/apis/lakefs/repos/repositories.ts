/**
 * Repositories: create (with the default branch and lakeFS's first, empty "Repository created" commit, unless
 * bare), read, list, delete. A taken name is 409 `error creating repository: not unique` (graveler.ErrNotUnique,
 * unlike the auth API's `Already exists`).
 *
 * Storage namespaces (controller.go ensureStorageNamespace): creating a repository leaves lakeFS's
 * `_lakefs/dummy` marker in its namespace, and a namespace holding one is refused to the next repository — even
 * after the first is deleted, since deletion leaves the data. Read-only and bare repositories skip the check
 * and write no marker. A trailing slash names the same namespace; a namespace nested in another is a new one.
 */
import { conflict } from '../../../engine/errors.js';
import { arn } from '../arn.js';
import { authorize } from '../authorize.js';
import { lakefsErrors, messages } from '../errors.js';
import { empty, json } from '../reply.js';
import { unixSeconds } from '../state.js';
import { has, put, remove, rows } from '../table.js';
import { pageQuery, pageTable } from './paging.js';
import { toRepository } from './present.js';
import { commitId, requireRepository } from './refs.js';
import { trimTrailingSlashes } from '../../../engine/text.js';
import { dropRepositoryData } from './data.js';
import { cacheDeletedRepository, cachedRepository } from '../caches.js';
import type { BlockstoreType, CommitRecord, RepoHandler, RepositoryRecord, RepoState } from './state.js';

interface RepositoryCreation {
  name: string;
  storage_namespace: string;
  default_branch?: string;
  storage_id?: string;
  sample_data?: boolean;
  read_only?: boolean;
}

export const FIRST_COMMIT_MESSAGE = 'Repository created';

/** The commit every non-bare repository starts with: no parents, no committer, an empty tree. */
export function firstCommit(creationDate: number): CommitRecord {
  const content = { parents: [], committer: '', message: FIRST_COMMIT_MESSAGE, creationDate, metaRangeId: '', metadata: {} };
  return { ...content, id: commitId(content), generation: 1, objects: {} };
}

export const createRepository: RepoHandler = (ctx) => {
  const body = ctx.request.body as RepositoryCreation;
  authorize(ctx, 'fs:CreateRepository', arn.repository(body.name));
  authorize(ctx, 'fs:AttachStorageNamespace', arn.namespace(body.storage_namespace));
  const bare = ctx.request.query.bare === true;
  // lakeFS does not check the default branch's name (the real 1.80.0 creates `bad branch`, recorded in test/fidelity).
  const defaultBranch = body.default_branch || 'main';
  const repos = ctx.state.repos;
  // A name the repository cache still holds is taken too: graveler reads it there before creating (caches.ts).
  if (has(repos.repositories, body.name) || cachedRepository(ctx.state, body.name, ctx.now)) throw conflict('error creating repository: not unique');
  // The configured blockstores' ids; mockgate's configuration has one blockstore (storage_config_list is empty),
  // whose id is "".
  if ((body.storage_id ?? '') !== '') throw lakefsErrors.badRequest('storage id: invalid value: validation error');
  const marksNamespace = !bare && body.read_only !== true;
  if (marksNamespace) {
    checkNamespaceScheme(ctx.options.blockstoreType, body.storage_namespace);
    checkNamespaceFree(repos, body.storage_namespace, body.storage_id);
  }

  const now = unixSeconds(ctx.now);
  const repo: RepositoryRecord = {
    id: body.name,
    storageNamespace: body.storage_namespace,
    defaultBranch,
    creationDate: now,
    readOnly: body.read_only === true,
    ...(body.storage_id !== undefined && { storageId: body.storage_id }),
    branches: {},
    tags: {},
    commits: {},
  };
  if (!bare) {
    const commit = firstCommit(now);
    put(repo.commits, commit.id, commit);
    put(repo.branches, defaultBranch, { id: defaultBranch, commitId: commit.id, staged: {}, protected: false, hidden: false });
  }
  put(repos.repositories, repo.id, repo);
  if (marksNamespace) (repos.usedNamespaces ??= []).push(namespaceKey(body.storage_namespace));
  const created = toRepository(repo);
  // A bare repository is created through another path of graveler, whose answer leaves read_only unset (recorded
  // from the real 1.80.0; reading it back says false).
  if (bare) delete created.read_only;
  return json(ctx, 201, created);
};

/**
 * The namespace a repository's data goes to must be one the blockstore can write: the block adapter's prefix,
 * refused as lakeFS words it (`failed to match required regex ^local://: invalid namespace`, recorded from the
 * real 1.80.0 on a local blockstore; the other adapters' prefixes are their documented schemes).
 */
const NAMESPACE_PREFIXES: Record<BlockstoreType, { pattern: string; prefixes: string[] }> = {
  local: { pattern: '^local://', prefixes: ['local://'] },
  s3: { pattern: '^s3://', prefixes: ['s3://'] },
  gs: { pattern: '^gs://', prefixes: ['gs://'] },
  mem: { pattern: '^mem://', prefixes: ['mem://'] },
  azure: { pattern: '^https?://', prefixes: ['https://', 'http://'] },
};

function checkNamespaceScheme(blockstore: BlockstoreType, namespace: string): void {
  const { pattern, prefixes } = NAMESPACE_PREFIXES[blockstore];
  if (!prefixes.some((prefix) => namespace.startsWith(prefix))) throw lakefsErrors.badRequest(`failed to match required regex ${pattern}: invalid namespace`);
}

/** Namespaces compare without trailing slashes: the blockstore joins `_lakefs/dummy` onto either the same way. */
export const namespaceKey = (namespace: string) => trimTrailingSlashes(namespace);

function checkNamespaceFree(repos: RepoState, namespace: string, storageId: string | undefined): void {
  if (!(repos.usedNamespaces ?? []).includes(namespaceKey(namespace))) return;
  throw lakefsErrors.badRequest(
    `failed to create repository: found lakeFS objects in the storage (${storageId ?? ''}:${namespace}) key(_lakefs/dummy): storage namespace already in use`,
  );
}

export const getRepository: RepoHandler = (ctx) => {
  const name = String(ctx.request.params.repository);
  authorize(ctx, 'fs:ReadRepository', arn.repository(name));
  return json(ctx, 200, toRepository(requireRepository(ctx, name)));
};

export const listRepositories: RepoHandler = (ctx) => {
  authorize(ctx, 'fs:ListRepositories', arn.all);
  const search = typeof ctx.request.query.search === 'string' ? ctx.request.query.search : '';
  const { results, pagination } = pageTable(ctx.state.repos.repositories, pageQuery(ctx.request.query), search === '' ? undefined : (r) => r.id.includes(search));
  return json(ctx, 200, { pagination, results: results.map(toRepository) });
};

export const deleteRepository: RepoHandler = (ctx) => {
  const name = String(ctx.request.params.repository);
  authorize(ctx, 'fs:DeleteRepository', arn.repository(name));
  const repos = ctx.state.repos;
  // lakeFS deletes what its store holds, not what its cache does: a second delete is 404 at once.
  const repo = requireRepository(ctx, name, { cached: false });
  if (repo.readOnly && ctx.request.query.force !== true) throw lakefsErrors.forbidden(messages.readOnlyRepository);
  remove(repos.repositories, name);
  cacheDeletedRepository(ctx.state, ctx.options.caches, repo, ctx.now);
  // The namespace stays marked (usedNamespaces); the object data goes.
  dropRepositoryData(repos, name);
  for (const upload of rows(repos.uploads)) if (upload.repository === name) remove(repos.uploads, upload.id);
  return empty(ctx, 204);
};

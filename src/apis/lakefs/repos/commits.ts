/**
 * Commits: committing a branch's staged objects (or, with source_metarange, the tree of an existing metarange)
 * into a new content-addressed commit whose committer is the caller; reading a commit by id or reference.
 */
import { arn } from '../arn.js';
import { authorize } from '../authorize.js';
import { lakefsErrors, messages } from '../errors.js';
import { json } from '../reply.js';
import { unixSeconds } from '../state.js';
import { lookup, put, remove, rows, type Table } from '../table.js';
import { toCommit } from './present.js';
import { checkRef, commitId, isDirty, metaRangeOf, requireBranch, requireRepository, resolveRef } from './refs.js';
import type { CommitRecord, ObjectRecord, RepoHandler } from './state.js';
import { isProtected } from './settings.js';
import { newRunId } from './signing.js';

interface CommitCreation {
  message: string;
  metadata?: Record<string, string>;
  date?: number;
  allow_empty?: boolean;
  force?: boolean;
}

/**
 * A tree with the staged objects laid over it, staged deletions (tombstones) taking paths out (own properties
 * only: paths are client-chosen).
 */
export function mergeTrees(base: Table<ObjectRecord>, over: Table<ObjectRecord>): Table<ObjectRecord> {
  const tree: Table<ObjectRecord> = {};
  for (const o of rows(base)) put(tree, o.path, o);
  for (const o of rows(over)) {
    if (o.tombstone) remove(tree, o.path);
    else put(tree, o.path, o);
  }
  return tree;
}

export const commit: RepoHandler = (ctx) => {
  const repoName = String(ctx.request.params.repository);
  const branchName = String(ctx.request.params.branch);
  const body = ctx.request.body as CommitCreation;
  const user = authorize(ctx, 'fs:CreateCommit', arn.branch(repoName, branchName));
  const repo = requireRepository(ctx, repoName);
  // The pre-commit hooks run first, and reading their actions at an unknown branch fails (the real 1.80.0's text).
  if (!lookup(repo.branches, branchName)) {
    throw lakefsErrors.notFound(`prepare-commit hook aborted, run id '${newRunId(ctx.faker)}': list actions from commit: listing actions: not found`);
  }
  const branch = requireBranch(repo, branchName);
  if (isProtected(repo, branch, ctx.now)) throw lakefsErrors.forbidden('cannot commit to protected branch');
  if (repo.readOnly && body.force !== true) throw lakefsErrors.forbidden(messages.readOnlyRepository);
  const parent = lookup(repo.commits, branch.commitId);
  if (!parent) throw lakefsErrors.notFound('commit not found');

  let objects: Table<ObjectRecord>;
  const source = ctx.request.query.source_metarange;
  if (typeof source === 'string' && source !== '') {
    if (isDirty(branch)) throw lakefsErrors.badRequest('cannot use source MetaRange on a branch with uncommitted changes');
    const donor = rows(repo.commits).find((c) => c.metaRangeId === source);
    if (!donor) throw lakefsErrors.notFound('metarange not found');
    objects = mergeTrees(donor.objects, {});
  } else {
    if (!isDirty(branch) && body.allow_empty !== true) throw lakefsErrors.badRequest('commit: no changes');
    objects = mergeTrees(parent.objects, branch.staged);
  }

  const content = {
    parents: [parent.id],
    committer: user.id,
    message: body.message,
    creationDate: body.date ?? unixSeconds(ctx.now),
    metaRangeId: metaRangeOf(objects),
    metadata: body.metadata ?? {},
  };
  const record: CommitRecord = { ...content, id: commitId(content), generation: parent.generation + 1, objects };
  put(repo.commits, record.id, record);
  branch.commitId = record.id;
  branch.staged = {};
  return json(ctx, 201, toCommit(record));
};

export const getCommit: RepoHandler = (ctx) => {
  const repoName = String(ctx.request.params.repository);
  const ref = String(ctx.request.params.commitId);
  authorize(ctx, 'fs:ReadCommit', arn.repository(repoName));
  const repo = requireRepository(ctx, repoName);
  checkRef(ref, 'commit');
  const resolved = resolveRef(repo, ref);
  // lakeFS's text for any reference that names no commit (recorded from the real 1.80.0).
  if (!resolved) throw lakefsErrors.notFound('commit not found');
  return json(ctx, 200, toCommit(resolved.commit));
};

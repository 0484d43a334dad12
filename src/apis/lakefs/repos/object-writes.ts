/**
 * Changing objects on a branch without new data (controller.go DeleteObject, DeleteObjects,
 * UpdateObjectUserMetadata). A deletion is staged: a committed object gets a tombstone, an uncommitted one
 * simply leaves the staging area; deleting a path that holds nothing succeeds all the same (204), as in
 * lakeFS. The batch form reports per-path failures in a 200 `{"errors": [...]}` instead of failing the call.
 */
import { arn } from '../arn.js';
import { authorize, currentUser } from '../authorize.js';
import { lakefsErrors, messages } from '../errors.js';
import { MockError } from '../../../engine/errors.js';
import { empty, json } from '../reply.js';
import type { LakefsContext } from '../state.js';
import { has, lookup, put, remove } from '../table.js';
import { requireBranch, requireRepository, resolveRef, visibleObject } from './refs.js';
import type { BranchRecord, RepoHandler, RepositoryRecord } from './state.js';
import { isProtected } from './settings.js';

/** lakeFS's DefaultMaxDeleteObjects. */
export const MAX_DELETE_OBJECTS = 1000;

/** graveler refuses staging writes on a protected branch, and on a read-only repository unless forced. */
function checkWritable(ctx: LakefsContext, repo: RepositoryRecord, branch: BranchRecord): void {
  if (isProtected(repo, branch, ctx.now)) throw lakefsErrors.forbidden(messages.protectedBranchWrite);
  if (repo.readOnly && ctx.request.query.force !== true) throw lakefsErrors.forbidden(messages.readOnlyRepository);
}

function stageDeletion(repo: RepositoryRecord, branch: BranchRecord, path: string): void {
  const committed = lookup(repo.commits, branch.commitId);
  if (committed && has(committed.objects, path)) {
    put(branch.staged, path, { ...committed.objects[path]!, tombstone: true });
  } else {
    remove(branch.staged, path);
  }
}

export const deleteObject: RepoHandler = (ctx) => {
  const repoName = String(ctx.request.params.repository);
  const path = String(ctx.request.query.path ?? '');
  authorize(ctx, 'fs:DeleteObject', arn.object(repoName, path));
  const repo = requireRepository(ctx, repoName);
  const branch = requireBranch(repo, String(ctx.request.params.branch));
  checkWritable(ctx, repo, branch);
  stageDeletion(repo, branch, path);
  return empty(ctx, 204);
};

interface ObjectError {
  path: string;
  status_code: number;
  message: string;
}

export const deleteObjects: RepoHandler = (ctx) => {
  const repoName = String(ctx.request.params.repository);
  const paths: string[] = (ctx.request.body as { paths: string[] }).paths;
  if (paths.length > MAX_DELETE_OBJECTS) {
    throw lakefsErrors.badRequest(`request size exceeded, max paths is set to ${MAX_DELETE_OBJECTS}`);
  }
  // An anonymous caller fails the call (lakeFS's authentication runs before the handler), even with no paths.
  currentUser(ctx);
  const errors: ObjectError[] = [];
  const allowed: string[] = [];
  for (const path of paths) {
    try {
      authorize(ctx, 'fs:DeleteObject', arn.object(repoName, path));
      allowed.push(path);
    } catch (err) {
      // A denied path is reported and skipped.
      if (!(err instanceof MockError) || err.authFailure !== 'insufficient-role') throw err;
      errors.push({ path, status_code: 401, message: 'Unauthorized' });
    }
  }
  // lakeFS ignores "not found" per path, so a missing repository or branch deletes nothing and reports nothing.
  const repo = lookup(ctx.state.repos.repositories, repoName);
  const branch = repo ? lookup(repo.branches, String(ctx.request.params.branch)) : undefined;
  if (repo && branch) {
    let refusal: string | undefined;
    try {
      checkWritable(ctx, repo, branch);
    } catch (err) {
      refusal = (err as Error).message;
    }
    for (const path of allowed) {
      if (refusal !== undefined) errors.push({ path, status_code: 403, message: refusal });
      else if (path !== '') stageDeletion(repo, branch, path);
    }
  }
  return json(ctx, 200, { errors });
};

export const updateObjectUserMetadata: RepoHandler = (ctx) => {
  const repoName = String(ctx.request.params.repository);
  const branchName = String(ctx.request.params.branch);
  const path = String(ctx.request.query.path ?? '');
  const body = ctx.request.body as { set: Record<string, string> };
  authorize(ctx, 'fs:WriteObject', arn.object(repoName, path));
  const repo = requireRepository(ctx, repoName);
  const branch = requireBranch(repo, branchName);
  const object = visibleObject(resolveRef(repo, branch.id)!, path);
  if (!object) throw lakefsErrors.notFound(`update user metadata on ${repoName}/${branchName}/${path}: not found`);
  checkWritable(ctx, repo, branch);
  // The entry is staged again with its data, checksum and mtime, and the new metadata (a change on the branch).
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(body.set ?? {})) put(metadata, key, value);
  put(branch.staged, path, { ...object, metadata });
  return empty(ctx, 204);
};

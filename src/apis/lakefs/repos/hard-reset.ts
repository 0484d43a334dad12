/**
 * hardResetBranch (graveler ResetHard, notes §8.12): point the branch at the commit a reference resolves to.
 * Refused on a protected branch (403 `protected branch`) and on a read-only repository unless forced; a
 * branch with uncommitted changes is 400 `<branch>: uncommitted changes (dirty branch)` unless forced, and
 * forcing discards them. The branch keeps no staged objects afterwards.
 */
import { arn } from '../arn.js';
import { authorize } from '../authorize.js';
import { lakefsErrors, messages } from '../errors.js';
import { empty } from '../reply.js';
import { checkRef, isDirty, requireBranch, requireRepository, resolveRef } from './refs.js';
import type { RepoHandler } from './state.js';

export const hardResetBranch: RepoHandler = (ctx) => {
  const repoName = String(ctx.request.params.repository);
  const branchName = String(ctx.request.params.branch);
  const ref = String(ctx.request.query.ref ?? '');
  const force = ctx.request.query.force === true;
  authorize(ctx, 'fs:RevertBranch', arn.branch(repoName, branchName));
  const repo = requireRepository(ctx.state.repos, repoName);
  const branch = requireBranch(repo, branchName);
  checkRef(ref);
  const target = resolveRef(repo, ref);
  if (!target) throw lakefsErrors.notFound();
  if (branch.protected) throw lakefsErrors.forbidden('protected branch');
  if (repo.readOnly && !force) throw lakefsErrors.forbidden(messages.readOnlyRepository);
  if (isDirty(branch) && !force) throw lakefsErrors.badRequest(`${branch.id}: uncommitted changes (dirty branch)`);
  branch.commitId = target.commit.id;
  branch.staged = {};
  return empty(ctx, 204);
};

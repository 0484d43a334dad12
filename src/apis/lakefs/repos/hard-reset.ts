/**
 * hardResetBranch (graveler ResetHard): point the branch at the commit a reference resolves to. Refused on a
 * protected branch (403 `protected branch`) and on a read-only repository unless forced. Uncommitted changes do
 * not stop it and are kept, forced or not: the real lakeFS 1.80.0 answers 204 and the staged objects stay
 * (recorded in test/fidelity; the notes' §8.12, a 400 `dirty branch` that forcing discards, is wrong).
 */
import { arn } from '../arn.js';
import { authorize } from '../authorize.js';
import { lakefsErrors, messages } from '../errors.js';
import { empty } from '../reply.js';
import { checkRef, requireBranch, requireRepository, resolveRef } from './refs.js';
import type { RepoHandler } from './state.js';
import { isProtected } from './settings.js';

export const hardResetBranch: RepoHandler = (ctx) => {
  const repoName = String(ctx.request.params.repository);
  const branchName = String(ctx.request.params.branch);
  const ref = String(ctx.request.query.ref ?? '');
  const force = ctx.request.query.force === true;
  authorize(ctx, 'fs:RevertBranch', arn.branch(repoName, branchName));
  const repo = requireRepository(ctx, repoName);
  const branch = requireBranch(repo, branchName);
  checkRef(ref);
  const target = resolveRef(repo, ref);
  if (!target) throw lakefsErrors.notFound(`hard-reset ${branchName} to ${ref}: not found`);
  if (isProtected(repo, branch, ctx.now)) throw lakefsErrors.forbidden('protected branch');
  if (repo.readOnly && !force) throw lakefsErrors.forbidden(messages.readOnlyRepository);
  branch.commitId = target.commit.id;
  return empty(ctx, 204);
};

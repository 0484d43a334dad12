/**
 * resetBranch (PUT /repositories/{repository}/branches/{branch}, controller.go ResetBranch): discards
 * uncommitted changes — all of them (`reset`), one path (`object`) or everything under a prefix
 * (`common_prefix`). The branch keeps its commit; this is what the high-level Python client's
 * `Branch.reset_changes` calls (hardResetBranch, which moves the branch, is hard-reset.ts).
 */
import { arn } from '../arn.js';
import { authorize } from '../authorize.js';
import { lakefsErrors, messages } from '../errors.js';
import { empty } from '../reply.js';
import { remove } from '../table.js';
import { requireBranch, requireRepository } from './refs.js';
import type { RepoHandler } from './state.js';
import { isProtected } from './settings.js';

interface ResetCreation {
  type: 'object' | 'common_prefix' | 'reset';
  path?: string;
  force?: boolean;
}

export const resetBranch: RepoHandler = (ctx) => {
  const repoName = String(ctx.request.params.repository);
  const branchName = String(ctx.request.params.branch);
  const body = ctx.request.body as ResetCreation;
  authorize(ctx, 'fs:RevertBranch', arn.branch(repoName, branchName));
  const repo = requireRepository(ctx, repoName);
  const branch = requireBranch(repo, branchName);
  if (isProtected(repo, branch, ctx.now)) throw lakefsErrors.forbidden(messages.protectedBranchWrite);
  if (repo.readOnly && body.force !== true) throw lakefsErrors.forbidden(messages.readOnlyRepository);
  const path = body.path ?? '';
  switch (body.type) {
    case 'reset':
      branch.staged = {};
      break;
    case 'object':
      remove(branch.staged, path);
      break;
    case 'common_prefix':
      for (const staged of Object.keys(branch.staged)) if (staged.startsWith(path)) remove(branch.staged, staged);
      break;
    default:
      throw lakefsErrors.badRequest('unknown reset type');
  }
  return empty(ctx, 204);
};

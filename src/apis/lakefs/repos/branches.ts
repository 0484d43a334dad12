/**
 * Branches: create from any reference (the answer is the commit id as text, as lakeFS writes it), read, list
 * (hidden branches only on request), delete (never the default branch; a protected one is deleted: branch protection
 * blocks staging writes and commits only, and the real lakeFS 1.80.0 answers 204, recorded in test/fidelity).
 */
import { conflict } from '../../../engine/errors.js';
import type { Reply } from '../../../engine/types.js';
import { arn } from '../arn.js';
import { authorize } from '../authorize.js';
import { lakefsErrors, messages } from '../errors.js';
import { empty, json } from '../reply.js';
import { has, put, remove } from '../table.js';
import { pageQuery, pageTable } from './paging.js';
import { checkNewBranchName, checkRef, checkRepositoryName, requireBranch, requireRepository, resolveRef } from './refs.js';
import type { RepoHandler } from './state.js';

interface BranchCreation {
  name: string;
  source: string;
  force?: boolean;
  hidden?: boolean;
}

export const listBranches: RepoHandler = (ctx) => {
  const name = String(ctx.request.params.repository);
  authorize(ctx, 'fs:ListBranches', arn.repository(name));
  const repo = requireRepository(ctx, name);
  const showHidden = ctx.request.query.show_hidden === true;
  const { results, pagination } = pageTable(repo.branches, pageQuery(ctx.request.query), showHidden ? undefined : (b) => !b.hidden);
  return json(ctx, 200, { pagination, results: results.map((b) => ({ id: b.id, commit_id: b.commitId })) });
};

export const createBranch: RepoHandler = (ctx) => {
  const repoName = String(ctx.request.params.repository);
  const body = ctx.request.body as BranchCreation;
  authorize(ctx, 'fs:CreateBranch', arn.branch(repoName, body.name));
  // catalog.CreateBranch checks the names before it looks the repository up.
  checkRepositoryName(repoName);
  checkNewBranchName(body.name);
  checkRef(body.source);
  const repo = requireRepository(ctx, repoName);
  if (repo.readOnly && body.force !== true) throw lakefsErrors.forbidden(messages.readOnlyRepository);
  if (has(repo.branches, body.name)) throw conflict('branch already exists: not unique');
  const source = resolveRef(repo, body.source);
  if (!source) throw lakefsErrors.notFound(`source reference '${body.source}': not found`);
  put(repo.branches, body.name, { id: body.name, commitId: source.commit.id, staged: {}, protected: false, hidden: body.hidden === true });
  // lakeFS writes the bare commit id (no JSON quotes) as text/plain (recorded from the real 1.80.0; its document
  // says text/html, which our spec declares too).
  const reply: Reply = { status: 201, body: source.commit.id, contentType: 'text/plain; charset=utf-8', headers: { 'X-Request-ID': ctx.requestId } };
  return reply;
};

export const getBranch: RepoHandler = (ctx) => {
  const repoName = String(ctx.request.params.repository);
  const branchName = String(ctx.request.params.branch);
  authorize(ctx, 'fs:ReadBranch', arn.branch(repoName, branchName));
  const branch = requireBranch(requireRepository(ctx, repoName), branchName);
  return json(ctx, 200, { id: branch.id, commit_id: branch.commitId });
};

export const deleteBranch: RepoHandler = (ctx) => {
  const repoName = String(ctx.request.params.repository);
  const branchName = String(ctx.request.params.branch);
  authorize(ctx, 'fs:DeleteBranch', arn.branch(repoName, branchName));
  const repo = requireRepository(ctx, repoName);
  const branch = requireBranch(repo, branchName);
  if (repo.readOnly && ctx.request.query.force !== true) throw lakefsErrors.forbidden(messages.readOnlyRepository);
  if (branch.id === repo.defaultBranch) throw lakefsErrors.forbidden('cannot delete repository default branch');
  // Uploads started on the branch stay open, as they would in the object store; completing one finds no branch.
  remove(repo.branches, branch.id);
  return empty(ctx, 204);
};

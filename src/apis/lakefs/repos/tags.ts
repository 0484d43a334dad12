/**
 * Tags (controller.go ListTags, CreateTag, GetTag, DeleteTag): names for commits. A tag is created from any
 * reference and points at the commit it resolves to; it cannot take a branch's name, nor be created twice.
 * Tag names follow graveler's ValidateTagID (git's check-ref-format, with `~` allowed).
 */
import { conflict } from '../../../engine/errors.js';
import { arn } from '../arn.js';
import { authorize } from '../authorize.js';
import { lakefsErrors, messages } from '../errors.js';
import { empty, json } from '../reply.js';
import { has, lookup, put, remove } from '../table.js';
import { pageQuery, pageTable } from './paging.js';
import { checkRef, requireRepository, resolveRef } from './refs.js';
import type { RepoHandler } from './state.js';

const TAG_NOT_FOUND = 'tag not found';

function validTagId(id: string): boolean {
  if (id === '@' || id.endsWith('.') || id.endsWith('.lock')) return false;
  if (id.includes('..') || id.includes('/') || id.includes('@{')) return false;
  // eslint-disable-next-line no-control-regex
  return !/[\^:?*[\\\s\u0000-\u001f\u007f]/.test(id);
}

function checkTagId(id: string): void {
  if (id === '') throw lakefsErrors.badRequest('argument tagID: required value: validation error');
  if (!validTagId(id)) throw lakefsErrors.badRequest('argument tagID: tag id: invalid value: validation error');
}

export const listTags: RepoHandler = (ctx) => {
  const repoName = String(ctx.request.params.repository);
  authorize(ctx, 'fs:ListTags', arn.repository(repoName));
  const repo = requireRepository(ctx, repoName);
  const { results, keys, pagination } = pageTable(repo.tags, pageQuery(ctx.request.query));
  return json(ctx, 200, { pagination, results: results.map((commitId, i) => ({ id: keys[i], commit_id: commitId })) });
};

export const createTag: RepoHandler = (ctx) => {
  const repoName = String(ctx.request.params.repository);
  const body = ctx.request.body as { id: string; ref: string; force?: boolean };
  authorize(ctx, 'fs:CreateTag', arn.tag(repoName, body.id));
  const repo = requireRepository(ctx, repoName);
  checkTagId(body.id);
  checkRef(body.ref);
  if (repo.readOnly && body.force !== true) throw lakefsErrors.forbidden(messages.readOnlyRepository);
  if (has(repo.branches, body.id)) throw conflict(`branch name ${body.id}: conflict found`);
  const target = resolveRef(repo, body.ref);
  if (!target) throw lakefsErrors.notFound();
  if (has(repo.tags, body.id)) throw conflict('tag already exists: not unique');
  put(repo.tags, body.id, target.commit.id);
  return json(ctx, 201, { commit_id: target.commit.id, id: body.id });
};

export const getTag: RepoHandler = (ctx) => {
  const repoName = String(ctx.request.params.repository);
  const tag = String(ctx.request.params.tag);
  authorize(ctx, 'fs:ReadTag', arn.tag(repoName, tag));
  const repo = requireRepository(ctx, repoName);
  checkTagId(tag);
  const commitId = lookup(repo.tags, tag);
  if (commitId === undefined) throw lakefsErrors.notFound(TAG_NOT_FOUND);
  return json(ctx, 200, { commit_id: commitId, id: tag });
};

export const deleteTag: RepoHandler = (ctx) => {
  const repoName = String(ctx.request.params.repository);
  const tag = String(ctx.request.params.tag);
  authorize(ctx, 'fs:DeleteTag', arn.tag(repoName, tag));
  const repo = requireRepository(ctx, repoName);
  checkTagId(tag);
  if (repo.readOnly && ctx.request.query.force !== true) throw lakefsErrors.forbidden(messages.readOnlyRepository);
  if (!remove(repo.tags, tag)) throw lakefsErrors.notFound(TAG_NOT_FOUND);
  return empty(ctx, 204);
};


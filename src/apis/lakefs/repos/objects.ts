/**
 * Object metadata at a reference: stat one path, or list a prefix (with an optional delimiter that folds
 * deeper paths into common prefixes). At a branch, staged objects show over the committed tree. `presign`
 * is accepted and ignored: the stored physical addresses are answered.
 */
import { arn } from '../arn.js';
import { authorize } from '../authorize.js';
import { lakefsErrors } from '../errors.js';
import { json } from '../reply.js';
import { page, pageQuery } from './paging.js';
import { toCommonPrefix, toObjectStats } from './present.js';
import { checkRef, requireRepository, resolveRef, visibleObject, visibleObjects, type Resolved } from './refs.js';
import type { RepoHandler, RepositoryRecord } from './state.js';

function resolveOrFail(repo: RepositoryRecord, ref: string): Resolved {
  checkRef(ref);
  const resolved = resolveRef(repo, ref);
  if (!resolved) throw lakefsErrors.notFound();
  return resolved;
}

export const statObject: RepoHandler = (ctx) => {
  const repoName = String(ctx.request.params.repository);
  const path = String(ctx.request.query.path ?? '');
  authorize(ctx, 'fs:ReadObject', arn.object(repoName, path));
  const repo = requireRepository(ctx.state.repos, repoName);
  const resolved = resolveOrFail(repo, String(ctx.request.params.ref));
  if (path === '') throw lakefsErrors.badRequest('argument path: missing path: required value: validation error');
  const object = visibleObject(resolved, path);
  if (!object) throw lakefsErrors.notFound();
  return json(ctx, 200, toObjectStats(repo, object, ctx.request.query.user_metadata !== false));
};

type Entry = { key: string; stats: Record<string, unknown> };

export const listObjects: RepoHandler = (ctx) => {
  const repoName = String(ctx.request.params.repository);
  authorize(ctx, 'fs:ListObjects', arn.repository(repoName));
  const repo = requireRepository(ctx.state.repos, repoName);
  const resolved = resolveOrFail(repo, String(ctx.request.params.ref));
  const query = pageQuery(ctx.request.query);
  const prefix = query.prefix ?? '';
  const delimiter = typeof ctx.request.query.delimiter === 'string' ? ctx.request.query.delimiter : '';
  const withMetadata = ctx.request.query.user_metadata !== false;

  const entries = new Map<string, Entry>();
  for (const object of visibleObjects(resolved)) {
    if (!object.path.startsWith(prefix)) continue;
    const at = delimiter === '' ? -1 : object.path.indexOf(delimiter, prefix.length);
    if (at >= 0) {
      const common = object.path.slice(0, at + delimiter.length);
      entries.set(common, { key: common, stats: toCommonPrefix(common) });
    } else {
      entries.set(object.path, { key: object.path, stats: toObjectStats(repo, object, withMetadata, 'list') });
    }
  }
  const { results, pagination } = page(entries.values(), (e) => e.key, query);
  return json(ctx, 200, { pagination, results: results.map((e) => e.stats) });
};

/**
 * Object metadata at a reference: stat one path, or list a prefix (with an optional delimiter that folds
 * deeper paths into common prefixes). At a branch, staged objects show over the committed tree. `presign`
 * is accepted and ignored: the stored physical addresses are answered.
 */
import { arn } from '../arn.js';
import { authorize } from '../authorize.js';
import { lakefsErrors } from '../errors.js';
import { json } from '../reply.js';
import { compareBytewise } from '../pagination.js';
import { scan } from '../table.js';
import { pageOrdered, pageQuery } from './paging.js';
import { toCommonPrefix, toObjectStats } from './present.js';
import { checkRef, requireRepository, resolveRef, visibleObject, type Resolved } from './refs.js';
import type { ObjectRecord, RepoHandler, RepositoryRecord } from './state.js';

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
  const repo = requireRepository(ctx, repoName);
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
  const repo = requireRepository(ctx, repoName);
  const resolved = resolveOrFail(repo, String(ctx.request.params.ref));
  const query = pageQuery(ctx.request.query);
  const prefix = query.prefix ?? '';
  const delimiter = typeof ctx.request.query.delimiter === 'string' ? ctx.request.query.delimiter : '';
  const withMetadata = ctx.request.query.user_metadata !== false;

  const after = query.after ?? '';
  // Objects in path order from the first one past `after` (one before it can only give an entry up to its own
  // path), folded by the delimiter: a common prefix is a prefix of its objects' paths, so entries come in order,
  // each common prefix once, and the page reads only what it answers (plus the objects folded into its prefixes).
  function* entries(): Generator<[string, Entry]> {
    let last: string | undefined;
    for (const object of visibleInOrder(resolved, prefix, after)) {
      const at = delimiter === '' ? -1 : object.path.indexOf(delimiter, prefix.length);
      const key = at >= 0 ? object.path.slice(0, at + delimiter.length) : object.path;
      if (key === last || (after !== '' && compareBytewise(key, after) <= 0)) continue;
      last = key;
      yield [key, { key, stats: at >= 0 ? toCommonPrefix(key) : toObjectStats(repo, object, withMetadata, 'list') }];
    }
  }
  const { results, pagination } = pageOrdered(entries(), query);
  return json(ctx, 200, { pagination, results: results.map((e) => e.stats) });
};

/**
 * The objects visible at a reference, in path order within a range: the commit's tree and, at a branch, its staged
 * objects merged over it (a staged object replaces the committed one; a staged deletion hides it), from the two
 * tables' ordered indexes.
 */
function* visibleInOrder(resolved: Resolved, prefix: string, after: string): Generator<ObjectRecord> {
  const range = { prefix, after };
  const committed = scan(resolved.commit.objects, range);
  if (!resolved.branch) {
    for (const [, object] of committed) yield object;
    return;
  }
  const staged = scan(resolved.branch.staged, range);
  let c = committed.next();
  let s = staged.next();
  while (!c.done || !s.done) {
    const order = c.done ? 1 : s.done ? -1 : compareBytewise(c.value[0], s.value[0]);
    if (order < 0) {
      yield c.value![1];
      c = committed.next();
      continue;
    }
    if (!s.value![1].tombstone) yield s.value![1];
    if (order === 0) c = committed.next();
    s = staged.next();
  }
}

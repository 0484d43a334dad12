/**
 * Diffs (controller.go DiffBranch, DiffRefs): the uncommitted changes of a branch, and the changes between two
 * references — three-dot by default (from their merge base to the right one, what a merge would bring), or
 * two-dot (left to right directly). A plain branch name stands for its last commit here; only diffBranch sees
 * staged changes. With a delimiter, changes below the next delimiter fold into one `prefix_changed` entry per
 * common prefix. Pages are keyed by path, like object listings.
 */
import { arn } from '../arn.js';
import { authorize } from '../authorize.js';
import { lakefsErrors } from '../errors.js';
import { json } from '../reply.js';
import { lookup, rows, type Table } from '../table.js';
import { page, pageQuery } from './paging.js';
import { checkRef, requireBranch, requireRepository, resolveRef } from './refs.js';
import type { CommitRecord, ObjectRecord, RepoHandler, RepositoryRecord } from './state.js';

type ChangeType = 'added' | 'removed' | 'changed' | 'prefix_changed';

interface Change {
  path: string;
  type: ChangeType;
  /** The object on the right side (absent for a removal). */
  right?: ObjectRecord;
  /** size_bytes as lakeFS reports it: the right side's, the left side's for a removal. */
  size: number;
}

/** What changed from one tree to another, by path. */
function compareTrees(left: Table<ObjectRecord>, right: Table<ObjectRecord>): Change[] {
  const changes: Change[] = [];
  for (const r of rows(right)) {
    const l = lookup(left, r.path);
    if (!l) changes.push({ path: r.path, type: 'added', right: r, size: r.sizeBytes });
    else if (!sameEntry(l, r)) changes.push({ path: r.path, type: 'changed', right: r, size: r.sizeBytes });
  }
  for (const l of rows(left)) if (!lookup(right, l.path)) changes.push({ path: l.path, type: 'removed', size: l.sizeBytes });
  return changes;
}

const sameEntry = (a: ObjectRecord, b: ObjectRecord) =>
  a.checksum === b.checksum && a.physicalAddress === b.physicalAddress && JSON.stringify(a.metadata) === JSON.stringify(b.metadata);

/** One page of changes, folded at the delimiter, under the prefix, after the `after` path. */
function diffPage(ctx: Parameters<RepoHandler>[0], changes: Change[]): Record<string, unknown> {
  const query = pageQuery(ctx.request.query);
  const prefix = query.prefix ?? '';
  const delimiter = typeof ctx.request.query.delimiter === 'string' ? ctx.request.query.delimiter : '';
  const withRightStats = ctx.request.query.include_right_stats === true;
  const entries = new Map<string, Record<string, unknown>>();
  for (const change of changes) {
    if (!change.path.startsWith(prefix)) continue;
    const at = delimiter === '' ? -1 : change.path.indexOf(delimiter, prefix.length);
    if (at >= 0) {
      const common = change.path.slice(0, at + delimiter.length);
      entries.set(common, { path: common, path_type: 'common_prefix', type: 'prefix_changed' });
      continue;
    }
    entries.set(change.path, {
      path: change.path,
      path_type: 'object',
      size_bytes: change.size,
      type: change.type,
      ...(withRightStats && change.right && { right: rightStats(change.right) }),
    });
  }
  const { results, pagination } = page(entries.values(), (e) => String(e.path), query);
  return { pagination, results };
}

function rightStats(object: ObjectRecord): Record<string, unknown> {
  return { checksum: object.checksum, content_type: object.contentType, metadata: object.metadata, mtime: object.mtime };
}

export const diffBranch: RepoHandler = (ctx) => {
  const repoName = String(ctx.request.params.repository);
  authorize(ctx, 'fs:ListObjects', arn.repository(repoName));
  const repo = requireRepository(ctx, repoName);
  const branch = requireBranch(repo, String(ctx.request.params.branch));
  const committed = lookup(repo.commits, branch.commitId)?.objects ?? {};
  const changes: Change[] = [];
  for (const staged of rows(branch.staged)) {
    const base = lookup(committed, staged.path);
    // A removal of a staged-only object leaves nothing to report; lakeFS reports a tombstone's size as 0.
    if (staged.tombstone) {
      if (base) changes.push({ path: staged.path, type: 'removed', size: 0 });
    } else {
      changes.push({ path: staged.path, type: base ? 'changed' : 'added', right: staged, size: staged.sizeBytes });
    }
  }
  return json(ctx, 200, diffPage(ctx, changes));
};

export const diffRefs: RepoHandler = (ctx) => {
  const repoName = String(ctx.request.params.repository);
  authorize(ctx, 'fs:ListObjects', arn.repository(repoName));
  const repo = requireRepository(ctx, repoName);
  const leftRef = String(ctx.request.params.leftRef);
  const rightRef = String(ctx.request.params.rightRef);
  checkRef(leftRef, 'left');
  checkRef(rightRef, 'right');
  const left = resolveRef(repo, leftRef)?.commit;
  if (!left) throw lakefsErrors.notFound(`get commit by branch ${leftRef}: not found`);
  const right = resolveRef(repo, rightRef)?.commit;
  if (!right) throw lakefsErrors.notFound(`get commit by ref ${rightRef}: not found`);
  const from = ctx.request.query.type === 'two_dot' ? left : (mergeBase(repo, left, right) ?? left);
  return json(ctx, 200, diffPage(ctx, compareTrees(from.objects, right.objects)));
};

/** The nearest common ancestor of two commits (fewest steps from the right one), or undefined. */
export function mergeBase(repo: RepositoryRecord, left: CommitRecord, right: CommitRecord): CommitRecord | undefined {
  const ancestorsOfLeft = new Set<string>();
  const stack = [left.id];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (ancestorsOfLeft.has(id)) continue;
    ancestorsOfLeft.add(id);
    stack.push(...(lookup(repo.commits, id)?.parents ?? []));
  }
  const queue = [right.id];
  const seen = new Set<string>();
  while (queue.length > 0) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    if (ancestorsOfLeft.has(id)) return lookup(repo.commits, id);
    queue.push(...(lookup(repo.commits, id)?.parents ?? []));
  }
  return undefined;
}

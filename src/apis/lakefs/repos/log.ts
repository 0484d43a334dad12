/**
 * The commit log of a reference (controller.go LogCommits): the commit and its ancestors, newest generation
 * first, paged by commit id (`after` is the last id of the previous page). `first_parent` follows first
 * parents only; `objects` / `prefixes` keep the commits that changed those paths; `since` drops older commits
 * and `stop_at` ends the log at a commit (included).
 */
import { arn } from '../arn.js';
import { authorize } from '../authorize.js';
import { lakefsErrors } from '../errors.js';
import { DEFAULT_AMOUNT, MAX_AMOUNT } from '../pagination.js';
import { json } from '../reply.js';
import { lookup } from '../table.js';
import { toCommit } from './present.js';
import { checkRef, requireRepository, resolveRef } from './refs.js';
import type { CommitRecord, RepoHandler, RepositoryRecord } from './state.js';

function ancestry(repo: RepositoryRecord, head: CommitRecord, firstParent: boolean): CommitRecord[] {
  const found = new Map<string, CommitRecord>();
  const stack = [head];
  while (stack.length > 0) {
    const commit = stack.pop()!;
    if (found.has(commit.id)) continue;
    found.set(commit.id, commit);
    const parents = firstParent ? commit.parents.slice(0, 1) : commit.parents;
    for (const id of parents) {
      const parent = lookup(repo.commits, id);
      if (parent) stack.push(parent);
    }
  }
  return [...found.values()].sort((a, b) => b.generation - a.generation || b.creationDate - a.creationDate || (a.id < b.id ? -1 : 1));
}

const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : []);

/** Whether a commit changed any of the paths or prefixes, against its first parent. */
function touches(repo: RepositoryRecord, commit: CommitRecord, objects: string[], prefixes: string[]): boolean {
  const parent = lookup(repo.commits, commit.parents[0] ?? '')?.objects ?? {};
  const differs = (path: string) => JSON.stringify(lookup(parent, path) ?? null) !== JSON.stringify(lookup(commit.objects, path) ?? null);
  if (objects.some(differs)) return true;
  if (prefixes.length === 0) return false;
  const paths = new Set([...Object.keys(parent), ...Object.keys(commit.objects)]);
  return [...paths].some((p) => prefixes.some((prefix) => p.startsWith(prefix)) && differs(p));
}

export const logCommits: RepoHandler = (ctx) => {
  const repoName = String(ctx.request.params.repository);
  const ref = String(ctx.request.params.ref);
  const query = ctx.request.query;
  authorize(ctx, 'fs:ReadBranch', arn.branch(repoName, ref));
  const repo = requireRepository(ctx, repoName);
  checkRef(ref);
  const head = resolveRef(repo, ref)?.commit;
  if (!head) throw lakefsErrors.notFound('ref: not found');

  let commits = ancestry(repo, head, query.first_parent === true);
  const stopAt = typeof query.stop_at === 'string' && query.stop_at !== '' ? resolveRef(repo, query.stop_at)?.commit.id : undefined;
  if (stopAt) {
    const at = commits.findIndex((c) => c.id === stopAt);
    if (at >= 0) commits = commits.slice(0, at + 1);
  }
  if (typeof query.since === 'string') {
    const since = Math.floor(Date.parse(query.since) / 1000);
    if (!Number.isNaN(since)) commits = commits.filter((c) => c.creationDate >= since);
  }
  const objects = list(query.objects);
  const prefixes = list(query.prefixes);
  if (objects.length > 0 || prefixes.length > 0) commits = commits.filter((c) => touches(repo, c, objects, prefixes));
  if (typeof query.after === 'string' && query.after !== '') {
    const at = commits.findIndex((c) => c.id === query.after);
    commits = at >= 0 ? commits.slice(at + 1) : [];
  }
  const amount = typeof query.amount === 'number' && query.amount > 0 ? Math.min(query.amount, MAX_AMOUNT) : DEFAULT_AMOUNT;
  const results = commits.slice(0, amount);
  const hasMore = commits.length > amount;
  return json(ctx, 200, {
    pagination: { has_more: hasMore, max_per_page: MAX_AMOUNT, next_offset: hasMore ? results[results.length - 1]!.id : '', results: results.length },
    results: results.map(toCommit),
  });
};

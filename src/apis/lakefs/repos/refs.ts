/**
 * Finding things in a repository the way graveler does: repositories and branches by name (with lakeFS's
 * 404 texts), references resolved to commits, the tree visible at a reference, and content-addressed ids.
 *
 * A reference is a branch, a tag, a full commit id or an unambiguous prefix of one (at least 6 hex digits),
 * optionally followed by `@` (a branch's committed state, without its staged changes) and by `~N` / `^N`
 * steps to ancestors (first parent, as git).
 */
import { trimTrailingSlashes } from '../../../engine/text.js';
import { createHash } from 'node:crypto';
import { lakefsErrors, messages } from '../errors.js';
import { lookup, rows, type Table } from '../table.js';
import type { BranchRecord, CommitRecord, ObjectRecord, RepositoryRecord } from './state.js';
import { cachedRepository } from '../caches.js';
import type { LakefsState } from '../state.js';

/** lakeFS's name rules (pkg/validator): repositories, and branches (also tags). */
export const REPOSITORY_NAME = /^[a-z0-9][a-z0-9-]{2,62}$/;
export const BRANCH_NAME = /^\w[-\w]*$/;

const invalid = (argument: string, what: string) =>
  lakefsErrors.badRequest(`argument ${argument}: ${what}: invalid value: validation error`);
const required = (argument: string) => lakefsErrors.badRequest(`argument ${argument}: required value: validation error`);

/** graveler validates names before it looks anything up: an impossible name is 400, not 404. */
export function checkRepositoryName(name: string): void {
  if (!REPOSITORY_NAME.test(name)) throw invalid('repository', 'repository id');
}

export function checkBranchName(name: string, argument = 'branch'): void {
  if (name === '') throw required(argument);
  if (!BRANCH_NAME.test(name)) throw invalid(argument, 'branch id');
}

/**
 * createBranch's own check (catalog.CreateBranch): an empty name fails with 500, the status lakeFS gives an error
 * it did not map, and an impossible one says what a name may hold (both recorded from the real 1.80.0).
 */
export function checkNewBranchName(name: string): void {
  if (name === '') throw lakefsErrors.failedRequest('argument branch: required value: validation error');
  if (!BRANCH_NAME.test(name)) {
    throw lakefsErrors.badRequest(
      'argument branch: branch id: invalid value: validation error: branch id must consist of letters, digits, underscores and dashes, and cannot start with a dash',
    );
  }
}

export function checkRef(ref: string, argument = 'ref'): void {
  if (ref === '') throw required(argument);
  if (/\s/.test(ref)) throw invalid(argument, 'ref');
}

/**
 * The repository `name`, as lakeFS's GetRepository reads it: through the repository cache, which may still hold
 * one just deleted (caches.ts; only with the `caches` option). `{ cached: false }` reads the store itself, as
 * lakeFS's deletion and metadata reads do.
 */
export function requireRepository(
  ctx: { state: LakefsState; now: Date },
  name: string,
  { cached = true }: { cached?: boolean } = {},
): RepositoryRecord {
  checkRepositoryName(name);
  const repo = lookup(ctx.state.repos.repositories, name) ?? (cached ? cachedRepository(ctx.state, name, ctx.now) : undefined);
  if (!repo) throw lakefsErrors.notFound(messages.repositoryNotFound);
  return repo;
}

export function requireBranch(repo: RepositoryRecord, name: string): BranchRecord {
  checkBranchName(name);
  const branch = lookup(repo.branches, name);
  if (!branch) throw lakefsErrors.notFound(messages.branchNotFound);
  return branch;
}

export interface Resolved {
  commit: CommitRecord;
  /** Set when the reference names a branch as is: its staged objects are part of what it shows. */
  branch?: BranchRecord;
}

/**
 * `main~2^` → base `main`, steps `~2^`: the longest tail made of `~N` / `^N` steps, found in one pass from the
 * right (the lazy regex `^(.*?)((?:[~^]\d*)*)$` it replaces was quadratic on a run of `^`).
 */
function splitAncestry(ref: string): { base: string; steps: string } {
  let start = ref.length;
  let i = ref.length;
  while (i > 0) {
    let j = i;
    while (j > 0 && isDigit(ref.charCodeAt(j - 1))) j--;
    if (j === 0 || (ref[j - 1] !== '~' && ref[j - 1] !== '^')) break;
    start = i = j - 1;
  }
  return { base: ref.slice(0, start), steps: ref.slice(start) };
}

const isDigit = (code: number) => code >= 48 && code <= 57;

/** The commit a reference points at, or undefined when nothing matches. */
export function resolveRef(repo: RepositoryRecord, ref: string): Resolved | undefined {
  const split = splitAncestry(ref);
  let base = split.base;
  const steps = split.steps;
  const committedOnly = base.endsWith('@');
  if (committedOnly) base = base.slice(0, -1);
  if (base === '') return undefined;

  let branch = lookup(repo.branches, base);
  let commit: CommitRecord | undefined;
  if (branch) commit = lookup(repo.commits, branch.commitId);
  else {
    const tagged = lookup(repo.tags, base);
    commit = tagged !== undefined ? lookup(repo.commits, tagged) : commitById(repo.commits, base);
  }
  if (!commit) return undefined;

  for (const [, op, digits] of steps.matchAll(/([~^])(\d*)/g)) {
    const n = digits === '' ? 1 : Number(digits);
    if (op === '^') {
      // ^0 is the commit itself; ^N its N-th parent.
      if (n === 0) continue;
      commit = lookup(repo.commits, commit.parents[n - 1] ?? '');
    } else {
      for (let i = 0; i < n && commit; i++) commit = lookup(repo.commits, commit.parents[0] ?? '');
    }
    if (!commit) return undefined;
  }
  if (steps !== '' || committedOnly) branch = undefined;
  return branch ? { commit, branch } : { commit };
}

/** A full id, or a prefix of at least 6 hex digits that only one commit starts with. */
function commitById(commits: Table<CommitRecord>, id: string): CommitRecord | undefined {
  const exact = lookup(commits, id);
  if (exact) return exact;
  if (!/^[0-9a-f]{6,63}$/.test(id)) return undefined;
  const candidates = rows(commits).filter((c) => c.id.startsWith(id));
  return candidates.length === 1 ? candidates[0] : undefined;
}

/** The objects visible at a resolved reference: the commit's tree, with a branch's staged objects over it. */
export function visibleObject(resolved: Resolved, path: string): ObjectRecord | undefined {
  if (resolved.branch) {
    const staged = lookup(resolved.branch.staged, path);
    if (staged) return staged.tombstone ? undefined : staged;
  }
  return lookup(resolved.commit.objects, path);
}

export function visibleObjects(resolved: Resolved): ObjectRecord[] {
  if (!resolved.branch) return rows(resolved.commit.objects);
  const byPath = new Map(rows(resolved.commit.objects).map((o) => [o.path, o]));
  for (const o of rows(resolved.branch.staged)) {
    if (o.tombstone) byPath.delete(o.path);
    else byPath.set(o.path, o);
  }
  return [...byPath.values()];
}

export function isDirty(branch: BranchRecord): boolean {
  return Object.keys(branch.staged).length > 0;
}

/** 64 hex digits, as lakeFS's content addresses (SHA-256 of the content). */
export function contentAddress(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex');
}

/** The metarange of a tree: '' for an empty one (as lakeFS's first commit), else a hash of its entries. */
export function metaRangeOf(objects: Table<ObjectRecord>): string {
  const entries = rows(objects)
    .map((o) => [o.path, o.checksum, o.physicalAddress] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return entries.length === 0 ? '' : contentAddress(entries);
}

/** A commit's id from its content (graveler's ContentAddress), so equal content gives equal ids. */
export function commitId(commit: Omit<CommitRecord, 'id' | 'objects' | 'generation'>): string {
  return contentAddress([commit.parents, commit.committer, commit.message, commit.creationDate, commit.metaRangeId, commit.metadata]);
}

/** A repository's storage namespace joined with a relative address. */
export function qualify(storageNamespace: string, address: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(address)) return address;
  return `${trimTrailingSlashes(storageNamespace)}/${address}`;
}

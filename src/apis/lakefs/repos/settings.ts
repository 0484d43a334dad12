/**
 * A repository's settings (controller.go GetBranchProtectionRules, SetBranchProtectionRules, GetGCRules, SetGCRules,
 * DeleteGCRules, GetRepositoryMetadata).
 *
 * Branch protection: the rules are a set of patterns (lakeFS keeps them as a map, so a pattern given twice is one
 * rule, and the GET lists them in no particular order: here, sorted). A branch whose name matches one refuses
 * staging writes and commits (403; graveler's blocked actions STAGING_WRITE and COMMIT), and the handlers that
 * move or remove a branch refuse it too. The rules carry an ETag, a checksum of what is stored: `""` when nothing
 * was ever stored, or when the stored rules are empty (lakeFS checksums the serialised rules, and empty ones
 * serialise to nothing). A PUT with If-Match updates only if it still holds (412 `Precondition failed` otherwise);
 * an empty If-Match is no condition (the real 1.80.0 takes it twice in a row: its router reads an empty header as
 * none). Patterns are lakeFS's globs (gobwas/glob): `*` and `?` are
 * matched here; character classes and braces are taken literally.
 *
 * The real server caches settings for a second or two, so a write right after the rules change may still see the
 * old ones (test/fidelity/README.md); the mock applies them at once.
 */
import { createHash } from 'node:crypto';
import { compileGlob, GlobError } from '../../../engine/glob.js';
import { arn } from '../arn.js';
import { authorize } from '../authorize.js';
import { lakefsErrors } from '../errors.js';
import { empty, json } from '../reply.js';
import { requireRepository } from './refs.js';
import { cacheProtectionRules, rulesInForce } from '../caches.js';
import type { BranchRecord, RepoHandler, RepositoryRecord } from './state.js';

/**
 * Whether a branch protection rule in force at `now` covers the branch (state saved before the rules existed: its
 * own flag). With the settings cache on, rules just changed are in force only once it expires (caches.ts).
 */
export function isProtected(repo: RepositoryRecord, branch: BranchRecord, now: Date): boolean {
  const { rules } = rulesInForce(repo, now);
  if (!rules) return branch.protected;
  return rules.some((pattern) => globMatches(pattern, branch.id));
}

function globMatches(pattern: string, name: string): boolean {
  try {
    return compileGlob(pattern, { questionMark: true })(name);
  } catch (err) {
    // A pattern longer than any branch name could need matches nothing.
    if (err instanceof GlobError) return false;
    throw err;
  }
}

/** The checksum of the stored rules: "" for none stored or none at all. */
function rulesETag(rules: string[] | undefined): string {
  if (!rules || rules.length === 0) return '';
  return createHash('sha256').update(JSON.stringify(rules)).digest('hex');
}

export const getBranchProtectionRules: RepoHandler = (ctx) => {
  const name = String(ctx.request.params.repository);
  authorize(ctx, 'branches:GetBranchProtectionRules', arn.repository(name));
  const repo = requireRepository(ctx, name);
  const rules = repo.protectionRules ?? [];
  return json(ctx, 200, rules.map((pattern) => ({ pattern })), { ETag: rulesETag(repo.protectionRules) });
};

export const setBranchProtectionRules: RepoHandler = (ctx) => {
  const name = String(ctx.request.params.repository);
  authorize(ctx, 'branches:SetBranchProtectionRules', arn.repository(name));
  const repo = requireRepository(ctx, name);
  const ifMatch = ctx.request.headers['if-match'];
  if (typeof ifMatch === 'string' && ifMatch !== '') {
    // A stored checksum to match: nothing stored (or nothing in what is stored, whose checksum is "") never does.
    const etag = rulesETag(repo.protectionRules);
    if (etag === '' || etag !== ifMatch) throw lakefsErrors.preconditionFailed('Precondition failed');
  }
  const patterns = (ctx.request.body as Array<{ pattern: string }>).map((rule) => rule.pattern);
  cacheProtectionRules(repo, ctx.options.caches, ctx.now);
  repo.protectionRules = [...new Set(patterns)].sort();
  return empty(ctx, 204);
};

export const getGCRules: RepoHandler = (ctx) => {
  const name = String(ctx.request.params.repository);
  authorize(ctx, 'retention:GetGarbageCollectionRules', arn.repository(name));
  const repo = requireRepository(ctx, name);
  if (!repo.gcRules) throw lakefsErrors.notFound();
  return json(ctx, 200, repo.gcRules);
};

export const setGCRules: RepoHandler = (ctx) => {
  const name = String(ctx.request.params.repository);
  authorize(ctx, 'retention:SetGarbageCollectionRules', arn.repository(name));
  const repo = requireRepository(ctx, name);
  const body = ctx.request.body as { default_retention_days: number; branches: Array<{ branch_id: string; retention_days: number }> };
  // lakeFS decodes the days into Go ints: a number the schema calls an integer (1e29 is one to JSON Schema) but no
  // int64 holds is refused by encoding/json before the handler, so it is never stored, nor answered back in a form
  // no integer type reads. The text is encoding/json's; how lakeFS wraps it was not recorded.
  const days: Array<[string, number]> = [
    ['GarbageCollectionRules.default_retention_days', body.default_retention_days],
    ...body.branches.map((rule): [string, number] => ['GarbageCollectionRules.branches.retention_days', rule.retention_days]),
  ];
  for (const [field, value] of days) {
    if (!Number.isInteger(value) || value < -(2 ** 63) || value >= 2 ** 63) {
      throw lakefsErrors.badRequest(`json: cannot unmarshal number ${value} into Go struct field ${field} of type int`);
    }
  }
  // lakeFS keeps the branches as a map: one rule per branch, the last given (listed here in the order given).
  const branches = new Map(body.branches.map((rule) => [rule.branch_id, rule.retention_days]));
  repo.gcRules = {
    default_retention_days: body.default_retention_days,
    branches: [...branches].map(([branch_id, retention_days]) => ({ branch_id, retention_days })),
  };
  return empty(ctx, 204);
};

export const deleteGCRules: RepoHandler = (ctx) => {
  const name = String(ctx.request.params.repository);
  authorize(ctx, 'retention:SetGarbageCollectionRules', arn.repository(name));
  const repo = requireRepository(ctx, name);
  delete repo.gcRules;
  return empty(ctx, 204);
};

export const getRepositoryMetadata: RepoHandler = (ctx) => {
  const name = String(ctx.request.params.repository);
  authorize(ctx, 'fs:ReadRepository', arn.repository(name));
  // lakeFS reads the metadata from the store (GetRepositoryMetadata): a deleted repository's is 404 at once.
  const repo = requireRepository(ctx, name, { cached: false });
  return json(ctx, 200, repo.metadata ?? {});
};

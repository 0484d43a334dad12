/**
 * TileDB's 1-based `page` / `per_page` paging. A page past the end is not an error: it comes back empty
 * with the true totals, so a client can tell "no more" from "nothing at all".
 */
import type { ValidationIssue } from '../../engine/errors.js';
import { bulkLoad } from 'sorted-btree/extended/bulkLoad.js';
import type { TiledbOptions } from './state.js';

export interface PaginationMetadata { page: number; per_page: number; total_pages: number; total_items: number }

export interface PageRequest { page: number; perPage: number }

/**
 * Reads page and per_page; values below 1, not integers, or beyond 2^53 - 1 (which the server's 64-bit
 * parse would refuse, and which cannot be echoed back exactly) are issues; per_page above the maximum is lowered.
 */
export function readPageRequest(
  query: Record<string, unknown>,
  options: TiledbOptions,
): { request: PageRequest; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  const page = integerParam(query.page, 1, 'page', issues);
  const perPage = integerParam(query.per_page, options.defaultPerPage, 'per_page', issues);
  return { request: { page, perPage: Math.min(perPage, options.maxPerPage) }, issues };
}

function integerParam(raw: unknown, fallback: number, name: string, issues: ValidationIssue[]): number {
  if (raw === undefined || raw === '') return fallback;
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    issues.push({ in: 'query', path: [name], message: 'must be an integer of at least 1', keyword: 'minimum' });
  } else if (!Number.isSafeInteger(value)) {
    issues.push({ in: 'query', path: [name], message: `must be at most ${Number.MAX_SAFE_INTEGER}`, keyword: 'maximum' });
  }
  return value;
}

/**
 * The page of the items `keep` accepts, in the order of their keys (ties in the order the items come: a stable
 * sort's), with the totals. Only the items up to the page's end are ever ordered: they are kept in a B+ tree
 * (sorted-btree, the engine's ordered index) that drops its last item whenever it holds more than that, so an
 * early page of 60 000 credentials costs one pass and log(page end) per item, where sorting every match cost
 * n log n on every request (issue 15: a listing must not grow with the state); a late page keeps the items from
 * its start to the end the same way. A page in the middle of a long listing costs what the sort did.
 */
export function pageByKey<T>(
  items: Iterable<T>,
  keep: (item: T) => boolean,
  keyOf: (item: T) => string,
  { page, perPage }: PageRequest,
): { data: T[]; pagination_metadata: PaginationMetadata } {
  const start = (page - 1) * perPage;
  const end = start + perPage;
  const matches: T[] = [];
  for (const item of items) if (keep(item)) matches.push(item);
  // Positions in `matches`, ordered by key, then by position.
  const order = (i: number, j: number) => compareKeys(keyOf(matches[i]!), keyOf(matches[j]!)) || i - j;
  const n = matches.length;
  let data: T[];
  if (start >= n) data = [];
  // An early page: the first `end` items in order, then the page from them.
  else if (end <= n / SELECT_WITHIN) data = extremes(n, end, order, 'first').slice(start, end).map((i) => matches[i]!);
  // A late page: the last `n - start` items in order, then the page from their front.
  else if (n - start <= n / SELECT_WITHIN) data = extremes(n, n - start, order, 'last').slice(0, perPage).map((i) => matches[i]!);
  // A page in the middle: a tree holding a large share of the items costs more than sorting them all (a stable
  // sort: ties keep their order, as above).
  else data = matches.sort((a, b) => compareKeys(keyOf(a), keyOf(b))).slice(start, end);
  return {
    data,
    pagination_metadata: {
      page,
      per_page: perPage,
      total_pages: Math.ceil(matches.length / perPage),
      total_items: matches.length,
    },
  };
}

/**
 * The `count` first (or last) of the positions 0..n-1 in `order`, in that order: a B+ tree that drops its last (or
 * first) position whenever it holds more than `count`, so it costs log(count) per position, not a sort of all n.
 */
function extremes(n: number, count: number, order: (i: number, j: number) => number, which: 'first' | 'last'): number[] {
  // An empty tree with the order (built the way engine/collection.ts builds its indexes).
  const kept = bulkLoad<number, undefined>([], [], 64, order);
  const outside = which === 'first' ? (i: number) => order(i, kept.maxKey()!) > 0 : (i: number) => order(i, kept.minKey()!) < 0;
  for (let i = 0; i < n; i++) {
    if (kept.size === count && outside(i)) continue;
    kept.set(i, undefined);
    if (kept.size > count) kept.delete(which === 'first' ? kept.maxKey()! : kept.minKey()!);
  }
  return kept.keysArray();
}

/**
 * Pages within the first or last 1/SELECT_WITHIN of the items are selected with a tree; the others sort. Measured
 * with 60 000 items: the tree's page 1 took 7–11 ms against the sort's 47 ms, and a tree keeping half the items
 * took 96 ms.
 */
const SELECT_WITHIN = 8;

/** Code-unit order, not locale order: the same answer on every machine. */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

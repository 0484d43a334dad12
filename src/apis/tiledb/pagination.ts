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
 * n log n on every request (issue 15: a listing must not grow with the state). A page in the back half sorts the
 * matches, which is no worse than that.
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
  let positions: number[];
  if (start >= matches.length) {
    positions = [];
  } else if (end > matches.length / 2) {
    positions = matches.map((_, i) => i).sort(order).slice(start, end);
  } else {
    // An empty tree with the order (built the way engine/collection.ts builds its indexes).
    const first = bulkLoad<number, undefined>([], [], 64, order);
    for (let i = 0; i < matches.length; i++) {
      if (first.size === end && order(i, first.maxKey()!) > 0) continue;
      first.set(i, undefined);
      if (first.size > end) first.delete(first.maxKey()!);
    }
    positions = first.keysArray().slice(start, end);
  }
  return {
    data: positions.map((i) => matches[i]!),
    pagination_metadata: {
      page,
      per_page: perPage,
      total_pages: Math.ceil(matches.length / perPage),
      total_items: matches.length,
    },
  };
}

/** Code-unit order, not locale order: the same answer on every machine. */
function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

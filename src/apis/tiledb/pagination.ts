/**
 * TileDB's 1-based `page` / `per_page` paging. A page past the end is not an error: it comes back empty
 * with the true totals, so a client can tell "no more" from "nothing at all".
 */
import type { ValidationIssue } from '../../engine/errors.js';
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

export function paginate<T>(items: T[], { page, perPage }: PageRequest): { data: T[]; pagination_metadata: PaginationMetadata } {
  const start = (page - 1) * perPage;
  return {
    data: items.slice(start, start + perPage),
    pagination_metadata: {
      page,
      per_page: perPage,
      total_pages: Math.ceil(items.length / perPage),
      total_items: items.length,
    },
  };
}

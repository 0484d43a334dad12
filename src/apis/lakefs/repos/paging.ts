/**
 * Repository, branch and object listings page like lakeFS's catalog (paginationFor in controller.go): the
 * catalog reads one item past the page, so `has_more` is exact — no trailing empty page, unlike the auth
 * lists' KV backends — and `max_per_page` is 1000. `prefix`, exclusive `after`, `amount` and the byte-wise
 * order are the auth lists' (pagination.ts).
 */
import type { Table } from '../table.js';
import { MAX_AMOUNT, paginate, paginateOrdered, paginateTable, type PageQuery, type PageStyle, type Pagination } from '../pagination.js';

const CATALOG_LISTS: PageStyle = { hasMore: 'exact', maxPerPage: MAX_AMOUNT };

export function page<T>(items: Iterable<T>, keyOf: (item: T) => string, query: PageQuery): { results: T[]; pagination: Pagination } {
  return paginate(items, keyOf, query, CATALOG_LISTS);
}

/** A page of a table keyed by the listed key, from its ordered index (pagination.ts); `keep` filters. */
export function pageTable<T>(table: Table<T>, query: PageQuery, keep?: (item: T) => boolean): { results: T[]; keys: string[]; pagination: Pagination } {
  return paginateTable(table, query, CATALOG_LISTS, keep);
}

/** A page of entries already in byte-wise key order and within the query's range (pagination.ts). */
export function pageOrdered<T>(entries: Iterable<[string, T]>, query: PageQuery): { results: T[]; keys: string[]; pagination: Pagination } {
  return paginateOrdered(entries, query, CATALOG_LISTS);
}

/** The page query of a request (strings and the integer amount, as validated). */
export function pageQuery(query: Record<string, unknown>): PageQuery {
  return {
    prefix: typeof query.prefix === 'string' ? query.prefix : undefined,
    after: typeof query.after === 'string' ? query.after : undefined,
    amount: typeof query.amount === 'number' ? query.amount : undefined,
  };
}

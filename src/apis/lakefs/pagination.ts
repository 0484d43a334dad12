/**
 * lakeFS auth lists (notes §8.9): `prefix`, exclusive `after`, `amount` (absent or ≤ 0 → 100, capped at 1000),
 * items in byte-wise order of their key. As in lakeFS's KV backends, an auth list's page that fills up reports
 * `has_more` with `next_offset` = its last key, even when nothing follows (the client then reads one empty page),
 * and auth lists leave `max_per_page` at 0; the catalog's lists are exact and say 1000 (PageStyle).
 */
import { compareBytewise, scanPage, type Table } from '../../engine/collection.js';

export interface PageQuery {
  prefix?: string;
  after?: string;
  amount?: number;
}

export interface Pagination {
  has_more: boolean;
  next_offset: string;
  results: number;
  max_per_page: number;
}

export const DEFAULT_AMOUNT = 100;
export const MAX_AMOUNT = 1000;

export function pageAmount(amount: number | undefined): number {
  if (amount === undefined || amount <= 0) return DEFAULT_AMOUNT;
  return Math.min(amount, MAX_AMOUNT);
}

/** Byte-wise (UTF-8) order, as a KV scan returns keys (the engine's collections keep their keys in it). */
export { compareBytewise };

/**
 * How lists fill `has_more`: `page-full` as the auth lists' KV backends do (a full page says more may follow),
 * `exact` as the catalog's repository, branch and object lists do (they read one item past the page).
 */
export interface PageStyle {
  hasMore: 'page-full' | 'exact';
  maxPerPage: number;
}

/** The auth lists' style: page-full `has_more`, `max_per_page` left at 0 by the controller. */
export const AUTH_LISTS: PageStyle = { hasMore: 'page-full', maxPerPage: 0 };

const SURROGATE = /[\ud800-\udfff]/;

/**
 * A page of a table keyed by the listed key (users by id, access keys by access key id, …), read from the
 * collection's ordered index: O(log n) to find the first key, then one step per item, whatever the table's size.
 * `keep` filters items (hidden branches); the page then scans past the items it drops.
 */
export function paginateTable<T>(
  table: Table<T>,
  query: PageQuery,
  style: PageStyle = AUTH_LISTS,
  keep?: (item: T) => boolean,
): { results: T[]; keys: string[]; pagination: Pagination } {
  const amount = pageAmount(query.amount);
  // One entry past the page, for an exact has_more.
  const { keys, items } = scanPage(table, { prefix: query.prefix, after: query.after }, amount + 1, keep);
  const more = items.length > amount;
  if (more) {
    keys.length = amount;
    items.length = amount;
  }
  return pageOf(items, keys, more, amount, style);
}

/**
 * A page of entries that already come in byte-wise key order, each matching the query's prefix and after (a
 * collection's scan, or a merge of scans): reads only the page, and one entry more for an exact `has_more`.
 */
export function paginateOrdered<T>(entries: Iterable<[string, T]>, query: PageQuery, style: PageStyle = AUTH_LISTS): { results: T[]; keys: string[]; pagination: Pagination } {
  const amount = pageAmount(query.amount);
  const results: T[] = [];
  const keys: string[] = [];
  let more = false;
  for (const [key, item] of entries) {
    if (results.length === amount) {
      more = true;
      break;
    }
    results.push(item);
    keys.push(key);
  }
  return pageOf(results, keys, more, amount, style);
}

/** The page with its pagination, from its items and keys and whether an entry followed them. */
function pageOf<T>(results: T[], keys: string[], more: boolean, amount: number, style: PageStyle): { results: T[]; keys: string[]; pagination: Pagination } {
  const hasMore = style.hasMore === 'exact' ? more : results.length === amount;
  const lastKey = keys.length > 0 ? keys[keys.length - 1]! : '';
  return {
    results,
    keys,
    pagination: { has_more: hasMore, next_offset: hasMore ? lastKey : '', results: results.length, max_per_page: style.maxPerPage },
  };
}

/** A page of items gathered by other means (a user's groups, a group's members): sorted here, O(n log n). */
export function paginate<T>(
  items: Iterable<T>,
  keyOf: (item: T) => string,
  query: PageQuery,
  style: PageStyle = AUTH_LISTS,
): { results: T[]; pagination: Pagination } {
  const prefix = query.prefix ?? '';
  const after = query.after ?? '';
  const amount = pageAmount(query.amount);
  const candidates: Array<{ item: T; key: string }> = [];
  let surrogates = false;
  for (const item of items) {
    const key = keyOf(item);
    if (!key.startsWith(prefix) || (after !== '' && compareBytewise(key, after) <= 0)) continue;
    candidates.push({ item, key });
    if (!surrogates && SURROGATE.test(key)) surrogates = true;
  }
  // Without surrogates UTF-16 order is byte-wise order, and the engine's own string comparison is several
  // times faster than compareBytewise (a sort is most of a 100-user listing's handler time).
  candidates.sort(surrogates ? (x, y) => compareBytewise(x.key, y.key) : (x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  const page = candidates.slice(0, amount);
  const hasMore = style.hasMore === 'exact' ? candidates.length > amount : page.length === amount;
  return {
    results: page.map(({ item }) => item),
    pagination: {
      has_more: hasMore,
      next_offset: hasMore ? page[page.length - 1]!.key : '',
      results: page.length,
      max_per_page: style.maxPerPage,
    },
  };
}

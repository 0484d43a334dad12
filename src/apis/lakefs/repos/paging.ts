/**
 * Repository, branch and object listings page like lakeFS's catalog (paginationFor in controller.go): the
 * catalog reads one item past the page, so `has_more` is exact — no trailing empty page, unlike the auth
 * lists' KV backends — and `max_per_page` is 1000. `prefix`, exclusive `after`, `amount` and the byte-wise
 * order are the auth lists' (pagination.ts).
 */
import { compareBytewise, MAX_AMOUNT, pageAmount, type PageQuery, type Pagination } from '../pagination.js';

export function page<T>(items: Iterable<T>, keyOf: (item: T) => string, query: PageQuery): { results: T[]; pagination: Pagination } {
  const prefix = query.prefix ?? '';
  const after = query.after ?? '';
  const amount = pageAmount(query.amount);
  const candidates = [...items]
    .map((item) => ({ item, key: keyOf(item) }))
    .filter(({ key }) => key.startsWith(prefix) && (after === '' || compareBytewise(key, after) > 0))
    .sort((a, b) => compareBytewise(a.key, b.key));
  const chosen = candidates.slice(0, amount);
  const hasMore = candidates.length > amount;
  return {
    results: chosen.map(({ item }) => item),
    pagination: {
      has_more: hasMore,
      next_offset: hasMore ? chosen[chosen.length - 1]!.key : '',
      results: chosen.length,
      max_per_page: MAX_AMOUNT,
    },
  };
}

/** The page query of a request (strings and the integer amount, as validated). */
export function pageQuery(query: Record<string, unknown>): PageQuery {
  return {
    prefix: typeof query.prefix === 'string' ? query.prefix : undefined,
    after: typeof query.after === 'string' ? query.after : undefined,
    amount: typeof query.amount === 'number' ? query.amount : undefined,
  };
}

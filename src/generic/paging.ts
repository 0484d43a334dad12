/**
 * Lists of stored items, paged by the conventions an operation declares, and wrapped in the envelope its answer
 * declares. Only declared query parameters are honoured (an undeclared one never reaches the handler):
 *
 * - size: limit, per_page, perPage, page_size, pageSize, size, max_results, maxResults, amount — its schema's
 *   default when the request has none, else every item;
 * - start: offset / skip / start (0-based), or page / page_number / pageNumber (1-based, 0-based when the
 *   parameter's minimum is 0), or a cursor — cursor, after, starting_after, page_token, pageToken, next_token,
 *   nextToken, marker, continuation_token — which is the id of the last item of the previous page (exclusive, as
 *   lakeFS's `after`); a cursor that is no item's id has nothing after it (an empty page, so a client stops).
 *
 * Filters: a declared query parameter that is not a paging one and names a field of the items — exactly, or as its
 * plural (`tags` for `tag`) — keeps the items whose field equals the value, or one of the values for an array
 * (Petstore's `?tags=dog&tags=cat`). Values compare as text: query values arrive as text. A parameter whose enum
 * holds values the field's does not is a mode, not a filter (GitHub's `visibility=all`), and is left alone.
 *
 * A `Link` header, when the answer declares one (GitHub's), points at the next page: `<url>; rel="next"`.
 *
 * The envelope: a bare array, or an object whose array property holds the page (schema.ts listItems), with
 * declared total / has-more / next fields filled from the page: total, total_count, totalCount, count,
 * total_items, totalItems, total_results, totalResults; has_more, hasMore; next, next_cursor, nextCursor,
 * next_page_token, nextPageToken, next_token, nextToken (the next cursor, page or offset, as the field's type
 * says; null or left out on the last page). Anything else the envelope requires is generated (conform.ts).
 */
import type { Operation, Parameter } from '../engine/spec.js';
import { allowsNull, objectShape, typeOf, type JsonObject, type Schema } from './schema.js';

const SIZE = ['limit', 'per_page', 'perPage', 'page_size', 'pageSize', 'size', 'max_results', 'maxResults', 'amount'];
const OFFSET = ['offset', 'skip', 'start'];
const PAGE = ['page', 'page_number', 'pageNumber'];
const CURSOR = ['cursor', 'after', 'starting_after', 'page_token', 'pageToken', 'next_token', 'nextToken', 'marker', 'continuation_token'];
const TOTAL = ['total', 'total_count', 'totalCount', 'count', 'total_items', 'totalItems', 'total_results', 'totalResults'];
const HAS_MORE = ['has_more', 'hasMore'];
const NEXT = ['next', 'next_cursor', 'nextCursor', 'next_page_token', 'nextPageToken', 'next_token', 'nextToken'];

export interface Paging {
  size?: Parameter;
  offset?: string;
  page?: { name: string; base: number };
  cursor?: string;
}

/** The paging parameters an operation declares. */
export function pagingOf(op: Operation): Paging {
  const query = op.parameters.filter((p) => p.in === 'query');
  const named = (names: string[]) => names.map((n) => query.find((p) => p.name === n)).find((p) => p !== undefined);
  const page = named(PAGE);
  return {
    size: named(SIZE),
    offset: named(OFFSET)?.name,
    page: page ? { name: page.name, base: page.schema?.minimum === 0 ? 0 : 1 } : undefined,
    cursor: named(CURSOR)?.name,
  };
}

/** A filter on one field of the items: the query parameter, and the item field it names. */
export interface Filter {
  param: string;
  field: string;
}

/** The filters an operation declares: query parameters, not paging ones, that name a field of the items. */
export function filtersOf(op: Operation, paging: Paging, itemSchema: Schema): Filter[] {
  const paged = new Set([paging.size?.name, paging.offset, paging.page?.name, paging.cursor]);
  const { properties } = objectShape(itemSchema);
  const filters: Filter[] = [];
  for (const p of op.parameters) {
    if (p.in !== 'query' || paged.has(p.name)) continue;
    const field = Object.hasOwn(properties, p.name) ? p.name : p.name.endsWith('s') && Object.hasOwn(properties, p.name.slice(0, -1)) ? p.name.slice(0, -1) : undefined;
    if (field === undefined || typeOf(properties[field]) === 'object' || typeOf(properties[field]) === 'array') continue;
    // A parameter with values the field cannot hold is a mode, not a filter: GitHub's `visibility=all`.
    const values = enumOf(p.schema);
    const held = enumOf(properties[field]);
    if (values && !(held && values.every((v) => held.includes(v)))) continue;
    filters.push({ param: p.name, field });
  }
  return filters;
}

/** A schema's enum (an array parameter's items'), when it declares one. */
function enumOf(schema: Schema | undefined): unknown[] | undefined {
  const own = schema?.enum ?? schema?.items?.enum;
  return Array.isArray(own) ? own : undefined;
}

/** The entries (item keys) whose item every filter given in the query keeps. */
export function filtered<T>(entries: T[], filters: Filter[], query: JsonObject, itemOf: (entry: T) => JsonObject): T[] {
  const active = filters.filter((f) => query[f.param] !== undefined && query[f.param] !== '');
  if (!active.length) return entries;
  return entries.filter((entry) => {
    const item = itemOf(entry);
    return active.every((f) => {
      const given = query[f.param];
      const wanted = (Array.isArray(given) ? given : [given]).map(String);
      return item[f.field] !== undefined && item[f.field] !== null && wanted.includes(String(item[f.field]));
    });
  });
}

/** `<…?page=3&per_page=2>; rel="next"` for the next page, or undefined on the last one. */
export function nextLink(origin: string, path: string, query: Record<string, unknown>, paging: Paging, page: Page<unknown>): string | undefined {
  if (!page.next) return undefined;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) params.append(name, String(v));
  }
  const set = (name: string | undefined, value: unknown) => {
    if (name !== undefined && value !== undefined) params.set(name, String(value));
  };
  if (paging.cursor && page.next.cursor !== undefined) set(paging.cursor, page.next.cursor);
  else if (paging.page) set(paging.page.name, page.next.page);
  else set(paging.offset, page.next.offset);
  if (paging.size && query[paging.size.name] === undefined && page.items.length) set(paging.size.name, page.items.length);
  return `<${origin}${path}?${params}>; rel="next"`;
}

export interface Page<T> {
  items: T[];
  total: number;
  hasMore: boolean;
  /** What the next page is asked for with: the last item's id (cursor), the next page number, or the next offset. */
  next?: { cursor?: string; page?: number; offset: number };
}

/** One page of `all` as the request asks for it. */
export function pageOf<T>(all: T[], paging: Paging, query: JsonObject, idOf: (item: T) => string | undefined): Page<T> {
  const number = (name: string | undefined): number | undefined => {
    const value = name === undefined ? undefined : query[name];
    const n = typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : NaN;
    return Number.isFinite(n) ? Math.floor(n) : undefined;
  };
  const sizeDefault = typeof paging.size?.schema?.default === 'number' ? paging.size.schema.default : undefined;
  const size = Math.max(0, number(paging.size?.name) ?? sizeDefault ?? all.length);
  const cursor = paging.cursor !== undefined ? query[paging.cursor] : undefined;
  const pageNumber = paging.page ? number(paging.page.name) : undefined;
  let start: number;
  if (cursor !== undefined && cursor !== '') {
    const at = all.findIndex((item) => idOf(item) === String(cursor));
    start = at < 0 ? all.length : at + 1;
  } else if (paging.page && pageNumber !== undefined) {
    start = Math.max(0, pageNumber - paging.page.base) * size;
  } else {
    start = Math.max(0, number(paging.offset) ?? 0);
  }
  const items = all.slice(start, start + size);
  const hasMore = start + items.length < all.length;
  const page = paging.page ? (number(paging.page.name) ?? paging.page.base) : undefined;
  const last = items[items.length - 1];
  return {
    items,
    total: all.length,
    hasMore,
    next: hasMore ? { cursor: last !== undefined ? idOf(last) : undefined, page: page !== undefined ? page + 1 : undefined, offset: start + items.length } : undefined,
  };
}

/** The list answer: the page itself, or the envelope with its items, totals and next pointer filled in. */
export function envelope(schema: Schema | undefined, property: string | undefined, page: Page<unknown>, paging: Paging): unknown {
  if (property === undefined) return page.items;
  const { properties } = objectShape(schema);
  const body: Record<string, unknown> = { [property]: page.items };
  const field = (names: string[], type: string) => names.find((n) => n !== property && properties[n] !== undefined && typeOf(properties[n]) === type);
  const total = field(TOTAL, 'integer') ?? field(TOTAL, 'number');
  if (total) body[total] = page.total;
  const hasMore = field(HAS_MORE, 'boolean');
  if (hasMore) body[hasMore] = page.hasMore;
  const nextName = NEXT.find((n) => n !== property && properties[n] !== undefined);
  if (nextName) {
    const declared = properties[nextName]!;
    const type = typeOf(declared);
    const value = !page.next
      ? undefined
      : type === 'string'
        ? (paging.cursor ? page.next.cursor : String(page.next.page ?? page.next.offset))
        : type === 'integer' || type === 'number'
          ? (page.next.page ?? page.next.offset)
          : undefined;
    if (value !== undefined) body[nextName] = value;
    else if (allowsNull(declared)) body[nextName] = null;
  }
  return body;
}

/**
 * TileDB ids are `<prefix>_<xid>`: 20 characters of base32hex ([0-9a-v]), e.g. ws_9m4e2mr0ui3e8a215n4g.
 * Drawing them from the session's seeded faker keeps answers reproducible with --seed.
 */
import type { Faker } from '@faker-js/faker';

const XID_ALPHABET = '0123456789abcdefghijklmnopqrstuv';

export function newId(prefix: 'ws' | 'ts' | 'cred' | 'usr', faker: Faker): string {
  return `${prefix}_${faker.string.fromCharacters(XID_ALPHABET, 20)}`;
}

/**
 * The workspace id embedded in an API token shaped `<prefix>-ws_<xid>-<secret>`, as the Python SDK reads
 * it (split on '-', keep the part that starts with `ws_`). Undefined for tokens of any other shape.
 */
export function workspaceIdInToken(token: string): string | undefined {
  const parts = token.split('-');
  return parts.length >= 3 && /^ws_[0-9a-v]{20}$/.test(parts[1]) ? parts[1] : undefined;
}

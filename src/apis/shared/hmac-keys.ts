/**
 * HMAC keys for jose, imported once per secret and algorithm. jose imports a raw secret (a Uint8Array) into a
 * WebCrypto key on every call; measured on GET /api/v1/user with a login token, that import was half of a
 * bearer request's cost (about 180 µs against 110 µs with the key kept). The secrets are scenario options (a
 * handful), so the cache is small and bounded.
 */
import { webcrypto } from 'node:crypto';

const HASH_OF: Record<string, string> = { HS256: 'SHA-256', HS384: 'SHA-384', HS512: 'SHA-512' };
/** Keys kept at most; beyond it the oldest is imported again when next needed. */
const MAX_KEYS = 64;
const keys = new Map<string, Promise<webcrypto.CryptoKey>>();

/** The secret's UTF-8 bytes (Go's []byte(secret), python-jose's key) as a key for this HMAC algorithm. */
export function hmacKey(secret: string, alg: string): Promise<webcrypto.CryptoKey> {
  const hash = HASH_OF[alg];
  if (!hash) return Promise.reject(new TypeError(`not an HMAC algorithm: ${alg}`));
  const id = `${alg}\u0000${secret}`;
  let key = keys.get(id);
  if (!key) {
    if (keys.size >= MAX_KEYS) keys.delete(keys.keys().next().value!);
    key = webcrypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash }, false, ['sign', 'verify']);
    keys.set(id, key);
  }
  return key;
}

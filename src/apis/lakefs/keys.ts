/**
 * lakeFS key formats (pkg/auth/keys/keys.go): access key ids are `AKIAJ` + 14 characters of [A-Z2-7] + `Q`
 * (20 in all); secrets are the standard base64 of 30 random bytes (40 characters). Drawn from the request's
 * seeded faker, so `--seed` makes them repeatable.
 */
import type { Faker } from '@faker-js/faker';

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export const ACCESS_KEY_PATTERN = /^AKIAJ[A-Z2-7]{14}Q$/;

export function newAccessKeyId(faker: Faker): string {
  return `AKIAJ${faker.string.fromCharacters(KEY_ALPHABET, 14)}Q`;
}

export function newSecretAccessKey(faker: Faker): string {
  const bytes = Buffer.from(Array.from({ length: 30 }, () => faker.number.int({ min: 0, max: 255 })));
  return bytes.toString('base64');
}

/**
 * Faker instances for generated data. The package's main entry loads every locale (~140 ms of start-up);
 * the English entry loads one, but exports only a ready-made instance — so new instances are made from
 * its class and definitions.
 */
import type { Faker, LocaleDefinition } from '@faker-js/faker';
import { faker as english } from '@faker-js/faker/locale/en';

const FakerClass = english.constructor as new (options: { locale: LocaleDefinition }) => Faker;

/** Dates are generated relative to this reference when seeded, or "recent" dates would move with the clock. */
const SEEDED_REFERENCE_DATE = new Date(Date.UTC(2026, 0, 1));

/** A random faker, or — with a seed — one whose stream depends only on the seed and the salt. */
export function createFaker(seed?: number, salt = ''): Faker {
  const faker = new FakerClass({ locale: english.rawDefinitions });
  if (seed === undefined) return faker;
  let hash = seed | 0;
  for (const ch of salt) hash = (Math.imul(hash, 31) + ch.charCodeAt(0)) | 0;
  faker.seed(hash);
  faker.setDefaultRefDate(SEEDED_REFERENCE_DATE);
  return faker;
}

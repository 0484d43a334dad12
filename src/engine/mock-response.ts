/**
 * Answers an operation from its spec alone: a named or inline example when there is one, otherwise data
 * generated from the schema with faker. With --seed, each operation × status always gets the same answer.
 */
import type { Faker } from '@faker-js/faker';
import { createFaker } from './faker.js';
import type { Operation } from './spec.js';
import type { Reply } from './types.js';

export interface MockOptions {
  statusKey: string;
  status: number;
  example?: string;
  dynamic?: boolean;
  seed?: number;
}

export function mockResponse(op: Operation, options: MockOptions, sharedFaker: Faker): Reply {
  const response = op.responses[options.statusKey] ?? {};
  const content: Record<string, any> = response.content ?? {};
  const mediaType = Object.keys(content).find((t) => /json/i.test(t)) ?? Object.keys(content)[0];
  if (!mediaType) return { status: options.status };
  const media = content[mediaType] ?? {};
  const contentType = /json/i.test(mediaType) ? undefined : mediaType;
  if (!options.dynamic) {
    const example = pickExample(media, options.example);
    if (example !== undefined) return { status: options.status, body: example, contentType };
  }
  const faker = options.seed === undefined ? sharedFaker : createFaker(options.seed, `${op.operationId}:${options.status}`);
  return { status: options.status, body: generate(media.schema ?? {}, faker, 0), contentType };
}

function pickExample(media: any, name?: string): unknown {
  const examples: Record<string, any> | undefined = media.examples;
  if (name && examples?.[name]) return examples[name].value;
  if (media.example !== undefined) return media.example;
  if (examples) {
    const first = Object.values(examples)[0];
    if (first?.value !== undefined) return first.value;
  }
  return media.schema?.example;
}

const MAX_DEPTH = 6;

/** Generates a value that satisfies the (dereferenced) schema, as far as a faker-driven guess can. */
export function generate(schema: any, faker: Faker, depth: number): unknown {
  if (!schema || typeof schema !== 'object') return null;
  if (schema.example !== undefined) return schema.example;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length) return faker.helpers.arrayElement(schema.enum);
  if (Array.isArray(schema.allOf)) return Object.assign({}, ...schema.allOf.map((s: any) => generate(s, faker, depth)));
  const variants = schema.oneOf ?? schema.anyOf;
  if (Array.isArray(variants) && variants.length) return generate(variants[0], faker, depth);
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== 'null') : schema.type;
  switch (type ?? (schema.properties ? 'object' : schema.items ? 'array' : undefined)) {
    case 'object':
      return generateObject(schema, faker, depth);
    case 'array': {
      if (depth >= MAX_DEPTH) return [];
      const count = Math.max(schema.minItems ?? 1, Math.min(schema.maxItems ?? 2, 2));
      return Array.from({ length: count }, () => generate(schema.items ?? {}, faker, depth + 1));
    }
    case 'integer':
      return faker.number.int({ min: schema.minimum ?? 0, max: schema.maximum ?? Math.max((schema.minimum ?? 0) + 1000, 1000) });
    case 'number':
      return faker.number.float({ min: schema.minimum ?? 0, max: schema.maximum ?? 1000, fractionDigits: 2 });
    case 'boolean':
      return faker.datatype.boolean();
    case 'string':
      return generateString(schema, faker);
    default:
      return null;
  }
}

function generateObject(schema: any, faker: Faker, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (depth >= MAX_DEPTH) return out;
  const required = new Set<string>(schema.required ?? []);
  for (const [name, prop] of Object.entries<any>(schema.properties ?? {})) {
    if (prop?.readOnly === undefined && prop?.writeOnly) continue;
    // Optional properties are filled too, as Prism does, but not past a few levels deep (recursive schemas).
    if (!required.has(name) && depth >= 3) continue;
    // Defined, not assigned: a spec may name a property `__proto__`.
    Object.defineProperty(out, name, { value: generate(prop, faker, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function generateString(schema: any, faker: Faker): string {
  const byFormat: Record<string, () => string> = {
    'date-time': () => faker.date.recent().toISOString(),
    date: () => faker.date.recent().toISOString().slice(0, 10),
    email: () => faker.internet.email(),
    uuid: () => faker.string.uuid(),
    uri: () => faker.internet.url(),
    url: () => faker.internet.url(),
    hostname: () => faker.internet.domainName(),
    ipv4: () => faker.internet.ipv4(),
    byte: () => Buffer.from(faker.lorem.word()).toString('base64'),
  };
  let value: string | undefined = Object.hasOwn(byFormat, schema.format) ? byFormat[schema.format]!() : undefined;
  if (value === undefined && schema.pattern) {
    try {
      value = faker.helpers.fromRegExp(schema.pattern.replace(/^\^|\$$/g, ''));
    } catch {
      value = undefined;
    }
  }
  value ??= faker.lorem.word();
  if (schema.minLength && value.length < schema.minLength) value = value.padEnd(schema.minLength, 'x');
  if (schema.maxLength && value.length > schema.maxLength) value = value.slice(0, schema.maxLength);
  return value;
}

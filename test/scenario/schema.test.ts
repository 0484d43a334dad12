import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { adminSpecFile as servedAdminSpec } from '../../src/admin/admin-api.js';
import { apis } from '../../src/apis/index.js';
import { parseYaml } from '../../src/engine/yaml.js';
import { ruleComponentSchemas } from '../../src/rules/admin-schemas.js';
import { scenarioSchema } from '../../src/scenario/schema.js';
import { adminSpecFile, renderAdminSpec, renderSchema, schemaFile } from '../../src/scenario/write-schema.js';

describe('scenarios/schema.json', () => {
  it('is up to date with the registered APIs (run `npm run schema` to refresh it)', async () => {
    expect(await readFile(schemaFile, 'utf8')).toBe(renderSchema());
  });

  // The loader compiles it without checking it against the meta-schema (start-up time): this is that check.
  it('is a valid JSON Schema (draft-07, as ajv reads it)', () => {
    const ajv = new Ajv({ strict: false });
    addFormats.default(ajv);
    expect(ajv.validateSchema(scenarioSchema(apis)), JSON.stringify(ajv.errors)).toBe(true);
  });
});

/** The keywords an OpenAPI 3.0 Schema Object has (it is not JSON Schema: no const, no type lists, no $schema). */
const OPENAPI_30_KEYWORDS = new Set(
  ('$ref title description type format enum default nullable readOnly writeOnly deprecated example externalDocs xml discriminator ' +
    'multipleOf maximum exclusiveMaximum minimum exclusiveMinimum maxLength minLength pattern maxItems minItems uniqueItems ' +
    'maxProperties minProperties required properties additionalProperties items allOf oneOf anyOf not').split(' '),
);

/** Where a schema (and every schema inside it) uses what OpenAPI 3.0 does not have. */
function notOpenApi30(schema: unknown, at = '#'): string[] {
  if (typeof schema !== 'object' || schema === null) return [];
  const node = schema as Record<string, unknown>;
  const found = Object.keys(node).filter((k) => !OPENAPI_30_KEYWORDS.has(k)).map((k) => `${at}/${k}`);
  if (node.type !== undefined && typeof node.type !== 'string') found.push(`${at}/type`);
  const inner: Array<[string, unknown]> = [
    ...Object.entries((node.properties ?? {}) as object).map(([k, v]): [string, unknown] => [`properties/${k}`, v]),
    ...['allOf', 'oneOf', 'anyOf'].flatMap((k) => ((node[k] ?? []) as unknown[]).map((v, i): [string, unknown] => [`${k}/${i}`, v])),
    ...['items', 'not', 'additionalProperties'].map((k): [string, unknown] => [k, node[k]]),
  ];
  return [...found, ...inner.flatMap(([path, value]) => notOpenApi30(value, `${at}/${path}`))];
}

describe('the rule schemas of specs/admin.yaml', () => {
  it('are up to date with src/rules/schema.ts (run `npm run schema` to refresh them)', async () => {
    const spec = await readFile(adminSpecFile, 'utf8');
    expect(spec).toBe(renderAdminSpec(spec));
    expect(adminSpecFile).toBe(servedAdminSpec);
  });

  it('read back as what was generated, in the OpenAPI 3.0 dialect', async () => {
    const document = parseYaml(await readFile(adminSpecFile, 'utf8')) as { components: { schemas: Record<string, unknown> } };
    const generated = ruleComponentSchemas();
    for (const [name, schema] of Object.entries(generated)) {
      expect(document.components.schemas[name], name).toEqual(schema);
      expect(notOpenApi30(schema, `#/components/schemas/${name}`)).toEqual([]);
    }
  });

  it('are written only between the marker comments', () => {
    expect(() => renderAdminSpec('openapi: 3.0.3\n')).toThrow(/marker comments are missing/);
  });
});

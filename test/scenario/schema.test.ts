import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { apis } from '../../src/apis/index.js';
import { scenarioSchema } from '../../src/scenario/schema.js';
import { renderSchema, schemaFile } from '../../src/scenario/write-schema.js';

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

import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { renderSchema, schemaFile } from '../../src/scenario/write-schema.js';

describe('scenarios/schema.json', () => {
  it('is up to date with the registered APIs (run `npm run schema` to refresh it)', async () => {
    expect(await readFile(schemaFile, 'utf8')).toBe(renderSchema());
  });
});

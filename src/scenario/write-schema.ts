/**
 * Writes scenarios/schema.json (the scenario schema composed with every registered API's seed schema), so
 * editors can validate scenario files as they are typed. Run with `npm run schema`; a test fails when the
 * committed file is stale.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { apis } from '../apis/index.js';
import { bundledScenariosDir } from '../config.js';
import { scenarioSchema } from './schema.js';

export const schemaFile = path.join(bundledScenariosDir, 'schema.json');

export function renderSchema(): string {
  return `${JSON.stringify(scenarioSchema(apis), null, 2)}\n`;
}

if (process.argv[1] && import.meta.url.endsWith(path.basename(process.argv[1]))) {
  await writeFile(schemaFile, renderSchema());
  process.stdout.write(`wrote ${schemaFile}\n`);
}

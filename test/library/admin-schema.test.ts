/**
 * The admin client's types are generated from specs/admin.yaml (`npm run admin-types`, also run by
 * `npm run schema`); this fails when the document changed and the generated file was not regenerated.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import packageJson from '../../package.json' with { type: 'json' };
import { repoRoot } from '../support/test-app.js';

const exec = promisify(execFile);

it('src/library/admin-schema.ts is what openapi-typescript makes of specs/admin.yaml today', async () => {
  const command = packageJson.scripts['admin-types'].split(' ');
  expect(command[0]).toBe('openapi-typescript');
  const committed = path.join(repoRoot, 'src', 'library', 'admin-schema.ts');
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mockgate-admin-types-'));
  try {
    const fresh = path.join(dir, 'admin-schema.ts');
    const args = command.slice(1).map((arg) => (arg === 'src/library/admin-schema.ts' ? fresh : arg));
    await exec(path.join(repoRoot, 'node_modules', '.bin', 'openapi-typescript'), args, { cwd: repoRoot });
    expect(await readFile(committed, 'utf8'), 'run `npm run admin-types`').toBe(await readFile(fresh, 'utf8'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/**
 * Builds a mockgate app for a test: strict response validation on, no socket (supertest drives the
 * handler directly), a fixed faker seed, silent logs. Every test file uses this, so every response in
 * the suite is checked against its spec: a violation answers 500 and is listed by violations().
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import supertest from 'supertest';
import { afterAll, beforeAll, expect } from 'vitest';
import { createApp, type AppDeps, type MockgateApp } from '../../src/app.js';
import type { AppConfig } from '../../src/config.js';
import { defaultConfig } from '../../src/config.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const scenarioPath = (name: string) => path.join(repoRoot, 'scenarios', name.endsWith('.yaml') ? name : `${name}.yaml`);
export const fixturePath = (...parts: string[]) => path.join(repoRoot, 'test', 'fixtures', ...parts);

export interface TestApp {
  app: MockgateApp;
  /** supertest bound to the app: `t.http.get('/v4/…')`. */
  http: ReturnType<typeof supertest>;
  /** Response-validation violations recorded so far (should stay empty). */
  violations(): unknown[];
  close(): Promise<void>;
}

export async function createTestApp(overrides: Partial<AppConfig> = {}, deps: AppDeps = {}): Promise<TestApp> {
  const app = await createApp(
    {
      ...defaultConfig(),
      strict: true,
      seed: 42,
      logLevel: 'silent',
      ...overrides,
    },
    deps,
  );
  return {
    app,
    http: supertest(app.handler),
    violations: () => app.journal.violations(),
    close: () => app.close(),
  };
}

/**
 * The usual file-level set-up: one app for the file (or describe block), closed afterwards, and a check that
 * nothing it answered broke the spec. Use the returned object inside tests (it is filled in beforeAll).
 */
export function useTestApp(overrides: Partial<AppConfig> = {}, deps: AppDeps = {}): TestApp {
  const handle = {} as TestApp;
  beforeAll(async () => {
    Object.assign(handle, await createTestApp(overrides, deps));
  });
  afterAll(async () => {
    expect(handle.violations()).toEqual([]);
    await handle.close();
  });
  return handle;
}

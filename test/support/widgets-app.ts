/** A test app serving only the widgets fixture API (engine tests stay independent of the real APIs). */
import { createTestApp, fixturePath, type TestApp } from './test-app.js';
import { widgetsApi } from './widgets-api.js';
import type { AppConfig } from '../../src/config.js';
import type { AppDeps } from '../../src/app.js';

export const WIDGETS = '/widgets-api';
export const ALICE = { 'X-Widget-Key': 'key-alice' };
export const BOB = { 'X-Widget-Key': 'key-bob' };

export function createWidgetsApp(overrides: Partial<AppConfig> = {}, deps: AppDeps = {}): Promise<TestApp> {
  return createTestApp({ scenario: fixturePath('engine', 'widgets-scenario.yaml'), ...overrides }, { apis: [widgetsApi], ...deps });
}

/** A clock tests can move by hand. */
export function fakeClock(start = Date.parse('2026-01-01T00:00:00Z')) {
  let now = start;
  return {
    now: () => new Date(now),
    advance(ms: number) {
      now += ms;
    },
  };
}

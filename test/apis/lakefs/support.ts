/** Shared by the lakeFS test folders: an app serving only the lakeFS module, auth headers, and the error shape. */
import { expect } from 'vitest';
import type { Response } from 'supertest';
import { lakefs } from '../../../src/apis/lakefs/index.js';
import type { LakefsState } from '../../../src/apis/lakefs/state.js';
import type { AppConfig } from '../../../src/config.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';

export const API = '/api/v1';

/**
 * An app serving only lakeFS (other APIs' work in progress cannot break these tests), on a fixed clock if given;
 * `specs` narrows it to some of lakeFS's own spec files (a folder's tests need not wait for the others' specs).
 */
export function lakefsApp(overrides: Partial<AppConfig>, now?: Date, specs?: string[]): Promise<TestApp> {
  const module = specs ? { ...lakefs, specs } : lakefs;
  return createTestApp(overrides, { apis: [module], ...(now && { now: () => now }) });
}

export const lakefsState = (t: TestApp, session: string) => t.app.sessions.apiState(session, 'lakefs') as LakefsState;

export const basicAuth = (accessKeyId: string, secret: string) => ({
  Authorization: `Basic ${Buffer.from(`${accessKeyId}:${secret}`).toString('base64')}`,
});
export const bearerAuth = (token: string) => ({ Authorization: `Bearer ${token}` });

/**
 * kin-openapi's text for a schema failure: the headline (`request body has an error: doesn't match schema
 * #/components/schemas/X: Error at "/id": …`), then the failing schema and value dumped. The dumps of mockgate's own
 * specs are in its own words; test/apis/lakefs/kin-openapi-texts.test.ts pins them to the byte against lakeFS's.
 */
export const kinText = (headline: string) =>
  new RegExp(`^${headline.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\nSchema:\n  [\\s\\S]*\n\nValue:\n  [\\s\\S]*\n$`);

/** lakeFS errors: `{"message"}` plus a newline, JSON, nosniff, a request id. */
export function expectLakefsError(res: Response, status: number, message?: string | RegExp): void {
  expect(res.status, res.text).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-request-id']).toBeTruthy();
  expect(res.text.endsWith('}\n')).toBe(true);
  expect(Object.keys(res.body)).toEqual(['message']);
  if (typeof message === 'string') expect(res.body.message).toBe(message);
  else if (message) expect(res.body.message).toMatch(message);
}

/** A success or status declared without content: no body, no content type. */
export function expectNoBody(res: Response, status: number): void {
  expect(res.status, res.text).toBe(status);
  expect(res.text ?? '').toBe('');
  expect(res.headers['content-type']).toBeUndefined();
}

/** Shared fixtures and a small client for the TileDB tests: one isolated mock session per client. */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { Response } from 'supertest';
import type { TestApp } from '../../support/test-app.js';

export const ACME = 'ws_9m4e2mr0ui3e8a215n4g';
export const GLOBEX = 'ws_9m4e2mr0ui3e8a215n60';
export const RESEARCH = 'ts_9m4e2mr0ui3e8a215n50';
export const OPS = 'ts_9m4e2mr0ui3e8a215n51';

export const TOKENS = {
  acme: 'tdb-ws_9m4e2mr0ui3e8a215n4g-acmesecret0001',
  expired: 'tdb-ws_9m4e2mr0ui3e8a215n4g-expiredsecret1',
  revoked: 'tdb-ws_9m4e2mr0ui3e8a215n4g-revokedsecret1',
  globex: 'tdb-ws_9m4e2mr0ui3e8a215n60-globexsecret01',
  oauth: 'oauth-access-token-alice',
};

export const apiKey = (token: string) => ({ 'X-TILEDB-REST-API-KEY': token });
export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
export const basic = (user: string, password: string) => ({
  Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

export type Client = ReturnType<typeof client>;

/** Requests under /v4 with the given auth headers, all in one fresh session (fresh seeded state). */
export function client(t: TestApp, headers: Record<string, string> = apiKey(TOKENS.acme), session = randomUUID()) {
  const prepare = <R extends { set(name: string, value: string): R }>(req: R): R => {
    for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
    return req.set('X-Mock-Session', session);
  };
  return {
    session,
    get: (path: string) => prepare(t.http.get(`/v4${path}`)),
    post: (path: string, body?: unknown) => prepare(t.http.post(`/v4${path}`)).send(body as object),
    patch: (path: string, body?: unknown) => prepare(t.http.patch(`/v4${path}`)).send(body as object),
    delete: (path: string) => prepare(t.http.delete(`/v4${path}`)),
    as: (other: Record<string, string>) => client(t, other, session),
  };
}

/** Asserts TileDB's error shape, the status and the request id echoed in the X-Request-Id header. */
export function expectError(res: Response, status: number, message?: string | RegExp): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body).toMatchObject({ code: expect.any(Number), message: expect.any(String), request_id: expect.any(String) });
  expect(res.headers['x-request-id']).toBe(res.body.request_id);
  if (message !== undefined) expect(res.body.message).toMatch(message);
}

/** The `validation_error.fields[].field` names of a 400. */
export function invalidFields(res: Response): string[] {
  return (res.body.validation_error?.fields ?? []).map((f: { field: string }) => f.field);
}

export const awsKeys = { aws: { access_key_id: 'AKIAEXAMPLE000000001', secret_access_key: 'secret/0000000000000000000000000000000000' } };
export const awsRole = (roleArn = 'arn:aws:iam::123456789012:role/demo') => ({ aws: { role_arn: roleArn, external_id: '123ABC' } });

/**
 * Every auth operation against the same contract: it succeeds for an admin, answers 401 `error authenticating
 * request` without credentials (except GET /user), 401 `insufficient permissions` for a user without policies,
 * 400 for an invalid request before looking at credentials, and 429 with an empty body when a rule throttles it.
 */
import { describe, expect, it } from 'vitest';
import { authApp, as, client, useAuthApp, type Client } from './helpers.js';
import { guarded, operations, type Call } from './operations.js';
import { expectLakefsError, expectNoBody, lakefsState } from '../support.js';

const t = useAuthApp();

const send = (c: Client, call: Call) => (call.method === 'get' ? c.get(call.path) : call.method === 'delete' ? c.delete(call.path) : c[call.method](call.path, call.body));

it('covers all 32 operations', () => {
  expect(operations).toHaveLength(32);
  expect(new Set(operations.map((o) => o.operationId)).size).toBe(32);
});

it.each(operations)('$operationId answers $ok for the admin', async (op) => {
  const res = await send(client(t), op);
  expect(res.status, res.text).toBe(op.ok);
  if (op.ok === 201 && op.body === undefined && op.operationId !== 'createCredentials') expectNoBody(res, 201);
  if (op.ok === 204) expectNoBody(res, 204);
  expect(res.headers['x-request-id']).toBeTruthy();
});

it.each(guarded)('$operationId answers 401 "error authenticating request" without credentials', async (op) => {
  expectLakefsError(await send(client(t, {}), op), 401, 'error authenticating request');
});

it.each(guarded)('$operationId answers 401 "insufficient permissions" to a user without the policy', async (op) => {
  expectLakefsError(await send(client(t, as('nobody')), op), 401, `insufficient permissions: not allowed to ${op.action}`);
});

it.each(guarded)('$operationId leaves state untouched when refused', async (op) => {
  const c = client(t, as('nobody'));
  const before = structuredClone(lakefsState(t, c.session));
  await send(c, op);
  expect(lakefsState(t, c.session)).toEqual(before);
});

it.each(operations.filter((o) => o.invalid))('$operationId answers 400 for an invalid request, before authentication', async (op) => {
  for (const headers of [as('admin'), {}]) {
    const res = await send(client(t, headers), op.invalid!);
    expectLakefsError(res, 400, op.invalid!.names);
  }
});

it.each(operations)('$operationId answers 429 with an empty body when a rule throttles it', async (op) => {
  const res = await send(client(t, as('admin'), 'throttled'), op);
  expectNoBody(res, 429);
  expect(res.headers['retry-after']).toBeUndefined();
});

describe('in community mode', () => {
  const community = useAuthApp('community.yaml');

  it.each(operations.filter((o) => o.community))('$operationId answers 501 "Not Implemented"', async (op) => {
    expectLakefsError(await send(client(community), op), 501, 'Not Implemented');
  });

  it.each(operations.filter((o) => o.community === 'after-authz'))('$operationId checks credentials before answering 501', async (op) => {
    expectLakefsError(await send(client(community, {}), op), 401, 'error authenticating request');
  });

  it.each(operations.filter((o) => o.community === 'before-authz'))('$operationId answers 501 even before checking credentials', async (op) => {
    expectLakefsError(await send(client(community, {}), op), 501, 'Not Implemented');
  });
});

describe('with external principals switched off', () => {
  it.each(operations.filter((o) => o.community === 'before-authz'))('$operationId answers 501 before authorization', async (op) => {
    const off = await authApp('no-external-principals.yaml');
    try {
      expectLakefsError(await send(client(off), op), 501, 'Not Implemented');
      expectLakefsError(await send(client(off, as('nobody')), op), 501, 'Not Implemented');
      expect(off.violations()).toEqual([]);
    } finally {
      await off.close();
    }
  });
});

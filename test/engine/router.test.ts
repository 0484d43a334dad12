/**
 * The route table matches templates segment by segment: whole-segment parameters, parameters mixed with
 * literal text inside one segment (`{name}.{ext}`, where the leftmost parameter takes the longest text, as the
 * greedy regex did), and hostile paths in linear time.
 */
import { describe, expect, it } from 'vitest';
import { Router } from '../../src/engine/router.js';
import type { Operation } from '../../src/engine/spec.js';

const op = (operationId: string, method: string, pathTemplate: string): Operation => ({
  operationId,
  method,
  pathTemplate,
  parameters: [],
  responses: {},
  security: [],
});

const router = new Router([
  {
    mount: 'files',
    prefix: '/v1',
    source: 'files.yaml',
    operations: [
      op('listFiles', 'get', '/files'),
      op('getFile', 'get', '/files/{name}.{ext}'),
      op('getRange', 'get', '/files/{name}/bytes={from}-{to}'),
      op('getOwner', 'get', '/files/{name}/owner'),
      op('getVersion', 'get', '/files/{name}/v{version}'),
      op('getAny', 'get', '/things/{id}'),
    ],
  },
]);

function params(method: string, path: string): Record<string, string> | string {
  const m = router.match(method, path);
  return m.kind === 'operation' ? { operationId: m.operation.operationId, ...m.rawParams } : m.kind;
}

describe('Router', () => {
  it.each([
    ['/v1/files', { operationId: 'listFiles' }],
    ['/v1/files/report.csv', { operationId: 'getFile', name: 'report', ext: 'csv' }],
    ['/v1/files/archive.tar.gz', { operationId: 'getFile', name: 'archive.tar', ext: 'gz' }],
    ['/v1/files/report/bytes=10-20', { operationId: 'getRange', name: 'report', from: '10', to: '20' }],
    ['/v1/files/report/bytes=1-2-3', { operationId: 'getRange', name: 'report', from: '1-2', to: '3' }],
    ['/v1/files/report/owner', { operationId: 'getOwner', name: 'report' }],
    ['/v1/files/report/v2', { operationId: 'getVersion', name: 'report', version: '2' }],
    ['/v1/things/__proto__', { operationId: 'getAny', __proto__: 'x' }],
  ])('%s', (path, expected) => {
    if (path.endsWith('__proto__')) {
      const m = router.match('GET', path);
      expect(m.kind === 'operation' && Object.getOwnPropertyDescriptor(m.rawParams, 'id')?.value).toBe('__proto__');
      return;
    }
    expect(params('GET', path)).toEqual(expected);
  });

  it.each([
    '/v1/files/.csv', // a parameter is never empty
    '/v1/files/report.', //
    '/v1/files/report/bytes=-20',
    '/v1/files/report/bytes=10-',
    '/v1/files/a/b.csv', // nor does it cross a /
    '/v1/files/report/v', // `v{version}` needs a version
    '/v1/files/',
    '/v1/files/report/owner/',
  ])('does not route %s', (path) => {
    expect(params('GET', path)).not.toHaveProperty('operationId');
  });

  it('answers 405 for a known path with another method, 404 for an unknown one', () => {
    expect(router.match('POST', '/v1/files/report.csv').kind).toBe('method-not-allowed');
    expect(router.match('GET', '/v1/nothing').kind).toBe('not-found');
  });

  it('routes a 90 000-character segment of dots in one pass', () => {
    expect(params('GET', `/v1/files/${'.'.repeat(90_000)}x`)).toEqual({ operationId: 'getFile', name: '.'.repeat(89_999), ext: 'x' });
    expect(params('GET', `/v1/files/report/bytes=${'-'.repeat(90_000)}`)).toEqual({ operationId: 'getRange', name: 'report', from: '-'.repeat(89_998), to: '-' });
    expect(params('GET', `/v1/files/report/bytes=${'x'.repeat(90_000)}`)).toBe('not-found');
  });
});

describe('HEAD without a declared HEAD operation', () => {
  const routes = (headFromGet?: boolean) =>
    new Router([{ mount: 'api', prefix: '', source: 'api.yaml', operations: [op('list', 'get', '/things')], ...(headFromGet === undefined ? {} : { headFromGet }) }]);

  it('is answered by the GET operation by default', () => {
    expect(routes().match('HEAD', '/things')).toMatchObject({ kind: 'operation', operation: { operationId: 'list' } });
  });

  it('is a method the path does not serve when the API says so (lakeFS)', () => {
    expect(routes(false).match('HEAD', '/things')).toEqual({ kind: 'method-not-allowed', mount: 'api', allowed: ['GET'] });
  });
});

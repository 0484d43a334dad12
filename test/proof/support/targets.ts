/**
 * The bundled APIs as targets for hostile input: where each one is mounted, how a caller authenticates, what
 * its own error shape looks like, and which operations the rows aim at.
 */
import type { Answer, Sent } from './http.js';
export type { Answer };

/** The kinds of bad input every target gets; the expected status per target (undefined: any 4xx). */
export type RowKind =
  | 'malformed'
  | 'wrongType'
  | 'missingType'
  | 'invalidBody'
  | 'tooLarge'
  | 'tooDeep'
  | 'invalidUtf8'
  | 'bigHeader'
  | 'headerOverBound'
  | 'unknownPath'
  | 'wrongMethod'
  | 'badEncoding'
  | 'unknownEncoding';

export interface Target {
  name: string;
  /** Valid credentials for the operations below. */
  auth: Record<string, string>;
  /** An operation that takes a JSON body (the rows never send one it would accept). */
  bodyOp: { method: string; path: string; valid: unknown };
  /**
   * Where a header value the rows fill (64 KiB, past the bound, not UTF-8) goes: the credential header where
   * the API takes one (so the answer is a 401), else a junk header on an unknown path (a 404).
   */
  slot: { method: string; path: string; header: string; prefix: string; headers?: Record<string, string>; body?: string };
  unknownPath: string;
  wrongMethod: { method: string; path: string };
  /** Routes that take an id in the path (GET and DELETE), for percent-encoded `/` and `..`. */
  idRoutes?: (encodedId: string) => Sent[];
  /** A list operation and query strings it must refuse with 400. */
  paging?: { path: string; bad: string[] };
  /** Creating one resource by id: the success and duplicate statuses, and the duplicate's body. */
  create?: { path: string; body: (id: string) => unknown; created: number; conflict: number; conflictBody?: unknown };
  expect: Partial<Record<RowKind, number>>;
  /** What is wrong with the answer's shape (empty when it is the API's own). */
  shape: (a: Answer) => string[];
}

const json = (a: Answer) => (/^application\/json/.test(a.headers['content-type'] ?? '') ? [] : [`content-type ${a.headers['content-type']}`]);

/** `{"message": "..."}`, nothing else (lakeFS, its authentication service, the admin API's message part). */
export function messageShape(a: Answer, extra: string[] = []): string[] {
  const problems = json(a);
  if (typeof a.json?.message !== 'string') problems.push(`no string "message" in ${a.text.slice(0, 200)}`);
  const unexpected = Object.keys(a.json ?? {}).filter((k) => k !== 'message' && !extra.includes(k));
  if (unexpected.length) problems.push(`unexpected keys ${unexpected.join(', ')}`);
  return problems;
}

function tiledbShape(a: Answer): string[] {
  const problems = json(a);
  const b = a.json;
  if (!Number.isInteger(b?.code)) problems.push('no integer "code"');
  if (typeof b?.message !== 'string') problems.push('no string "message"');
  if (typeof b?.request_id !== 'string') problems.push('no string "request_id"');
  else if (a.headers['x-request-id'] !== b.request_id) problems.push('X-Request-Id differs from request_id');
  const unexpected = Object.keys(b ?? {}).filter((k) => !['code', 'message', 'request_id', 'validation_error'].includes(k));
  if (unexpected.length) problems.push(`unexpected keys ${unexpected.join(', ')}`);
  return problems;
}

function registryShape(a: Answer): string[] {
  const problems = json(a);
  const detail = a.json?.detail;
  const isList = Array.isArray(detail) && detail.every((d: any) => Array.isArray(d.loc) && typeof d.msg === 'string' && typeof d.type === 'string');
  if (typeof detail !== 'string' && !isList) problems.push(`"detail" is neither a text nor a list of {loc, msg, type}: ${a.text.slice(0, 200)}`);
  if (Object.keys(a.json ?? {}).length !== 1) problems.push(`keys other than "detail": ${Object.keys(a.json ?? {}).join(', ')}`);
  if (a.status === 422 && !isList) problems.push('a 422 whose detail is not a list');
  if (a.status === 401 && a.headers['www-authenticate'] !== 'Bearer') problems.push('a 401 without WWW-Authenticate: Bearer');
  return problems;
}

const TILEDB_KEY = { 'X-TILEDB-REST-API-KEY': 'tdb-ws_9m4e2mr0ui3e8a215n4g-alicedemotoken00000001' };
const LAKEFS_BASIC = { Authorization: `Basic ${Buffer.from('AKIAIOSFOLQUICKSTART:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY').toString('base64')}` };
const REGISTRY_READ = { Authorization: 'Bearer reg-read-token' };


export const targets: Target[] = [
  {
    name: 'tiledb',
    auth: TILEDB_KEY,
    bodyOp: {
      method: 'POST',
      path: '/v4/credentials/acme',
      valid: { name: 'never-stored', provider: 'AWS', credential: { aws: { access_key_id: 'AKIAEXAMPLE', secret_access_key: 's' } } },
    },
    slot: { method: 'GET', path: '/v4/credentials/acme', header: 'X-TILEDB-REST-API-KEY', prefix: '' },
    unknownPath: '/v4/no/such/route',
    wrongMethod: { method: 'PUT', path: '/v4/credentials/acme' },
    idRoutes: (id) => [
      { method: 'GET', path: `/v4/credentials/acme/${id}` },
      { method: 'DELETE', path: `/v4/credentials/acme/${id}` },
      { method: 'GET', path: `/v4/credentials/${id}` },
      { method: 'GET', path: `/v4/credentials/${id}/aws-keys` },
    ],
    paging: {
      path: '/v4/credentials/acme',
      bad: ['page=0', 'page=-1', 'per_page=0', 'per_page=-100', 'page=99999999999999999999', 'per_page=99999999999999999999',
        'page=9007199254740993', 'page=1e400', 'per_page=1e30', 'page=abc', 'page=1.5', 'page=-9223372036854775808'],
    },
    create: {
      path: '/v4/credentials/acme',
      body: (id) => ({ name: id, provider: 'AWS', credential: { aws: { access_key_id: 'AKIAEXAMPLE', secret_access_key: 's' } } }),
      created: 201,
      conflict: 409,
    },
    expect: {
      malformed: 400, wrongType: 415, missingType: 400, invalidBody: 400, tooLarge: 413, tooDeep: 400, invalidUtf8: 400,
      bigHeader: 401, headerOverBound: 431, unknownPath: 404, wrongMethod: 405, badEncoding: 400, unknownEncoding: 415,
    },
    shape: tiledbShape,
  },
  {
    name: 'registry',
    auth: REGISTRY_READ,
    bodyOp: {
      method: 'POST',
      path: '/registry/credentials/generate-read-access-credentials',
      valid: { s3_location: { bucket_name: 'b', path: 'p', s3_uri: 's3://b/p' }, console_session_required: false },
    },
    slot: {
      method: 'POST',
      path: '/registry/credentials/generate-read-access-credentials',
      header: 'Authorization',
      prefix: 'Bearer ',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    },
    unknownPath: '/registry/no/such/route',
    wrongMethod: { method: 'GET', path: '/registry/credentials/generate-read-access-credentials' },
    // FastAPI: a body it cannot decode (not UTF-8, nested past Python's recursion limit) is a 400, a JSON
    // syntax error or a body that is not a dict a 422.
    expect: {
      malformed: 422, wrongType: 422, missingType: 422, invalidBody: 422, tooLarge: 413, tooDeep: 400, invalidUtf8: 400,
      bigHeader: 401, headerOverBound: 431, unknownPath: 404, wrongMethod: 405, badEncoding: 400, unknownEncoding: 422,
    },
    shape: registryShape,
  },
  {
    name: 'lakefs',
    auth: LAKEFS_BASIC,
    bodyOp: { method: 'POST', path: '/api/v1/auth/users', valid: { id: 'never-stored' } },
    slot: { method: 'GET', path: '/api/v1/auth/users', header: 'Authorization', prefix: 'Basic ' },
    unknownPath: '/api/v1/no/such/route',
    wrongMethod: { method: 'PATCH', path: '/api/v1/auth/users' },
    idRoutes: (id) => [
      { method: 'GET', path: `/api/v1/auth/users/${id}` },
      { method: 'DELETE', path: `/api/v1/auth/users/${id}` },
    ],
    paging: { path: '/api/v1/auth/users', bad: ['amount=-2', 'amount=1001', 'amount=99999999999999999999', 'amount=-99999999999999999999', 'amount=abc', 'amount=1e400'] },
    create: {
      path: '/api/v1/auth/users',
      body: (id) => ({ id }),
      created: 201,
      conflict: 409,
      conflictBody: { message: 'Already exists' },
    },
    // Request validation runs before authentication (kin-openapi), so every bad body is a 400. lakeFS has no 405:
    // a wrong method is its 404 catch-all (recorded from the real 1.80.0).
    expect: {
      malformed: 400, missingType: 400, invalidBody: 400, tooLarge: 413, tooDeep: 400, invalidUtf8: 400,
      bigHeader: 401, headerOverBound: 431, unknownPath: 404, wrongMethod: 404,
    },
    shape: (a) => messageShape(a),
  },
  {
    name: 'lakefs-authentication',
    auth: {},
    bodyOp: { method: 'POST', path: '/authentication/api/v1/ldap/login', valid: { username: 'cn=nobody,dc=example,dc=org', password: 'x' } },
    // No operation takes credentials in a header: the padding rides in a header of its own.
    slot: { method: 'GET', path: '/authentication/api/v1/no/such/route', header: 'X-Padding', prefix: '' },
    unknownPath: '/authentication/api/v1/no/such/route',
    wrongMethod: { method: 'GET', path: '/authentication/api/v1/ldap/login' },
    // A Go server validating with kin-openapi: an unexpected content type is a 400 too.
    expect: {
      malformed: 400, wrongType: 400, missingType: 400, invalidBody: 400, tooLarge: 413, tooDeep: 400, invalidUtf8: 400,
      bigHeader: 404, headerOverBound: 431, unknownPath: 404, wrongMethod: 405, badEncoding: 400, unknownEncoding: 400,
    },
    shape: (a) => messageShape(a),
  },
  {
    name: 'admin',
    auth: {},
    // A session of its own: nothing sent here may touch the suite's session.
    bodyOp: { method: 'PUT', path: '/__admin/state?session=hostile-admin-target', valid: { session: 'hostile-admin-target', apis: {} } },
    slot: { method: 'GET', path: '/__admin/no/such/route', header: 'X-Padding', prefix: '' },
    unknownPath: '/__admin/no/such/route',
    wrongMethod: { method: 'DELETE', path: '/__admin/health' },
    paging: { path: '/__admin/requests', bad: ['limit=0', 'limit=-1', 'limit=99999999999999999999', 'limit=1e400', 'limit=abc', 'status=99999999999999999999'] },
    expect: {
      malformed: 400, wrongType: 415, missingType: 400, invalidBody: 400, tooLarge: 413, tooDeep: 400, invalidUtf8: 400,
      bigHeader: 404, headerOverBound: 431, unknownPath: 404, wrongMethod: 405, badEncoding: 400, unknownEncoding: 415,
    },
    shape: (a) => messageShape(a, ['issues']),
  },
];

/**
 * The scripted sessions the Prism proxy proof plays, one table per bundled spec: every operation's success and
 * its main error paths, in an order where each step sets up the next (create, then read, rename, delete).
 * A spec without a table here shows up as a todo in test/proof/prism-proxy.test.ts; add its rows here.
 *
 * Steps whose request breaks the spec on purpose (no credentials, a body the schema refuses) set
 * `invalidRequest`: Prism run with --errors answers those itself and never forwards them, so they go through
 * a second Prism without --errors, which forwards them and still reports any response violation.
 */
import { SignJWT } from 'jose';
import type { Rule } from '../../../../src/rules/types.js';

export interface Step {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path under the spec's mount prefix, query string included. */
  path: string;
  /** Merged over the API's default credentials; a header set to null is removed. */
  headers?: Record<string, string | null>;
  /** Sent as JSON unless it is a string (sent as is). */
  body?: unknown;
  status: number;
  invalidRequest?: boolean;
  /** A one-shot fault queued for the session just before the step (to reach 429 and friends). */
  fault?: Rule;
}

export interface SessionScript {
  api: string;
  /** Base name of the spec file the steps address. */
  spec: string;
  steps: Step[];
  /** Successful answers Prism cannot check, by operationId, with the reason (listed in the README). */
  successNotCheckable?: Record<string, string>;
}

const json = { 'Content-Type': 'application/json' };
const noCredentials = { 'X-TILEDB-REST-API-KEY': null, Authorization: null };

const awsKeys = (name: string) => ({
  name,
  provider: 'AWS',
  credential: { aws: { access_key_id: 'AKIAPRISMEXAMPLE0001', secret_access_key: 'prism-secret' } },
});

const TILEDB: Step[] = [
  { name: 'lists the workspace credentials', method: 'GET', path: '/credentials/acme', status: 200 },
  { name: 'lists a teamspace', method: 'GET', path: '/credentials/acme?teamspace_id=ts_9m4e2mr0ui3e8a215n50', status: 200 },
  { name: 'lists one page of one provider', method: 'GET', path: '/credentials/acme?provider=AWS&page=1&per_page=1', status: 200 },
  { name: 'lists by workspace id with basic auth', method: 'GET', path: '/credentials/ws_9m4e2mr0ui3e8a215n4g', headers: { ...noCredentials, Authorization: `Basic ${Buffer.from('alice:alice-password').toString('base64')}` }, status: 200 },
  { name: 'creates AWS keys', method: 'POST', path: '/credentials/acme', headers: json, body: awsKeys('prism-aws'), status: 201 },
  { name: 'refuses the same name again (409)', method: 'POST', path: '/credentials/acme', headers: json, body: awsKeys('prism-aws'), status: 409 },
  {
    name: 'creates an Azure SAS token as provider default',
    method: 'POST',
    path: '/credentials/acme',
    headers: json,
    body: { name: 'prism-sas', provider: 'AZURE', provider_default: true, token: { azure: { account_name: 'acct', sas_token: 'sv=1&sig=x' } } },
    status: 201,
  },
  {
    name: 'creates an AWS role in a teamspace',
    method: 'POST',
    path: '/credentials/acme?teamspace_id=ts_9m4e2mr0ui3e8a215n50',
    headers: json,
    body: { name: 'prism-role', provider: 'AWS', role: { aws: { role_arn: 'arn:aws:iam::123456789012:role/prism', external_id: 'ext' } } },
    status: 201,
  },
  {
    name: 'creates a GCP service account key',
    method: 'POST',
    path: '/credentials/acme',
    headers: json,
    body: {
      name: 'prism-gcp',
      provider: 'GCP',
      token: { gcp: { account_id: 'x', key_id: 'y', key_text: JSON.stringify({ client_email: 'sa@p.iam.gserviceaccount.com', private_key_id: 'k1' }) } },
    },
    status: 201,
  },
  {
    name: 'refuses material that does not match the provider (400)',
    method: 'POST',
    path: '/credentials/acme',
    headers: json,
    body: { name: 'prism-mismatch', provider: 'GCP', credential: { aws: { access_key_id: 'A', secret_access_key: 's' } } },
    status: 400,
  },
  { name: 'refuses an unknown workspace (404)', method: 'POST', path: '/credentials/nowhere', headers: json, body: awsKeys('prism-x'), status: 404 },
  { name: 'reads the AWS keys back', method: 'GET', path: '/credentials/acme/prism-aws', status: 200 },
  { name: 'reads the GCP key back', method: 'GET', path: '/credentials/acme/prism-gcp', status: 200 },
  { name: 'reads the teamspace role back', method: 'GET', path: '/credentials/acme/prism-role?teamspace_id=ts_9m4e2mr0ui3e8a215n50', status: 200 },
  { name: 'answers 404 for an unknown credential', method: 'GET', path: '/credentials/acme/nothing-here', status: 404 },
  { name: 'answers 404 for an unknown teamspace', method: 'GET', path: '/credentials/acme/prism-aws?teamspace_id=ts_00000000000000000000', status: 404 },
  { name: 'renames and flags the AWS keys', method: 'PATCH', path: '/credentials/acme/prism-aws', headers: json, body: { name: 'prism-aws-2', allowed_in_tasks: true }, status: 204 },
  { name: 'refuses a provider change the stored keys do not fit (400)', method: 'PATCH', path: '/credentials/acme/prism-aws-2', headers: json, body: { provider: 'AZURE' }, status: 400 },
  { name: 'refuses a rename onto a taken name (409)', method: 'PATCH', path: '/credentials/acme/prism-aws-2', headers: json, body: { name: 'prism-sas' }, status: 409 },
  { name: 'answers 404 when patching an unknown credential', method: 'PATCH', path: '/credentials/acme/nothing-here', headers: json, body: { allowed_in_tasks: false }, status: 404 },
  { name: 'deletes the renamed keys', method: 'DELETE', path: '/credentials/acme/prism-aws-2', status: 204 },
  { name: 'answers 404 when deleting them again', method: 'DELETE', path: '/credentials/acme/prism-aws-2', status: 404 },
  {
    name: 'verifies a role in the body scope',
    method: 'POST',
    path: '/actions/credentials/verify',
    headers: json,
    body: { name: 'v', provider: 'AWS', workspace_id: 'ws_9m4e2mr0ui3e8a215n4g', role: { aws: { role_arn: 'arn:aws:iam::123456789012:role/ok', external_id: 'e' } } },
    status: 200,
  },
  {
    name: 'fails the simulated AssumeRole of a denied role (400)',
    method: 'POST',
    path: '/actions/credentials/verify',
    headers: json,
    body: { name: 'v', provider: 'AWS', role: { aws: { role_arn: 'arn:aws:iam::000000000000:role/denied', external_id: 'e' } } },
    status: 400,
  },
  { name: 'verifies keys on the workspace path', method: 'POST', path: '/credentials/acme/verify', headers: json, body: awsKeys('v'), status: 200 },
  { name: 'refuses verify in a workspace the caller is not in (403)', method: 'POST', path: '/credentials/globex/verify', headers: json, body: awsKeys('v'), status: 403 },
  { name: 'refuses a member of another workspace (403)', method: 'GET', path: '/credentials/acme', headers: { 'X-TILEDB-REST-API-KEY': 'tdb-ws_9m4e2mr0ui3e8a215n60-bobdemotoken0000000001' }, status: 403 },
  { name: 'refuses an unknown API token (401)', method: 'GET', path: '/credentials/acme', headers: { 'X-TILEDB-REST-API-KEY': 'tdb-ws_9m4e2mr0ui3e8a215n4g-unknowntoken000000000' }, status: 401 },
  { name: 'answers a rate limit with 429 and Retry-After', method: 'GET', path: '/credentials/acme', fault: { match: { operationId: 'getCredentials' }, rateLimit: { limit: 0, window: '60s' } }, status: 429 },
  { name: 'answers a Prefer: code=404 override from the spec', method: 'GET', path: '/credentials/acme/prism-gcp', headers: { Prefer: 'code=404' }, status: 404 },
  { name: 'answers a Prefer: dynamic=true override from the schema', method: 'GET', path: '/credentials/acme', headers: { Prefer: 'dynamic=true' }, status: 200 },
  { name: 'refuses a call without credentials (401)', method: 'GET', path: '/credentials/acme', headers: noCredentials, status: 401, invalidRequest: true },
  { name: 'refuses a name the schema does not allow (400)', method: 'POST', path: '/credentials/acme', headers: json, body: { ...awsKeys('bad name!') }, status: 400, invalidRequest: true },
  { name: 'refuses page 0 (400)', method: 'GET', path: '/credentials/acme?page=0', status: 400, invalidRequest: true },
  { name: 'refuses a create without provider (400)', method: 'POST', path: '/credentials/acme', headers: json, body: { name: 'no-provider' }, status: 400, invalidRequest: true },
];

const registryRead = '/registry/credentials/generate-read-access-credentials';
const registryWrite = '/registry/credentials/generate-write-access-credentials';
const location = (consoleSession: boolean) => ({
  s3_location: { bucket_name: 'rrap-storage-bucket', path: 'datasets/prism/1', s3_uri: 's3://rrap-storage-bucket/datasets/prism/1' },
  console_session_required: consoleSession,
});
const bearer = (token: string) => ({ ...json, Authorization: `Bearer ${token}` });

/** An HS256 token signed with the default scenario's registry secret, as a test would mint one. */
async function registryJwt(roles: string[]): Promise<string> {
  return new SignJWT({ preferred_username: 'prism-jwt', email: 'prism@example.org', realm_access: { roles } })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('10m')
    .sign(new TextEncoder().encode('mockgate-registry-dev-secret'));
}

async function registrySteps(): Promise<Step[]> {
  return [
    { name: 'answers the health check without a token', method: 'GET', path: '/', headers: { Authorization: null }, status: 200 },
    { name: 'mints read credentials', method: 'POST', path: registryRead, headers: bearer('reg-read-token'), body: location(false), status: 200 },
    { name: 'mints read credentials with a console URL', method: 'POST', path: registryRead, headers: bearer('reg-read-token'), body: location(true), status: 200 },
    { name: 'mints read credentials for a signed JWT', method: 'POST', path: registryRead, headers: bearer(await registryJwt(['data-store-read'])), body: location(false), status: 200 },
    { name: 'mints write credentials', method: 'POST', path: registryWrite, headers: bearer('reg-write-token'), body: location(true), status: 200 },
    { name: 'refuses write to a reader (401, role)', method: 'POST', path: registryWrite, headers: bearer('reg-read-token'), body: location(false), status: 401 },
    { name: 'refuses a token without roles (401)', method: 'POST', path: registryRead, headers: bearer('reg-norole-token'), body: location(false), status: 401 },
    { name: 'refuses a token without a roles claim (401)', method: 'POST', path: registryRead, headers: bearer('reg-noclaim-token'), body: location(false), status: 401 },
    { name: 'refuses an unknown token (401)', method: 'POST', path: registryRead, headers: bearer('not-a-known-token'), body: location(false), status: 401 },
    {
      name: 'answers a rate limit with 429 and Retry-After',
      method: 'POST',
      path: registryRead,
      headers: bearer('reg-read-token'),
      body: location(false),
      fault: { match: { api: 'registry' }, rateLimit: { limit: 0, window: '60s' } },
      status: 429,
    },
    { name: 'answers a Prefer: code=422 override from the spec', method: 'POST', path: registryWrite, headers: { ...bearer('reg-write-token'), Prefer: 'code=422' }, body: location(false), status: 422 },
    { name: 'refuses a call without a token (401)', method: 'POST', path: registryRead, headers: { ...json, Authorization: null }, body: location(false), status: 401, invalidRequest: true },
    { name: 'refuses a body without s3_location (422)', method: 'POST', path: registryRead, headers: bearer('reg-read-token'), body: { console_session_required: false }, status: 422, invalidRequest: true },
    {
      name: 'coerces pydantic-style input (200)',
      method: 'POST',
      path: registryRead,
      headers: bearer('reg-read-token'),
      body: { s3_location: { bucket_name: 5, path: 'p', s3_uri: 's3://5/p' }, console_session_required: 'yes' },
      status: 200,
      invalidRequest: true,
    },
    { name: 'refuses a text body (422)', method: 'POST', path: registryRead, headers: { Authorization: 'Bearer reg-read-token', 'Content-Type': 'text/plain' }, body: 'bucket please', status: 422, invalidRequest: true },
  ];
}

/** A presigned GetCallerIdentity description as lakectl sends it, base64; no date, so it never expires. */
const identityToken = (fields: Record<string, unknown>) => Buffer.from(JSON.stringify({ action: 'GetCallerIdentity', ...fields })).toString('base64');

const LAKEFS_AUTHENTICATION: Step[] = [
  { name: 'answers the health check with 204', method: 'GET', path: '/healthcheck', status: 204 },
  { name: 'logs an LDAP user in', method: 'POST', path: '/ldap/login', headers: json, body: { username: 'alice', password: 'alice-password' }, status: 200 },
  { name: 'refuses a wrong LDAP password (401)', method: 'POST', path: '/ldap/login', headers: json, body: { username: 'alice', password: 'nope' }, status: 401 },
  {
    name: 'resolves an external principal from its identity token',
    method: 'POST',
    path: '/auth/external/principal/login',
    headers: json,
    body: { identity_token: identityToken({ access_key_id: 'ASIAQEXAMPLEALICE001' }) },
    status: 200,
  },
  {
    name: 'refuses an identity no seeded principal has (401)',
    method: 'POST',
    path: '/auth/external/principal/login',
    headers: json,
    body: { identity_token: identityToken({ access_key_id: 'ASIAQUNKNOWN00000001' }) },
    status: 401,
  },
  {
    name: 'refuses an expired presigned identity (403)',
    method: 'POST',
    path: '/auth/external/principal/login',
    headers: json,
    body: { identity_token: identityToken({ access_key_id: 'ASIAQEXAMPLEALICE001', date: '20200101T000000Z', expiration_duration: '60' }) },
    status: 403,
  },
  { name: 'refuses an identity request without a token (400)', method: 'POST', path: '/auth/external/principal/login', headers: json, body: {}, status: 400 },
  {
    name: 'answers a scripted 420 (rate limited, as the document declares)',
    method: 'POST',
    path: '/auth/external/principal/login',
    headers: json,
    body: { identity_token: identityToken({ access_key_id: 'ASIAQEXAMPLEALICE001' }) },
    fault: { match: { operationId: 'externalPrincipalLogin' }, status: 420 },
    status: 420,
  },
  {
    name: 'exchanges an STS code for claims',
    method: 'POST',
    path: '/sts/login',
    headers: json,
    body: { code: 'sts-code-alice', state: 'sts-state-alice', redirect_uri: 'http://localhost:8000/oidc/callback' },
    status: 200,
  },
  {
    name: 'refuses the same STS code twice (401)',
    method: 'POST',
    path: '/sts/login',
    headers: json,
    body: { code: 'sts-code-alice', state: 'sts-state-alice', redirect_uri: 'http://localhost:8000/oidc/callback' },
    status: 401,
  },
  { name: 'refuses an OIDC callback with an unknown code (401)', method: 'GET', path: '/oidc/callback?code=nope&state=nope', status: 401 },
  { name: 'refuses an LDAP login without password (400)', method: 'POST', path: '/ldap/login', headers: json, body: { username: 'alice' }, status: 400, invalidRequest: true },
];

/** Every scripted session, by API and spec file. lakeFS /api/v1 rows go here (one table per spec file). */
export async function sessionScripts(): Promise<SessionScript[]> {
  return [
    { api: 'tiledb', spec: 'tiledb.yaml', steps: TILEDB },
    { api: 'registry', spec: 'registry.yaml', steps: await registrySteps() },
    {
      api: 'lakefs-authentication',
      spec: 'lakefs-authentication.yaml',
      steps: LAKEFS_AUTHENTICATION,
      successNotCheckable: {
        oauthCallback:
          "its 302 never reaches Prism's validator: Prism's proxy follows redirects (node-fetch's default) and validates " +
          'whatever the Location serves instead; the 302 is checked under --strict by test/apis/lakefs-authentication',
      },
    },
  ];
}

/**
 * The scripted sessions the Prism proxy proof plays, one table per bundled spec: every operation's success and
 * its main error paths, in an order where each step sets up the next (create, then read, rename, delete).
 * A spec without a table here shows up as a todo in test/proof/prism-proxy.test.ts; add its rows here.
 *
 * Steps whose request breaks the spec on purpose (no credentials, a body the schema refuses) set
 * `invalidRequest`: Prism run with --errors answers those itself and never forwards them, so they go through
 * a second Prism without --errors, which forwards them and still reports any response violation.
 *
 * Steps that depend on what an earlier answer handed out (an upload id, a presigned URL, a new access key) read
 * it as `{{name}}` in their path, headers or body strings; the earlier step `save`s it. Set-up a session needs
 * from another spec (uploading the parts of an upload before completing it) is a `direct` step: sent straight
 * to mockgate, Prism not involved, only its status checked.
 */
import { createHash } from 'node:crypto';
import { SignJWT } from 'jose';
import type { Rule } from '../../../../src/rules/types.js';

export interface Step {
  name: string;
  method: 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
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
  /**
   * Set-up, not a check: sent straight to mockgate (redirects not followed), with `path` taken from mockgate's
   * root (prefix included) or a full URL mockgate handed out. Only its status is checked.
   */
  direct?: boolean;
  /**
   * Switches the session to this bundled scenario just before the step (its state is seeded afresh, faults and
   * journal cleared): the statuses only another scenario reaches, such as community lakeFS's 501.
   */
  scenario?: string;
  /** Values later steps read as `{{name}}` (in path, header values and body strings), from this step's answer. */
  save?: (answer: Answer) => Record<string, string>;
}

/** What a step's answer was, for `save`. */
export interface Answer {
  status: number;
  headers: Headers;
  /** Parsed JSON, or the text when it is not JSON (undefined when empty). */
  body: any;
}

export interface SessionScript {
  api: string;
  /** Base name of the spec file the steps address. */
  spec: string;
  steps: Step[];
  /** A bundled scenario the session plays in instead of the server's (switched through PUT /__admin/scenario). */
  scenario?: string;
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

// ---- lakeFS (/api/v1 and the mock's own browser pages and blockstore) ----

const lakefsAuth = (username: string, password: string) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
const noLakefsCredentials = { Authorization: null };
const wrongSecret = { Authorization: lakefsAuth('AKIAIOSFOLQUICKSTART', 'not-the-secret') };
const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
const rateLimited = (operationId: string): Rule => ({ match: { operationId }, rateLimit: { limit: 0, window: '60s' } });
const PRISM_ROLE = encodeURIComponent('arn:aws:iam::123456789012:role/prism');
const readObjects = [{ effect: 'allow', action: ['fs:ReadObject'], resource: '*' }];

/**
 * Open-source lakeFS (the lakefs-community scenario, switched to at the first row), after the rows that need the
 * table's own scenario. Its 501 "Not Implemented" answers are not among them: Prism's proxy never validates an
 * upstream 501, it turns it into UPSTREAM_NOT_IMPLEMENTED and answers a mocked 200 from the spec instead
 * (@stoplight/prism-http dist/forwarder/index.js, `response.status === 501`; prism-core dist/factory.js falls
 * back to the mocker), so the 501s are checked under --strict by test/apis/lakefs/auth/community.test.ts and
 * test/apis/lakefs/login/community.test.ts.
 */
function communitySteps(spec: string, calls: Array<[Step['method'], string, number, unknown?]>): Step[] {
  return calls.map(([method, path, status, body], i) => ({
    name: `community lakeFS (${spec}): ${method} ${path.split('?')[0]} answers ${status}`,
    method,
    path,
    ...(body === undefined ? {} : { headers: json, body }),
    status,
    ...(i === 0 ? { scenario: 'lakefs-community' } : {}),
  }));
}

/** specs/lakefs/auth.yaml in the default scenario: the quickstart admin creates what it then reads and deletes. */
const LAKEFS_AUTH: Step[] = [
  { name: 'answers the current user', method: 'GET', path: '/user', status: 200 },
  { name: 'refuses a wrong secret (401)', method: 'GET', path: '/user', headers: wrongSecret, status: 401 },
  { name: 'answers the empty user to a caller without credentials (200)', method: 'GET', path: '/user', headers: noLakefsCredentials, status: 200, invalidRequest: true },
  { name: 'lists the users', method: 'GET', path: '/auth/users', status: 200 },
  { name: 'creates a user', method: 'POST', path: '/auth/users', headers: json, body: { id: 'prism-user' }, status: 201 },
  { name: 'refuses the same user again (409)', method: 'POST', path: '/auth/users', headers: json, body: { id: 'prism-user' }, status: 409 },
  { name: 'lists one page of users with a prefix', method: 'GET', path: '/auth/users?prefix=prism&amount=1', status: 200 },
  { name: 'reads the user back', method: 'GET', path: '/auth/users/prism-user', status: 200 },
  { name: 'answers 404 for an unknown user', method: 'GET', path: '/auth/users/nobody-here', status: 404 },
  { name: 'creates a group', method: 'POST', path: '/auth/groups', headers: json, body: { id: 'PrismGroup', description: 'made by the Prism session' }, status: 201 },
  { name: 'refuses the same group again (409)', method: 'POST', path: '/auth/groups', headers: json, body: { id: 'PrismGroup' }, status: 409 },
  { name: 'lists the groups', method: 'GET', path: '/auth/groups', status: 200 },
  { name: 'reads the group back', method: 'GET', path: '/auth/groups/PrismGroup', status: 200 },
  { name: 'answers 404 for an unknown group', method: 'GET', path: '/auth/groups/NoSuchGroup', status: 404 },
  { name: 'adds the user to the group', method: 'PUT', path: '/auth/groups/PrismGroup/members/prism-user', status: 201 },
  { name: 'refuses the same membership again (409)', method: 'PUT', path: '/auth/groups/PrismGroup/members/prism-user', status: 409 },
  { name: 'refuses a membership of an unknown user (404)', method: 'PUT', path: '/auth/groups/PrismGroup/members/nobody-here', status: 404 },
  { name: 'lists the group members', method: 'GET', path: '/auth/groups/PrismGroup/members', status: 200 },
  { name: 'answers 404 for the members of an unknown group', method: 'GET', path: '/auth/groups/NoSuchGroup/members', status: 404 },
  { name: 'lists the groups of the user', method: 'GET', path: '/auth/users/prism-user/groups', status: 200 },
  { name: 'answers 404 for the groups of an unknown user', method: 'GET', path: '/auth/users/nobody-here/groups', status: 404 },
  { name: 'creates a policy', method: 'POST', path: '/auth/policies', headers: json, body: { id: 'PrismPolicy', statement: readObjects }, status: 201 },
  { name: 'refuses the same policy again (409)', method: 'POST', path: '/auth/policies', headers: json, body: { id: 'PrismPolicy', statement: readObjects }, status: 409 },
  { name: 'lists the policies', method: 'GET', path: '/auth/policies?prefix=Prism', status: 200 },
  { name: 'reads the policy back', method: 'GET', path: '/auth/policies/PrismPolicy', status: 200 },
  { name: 'answers 404 for an unknown policy', method: 'GET', path: '/auth/policies/NoSuchPolicy', status: 404 },
  {
    name: 'updates the policy',
    method: 'PUT',
    path: '/auth/policies/PrismPolicy',
    headers: json,
    body: { id: 'PrismPolicy', statement: [...readObjects, { effect: 'deny', action: ['fs:DeleteObject'], resource: 'arn:lakefs:fs:::repository/*' }] },
    status: 200,
  },
  { name: 'answers 404 when updating an unknown policy', method: 'PUT', path: '/auth/policies/NoSuchPolicy', headers: json, body: { id: 'NoSuchPolicy', statement: readObjects }, status: 404 },
  { name: 'attaches the policy to the group', method: 'PUT', path: '/auth/groups/PrismGroup/policies/PrismPolicy', status: 201 },
  { name: 'refuses the same group attachment again (409)', method: 'PUT', path: '/auth/groups/PrismGroup/policies/PrismPolicy', status: 409 },
  { name: 'refuses attaching an unknown policy to the group (404)', method: 'PUT', path: '/auth/groups/PrismGroup/policies/NoSuchPolicy', status: 404 },
  { name: 'lists the group policies', method: 'GET', path: '/auth/groups/PrismGroup/policies', status: 200 },
  { name: 'answers 404 for the policies of an unknown group', method: 'GET', path: '/auth/groups/NoSuchGroup/policies', status: 404 },
  { name: 'attaches the policy to the user', method: 'PUT', path: '/auth/users/prism-user/policies/PrismPolicy', status: 201 },
  { name: 'refuses the same user attachment again (409)', method: 'PUT', path: '/auth/users/prism-user/policies/PrismPolicy', status: 409 },
  { name: 'refuses attaching a policy to an unknown user (404)', method: 'PUT', path: '/auth/users/nobody-here/policies/PrismPolicy', status: 404 },
  { name: 'lists the user policies', method: 'GET', path: '/auth/users/prism-user/policies', status: 200 },
  { name: 'lists the effective user policies', method: 'GET', path: '/auth/users/prism-user/policies?effective=true', status: 200 },
  { name: 'answers 404 for the policies of an unknown user', method: 'GET', path: '/auth/users/nobody-here/policies', status: 404 },
  {
    name: 'creates credentials for the user',
    method: 'POST',
    path: '/auth/users/prism-user/credentials',
    status: 201,
    save: ({ body }) => ({ prismKey: body.access_key_id, prismAuth: lakefsAuth(body.access_key_id, body.secret_access_key) }),
  },
  { name: 'refuses credentials for an unknown user (404)', method: 'POST', path: '/auth/users/nobody-here/credentials', status: 404 },
  { name: 'lists the user credentials', method: 'GET', path: '/auth/users/prism-user/credentials', status: 200 },
  { name: 'answers 404 for the credentials of an unknown user', method: 'GET', path: '/auth/users/nobody-here/credentials', status: 404 },
  { name: 'reads the new credentials back', method: 'GET', path: '/auth/users/prism-user/credentials/{{prismKey}}', status: 200 },
  { name: 'answers 404 for unknown credentials', method: 'GET', path: '/auth/users/prism-user/credentials/AKIAJNOSUCHKEY2222Q2', status: 404 },
  { name: 'refuses the new user what its policy does not allow (401, insufficient permissions)', method: 'GET', path: '/auth/users', headers: { Authorization: '{{prismAuth}}' }, status: 401 },
  { name: 'lets the new user read its own current user', method: 'GET', path: '/user', headers: { Authorization: '{{prismAuth}}' }, status: 200 },
  // Group ACLs are 501 for an authorized caller in every mode (see successNotCheckable): their checkable answer is the authorization's.
  { name: "refuses the new user the group's ACL (401, insufficient permissions)", method: 'GET', path: '/auth/groups/PrismGroup/acl', headers: { Authorization: '{{prismAuth}}' }, status: 401 },
  { name: "refuses the new user setting the group's ACL (401, insufficient permissions)", method: 'POST', path: '/auth/groups/PrismGroup/acl', headers: { ...json, Authorization: '{{prismAuth}}' }, body: { permission: 'Read' }, status: 401 },
  { name: 'attaches an external principal to the user', method: 'POST', path: `/auth/users/prism-user/external/principals?principalId=${PRISM_ROLE}`, headers: json, body: { settings: {} }, status: 201 },
  { name: 'refuses the same principal again (409)', method: 'POST', path: `/auth/users/prism-user/external/principals?principalId=${PRISM_ROLE}`, status: 409 },
  { name: 'refuses a principal for an unknown user (404)', method: 'POST', path: `/auth/users/nobody-here/external/principals?principalId=${PRISM_ROLE}-2`, status: 404 },
  { name: 'reads the external principal', method: 'GET', path: `/auth/external/principals?principalId=${PRISM_ROLE}`, status: 200 },
  { name: 'answers 404 for an unknown external principal', method: 'GET', path: `/auth/external/principals?principalId=${PRISM_ROLE}-none`, status: 404 },
  { name: 'lists the external principals of the user', method: 'GET', path: '/auth/users/prism-user/external/principals/ls', status: 200 },
  { name: 'answers 404 for the external principals of an unknown user', method: 'GET', path: '/auth/users/nobody-here/external/principals/ls', status: 404 },
  { name: 'detaches the external principal', method: 'DELETE', path: `/auth/users/prism-user/external/principals?principalId=${PRISM_ROLE}`, status: 204 },
  { name: 'answers 404 when detaching it again', method: 'DELETE', path: `/auth/users/prism-user/external/principals?principalId=${PRISM_ROLE}`, status: 404 },
  { name: 'deletes the credentials', method: 'DELETE', path: '/auth/users/prism-user/credentials/{{prismKey}}', status: 204 },
  { name: 'answers 404 when deleting them again', method: 'DELETE', path: '/auth/users/prism-user/credentials/{{prismKey}}', status: 404 },
  { name: 'refuses the deleted credentials (401)', method: 'GET', path: '/user', headers: { Authorization: '{{prismAuth}}' }, status: 401 },
  { name: 'detaches the policy from the user', method: 'DELETE', path: '/auth/users/prism-user/policies/PrismPolicy', status: 204 },
  // Detaching what is not attached is 204, as upstream's KV delete; 404 is for an unknown user, group or policy.
  { name: 'detaches it from the user again (204)', method: 'DELETE', path: '/auth/users/prism-user/policies/PrismPolicy', status: 204 },
  { name: 'answers 404 when detaching from an unknown user', method: 'DELETE', path: '/auth/users/nobody-here/policies/PrismPolicy', status: 404 },
  { name: 'detaches the policy from the group', method: 'DELETE', path: '/auth/groups/PrismGroup/policies/PrismPolicy', status: 204 },
  { name: 'answers 404 when detaching an unknown policy from the group', method: 'DELETE', path: '/auth/groups/PrismGroup/policies/NoSuchPolicy', status: 404 },
  { name: 'removes the user from the group', method: 'DELETE', path: '/auth/groups/PrismGroup/members/prism-user', status: 204 },
  { name: 'answers 404 when removing an unknown user from the group', method: 'DELETE', path: '/auth/groups/PrismGroup/members/nobody-here', status: 404 },
  { name: 'deletes the group', method: 'DELETE', path: '/auth/groups/PrismGroup', status: 204 },
  { name: 'answers 404 when deleting the group again', method: 'DELETE', path: '/auth/groups/PrismGroup', status: 404 },
  { name: 'deletes the policy', method: 'DELETE', path: '/auth/policies/PrismPolicy', status: 204 },
  { name: 'answers 404 when deleting the policy again', method: 'DELETE', path: '/auth/policies/PrismPolicy', status: 404 },
  { name: 'deletes the user', method: 'DELETE', path: '/auth/users/prism-user', status: 204 },
  { name: 'answers 404 when deleting the user again', method: 'DELETE', path: '/auth/users/prism-user', status: 404 },
  { name: 'answers a rate limit with a bodiless 429', method: 'GET', path: '/auth/users', fault: rateLimited('listUsers'), status: 429 },
  { name: 'answers a Prefer: code=404 override from the spec', method: 'GET', path: '/auth/users/quickstart', headers: { Prefer: 'code=404' }, status: 404 },
  // Community lakeFS's 501s cannot go through Prism: see communitySteps.
  ...communitySteps('auth', [['POST', '/auth/users', 409, { id: 'second-admin' }]]),
  { name: 'refuses a list without credentials (401)', method: 'GET', path: '/auth/users', headers: noLakefsCredentials, status: 401, invalidRequest: true },
  { name: 'refuses a create without credentials (401)', method: 'POST', path: '/auth/groups', headers: { ...json, ...noLakefsCredentials }, body: { id: 'Anonymous' }, status: 401, invalidRequest: true },
  { name: 'refuses an amount over 1000 (400)', method: 'GET', path: '/auth/users?amount=1001', status: 400, invalidRequest: true },
  { name: 'refuses a user id that is not a string (400)', method: 'POST', path: '/auth/users', headers: json, body: { id: 7 }, status: 400, invalidRequest: true },
  { name: 'refuses a group without id (400)', method: 'POST', path: '/auth/groups', headers: json, body: { description: 'no id' }, status: 400, invalidRequest: true },
  { name: 'refuses a policy without statements (400)', method: 'POST', path: '/auth/policies', headers: json, body: { id: 'Empty', statement: [] }, status: 400, invalidRequest: true },
  { name: 'refuses a principal call without principalId (400)', method: 'GET', path: '/auth/external/principals', status: 400, invalidRequest: true },
];

/** An AWS identity proof as lakectl sends it: base64 of the presigned GetCallerIdentity description. */
const awsIdentity = (accessKeyId: string) => ({ identityRequest: { identity_token: identityToken({ access_key_id: accessKeyId }) } });
const stsCode = (code: string) => ({ code, state: 'any-state', redirect_uri: 'http://localhost:8000/oidc/callback' });
/** The token mailbox's login request (the part of Location after `request=`) and its secret mailbox, from getTokenRedirect. */
const mailboxOf = ({ headers }: Answer) => ({
  loginRequest: new URL(headers.get('location')!, 'http://mockgate').searchParams.get('request')!,
  mailbox: headers.get('x-lakefs-mailbox')!,
});

/** specs/lakefs/login.yaml in lakefs-sso, whose principals and STS codes cover every sign-in's outcomes. */
const LAKEFS_LOGIN: Step[] = [
  { name: 'exchanges the key pair for a token and cookie', method: 'POST', path: '/auth/login', headers: json, body: { access_key_id: 'AKIAIOSFOLQUICKSTART', secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' }, status: 200 },
  { name: 'refuses a wrong secret (401)', method: 'POST', path: '/auth/login', headers: json, body: { access_key_id: 'AKIAIOSFOLQUICKSTART', secret_access_key: 'nope' }, status: 401 },
  { name: 'refuses a login without a body (401)', method: 'POST', path: '/auth/login', status: 401 },
  { name: 'signs an LDAP user in through the directory', method: 'POST', path: '/auth/login', headers: json, body: { access_key_id: 'lara', secret_access_key: 'lara-password' }, status: 200 },
  { name: 'signs an AWS identity in', method: 'POST', path: '/auth/external/principal/login', headers: json, body: { ...awsIdentity('ASIAQEXAMPLEALICE001'), token_expiration_duration: 600 }, status: 200 },
  { name: 'refuses an identity nobody knows (401)', method: 'POST', path: '/auth/external/principal/login', headers: json, body: awsIdentity('ASIAQUNKNOWN00000001'), status: 401 },
  { name: 'refuses an expired identity (403)', method: 'POST', path: '/auth/external/principal/login', headers: json, body: awsIdentity('ASIAQEXAMPLEOLD00001'), status: 403 },
  { name: 'answers 404 for an identity attached to no user', method: 'POST', path: '/auth/external/principal/login', headers: json, body: awsIdentity('ASIAQEXAMPLEZED00001'), status: 404 },
  { name: 'refuses an empty identity request (400)', method: 'POST', path: '/auth/external/principal/login', headers: json, body: { identityRequest: {} }, status: 400 },
  { name: 'exchanges an STS code for a token', method: 'POST', path: '/sts/login', headers: json, body: { ...stsCode('sts-code-alice'), state: 'sts-state-alice', ttl_seconds: 600 }, status: 200 },
  { name: 'refuses the same STS code twice (401)', method: 'POST', path: '/sts/login', headers: json, body: { ...stsCode('sts-code-alice'), state: 'sts-state-alice' }, status: 401 },
  { name: 'refuses an expired STS code (403)', method: 'POST', path: '/sts/login', headers: json, body: stsCode('sts-code-expired'), status: 403 },
  { name: 'answers 404 for an STS subject with no user', method: 'POST', path: '/sts/login', headers: json, body: stsCode('sts-code-stranger'), status: 404 },
  { name: 'refuses an OIDC callback with an unknown code (401)', method: 'GET', path: '/oidc/callback?code=nope&state=nope', status: 401 },
  { name: 'answers a rate-limited OIDC callback with a bodiless 429', method: 'GET', path: '/oidc/callback?code=nope', fault: rateLimited('oauthCallback'), status: 429 },
  { name: 'answers a rate-limited token redirect with a bodiless 429', method: 'GET', path: '/auth/get-token/start', fault: rateLimited('getTokenRedirect'), status: 429 },
  { name: '(set-up) opens a login request and its mailbox', method: 'GET', path: '/api/v1/auth/get-token/start', status: 303, direct: true, save: mailboxOf },
  { name: 'answers 404 from the mailbox until the token is released', method: 'GET', path: '/auth/get-token/mailboxes/{{mailbox}}', status: 404 },
  { name: 'releases a token for the caller to the mailbox', method: 'GET', path: '/auth/get-token/release-token/{{loginRequest}}', status: 204 },
  { name: 'answers 404 when releasing the same request again', method: 'GET', path: '/auth/get-token/release-token/{{loginRequest}}', status: 404 },
  { name: 'hands the token out from the mailbox', method: 'GET', path: '/auth/get-token/mailboxes/{{mailbox}}', status: 200 },
  { name: 'answers 404 from the emptied mailbox', method: 'GET', path: '/auth/get-token/mailboxes/{{mailbox}}', status: 404 },
  { name: 'refuses a mailbox name that cannot be one (400)', method: 'GET', path: '/auth/get-token/mailboxes/short', status: 400 },
  { name: 'refuses a login request token that cannot be one (400)', method: 'GET', path: '/auth/get-token/release-token/short', status: 400 },
  { name: 'answers 404 for a login request nobody opened', method: 'GET', path: `/auth/get-token/release-token/${'A'.repeat(32)}`, status: 404 },
  { name: 'refuses a release with a wrong secret (401)', method: 'GET', path: `/auth/get-token/release-token/${'A'.repeat(32)}`, headers: wrongSecret, status: 401 },
  // Without an identity provider the callback does nothing: 200, no body.
  ...communitySteps('login', [['GET', '/oidc/callback?code=any&state=any', 200]]),
  // Where the token mailbox is served (lakefs-sso above, lakeFS up to 1.80), an anonymous release is sent to the UI's
  // sign-in page (307), not refused: a redirect Prism's proxy follows, so it is checked under --strict by
  // test/apis/lakefs/login/mailbox.test.ts and community.test.ts. Here, in lakefs-community at its default
  // lakefsVersion (1.84.0), the route is gone and the release falls through to lakeFS's catch-all (the real 1.84.0).
  { name: 'answers a release without credentials with the catch-all 404: no token mailbox in community lakeFS from 1.81', method: 'GET', path: `/auth/get-token/release-token/${'A'.repeat(32)}`, headers: noLakefsCredentials, status: 404, invalidRequest: true },
  { name: 'refuses a login without the secret (400)', method: 'POST', path: '/auth/login', headers: json, body: { access_key_id: 'AKIAIOSFOLQUICKSTART' }, status: 400, invalidRequest: true },
  { name: 'refuses an external login without identityRequest (400)', method: 'POST', path: '/auth/external/principal/login', headers: json, body: {}, status: 400, invalidRequest: true },
  { name: 'refuses an STS login without state (400)', method: 'POST', path: '/sts/login', headers: json, body: { code: 'sts-code-bob', redirect_uri: 'x' }, status: 400, invalidRequest: true },
];

/** specs/lakefs/browser.yaml in lakefs-sso: the mock's sign-in pages and lakeFS's logout. */
const LAKEFS_BROWSER: Step[] = [
  { name: 'shows the OIDC identities to choose from', method: 'GET', path: '/mockgate/lakefs/oidc/authorize?redirect_uri=%2Fapi%2Fv1%2Foidc%2Fcallback&state=prism', status: 200 },
  { name: 'refuses an unsafe redirect_uri on the authorize page (400)', method: 'GET', path: '/mockgate/lakefs/oidc/authorize?redirect_uri=javascript%3Aalert(1)', status: 400 },
  { name: 'answers 404 for an identity the scenario does not seed', method: 'POST', path: '/mockgate/lakefs/oidc/authorize', headers: form, body: 'sub=stranger&state=prism', status: 404 },
  { name: 'refuses an unsafe redirect_uri when choosing (400)', method: 'POST', path: '/mockgate/lakefs/oidc/authorize', headers: form, body: 'sub=alice&redirect_uri=javascript%3Aalert(1)', status: 400 },
  { name: 'answers a rate-limited logout with a bodiless 429', method: 'GET', path: '/logout', fault: rateLimited('logout'), status: 429 },
  { name: '(set-up) opens a login request', method: 'GET', path: '/api/v1/auth/get-token/start', status: 303, direct: true, save: mailboxOf },
  { name: 'shows the sign-in page of the login request', method: 'GET', path: '/mockgate/lakefs/login?request={{loginRequest}}', status: 200 },
  { name: 'shows the sign-in page without a login request', method: 'GET', path: '/mockgate/lakefs/login', status: 200 },
  { name: 'answers a 404 page for a login request nobody opened', method: 'GET', path: `/mockgate/lakefs/login?request=${'A'.repeat(32)}`, status: 404 },
  {
    name: 'refuses a wrong key pair on the sign-in page (401)',
    method: 'POST',
    path: '/mockgate/lakefs/login',
    headers: form,
    body: 'request={{loginRequest}}&access_key_id=AKIAIOSFOLQUICKSTART&secret_access_key=nope',
    status: 401,
  },
  {
    name: 'signs in on the sign-in page',
    method: 'POST',
    path: '/mockgate/lakefs/login',
    headers: form,
    body: `request={{loginRequest}}&access_key_id=AKIAIOSFOLQUICKSTART&secret_access_key=${encodeURIComponent('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')}`,
    status: 200,
  },
  { name: 'refuses the sign-in page without a key pair or a session (401)', method: 'POST', path: '/mockgate/lakefs/login', headers: { ...form, Authorization: null }, body: 'access_key_id=', status: 401 },
  { name: 'answers a 404 page when signing in for a login request nobody opened', method: 'POST', path: '/mockgate/lakefs/login', headers: form, body: `request=${'A'.repeat(32)}`, status: 404 },
  { name: 'refuses a choice without a sub (400)', method: 'POST', path: '/mockgate/lakefs/oidc/authorize', headers: form, body: 'state=prism', status: 400, invalidRequest: true },
  { name: 'refuses a login request token over 1024 characters (400)', method: 'POST', path: '/mockgate/lakefs/login', headers: form, body: `request=${'x'.repeat(1025)}`, status: 400, invalidRequest: true },
];

const REPO = '/repositories/example-repo';
const PMPU = `${REPO}/branches/prism-branch/staging/pmpu`;
/** The parts of an upload, as the blockstore answers them: `"<md5 of the bytes>"`. */
const etag = (data: string) => `"${createHash('md5').update(data).digest('hex')}"`;
/** An upload's id, physical address and part URLs, saved under a name. */
const uploadOf =
  (name: string) =>
  ({ body }: Answer): Record<string, string> => ({
    [`${name}Id`]: body.upload_id,
    [`${name}Address`]: body.physical_address,
    ...Object.fromEntries((body.presigned_urls ?? []).map((url: string, i: number) => [`${name}Part${i + 1}`, url])),
  });
const partPut = (name: string, part: number, data: string): Step => ({
  name: `(set-up) uploads part ${part} of ${name}`,
  method: 'PUT',
  path: `{{${name}Part${part}}}`,
  headers: { 'Content-Type': 'application/octet-stream' },
  body: data,
  status: 200,
  direct: true,
});
const completion = (name: string, parts: string[]) => ({ physical_address: `{{${name}Address}}`, parts: parts.map((data, i) => ({ part_number: i + 1, etag: etag(data) })) });

/** specs/lakefs/repositories.yaml in lakefs-repos: example-repo with a protected main and a throttled branch. */
const LAKEFS_REPOSITORIES: Step[] = [
  { name: 'answers the health check with 204', method: 'GET', path: '/healthcheck', headers: noLakefsCredentials, status: 204 },
  { name: 'answers the version', method: 'GET', path: '/config/version', status: 200 },
  { name: 'refuses the version to a wrong secret (401)', method: 'GET', path: '/config/version', headers: wrongSecret, status: 401 },
  { name: 'lists the repositories', method: 'GET', path: '/repositories', status: 200 },
  { name: 'lists one page of repositories', method: 'GET', path: '/repositories?prefix=example&amount=1&search=repo', status: 200 },
  { name: 'creates a repository', method: 'POST', path: '/repositories', headers: json, body: { name: 'prism-repo', storage_namespace: 's3://example-bucket/prism-repo' }, status: 201 },
  { name: 'refuses the same name again (409)', method: 'POST', path: '/repositories', headers: json, body: { name: 'prism-repo', storage_namespace: 's3://example-bucket/prism-repo-2' }, status: 409 },
  { name: 'creates a read-only repository', method: 'POST', path: '/repositories', headers: json, body: { name: 'prism-frozen', storage_namespace: 's3://example-bucket/prism-frozen', default_branch: 'trunk', read_only: true }, status: 201 },
  { name: 'creates a bare repository', method: 'POST', path: '/repositories?bare=true', headers: json, body: { name: 'prism-bare', storage_namespace: 'mem://prism-bare' }, status: 201 },
  // lakeFS 1.80.0 does not check the default branch's name when it creates a repository (test/fidelity/FINDINGS.md).
  { name: 'accepts a default branch name no branch could have (201)', method: 'POST', path: '/repositories', headers: json, body: { name: 'prism-odd', storage_namespace: 's3://example-bucket/prism-odd', default_branch: 'no/slashes' }, status: 201 },
  { name: 'reads the repository metadata', method: 'GET', path: '/repositories/prism-repo/metadata', status: 200 },
  { name: 'answers 404 for the metadata of an unknown repository', method: 'GET', path: '/repositories/no-such-repo/metadata', status: 404 },
  { name: 'answers 404 for garbage collection rules never set', method: 'GET', path: '/repositories/prism-repo/settings/gc_rules', status: 404 },
  { name: 'sets garbage collection rules', method: 'PUT', path: '/repositories/prism-repo/settings/gc_rules', headers: json, body: { default_retention_days: 21, branches: [{ branch_id: 'main', retention_days: 7 }] }, status: 204 },
  { name: 'reads the garbage collection rules back', method: 'GET', path: '/repositories/prism-repo/settings/gc_rules', status: 200 },
  { name: 'answers 404 for the rules of an unknown repository', method: 'PUT', path: '/repositories/no-such-repo/settings/gc_rules', headers: json, body: { default_retention_days: 1, branches: [] }, status: 404 },
  { name: 'deletes the garbage collection rules', method: 'DELETE', path: '/repositories/prism-repo/settings/gc_rules', status: 204 },
  { name: 'answers 404 for the deleted rules', method: 'GET', path: '/repositories/prism-repo/settings/gc_rules', status: 404 },
  { name: 'reads branch protection rules never set (ETag "")', method: 'GET', path: '/repositories/prism-repo/settings/branch_protection', status: 200 },
  { name: 'refuses an If-Match when no rules were stored (412)', method: 'PUT', path: '/repositories/prism-repo/settings/branch_protection', headers: { ...json, 'If-Match': 'no-such-etag' }, body: [{ pattern: 'stable_*' }], status: 412 },
  { name: 'sets branch protection rules', method: 'PUT', path: '/repositories/prism-repo/settings/branch_protection', headers: json, body: [{ pattern: 'stable_*' }], status: 204 },
  {
    name: 'reads the branch protection rules and their ETag',
    method: 'GET',
    path: '/repositories/prism-repo/settings/branch_protection',
    status: 200,
    save: ({ headers }) => ({ protectionETag: headers.get('etag')! }),
  },
  { name: 'replaces the rules if they still have that ETag', method: 'PUT', path: '/repositories/prism-repo/settings/branch_protection', headers: { ...json, 'If-Match': '{{protectionETag}}' }, body: [{ pattern: 'stable_*' }, { pattern: 'release-?' }], status: 204 },
  { name: 'refuses a replacement with the stale ETag (412)', method: 'PUT', path: '/repositories/prism-repo/settings/branch_protection', headers: { ...json, 'If-Match': '{{protectionETag}}' }, body: [], status: 412 },
  { name: 'answers 404 for the protection rules of an unknown repository', method: 'GET', path: '/repositories/no-such-repo/settings/branch_protection', status: 404 },
  { name: 'reads a repository', method: 'GET', path: REPO, status: 200 },
  { name: 'answers 404 for an unknown repository', method: 'GET', path: '/repositories/no-such-repo', status: 404 },
  { name: 'lists the branches', method: 'GET', path: `${REPO}/branches`, status: 200 },
  { name: 'lists the branches with hidden ones, one page', method: 'GET', path: `${REPO}/branches?show_hidden=true&amount=1&after=feature`, status: 200 },
  { name: 'answers 404 for the branches of an unknown repository', method: 'GET', path: '/repositories/no-such-repo/branches', status: 404 },
  { name: 'creates a branch', method: 'POST', path: `${REPO}/branches`, headers: json, body: { name: 'prism-branch', source: 'main' }, status: 201 },
  { name: 'refuses the same branch again (409)', method: 'POST', path: `${REPO}/branches`, headers: json, body: { name: 'prism-branch', source: 'main' }, status: 409 },
  { name: 'answers 404 for an unknown source', method: 'POST', path: `${REPO}/branches`, headers: json, body: { name: 'prism-other', source: 'nowhere' }, status: 404 },
  { name: 'refuses an invalid branch name (400)', method: 'POST', path: `${REPO}/branches`, headers: json, body: { name: 'a/b', source: 'main' }, status: 400 },
  { name: 'refuses a branch in a read-only repository (403)', method: 'POST', path: '/repositories/prism-frozen/branches', headers: json, body: { name: 'x', source: 'trunk' }, status: 403 },
  { name: 'reads the branch', method: 'GET', path: `${REPO}/branches/prism-branch`, status: 200 },
  { name: '(set-up) uploads to the branch', method: 'POST', path: `/api/v1${REPO}/branches/prism-branch/objects?path=prism%2Fdraft.txt`, headers: { 'Content-Type': 'text/plain' }, body: 'draft', status: 201, direct: true },
  { name: "discards one path's uncommitted change", method: 'PUT', path: `${REPO}/branches/prism-branch`, headers: json, body: { type: 'object', path: 'prism/draft.txt' }, status: 204 },
  { name: 'discards all uncommitted changes', method: 'PUT', path: `${REPO}/branches/prism-branch`, headers: json, body: { type: 'reset' }, status: 204 },
  { name: 'refuses a reset of the protected branch (403)', method: 'PUT', path: `${REPO}/branches/main`, headers: json, body: { type: 'reset' }, status: 403 },
  { name: 'answers 404 for a reset of an unknown branch', method: 'PUT', path: `${REPO}/branches/nob`, headers: json, body: { type: 'reset' }, status: 404 },
  { name: 'answers 404 for an unknown branch', method: 'GET', path: `${REPO}/branches/nope`, status: 404 },
  { name: 'refuses a commit with no changes (400)', method: 'POST', path: `${REPO}/branches/prism-branch/commits`, headers: json, body: { message: 'nothing' }, status: 400 },
  {
    name: 'commits an empty commit on purpose',
    method: 'POST',
    path: `${REPO}/branches/prism-branch/commits`,
    headers: json,
    body: { message: 'Prism was here', metadata: { tool: 'prism' }, allow_empty: true },
    status: 201,
    save: ({ body }) => ({ commitId: body.id }),
  },
  { name: 'refuses a commit on the protected branch (403)', method: 'POST', path: `${REPO}/branches/main/commits`, headers: json, body: { message: 'x', allow_empty: true }, status: 403 },
  { name: 'answers 404 for a commit on an unknown branch', method: 'POST', path: `${REPO}/branches/nope/commits`, headers: json, body: { message: 'x' }, status: 404 },
  { name: 'reads the commit', method: 'GET', path: `${REPO}/commits/{{commitId}}`, status: 200 },
  { name: 'answers 404 for an unknown commit', method: 'GET', path: `${REPO}/commits/${'f'.repeat(64)}`, status: 404 },
  { name: 'stats an object', method: 'GET', path: `${REPO}/refs/main/objects/stat?path=README.md`, status: 200 },
  { name: 'stats an object without its metadata', method: 'GET', path: `${REPO}/refs/v2024.01/objects/stat?path=reports%2F2024-01.csv&user_metadata=false&presign=false`, status: 200 },
  { name: 'answers 404 for an unknown object', method: 'GET', path: `${REPO}/refs/main/objects/stat?path=no%2Fsuch.file`, status: 404 },
  { name: 'lists the objects', method: 'GET', path: `${REPO}/refs/feature/objects/ls`, status: 200 },
  { name: 'lists the objects of a folder with a delimiter', method: 'GET', path: `${REPO}/refs/feature/objects/ls?prefix=raw%2F&delimiter=%2F&amount=1`, status: 200 },
  { name: 'answers 404 for the objects of an unknown reference', method: 'GET', path: `${REPO}/refs/nowhere/objects/ls`, status: 404 },
  { name: 'starts a presigned multipart upload', method: 'POST', path: `${PMPU}?path=prism%2Fbig.bin&parts=2`, status: 201, save: uploadOf('big') },
  { name: 'presigns one more part of the upload', method: 'PUT', path: `${PMPU}/{{bigId}}/parts/3?path=prism%2Fbig.bin`, headers: json, body: { physical_address: '{{bigAddress}}' }, status: 200 },
  { name: 'refuses to presign a part for an address lakeFS did not sign (400)', method: 'PUT', path: `${PMPU}/{{bigId}}/parts/3?path=prism%2Fbig.bin`, headers: json, body: { physical_address: '{{bigAddress}}-forged' }, status: 400 },
  partPut('big', 1, 'first part, '),
  partPut('big', 2, 'the end'),
  { name: 'refuses a completion with a wrong ETag (400)', method: 'PUT', path: `${PMPU}/{{bigId}}?path=prism%2Fbig.bin`, headers: json, body: completion('big', ['other', 'the end']), status: 400 },
  {
    name: 'completes the upload',
    method: 'PUT',
    path: `${PMPU}/{{bigId}}?path=prism%2Fbig.bin`,
    headers: json,
    body: { ...completion('big', ['first part, ', 'the end']), content_type: 'application/x-prism', user_metadata: { source: 'prism' } },
    status: 200,
  },
  { name: 'answers 404 when completing it again', method: 'PUT', path: `${PMPU}/{{bigId}}?path=prism%2Fbig.bin`, headers: json, body: completion('big', ['first part, ', 'the end']), status: 404 },
  { name: 'starts two uploads to one path', method: 'POST', path: `${PMPU}?path=prism%2Ftwice.bin&parts=1`, status: 201, save: uploadOf('first') },
  { name: 'starts the second upload to that path', method: 'POST', path: `${PMPU}?path=prism%2Ftwice.bin&parts=1`, status: 201, save: uploadOf('second') },
  partPut('first', 1, 'one'),
  partPut('second', 1, 'two'),
  { name: 'completes the second upload', method: 'PUT', path: `${PMPU}/{{secondId}}?path=prism%2Ftwice.bin`, headers: json, body: completion('second', ['two']), status: 200 },
  { name: 'refuses the first once the path changed (409)', method: 'PUT', path: `${PMPU}/{{firstId}}?path=prism%2Ftwice.bin`, headers: json, body: completion('first', ['one']), status: 409 },
  { name: 'starts an upload on the protected branch', method: 'POST', path: `${REPO}/branches/main/staging/pmpu?path=prism.bin&parts=1`, status: 201, save: uploadOf('main') },
  partPut('main', 1, 'protected'),
  { name: 'refuses to complete it on the protected branch (403)', method: 'PUT', path: `${REPO}/branches/main/staging/pmpu/{{mainId}}?path=prism.bin`, headers: json, body: completion('main', ['protected']), status: 403 },
  { name: 'aborts an upload', method: 'DELETE', path: `${REPO}/branches/main/staging/pmpu/{{mainId}}?path=prism.bin`, headers: json, body: { physical_address: '{{mainAddress}}' }, status: 204 },
  { name: 'answers 404 when aborting it again', method: 'DELETE', path: `${REPO}/branches/main/staging/pmpu/{{mainId}}?path=prism.bin`, headers: json, body: { physical_address: '{{mainAddress}}' }, status: 404 },
  { name: 'answers 404 for an upload on an unknown branch', method: 'POST', path: `${REPO}/branches/nope/staging/pmpu?path=a.bin`, status: 404 },
  { name: 'refuses a negative number of parts (400)', method: 'POST', path: `${PMPU}?path=a.bin&parts=-1`, status: 400 },
  { name: "answers the legacy client's 420 on the throttled branch", method: 'POST', path: `${REPO}/branches/throttled/staging/pmpu?path=a.bin`, status: 420 },
  { name: 'refuses a hard reset to an empty reference (400)', method: 'PUT', path: `${REPO}/branches/prism-branch/hard_reset?ref=`, status: 400, invalidRequest: true },
  // Uncommitted changes do not stop a hard reset, forced or not, and are kept (the real lakeFS 1.80.0).
  { name: 'hard-resets a dirty branch, keeping its changes', method: 'PUT', path: `${REPO}/branches/prism-branch/hard_reset?ref=main`, status: 204 },
  { name: 'hard-resets the branch again with force', method: 'PUT', path: `${REPO}/branches/prism-branch/hard_reset?ref=main&force=true`, status: 204 },
  { name: 'refuses a hard reset of the protected branch (403)', method: 'PUT', path: `${REPO}/branches/main/hard_reset?ref=main~1`, status: 403 },
  { name: 'answers 404 for a hard reset of an unknown branch', method: 'PUT', path: `${REPO}/branches/nope/hard_reset?ref=main`, status: 404 },
  { name: 'refuses to delete the protected branch (403)', method: 'DELETE', path: `${REPO}/branches/main`, status: 403 },
  { name: 'deletes the branch', method: 'DELETE', path: `${REPO}/branches/prism-branch`, status: 204 },
  { name: 'answers 404 when deleting the branch again', method: 'DELETE', path: `${REPO}/branches/prism-branch`, status: 404 },
  { name: 'refuses to delete a read-only repository (403)', method: 'DELETE', path: '/repositories/prism-frozen', status: 403 },
  { name: 'deletes a read-only repository with force', method: 'DELETE', path: '/repositories/prism-frozen?force=true', status: 204 },
  { name: 'deletes the repository', method: 'DELETE', path: '/repositories/prism-repo', status: 204 },
  { name: 'deletes the repository with the odd default branch', method: 'DELETE', path: '/repositories/prism-odd', status: 204 },
  { name: 'answers 404 when deleting it again', method: 'DELETE', path: '/repositories/prism-repo', status: 404 },
  { name: 'answers a rate limit with a bodiless 429', method: 'GET', path: '/repositories', fault: rateLimited('listRepositories'), status: 429 },
  { name: 'refuses a list without credentials (401)', method: 'GET', path: '/repositories', headers: noLakefsCredentials, status: 401, invalidRequest: true },
  { name: 'refuses the version without credentials (401)', method: 'GET', path: '/config/version', headers: noLakefsCredentials, status: 401, invalidRequest: true },
  { name: 'refuses an amount over 1000 (400)', method: 'GET', path: '/repositories?amount=1001', status: 400, invalidRequest: true },
  { name: 'refuses a repository name the schema does not allow (400)', method: 'POST', path: '/repositories', headers: json, body: { name: 'No', storage_namespace: 's3://example-bucket/no' }, status: 400, invalidRequest: true },
  { name: 'refuses a commit without message (400)', method: 'POST', path: `${REPO}/branches/feature/commits`, headers: json, body: {}, status: 400, invalidRequest: true },
  { name: 'refuses a stat without path (400)', method: 'GET', path: `${REPO}/refs/main/objects/stat`, status: 400, invalidRequest: true },
  { name: 'refuses a hard reset without ref (400)', method: 'PUT', path: `${REPO}/branches/feature/hard_reset`, status: 400, invalidRequest: true },
  { name: 'refuses an upload without path (400)', method: 'POST', path: `${REPO}/branches/feature/staging/pmpu?parts=1`, status: 400, invalidRequest: true },
];

/** specs/lakefs/blockstore.yaml in lakefs-repos: the part URLs of an upload started (and later aborted) straight on mockgate. */
const LAKEFS_BLOCKSTORE: Step[] = [
  {
    name: '(set-up) starts an upload of two parts',
    method: 'POST',
    path: '/api/v1/repositories/example-repo/branches/feature/staging/pmpu?path=prism%2Fparts.bin&parts=2',
    status: 201,
    direct: true,
    save: ({ body }) => ({
      uploadId: body.upload_id,
      address: body.physical_address,
      query1: new URL(body.presigned_urls[0]).search.slice(1),
      query2: new URL(body.presigned_urls[1]).search.slice(1),
    }),
  },
  { name: 'stores a part', method: 'PUT', path: '/uploads/{{uploadId}}/parts/1?{{query1}}', headers: { 'Content-Type': 'application/octet-stream' }, body: 'first part', status: 200 },
  { name: 'replaces a part sent again, of any content type', method: 'PUT', path: '/uploads/{{uploadId}}/parts/1?{{query1}}', headers: { 'Content-Type': 'text/plain' }, body: 'first part, again', status: 200 },
  { name: 'stores a part sent without credentials', method: 'PUT', path: '/uploads/{{uploadId}}/parts/2?{{query2}}', headers: { 'Content-Type': 'application/octet-stream', Authorization: null }, body: 'second part', status: 200 },
  { name: "refuses another part's signature (403)", method: 'PUT', path: '/uploads/{{uploadId}}/parts/1?{{query2}}', headers: { 'Content-Type': 'application/octet-stream' }, body: 'x', status: 403 },
  { name: 'answers a rate limit with a bodiless 429', method: 'PUT', path: '/uploads/{{uploadId}}/parts/2?{{query2}}', body: 'x', fault: rateLimited('putPresignedPart'), status: 429 },
  {
    name: '(set-up) aborts the upload',
    method: 'DELETE',
    path: '/api/v1/repositories/example-repo/branches/feature/staging/pmpu/{{uploadId}}?path=prism%2Fparts.bin',
    headers: json,
    body: { physical_address: '{{address}}' },
    status: 204,
    direct: true,
  },
  { name: 'answers 404 for a part of an aborted upload', method: 'PUT', path: '/uploads/{{uploadId}}/parts/2?{{query2}}', headers: { 'Content-Type': 'application/octet-stream' }, body: 'late', status: 404 },
  { name: 'refuses a URL without its signature (400)', method: 'PUT', path: '/uploads/{{uploadId}}/parts/1?expires=1', body: 'x', status: 400, invalidRequest: true },
  { name: 'refuses part number 0 (400)', method: 'PUT', path: '/uploads/{{uploadId}}/parts/0?{{query1}}', body: 'x', status: 400, invalidRequest: true },
];

const OBJ = `${REPO}/branches/feature/objects`;
const READ = `${REPO}/refs/feature/objects`;
const text = { 'Content-Type': 'text/plain' };
const FORM_BOUNDARY = 'prism-form-boundary';
const formBody = (data: string) =>
  `--${FORM_BOUNDARY}\r\nContent-Disposition: form-data; name="content"; filename="data.bin"\r\nContent-Type: application/x-prism\r\n\r\n${data}\r\n--${FORM_BOUNDARY}--\r\n`;

/** specs/lakefs/objects.yaml in lakefs-repos: data uploaded to, read from and deleted on the feature branch. */
const LAKEFS_OBJECTS: Step[] = [
  { name: 'uploads an object as a raw body', method: 'POST', path: `${OBJ}?path=prism%2Fhello.txt`, headers: { ...text, 'X-Lakefs-Meta-Owner': 'prism' }, body: 'hello prism', status: 201 },
  { name: 'uploads an object as a form', method: 'POST', path: `${OBJ}?path=prism%2Fform.bin`, headers: { 'Content-Type': `multipart/form-data; boundary=${FORM_BOUNDARY}` }, body: formBody('form data'), status: 201 },
  { name: 'refuses to overwrite with If-None-Match: * (412)', method: 'POST', path: `${OBJ}?path=prism%2Fhello.txt`, headers: { ...text, 'If-None-Match': '*' }, body: 'again', status: 412 },
  { name: 'refuses an upload to the protected branch (403)', method: 'POST', path: `${REPO}/branches/main/objects?path=x`, headers: text, body: 'x', status: 403 },
  { name: 'answers 404 for an upload to an unknown branch', method: 'POST', path: `${REPO}/branches/nob/objects?path=x`, headers: text, body: 'x', status: 404 },
  { name: 'downloads the object', method: 'GET', path: `${READ}?path=prism%2Fhello.txt`, status: 200 },
  { name: 'downloads a range of it (206)', method: 'GET', path: `${READ}?path=prism%2Fhello.txt`, headers: { Range: 'bytes=0-4' }, status: 206 },
  { name: 'answers 304 to its ETag', method: 'GET', path: `${READ}?path=prism%2Fhello.txt`, headers: { 'If-None-Match': etag('hello prism') }, status: 304 },
  { name: 'answers 416 for a range past its end', method: 'GET', path: `${READ}?path=prism%2Fhello.txt`, headers: { Range: 'bytes=100-200' }, status: 416 },
  { name: 'answers 404 for a missing object', method: 'GET', path: `${READ}?path=no%2Fsuch`, status: 404 },
  { name: 'checks the object with HEAD', method: 'HEAD', path: `${READ}?path=prism%2Fhello.txt`, status: 200 },
  { name: 'checks a range with HEAD (206)', method: 'HEAD', path: `${READ}?path=prism%2Fhello.txt`, headers: { Range: 'bytes=1-2' }, status: 206 },
  { name: 'answers HEAD of a missing object with a bodiless 404', method: 'HEAD', path: `${READ}?path=no%2Fsuch`, status: 404 },
  { name: 'replaces its user metadata', method: 'PUT', path: `${OBJ}/stat/user_metadata?path=prism%2Fhello.txt`, headers: json, body: { set: { owner: 'someone-else' } }, status: 204 },
  { name: 'answers 404 for the metadata of a missing object', method: 'PUT', path: `${OBJ}/stat/user_metadata?path=no%2Fsuch`, headers: json, body: { set: {} }, status: 404 },
  { name: 'deletes the object', method: 'DELETE', path: `${OBJ}?path=prism%2Fhello.txt`, status: 204 },
  { name: 'refuses a deletion on the protected branch (403)', method: 'DELETE', path: `${REPO}/branches/main/objects?path=README.md`, status: 403 },
  { name: 'answers 404 for a deletion on an unknown branch', method: 'DELETE', path: `${REPO}/branches/nob/objects?path=x`, status: 404 },
  { name: 'deletes a batch, reporting nothing for missing paths', method: 'POST', path: `${OBJ}/delete`, headers: json, body: { paths: ['prism/form.bin', 'README.md', 'nothing'] }, status: 200 },
  { name: 'answers a rate limit with a bodiless 429', method: 'GET', path: `${READ}?path=README.md`, fault: rateLimited('getObject'), status: 429 },
];

/** specs/lakefs/refs.yaml in lakefs-repos: the history of example-repo, its tags, and feature's uncommitted changes. */
const LAKEFS_REFS: Step[] = [
  { name: '(set-up) uploads to feature', method: 'POST', path: `/api/v1${OBJ}?path=prism%2Fnew.txt`, headers: text, body: 'new', status: 201, direct: true },
  { name: 'lists the uncommitted changes', method: 'GET', path: `${REPO}/branches/feature/diff`, status: 200 },
  { name: 'lists them folded at a delimiter, one page', method: 'GET', path: `${REPO}/branches/feature/diff?delimiter=%2F&amount=1&prefix=prism`, status: 200 },
  { name: 'answers 404 for the changes of an unknown branch', method: 'GET', path: `${REPO}/branches/nob/diff`, status: 404 },
  { name: 'diffs two references from their merge base', method: 'GET', path: `${REPO}/refs/main/diff/feature`, status: 200 },
  { name: 'diffs two references directly, with the right side\'s stats', method: 'GET', path: `${REPO}/refs/feature/diff/v2024.01?type=two_dot&include_right_stats=true`, status: 200 },
  { name: 'answers 404 for a diff with an unknown reference', method: 'GET', path: `${REPO}/refs/main/diff/nowhere`, status: 404 },
  { name: 'reads the commit log', method: 'GET', path: `${REPO}/refs/feature/commits`, status: 200 },
  { name: 'reads one page of the log of a path', method: 'GET', path: `${REPO}/refs/feature/commits?amount=1&objects=README.md&first_parent=true`, status: 200 },
  { name: 'answers 404 for the log of an unknown reference', method: 'GET', path: `${REPO}/refs/nowhere/commits`, status: 404 },
  { name: 'lists the tags', method: 'GET', path: `${REPO}/tags`, status: 200 },
  { name: 'creates a tag', method: 'POST', path: `${REPO}/tags`, headers: json, body: { id: 'prism-tag', ref: 'feature' }, status: 201 },
  { name: 'refuses the same tag again (409)', method: 'POST', path: `${REPO}/tags`, headers: json, body: { id: 'prism-tag', ref: 'main' }, status: 409 },
  { name: 'answers 404 for a tag of an unknown reference', method: 'POST', path: `${REPO}/tags`, headers: json, body: { id: 'prism-none', ref: 'nowhere' }, status: 404 },
  { name: 'reads the tag', method: 'GET', path: `${REPO}/tags/prism-tag`, status: 200 },
  { name: 'deletes the tag', method: 'DELETE', path: `${REPO}/tags/prism-tag`, status: 204 },
  { name: 'answers 404 for the deleted tag', method: 'GET', path: `${REPO}/tags/prism-tag`, status: 404 },
  { name: 'answers 404 when deleting it again', method: 'DELETE', path: `${REPO}/tags/prism-tag`, status: 404 },
];

/** specs/lakefs/setup.yaml: the configuration and the setup state of a server that is set up already. */
const LAKEFS_SETUP: Step[] = [
  { name: 'reads the configuration', method: 'GET', path: '/config', status: 200 },
  { name: 'refuses the configuration to a wrong secret (401)', method: 'GET', path: '/config', headers: wrongSecret, status: 401 },
  { name: 'reads the storage configuration', method: 'GET', path: '/config/storage', status: 200 },
  { name: 'reads the setup state without credentials', method: 'GET', path: '/setup_lakefs', headers: noLakefsCredentials, status: 200 },
  { name: 'refuses a second setup (409)', method: 'POST', path: '/setup_lakefs', headers: { ...json, Authorization: null }, body: { username: 'admin2' }, status: 409 },
  { name: 'refuses an empty user name (400)', method: 'POST', path: '/setup_lakefs', headers: { ...json, Authorization: null }, body: { username: '' }, status: 400 },
  { name: 'reads the auth capabilities without credentials', method: 'GET', path: '/auth/capabilities', headers: noLakefsCredentials, status: 200 },
  { name: 'reads the garbage collection configuration', method: 'GET', path: '/config/garbage-collection', status: 200 },
  { name: 'refuses the garbage collection configuration to a wrong secret (401)', method: 'GET', path: '/config/garbage-collection', headers: wrongSecret, status: 401 },
  // From lakeFS 1.81 on there is no license endpoint (the default scenario's lakefsVersion is later): see successNotCheckable.
  { name: 'answers 404 for the license, gone since lakeFS 1.81', method: 'GET', path: '/license', status: 404 },
  { name: 'reads the usage report', method: 'GET', path: '/usage-report/summary', status: 200 },
  { name: 'takes usage events', method: 'POST', path: '/statistics', headers: json, body: { events: [{ class: 'prism', name: 'session', count: 1 }] }, status: 204 },
  { name: 'refuses a usage event without a class (400)', method: 'POST', path: '/statistics', headers: json, body: { events: [{ class: '', name: 'session', count: 1 }] }, status: 400 },
  { name: 'keeps the communication preferences', method: 'POST', path: '/setup_comm_prefs', headers: { ...json, Authorization: null }, body: { email: 'admin@prism-corp.io', featureUpdates: false, securityUpdates: true }, status: 200 },
  { name: "refuses a free e-mail provider's address (400)", method: 'POST', path: '/setup_comm_prefs', headers: { ...json, Authorization: null }, body: { email: 'someone@gmail.com', featureUpdates: false, securityUpdates: true }, status: 400 },
];

/** Why a redirect's success is not Prism's to check (the same for every redirect: see oauthCallback below). */
const FOLLOWED_REDIRECT = (status: string, where: string) =>
  `its ${status} never reaches Prism's validator: Prism's proxy follows redirects (node-fetch's default) and validates ` +
  `whatever the Location serves instead; the ${status} is checked under --strict by ${where}`;

/**
 * Why a group ACL's success is not Prism's to check: there is none. Group ACLs belong to lakeFS's simplified ("acl")
 * authorization, which neither Community nor RBAC mode serves: an authorized caller gets 501 in every mode (the real
 * 1.80.0), which Prism never validates (see communitySteps).
 */
const GROUP_ACL_501 =
  'no mode answers it with success: group ACLs belong to lakeFS\'s simplified ("acl") authorization, and an authorized ' +
  'caller gets 501 in every mode, as from the real 1.80.0; Prism never validates a 501 (see communitySteps), so the ' +
  '501 is checked under --strict by test/apis/lakefs/auth/groups.test.ts and the session calls it on its 401 path';

/** Every scripted session, by API and spec file. */
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
    {
      api: 'lakefs',
      spec: 'auth.yaml',
      steps: LAKEFS_AUTH,
      successNotCheckable: {
        getGroupACL: GROUP_ACL_501,
        setGroupACL: GROUP_ACL_501,
      },
    },
    {
      api: 'lakefs',
      spec: 'login.yaml',
      scenario: 'lakefs-sso',
      steps: LAKEFS_LOGIN,
      successNotCheckable: {
        oauthCallback: FOLLOWED_REDIRECT('302', 'test/apis/lakefs/login/oidc.test.ts'),
        getTokenRedirect: FOLLOWED_REDIRECT('303', 'test/apis/lakefs/login/mailbox.test.ts'),
      },
    },
    {
      api: 'lakefs',
      spec: 'browser.yaml',
      scenario: 'lakefs-sso',
      steps: LAKEFS_BROWSER,
      successNotCheckable: {
        logout: FOLLOWED_REDIRECT('307', 'test/apis/lakefs/login/session.test.ts'),
        mockgateOidcAuthorize: FOLLOWED_REDIRECT('302', 'test/apis/lakefs/login/oidc.test.ts'),
      },
    },
    { api: 'lakefs', spec: 'repositories.yaml', scenario: 'lakefs-repos', steps: LAKEFS_REPOSITORIES },
    { api: 'lakefs', spec: 'blockstore.yaml', scenario: 'lakefs-repos', steps: LAKEFS_BLOCKSTORE },
    { api: 'lakefs', spec: 'objects.yaml', scenario: 'lakefs-repos', steps: LAKEFS_OBJECTS },
    { api: 'lakefs', spec: 'refs.yaml', scenario: 'lakefs-repos', steps: LAKEFS_REFS },
    {
      api: 'lakefs',
      spec: 'setup.yaml',
      steps: LAKEFS_SETUP,
      successNotCheckable: {
        setup:
          'every bundled scenario seeds users, so a server under one is set up and setup answers 409; its 200 is checked ' +
          'under --strict by test/apis/lakefs/repos/config-setup.test.ts',
        getLicense:
          'open-source lakeFS has no license to show: up to 1.80 it answers 501, which Prism never validates (see ' +
          'communitySteps), and from 1.81 on the route is gone (404, the step above); both are checked under --strict ' +
          'by test/apis/lakefs/repos/usage.test.ts',
      },
    },
  ];
}

/**
 * What schemathesis's request checks must be told about the bundled APIs: where the real server validates in
 * code what its published schema does not say, and answers a schema-valid request 400 (positive data
 * acceptance), or where its framework accepts what the schema says is invalid (negative data rejection).
 *
 * Each entry is a fact about the real server, with its source, not a way to hide a mock bug: encoding these
 * checks as patterns in our specs would make our validator answer them first, in kin-openapi's words, where the
 * real server answers in its handler's (`argument repository: repository id: invalid value: validation error`).
 * Everything else schemathesis checks (`--checks all`: server errors, statuses, schemas, content types,
 * headers, missing auth, use after free, unsupported methods, …) runs unchanged on every operation.
 */

export type RequestCheck = 'positive_data_acceptance' | 'negative_data_rejection' | 'not_a_server_error';

export interface CheckExpectation {
  operationIds: string[];
  check: RequestCheck;
  /** Statuses the check accepts for these operations; `disabled` turns the check off for them. */
  statuses: Array<number | string> | 'disabled';
  reason: string;
}

/**
 * Schemathesis's default answers to schema-valid data, plus the 400 of a validation done in code. Its default also
 * takes any 5xx here: a server error is not_a_server_error's to report (ST101), which these entries leave on.
 */
const ACCEPTED_OR_400 = ['2xx', '3xx', 400, 401, 403, 404, 409, 429, '5xx'];

/** not_a_server_error's default (everything below 500), plus the one 5xx the operation declares: any other 5xx still fails. */
const NOT_A_SERVER_ERROR_BUT_501 = ['2xx', '3xx', '4xx', 501];

const LAKEFS_ID_CHECKS =
  'lakeFS checks repository and branch ids, refs and object paths in its handlers: the published schema has no ' +
  'pattern for them, and the answer is 400 in the handler\'s words (`argument repository: repository id: invalid value: validation error`)';

export const EXPECTATIONS: Record<string, CheckExpectation[]> = {
  lakefs: [
    {
      operationIds: ['createUser'],
      check: 'positive_data_acceptance',
      statuses: ACCEPTED_OR_400,
      reason: 'an invitation (`invite_user: true`) needs an e-mail address as the id; lakeFS parses it with net/mail and answers 400 `Invalid email format`',
    },
    {
      operationIds: [
        'getRepository', 'deleteRepository', 'listBranches', 'createBranch', 'getBranch', 'deleteBranch', 'commit', 'getCommit',
        'statObject', 'listObjects', 'hardResetBranch', 'createPresignMultipartUpload', 'completePresignMultipartUpload',
        'abortPresignMultipartUpload', 'createRepository', 'resetBranch', 'uploadObject', 'getObject', 'headObject',
        'deleteObject', 'deleteObjects', 'updateObjectUserMetadata', 'diffBranch', 'diffRefs', 'logCommits', 'listTags',
        'createTag', 'getTag', 'deleteTag', 'getRepositoryMetadata', 'getGCRules', 'setGCRules', 'deleteGCRules',
        'getBranchProtectionRules', 'uploadPart',
      ],
      check: 'positive_data_acceptance',
      statuses: ACCEPTED_OR_400,
      reason: LAKEFS_ID_CHECKS,
    },
    {
      operationIds: ['setBranchProtectionRules'],
      check: 'positive_data_acceptance',
      statuses: [...ACCEPTED_OR_400, 412],
      reason:
        `${LAKEFS_ID_CHECKS}; and an If-Match that is not the stored rules' ETag (any, when none were stored) is 412 \`Precondition failed\`, ` +
        'as the real 1.80.0 answers: the schema cannot say which ETag is current',
    },
    {
      operationIds: ['createBranch'],
      check: 'not_a_server_error',
      statuses: ['2xx', '3xx', '4xx', 500],
      reason:
        'an empty branch name passes the schema and fails deep in graveler: the real 1.80.0 answers 500 `argument branch: required value: ' +
        'validation error` (test/fidelity/FINDINGS.md, "Since this was measured"); any other 5xx still fails',
    },
    {
      operationIds: ['createGroup', 'createPolicy', 'createUserExternalPrincipal'],
      check: 'positive_data_acceptance',
      statuses: ACCEPTED_OR_400,
      reason: 'ids must be non-empty and hold no `/` (model.ValidateAuthEntityID), and a policy\'s statements need known effects and actions: the remote authorization service refuses them and lakeFS answers 400 `invalid request`',
    },
    {
      operationIds: ['updatePolicy'],
      check: 'positive_data_acceptance',
      statuses: ACCEPTED_OR_400,
      reason: 'the id in the body must be the one in the path (400 `can\'t update policy id`)',
    },
    {
      operationIds: ['getTokenFromMailbox', 'releaseTokenToMailbox'],
      check: 'positive_data_acceptance',
      statuses: ACCEPTED_OR_400,
      reason: 'mailbox ids and login request tokens are checked for their form in the handler (`invalid mailbox`, `invalid login request token`)',
    },
    {
      operationIds: ['setup'],
      check: 'positive_data_acceptance',
      statuses: ACCEPTED_OR_400,
      reason: 'the user name must not be empty: lakeFS checks it in the handler and answers 400 `empty user display name`',
    },
    {
      operationIds: ['externalPrincipalLogin'],
      check: 'positive_data_acceptance',
      statuses: ACCEPTED_OR_400,
      reason: 'the identity request must carry the presigned GetCallerIdentity fields; lakeFS answers 400 `invalid request` otherwise',
    },
    {
      operationIds: ['deleteUserExternalPrincipal', 'oauthCallback', 'uploadPart'],
      check: 'positive_data_acceptance',
      statuses: ACCEPTED_OR_400,
      reason:
        'a query parameter sent empty (`?principalId=`, `?code=`, `?path=`) that has no default and is not marked allowEmptyValue is refused by ' +
        'kin-openapi while it decodes the parameters, before any handler: 400 `parameter "principalId" in query has an error: empty value is not allowed` ' +
        '(recorded from the real 1.80.0, test/fidelity/FINDINGS.md); JSON Schema, and so the published schema, accepts the empty string',
    },
    {
      operationIds: ['mockgateLoginPage', 'putPresignedPart'],
      check: 'positive_data_acceptance',
      statuses: ACCEPTED_OR_400,
      reason:
        "the mock's own sign-in page and blockstore are validated as lakeFS validates its API (src/apis/lakefs/validation.ts, one hook for " +
        'every lakeFS document), so an empty `?request=` or `?signature=` is kin-openapi\'s 400 `empty value is not allowed`',
    },
    {
      operationIds: ['setupCommPrefs'],
      check: 'positive_data_acceptance',
      statuses: ACCEPTED_OR_400,
      reason: 'the e-mail address must be there, a bare address, and not at a free e-mail provider: lakeFS checks it in the handler and answers 400 `email is required`, `invalid email address` or `please use a business email address`',
    },
    {
      operationIds: ['postStatsEvents'],
      check: 'positive_data_acceptance',
      statuses: ACCEPTED_OR_400,
      reason: 'every event needs a non-empty class and name and a count of 0 or more: lakeFS checks them in the handler and answers 400 `invalid value: class is required` (`name is required`, `count must be a non-negative integer`)',
    },
    {
      operationIds: ['getGroupACL', 'setGroupACL'],
      check: 'not_a_server_error',
      statuses: NOT_A_SERVER_ERROR_BUT_501,
      reason:
        'group ACLs belong to lakeFS\'s simplified ("acl") authorization, which neither Community nor RBAC mode serves: the real 1.80.0 answers ' +
        '501 in every mode, and the spec declares that 501 (test/fidelity/FINDINGS.md, "Since this was measured"); any other 5xx still fails',
    },
    {
      operationIds: ['mockgateOidcAuthorizePage', 'mockgateOidcAuthorize', 'mockgateLogin'],
      check: 'positive_data_acceptance',
      statuses: ACCEPTED_OR_400,
      reason: 'the mock\'s own sign-in pages refuse a redirect_uri that is neither a path on the server nor an http(s) URL, and a login form without its fields, as a browser form would be refused',
    },
  ],
  'lakefs-authentication': [
    {
      operationIds: ['setup'],
      check: 'positive_data_acceptance',
      statuses: ACCEPTED_OR_400,
      reason: 'the user name must not be empty: lakeFS checks it in the handler and answers 400 `empty user display name`',
    },
    {
      operationIds: ['externalPrincipalLogin'],
      check: 'positive_data_acceptance',
      statuses: ACCEPTED_OR_400,
      reason: 'the service refuses an identity request without identity_token (400 `identity request has no identity_token`); the schema marks no field required',
    },
  ],
  tiledb: [
    {
      operationIds: ['getCredentials', 'createCredential', 'patchCredentialByName', 'verifyCredential', 'verifyWorkspaceCredential'],
      check: 'positive_data_acceptance',
      statuses: ACCEPTED_OR_400,
      reason: 'TileDB-Server validates in code what its schema leaves open: `type` is one of workspace / teamspace, exactly one of credential / role / token with one sub-field matching the provider, names follow its tiledb-name rule (go-playground validate tags)',
    },
  ],
  admin: [
    {
      operationIds: ['putScenario'],
      check: 'positive_data_acceptance',
      statuses: ACCEPTED_OR_400,
      reason: 'an inline scenario is checked against the scenario grammar of the APIs registered at start (scenarios/schema.json), which the static admin document does not repeat',
    },
    {
      operationIds: ['addFault'],
      check: 'positive_data_acceptance',
      statuses: ACCEPTED_OR_400,
      reason: "a fault's match.api and match.operationId must name an API and an operation of the mounted specs (src/rules/references.ts), which the static admin document cannot list",
    },
  ],
  registry: [
    {
      operationIds: [
        'generate_read_access_credentials_registry_credentials_generate_read_access_credentials_post',
        'generate_write_access_credentials_registry_credentials_generate_write_access_credentials_post',
      ],
      check: 'negative_data_rejection',
      statuses: [200, 400, 401, 403, 404, 405, 406, 409, 415, 422, 428, 429],
      reason: 'FastAPI on pydantic v1 coerces before it validates: "true", "1", "yes" are booleans and 5 is a string, so values the schema calls the wrong type are accepted (200), as the real service accepts them',
    },
  ],
};

/** The schemathesis.toml for one API's run: one [[operations]] table per expectation. */
export function expectationsToml(api: string): string | undefined {
  const entries = EXPECTATIONS[api];
  if (!entries?.length) return undefined;
  const quote = (s: string) => JSON.stringify(s);
  return entries
    .map((e) => {
      const setting =
        e.statuses === 'disabled'
          ? `checks.${e.check}.enabled = false`
          : `checks.${e.check}.expected-statuses = [${e.statuses.map((s) => (typeof s === 'number' ? String(s) : quote(s))).join(', ')}]`;
      return `# ${e.reason}\n[[operations]]\ninclude-operation-id = [${e.operationIds.map(quote).join(', ')}]\n${setting}\n`;
    })
    .join('\n');
}

/**
 * The 32 auth operations as a table: a call each that succeeds for the admin of basic.yaml, the permission it
 * needs, a call each that is invalid (400 before authentication), and what community mode answers.
 */
export interface Call {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  body?: unknown;
}

export interface Operation extends Call {
  operationId: string;
  /** Status of the call for the admin. */
  ok: number;
  /** The lakeFS action authorization checks (none for getCurrentUser). */
  action?: string;
  /** A call rejected by request validation, and what the message names. */
  invalid?: Call & { names: RegExp };
  /** 501 in community mode: before authorization (external principals) or after. */
  community?: 'before-authz' | 'after-authz';
}

const ADMIN_ROLE = encodeURIComponent('arn:aws:iam::123456789012:role/admin-role');
const DEV_ROLE = encodeURIComponent('arn:aws:iam::123456789012:role/dev-role');
const statement = [{ effect: 'allow', action: ['fs:ReadObject'], resource: '*' }];
import { kinText } from '../support.js';

const BAD = '%E0%A4%A'; // not valid percent-encoded UTF-8
const badPath = (name: string) => new RegExp(`parameter "${name}" in path has an error`);
const badAmount = { names: /parameter "amount" in query has an error: number must be at most 1000/ };

export const operations: Operation[] = [
  { operationId: 'getCurrentUser', method: 'get', path: '/user', ok: 200 },
  { operationId: 'listUsers', method: 'get', path: '/auth/users', ok: 200, action: 'auth:ListUsers', invalid: { method: 'get', path: '/auth/users?amount=1001', ...badAmount } },
  {
    operationId: 'createUser', method: 'post', path: '/auth/users', body: { id: 'new-user' }, ok: 201, action: 'auth:CreateUser',
    invalid: { method: 'post', path: '/auth/users', body: { id: 7 }, names: kinText('request body has an error: doesn\'t match schema #/components/schemas/UserCreation: Error at "/id": value must be a string') },
  },
  { operationId: 'getUser', method: 'get', path: '/auth/users/developer', ok: 200, action: 'auth:ReadUser', invalid: { method: 'get', path: `/auth/users/${BAD}`, names: badPath('userId') } },
  { operationId: 'deleteUser', method: 'delete', path: '/auth/users/developer', ok: 204, action: 'auth:DeleteUser', invalid: { method: 'delete', path: `/auth/users/${BAD}`, names: badPath('userId') } },
  { operationId: 'listGroups', method: 'get', path: '/auth/groups', ok: 200, action: 'auth:ListGroups', community: 'after-authz', invalid: { method: 'get', path: '/auth/groups?amount=5000', ...badAmount } },
  {
    operationId: 'createGroup', method: 'post', path: '/auth/groups', body: { id: 'Reviewers', description: 'They review' }, ok: 201, action: 'auth:CreateGroup', community: 'after-authz',
    invalid: { method: 'post', path: '/auth/groups', body: { description: 'no id' }, names: kinText('request body has an error: doesn\'t match schema #/components/schemas/GroupCreation: Error at "/id": property "id" is missing') },
  },
  { operationId: 'getGroup', method: 'get', path: '/auth/groups/Developers', ok: 200, action: 'auth:ReadGroup', community: 'after-authz', invalid: { method: 'get', path: `/auth/groups/${BAD}`, names: badPath('groupId') } },
  { operationId: 'deleteGroup', method: 'delete', path: '/auth/groups/Developers', ok: 204, action: 'auth:DeleteGroup', community: 'after-authz', invalid: { method: 'delete', path: `/auth/groups/${BAD}`, names: badPath('groupId') } },
  {
    operationId: 'listGroupMembers', method: 'get', path: '/auth/groups/Developers/members', ok: 200, action: 'auth:ReadGroup', community: 'after-authz',
    invalid: { method: 'get', path: '/auth/groups/Developers/members?amount=-2', names: /parameter "amount" in query has an error: number must be at least -1/ },
  },
  { operationId: 'addGroupMembership', method: 'put', path: '/auth/groups/Developers/members/nobody', ok: 201, action: 'auth:AddGroupMember', community: 'after-authz', invalid: { method: 'put', path: `/auth/groups/Developers/members/${BAD}`, names: badPath('userId') } },
  { operationId: 'deleteGroupMembership', method: 'delete', path: '/auth/groups/Developers/members/developer', ok: 204, action: 'auth:RemoveGroupMember', community: 'after-authz', invalid: { method: 'delete', path: `/auth/groups/${BAD}/members/developer`, names: badPath('groupId') } },
  {
    operationId: 'listGroupPolicies', method: 'get', path: '/auth/groups/Developers/policies', ok: 200, action: 'auth:ReadGroup', community: 'after-authz',
    invalid: { method: 'get', path: '/auth/groups/Developers/policies?amount=many', names: /parameter "amount" in query has an error: value many: an invalid integer: invalid syntax/ },
  },
  { operationId: 'attachPolicyToGroup', method: 'put', path: '/auth/groups/Developers/policies/AuthFullAccess', ok: 201, action: 'auth:AttachPolicy', community: 'after-authz', invalid: { method: 'put', path: `/auth/groups/Developers/policies/${BAD}`, names: badPath('policyId') } },
  { operationId: 'detachPolicyFromGroup', method: 'delete', path: '/auth/groups/Developers/policies/AuthManageOwnCredentials', ok: 204, action: 'auth:DetachPolicy', community: 'after-authz', invalid: { method: 'delete', path: `/auth/groups/Developers/policies/${BAD}`, names: badPath('policyId') } },
  { operationId: 'listUserGroups', method: 'get', path: '/auth/users/developer/groups', ok: 200, action: 'auth:ReadUser', community: 'after-authz', invalid: { method: 'get', path: '/auth/users/developer/groups?amount=1.5', names: /parameter "amount" in query has an error: value 1\.5: an invalid integer: invalid syntax/ } },
  {
    operationId: 'listUserPolicies', method: 'get', path: '/auth/users/developer/policies?effective=True', ok: 200, action: 'auth:ReadUser', community: 'after-authz',
    invalid: { method: 'get', path: '/auth/users/developer/policies?effective=maybe', names: /parameter "effective" in query has an error: value maybe: an invalid boolean: invalid syntax/ },
  },
  { operationId: 'attachPolicyToUser', method: 'put', path: '/auth/users/developer/policies/AuthFullAccess', ok: 201, action: 'auth:AttachPolicy', community: 'after-authz', invalid: { method: 'put', path: `/auth/users/${BAD}/policies/AuthFullAccess`, names: badPath('userId') } },
  { operationId: 'detachPolicyFromUser', method: 'delete', path: '/auth/users/restrained/policies/DenyUserDeletion', ok: 204, action: 'auth:DetachPolicy', community: 'after-authz', invalid: { method: 'delete', path: `/auth/users/restrained/policies/${BAD}`, names: badPath('policyId') } },
  { operationId: 'listPolicies', method: 'get', path: '/auth/policies', ok: 200, action: 'auth:ListPolicies', community: 'after-authz', invalid: { method: 'get', path: '/auth/policies?amount=2000', ...badAmount } },
  {
    operationId: 'createPolicy', method: 'post', path: '/auth/policies', body: { id: 'ReadObjects', statement }, ok: 201, action: 'auth:CreatePolicy', community: 'after-authz',
    invalid: { method: 'post', path: '/auth/policies', body: { id: 'ReadObjects', statement: [] }, names: kinText('request body has an error: doesn\'t match schema #/components/schemas/Policy: Error at "/statement": minimum number of items is 1') },
  },
  { operationId: 'getPolicy', method: 'get', path: '/auth/policies/AuthFullAccess', ok: 200, action: 'auth:ReadPolicy', community: 'after-authz', invalid: { method: 'get', path: `/auth/policies/${BAD}`, names: badPath('policyId') } },
  {
    operationId: 'updatePolicy', method: 'put', path: '/auth/policies/AuthFullAccess', body: { id: 'AuthFullAccess', statement }, ok: 200, action: 'auth:UpdatePolicy', community: 'after-authz',
    invalid: {
      method: 'put', path: '/auth/policies/AuthFullAccess', body: { id: 'AuthFullAccess', statement: [{ effect: 'permit', action: ['auth:*'], resource: '*' }] },
      names: kinText('request body has an error: doesn\'t match schema #/components/schemas/Policy: Error at "/statement/0/effect": value is not one of the allowed values ["allow","deny"]'),
    },
  },
  { operationId: 'deletePolicy', method: 'delete', path: '/auth/policies/DenyUserDeletion', ok: 204, action: 'auth:DeletePolicy', community: 'after-authz', invalid: { method: 'delete', path: `/auth/policies/${BAD}`, names: badPath('policyId') } },
  { operationId: 'listUserCredentials', method: 'get', path: '/auth/users/developer/credentials', ok: 200, action: 'auth:ListCredentials', community: 'after-authz', invalid: { method: 'get', path: '/auth/users/developer/credentials?amount=1001', ...badAmount } },
  { operationId: 'createCredentials', method: 'post', path: '/auth/users/developer/credentials', ok: 201, action: 'auth:CreateCredentials', invalid: { method: 'post', path: `/auth/users/${BAD}/credentials`, names: badPath('userId') } },
  { operationId: 'getCredentials', method: 'get', path: '/auth/users/developer/credentials/AKIAJDEVELOPER22222Q', ok: 200, action: 'auth:ReadCredentials', invalid: { method: 'get', path: `/auth/users/developer/credentials/${BAD}`, names: badPath('accessKeyId') } },
  { operationId: 'deleteCredentials', method: 'delete', path: '/auth/users/developer/credentials/AKIAJDEVELOPER22222Q', ok: 204, action: 'auth:DeleteCredentials', community: 'after-authz', invalid: { method: 'delete', path: `/auth/users/developer/credentials/${BAD}`, names: badPath('accessKeyId') } },
  {
    operationId: 'createUserExternalPrincipal', method: 'post', path: `/auth/users/developer/external/principals?principalId=${DEV_ROLE}`, ok: 201, action: 'auth:CreateUserExternalPrincipal', community: 'before-authz',
    invalid: { method: 'post', path: '/auth/users/developer/external/principals', names: /parameter "principalId" in query has an error: value is required but missing/ },
  },
  {
    operationId: 'deleteUserExternalPrincipal', method: 'delete', path: `/auth/users/admin/external/principals?principalId=${ADMIN_ROLE}`, ok: 204, action: 'auth:DeleteUserExternalPrincipal', community: 'before-authz',
    invalid: { method: 'delete', path: '/auth/users/admin/external/principals', names: /parameter "principalId" in query has an error: value is required but missing/ },
  },
  {
    operationId: 'getExternalPrincipal', method: 'get', path: `/auth/external/principals?principalId=${ADMIN_ROLE}`, ok: 200, action: 'auth:ReadExternalPrincipal', community: 'before-authz',
    invalid: { method: 'get', path: '/auth/external/principals', names: /parameter "principalId" in query has an error: value is required but missing/ },
  },
  { operationId: 'listUserExternalPrincipals', method: 'get', path: '/auth/users/admin/external/principals/ls', ok: 200, action: 'auth:ReadUser', community: 'before-authz', invalid: { method: 'get', path: '/auth/users/admin/external/principals/ls?amount=1001', ...badAmount } },
];

export const guarded = operations.filter((o) => o.action !== undefined);

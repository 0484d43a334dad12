/**
 * The lakeFS auth operations: users, groups, policies, credentials, memberships, attachments, external
 * principals and the current user (seed 000 without its login flows), served from specs/lakefs/auth.yaml.
 * Handlers bind by operationId, so they answer the same through the upstream swagger.yml.
 */
import { fileURLToPath } from 'node:url';
import type { Handler } from '../../../engine/types.js';
import type { LakefsOptions, LakefsState } from '../state.js';
import { createCredentials, deleteCredentials, getCredentials, listUserCredentials } from './credentials.js';
import { createUserExternalPrincipal, deleteUserExternalPrincipal, getExternalPrincipal, listUserExternalPrincipals } from './external-principals.js';
import {
  addGroupMembership,
  attachPolicyToGroup,
  createGroup,
  deleteGroup,
  deleteGroupMembership,
  detachPolicyFromGroup,
  getGroup,
  getGroupACL,
  setGroupACL,
  listGroupMembers,
  listGroupPolicies,
  listGroups,
  listUserGroups,
} from './groups.js';
import {
  attachPolicyToUser,
  createPolicy,
  deletePolicy,
  detachPolicyFromUser,
  getPolicy,
  listPolicies,
  listUserPolicies,
  updatePolicy,
} from './policies.js';
import { createUser, deleteUser, getCurrentUser, getUser, listUsers } from './users.js';

export const authSpecs: string[] = [fileURLToPath(new URL('../../../../specs/lakefs/auth.yaml', import.meta.url))];

export const authHandlers: Record<string, Handler<LakefsState, LakefsOptions>> = {
  getCurrentUser,
  listUsers,
  createUser,
  getUser,
  deleteUser,
  listGroups,
  createGroup,
  getGroup,
  getGroupACL,
  setGroupACL,
  deleteGroup,
  listGroupMembers,
  addGroupMembership,
  deleteGroupMembership,
  listGroupPolicies,
  attachPolicyToGroup,
  detachPolicyFromGroup,
  listUserGroups,
  listUserPolicies,
  attachPolicyToUser,
  detachPolicyFromUser,
  listPolicies,
  createPolicy,
  getPolicy,
  updatePolicy,
  deletePolicy,
  listUserCredentials,
  createCredentials,
  getCredentials,
  deleteCredentials,
  createUserExternalPrincipal,
  deleteUserExternalPrincipal,
  getExternalPrincipal,
  listUserExternalPrincipals,
};

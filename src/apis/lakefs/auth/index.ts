/**
 * The lakeFS auth operations: users, groups, policies, credentials, memberships, attachments, external
 * principals and the current user. (Being built: exports are the contract with ../index.ts.)
 */
import type { Handler } from '../../../engine/types.js';
import type { LakefsOptions, LakefsState } from '../state.js';

export const authSpecs: string[] = [];

export const authHandlers: Record<string, Handler<LakefsState, Partial<LakefsOptions>>> = {};

/**
 * The lakeFS login flows: login, external principal and STS logins, the OIDC callback, the token mailbox,
 * and the mock's own browser pages. (Being built: exports are the contract with ../index.ts.)
 */
import type { Handler, StateFactoryContext } from '../../../engine/types.js';
import type { LakefsOptions, LakefsState } from '../state.js';
import type { LoginState } from './state.js';

/** Absolute paths of the spec files this folder serves (added once they load cleanly). */
export const loginSpecs: string[] = [];

export const loginHandlers: Record<string, Handler<LakefsState, Partial<LakefsOptions>>> = {};

/** JSON Schema properties this folder adds under `apis.lakefs` (seed keys) and under `apis.lakefs.options`. */
export const loginSeedProperties: Record<string, unknown> = {};
export const loginOptionProperties: Record<string, unknown> = {};

/** `seed` is the whole `apis.lakefs` object; `identity` the users etc. already built from it. */
export function createLoginState(_seed: Record<string, any>, _identity: Pick<LakefsState, 'users'>, _ctx: StateFactoryContext): LoginState {
  return { oidcSessions: {}, samlSessions: {} };
}

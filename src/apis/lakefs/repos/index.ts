/**
 * The lakeFS repository model behind the experimental operations. (Being built: exports are the contract
 * with ../index.ts.)
 */
import type { Handler, StateFactoryContext } from '../../../engine/types.js';
import type { LakefsOptions, LakefsState } from '../state.js';
import type { RepoState } from './state.js';

export const repoSpecs: string[] = [];

export const repoHandlers: Record<string, Handler<LakefsState, Partial<LakefsOptions>>> = {};

export const repoSeedProperties: Record<string, unknown> = {};
export const repoOptionProperties: Record<string, unknown> = {};

export function createRepoState(_seed: Record<string, any>, _identity: Pick<LakefsState, 'users'>, _ctx: StateFactoryContext): RepoState {
  return {};
}

/**
 * The lakeFS repository model behind the experimental operations: repositories, branches, commits and object
 * metadata, presigned multipart uploads with the mock blockstore their part URLs point at, and branch hard
 * reset; plus the version and healthcheck endpoints. Exports are the contract with ../index.ts.
 */
import { fileURLToPath } from 'node:url';
import type { Handler } from '../../../engine/types.js';
import type { LakefsOptions, LakefsState } from '../state.js';
import { putPresignedPart } from './blockstore.js';
import { createBranch, deleteBranch, getBranch, listBranches } from './branches.js';
import { commit, getCommit } from './commits.js';
import { hardResetBranch } from './hard-reset.js';
import { abortPresignMultipartUpload, completePresignMultipartUpload, createPresignMultipartUpload } from './multipart.js';
import { listObjects, statObject } from './objects.js';
import { createRepository, deleteRepository, getRepository, listRepositories } from './repositories.js';
import { getLakeFSVersion, healthCheck } from './server-info.js';

export { repoOptionProperties, repoSeedProperties } from './seed-schema.js';
export { createRepoState } from './seed.js';

const spec = (file: string) => fileURLToPath(new URL(`../../../../specs/lakefs/${file}`, import.meta.url));

export const repoSpecs: string[] = [spec('repositories.yaml'), spec('blockstore.yaml')];

export const repoHandlers: Record<string, Handler<LakefsState, LakefsOptions>> = {
  createRepository,
  getRepository,
  listRepositories,
  deleteRepository,
  createBranch,
  getBranch,
  listBranches,
  deleteBranch,
  commit,
  getCommit,
  statObject,
  listObjects,
  getLakeFSVersion,
  healthCheck,
  createPresignMultipartUpload,
  completePresignMultipartUpload,
  abortPresignMultipartUpload,
  hardResetBranch,
  putPresignedPart,
};

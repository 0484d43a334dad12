/**
 * The lakeFS repository model: repositories, branches, commits and objects (with their data), what a client
 * calls around them — object upload, read, stat, delete and user metadata, diffs, the commit log, tags, branch
 * reset — the presigned multipart uploads with the mock blockstore their part URLs point at, branch hard reset,
 * and the server's configuration, setup state and version. Exports are the contract with ../index.ts.
 */
import { fileURLToPath } from 'node:url';
import type { Handler } from '../../../engine/types.js';
import type { LakefsOptions, LakefsState } from '../state.js';
import { putPresignedPart } from './blockstore.js';
import { createBranch, deleteBranch, getBranch, listBranches } from './branches.js';
import { commit, getCommit } from './commits.js';
import { getConfig, getStorageConfig } from './config.js';
import { diffBranch, diffRefs } from './diff.js';
import { hardResetBranch } from './hard-reset.js';
import { logCommits } from './log.js';
import { abortPresignMultipartUpload, completePresignMultipartUpload, createPresignMultipartUpload, uploadPart } from './multipart.js';
import { getObject, headObject, uploadObject } from './object-data.js';
import { deleteObject, deleteObjects, updateObjectUserMetadata } from './object-writes.js';
import { listObjects, statObject } from './objects.js';
import { createRepository, deleteRepository, getRepository, listRepositories } from './repositories.js';
import { resetBranch } from './reset.js';
import { getLakeFSVersion, healthCheck } from './server-info.js';
import { deleteGCRules, getBranchProtectionRules, getGCRules, getRepositoryMetadata, setBranchProtectionRules, setGCRules } from './settings.js';
import { getAuthCapabilities, getSetupState, setup } from './setup.js';
import { createTag, deleteTag, getTag, listTags } from './tags.js';
import { getGarbageCollectionConfig, getLicense, getUsageReportSummary, postStatsEvents, setupCommPrefs } from './usage.js';

export { repoOptionProperties, repoSeedProperties } from './seed-schema.js';
export { createRepoState } from './seed.js';

const spec = (file: string) => fileURLToPath(new URL(`../../../../specs/lakefs/${file}`, import.meta.url));

export const repoSpecs: string[] = [spec('repositories.yaml'), spec('objects.yaml'), spec('refs.yaml'), spec('setup.yaml'), spec('blockstore.yaml')];

export const repoHandlers: Record<string, Handler<LakefsState, LakefsOptions>> = {
  createRepository,
  getRepository,
  listRepositories,
  deleteRepository,
  createBranch,
  getBranch,
  listBranches,
  deleteBranch,
  resetBranch,
  commit,
  getCommit,
  logCommits,
  statObject,
  listObjects,
  uploadObject,
  getObject,
  headObject,
  deleteObject,
  deleteObjects,
  updateObjectUserMetadata,
  diffBranch,
  diffRefs,
  listTags,
  createTag,
  getTag,
  deleteTag,
  getConfig,
  getStorageConfig,
  getSetupState,
  setup,
  getAuthCapabilities,
  getLakeFSVersion,
  healthCheck,
  createPresignMultipartUpload,
  completePresignMultipartUpload,
  abortPresignMultipartUpload,
  uploadPart,
  hardResetBranch,
  putPresignedPart,
  getRepositoryMetadata,
  getGCRules,
  setGCRules,
  deleteGCRules,
  getBranchProtectionRules,
  setBranchProtectionRules,
  getGarbageCollectionConfig,
  getLicense,
  getUsageReportSummary,
  postStatsEvents,
  setupCommPrefs,
};

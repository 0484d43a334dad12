/**
 * healthCheck (204, no credentials) and getLakeFSVersion (any authenticated caller; the version comes from
 * the scenario's `lakefsVersion` option).
 */
import { currentUser } from '../authorize.js';
import { empty, json } from '../reply.js';
import type { RepoHandler } from './state.js';

export const healthCheck: RepoHandler = (ctx) => empty(ctx, 204);

export const getLakeFSVersion: RepoHandler = (ctx) => {
  currentUser(ctx);
  // version_context is always "lakeFS" on an open-source server (recorded from the real 1.80.0).
  return json(ctx, 200, { version: ctx.options.lakefsVersion, version_context: 'lakeFS' });
};

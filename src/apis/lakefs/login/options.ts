/** The lakeFS options with the login flows' defaults filled in as well as the foundation's. */
import { optionsOf, type LakefsOptions } from '../state.js';
import { loginDefaults, type LoginOptions } from './state.js';

export type LoginContextOptions = LakefsOptions & Required<LoginOptions>;

export function loginOptionsOf(ctx: { options: Partial<LakefsOptions> | undefined }): LoginContextOptions {
  const options = optionsOf(ctx);
  const filled = { ...loginDefaults } as Record<string, unknown>;
  // A key the scenario left out keeps its default (optionsOf spreads only what the scenario wrote).
  for (const [key, value] of Object.entries(options)) if (value !== undefined) filled[key] = value;
  return filled as unknown as LoginContextOptions;
}

export const isCommunity = (options: LakefsOptions) => options.mode === 'community';

export const nowSeconds = (now: Date) => Math.floor(now.getTime() / 1000);

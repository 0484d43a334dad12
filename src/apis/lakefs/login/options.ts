/** What the login handlers read off the (complete) lakeFS options and the clock. */
import type { LakefsOptions } from '../state.js';

export const isCommunity = (options: LakefsOptions) => options.mode === 'community';

export const nowSeconds = (now: Date) => Math.floor(now.getTime() / 1000);

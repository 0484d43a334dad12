/** healthCheck: no content, no credentials. */
import type { Handler } from '../../../engine/types.js';

export const healthCheck: Handler = () => ({ status: 204 });

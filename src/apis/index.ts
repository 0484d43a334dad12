/**
 * The APIs mockgate serves out of the box: one line per API. Adding an API is a new folder exporting an
 * ApiModule, and one line here.
 */
import type { ApiModule } from '../engine/types.js';
import { registry } from './registry/index.js';
import { tiledb } from './tiledb/index.js';

export const apis: ApiModule[] = [tiledb, registry];

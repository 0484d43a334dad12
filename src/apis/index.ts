/**
 * The APIs mockgate serves out of the box: one line per API. Adding an API is a new folder exporting an
 * ApiModule, and one line here.
 */
import type { ApiModule } from '../engine/types.js';
import { lakefs } from './lakefs/index.js';
import { lakefsAuthentication } from './lakefs-authentication/index.js';
import { registry } from './registry/index.js';
import { tiledb } from './tiledb/index.js';

export const apis: ApiModule[] = [lakefs, lakefsAuthentication, tiledb, registry];

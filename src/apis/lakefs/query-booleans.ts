/**
 * The lakeFS Python SDKs send query booleans as Python prints them, `True` / `False`, and lakeFS accepts them
 * (Go's strconv.ParseBool also takes 1, t, T, TRUE, true, True and their false twins). Rewritten to JSON
 * booleans before validation, so the spec can say `type: boolean`.
 */
import type { PreparableRequest } from '../../engine/types.js';

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Query parameters lakeFS declares as booleans (in the operations mockgate serves). */
const BOOLEAN_PARAMS = new Set(['effective', 'force', 'bare', 'show_hidden', 'user_metadata', 'presign']);

export function prepareRequest(request: PreparableRequest): void {
  for (const name of BOOLEAN_PARAMS) {
    const value = request.query[name];
    if (typeof value !== 'string') continue;
    if (TRUE.has(value)) request.query[name] = 'true';
    else if (FALSE.has(value)) request.query[name] = 'false';
  }
}

/**
 * JSON Patch (RFC 6902) for a user's spec's items: a PATCH whose body is `application/json-patch+json` is a list of
 * operations (add, remove, replace, move, copy, test) applied in order to the stored item, all or none.
 *
 * Applied with fast-json-patch (maintained, no dependencies, RFC 6902's own test suite), on a copy: the item in the
 * store is untouched until the whole patch has applied. It refuses operations that would reach `__proto__` or
 * `constructor` (banPrototypeModifications). Its error messages end with the whole document; only their first line
 * is kept, with the operation's place in the patch, so that an answer never carries the stored item back.
 *
 * What RFC 5789 §2.2 says of failures: a malformed patch document (not a list, an unknown `op`, a path that is not a
 * JSON Pointer, a missing `value` or `from`) is a 400; a well-formed patch that cannot be applied to this item (a
 * path that does not exist in it, a failed `test`) is a 422.
 */
import jsonPatch from 'fast-json-patch';
import type { JsonObject } from './schema.js';

export const JSON_PATCH = 'application/json-patch+json';

export type PatchOutcome = { item: JsonObject } | { status: 400 | 422; message: string };

/** Errors that say the patch document itself is wrong, whatever it is applied to. */
const MALFORMED = new Set([
  'SEQUENCE_NOT_AN_ARRAY',
  'OPERATION_NOT_AN_OBJECT',
  'OPERATION_OP_INVALID',
  'OPERATION_PATH_INVALID',
  'OPERATION_FROM_REQUIRED',
  'OPERATION_VALUE_REQUIRED',
  'OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED',
]);

/** Whether a request's Content-Type is JSON Patch's (parameters and case aside). */
export function isJsonPatch(contentType: string | string[] | undefined): boolean {
  const value = Array.isArray(contentType) ? contentType[0] : contentType;
  return value !== undefined && value.split(';')[0]!.trim().toLowerCase() === JSON_PATCH;
}

/** The item with the patch applied (a new object), or why it cannot be. */
export function applyJsonPatch(item: JsonObject, patch: unknown): PatchOutcome {
  if (!Array.isArray(patch)) return { status: 400, message: 'a JSON Patch must be an array of operations (RFC 6902)' };
  try {
    const { newDocument } = jsonPatch.applyPatch(jsonPatch.deepClone(item) as JsonObject, patch as jsonPatch.Operation[], true, true, true);
    if (newDocument === null || typeof newDocument !== 'object' || Array.isArray(newDocument)) {
      return { status: 422, message: 'the JSON Patch replaces the whole item with something that is not an object' };
    }
    return { item: newDocument };
  } catch (err) {
    // The prototype ban throws a plain TypeError ("JSON-Patch: modifying `__proto__` … is banned").
    if (err instanceof TypeError && err.message.startsWith('JSON-Patch:')) return { status: 400, message: `${err.message.split('\n')[0]!}; nothing was changed` };
    if (!(err instanceof jsonPatch.JsonPatchError)) throw err;
    const reason = err.message.split('\n')[0]!;
    const op = isOperation(err.operation) ? ` (${err.operation.op} ${JSON.stringify(err.operation.path)})` : '';
    const where = err.index !== undefined ? `operation ${err.index}${op}` : 'the JSON Patch';
    const message = err.name === 'TEST_OPERATION_FAILED' ? `${where}: the test failed, the value differs; nothing was changed` : `${where}: ${reason}; nothing was changed`;
    return { status: MALFORMED.has(err.name) ? 400 : 422, message };
  }
}

function isOperation(value: unknown): value is { op: unknown; path: unknown } {
  return typeof value === 'object' && value !== null && 'op' in value && 'path' in value;
}

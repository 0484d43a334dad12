/**
 * pydantic v1 input coercion, applied before the engine's JSON Schema validation. The service accepts
 * `bucket_name: 5` (as "5") and `console_session_required: "yes"` (as true); a strict schema would refuse
 * both with a 422 the real server never sends, and SDK tests written against the real server would break.
 */
import type { PrepareRequest } from '../../engine/types.js';
import { BODY_MODELS, type FieldKind } from './model.js';

// pydantic v1's bool_validator: strings are lower-cased first; the numbers 1 and 0 also count.
const BOOL_TRUE = new Set(['1', 'on', 't', 'true', 'y', 'yes']);
const BOOL_FALSE = new Set(['0', 'off', 'f', 'false', 'n', 'no']);

export const prepareRequest: PrepareRequest = (request) => {
  const model = BODY_MODELS[request.operationId];
  if (!model) return;
  // Fields are coerced in place. The top-level value is replaced too (FastAPI treats a JSON null body as
  // no body, and dict() turns [] or a list of pairs into an object), which takes effect only if the engine
  // reads `request.body` back after this hook; today it keeps its own reference, so those cases answer
  // "value is not a valid dict" instead.
  request.body = request.body === null ? undefined : coerce(request.body, model);
};

function coerceFields(value: unknown, model: FieldKind): void {
  if (!isPlainObject(value) || model.kind !== 'model') return;
  for (const [name, field] of Object.entries(model.fields)) {
    if (Object.hasOwn(value, name)) value[name] = coerce(value[name], field);
  }
}

function coerce(value: unknown, field: FieldKind): unknown {
  switch (field.kind) {
    case 'str':
      return coerceStr(value);
    case 'bool':
      return coerceBool(value);
    case 'model': {
      const dict = asDict(value);
      coerceFields(dict, field);
      return dict;
    }
  }
}

/** str_validator: numbers become their Python text; booleans are ints in Python, so True becomes "True". */
function coerceStr(value: unknown): unknown {
  if (typeof value === 'number' && Number.isFinite(value)) return pythonNumberText(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return value;
}

function coerceBool(value: unknown): unknown {
  if (typeof value === 'number') return value === 1 ? true : value === 0 ? false : value;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (BOOL_TRUE.has(lower)) return true;
    if (BOOL_FALSE.has(lower)) return false;
  }
  return value;
}

/**
 * A sub-model accepts anything Python's dict() accepts: a list of [key, value] pairs (or of two-character
 * strings) and the empty string become objects, and then report their own missing fields. Pairs with
 * non-string keys crash the real server; they are left alone here (so they answer "not a valid dict").
 */
function asDict(value: unknown): unknown {
  if (value === '') return {};
  if (!Array.isArray(value)) return value;
  const pairs: Array<[string, unknown]> = [];
  for (const item of value) {
    if (Array.isArray(item) && item.length === 2 && typeof item[0] === 'string') pairs.push([item[0], item[1]]);
    else if (typeof item === 'string' && [...item].length === 2) pairs.push([...item] as [string, string]);
    else return value;
  }
  // fromEntries defines own properties, so a "__proto__" key stays data, as it does in JSON.parse.
  return Object.fromEntries(pairs);
}

/**
 * Python's str() of a JSON number: integers print as integers; other numbers as Python's float repr
 * (shortest round-trip digits, exponent form below 1e-4 or from 1e16 on, "e-05" style exponents).
 * JSON.parse has already turned 5.0 into 5, so that one prints "5" where Python prints "5.0".
 */
export function pythonNumberText(n: number): string {
  if (Number.isSafeInteger(n)) return String(n);
  const [mantissa = '', expText = '0'] = n.toExponential().split('e');
  const exp = Number(expText);
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = n < 0 ? '-' : '';
  if (exp >= 16 || exp < -4) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  return `${sign}${digits.slice(0, exp + 1).padEnd(exp + 1, '0')}.${digits.slice(exp + 1) || '0'}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !Buffer.isBuffer(value);
}

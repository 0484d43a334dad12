/** Where two JSON documents differ, as JSON-pointer-like paths with the value on each side. */
export interface Difference {
  path: string;
  before: unknown;
  after: unknown;
}

export function jsonDiff(before: unknown, after: unknown, path = ''): Difference[] {
  if (Object.is(before, after)) return [];
  const bothArrays = Array.isArray(before) && Array.isArray(after);
  const bothObjects = isObject(before) && isObject(after);
  if (!bothArrays && !bothObjects) return [{ path: path || '/', before, after }];
  const keys = new Set([...Object.keys(before as object), ...Object.keys(after as object)]);
  const out: Difference[] = [];
  for (const key of keys) {
    const b = (before as Record<string, unknown>)[key];
    const a = (after as Record<string, unknown>)[key];
    const here = `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    if (!Object.hasOwn(before as object, key)) out.push({ path: here, before: undefined, after: a });
    else if (!Object.hasOwn(after as object, key)) out.push({ path: here, before: b, after: undefined });
    else out.push(...jsonDiff(b, a, here));
  }
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

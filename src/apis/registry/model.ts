/**
 * The request model the FastAPI service declares, as pydantic sees it: field kinds in declaration order.
 * pydantic v1 coerces by kind (coerce.ts) and reports errors in declaration order (errors.ts), neither of
 * which the JSON Schema in the spec can express, so both read this one description.
 */

export type FieldKind = { kind: 'str' } | { kind: 'bool' } | { kind: 'model'; fields: Record<string, FieldKind> };

const str: FieldKind = { kind: 'str' };
const bool: FieldKind = { kind: 'bool' };

export const S3_LOCATION: FieldKind = { kind: 'model', fields: { bucket_name: str, path: str, s3_uri: str } };

export const CREDENTIALS_REQUEST: FieldKind = {
  kind: 'model',
  fields: { s3_location: S3_LOCATION, console_session_required: bool },
};

export const READ_OPERATION = 'generate_read_access_credentials_registry_credentials_generate_read_access_credentials_post';
export const WRITE_OPERATION = 'generate_write_access_credentials_registry_credentials_generate_write_access_credentials_post';

/** The request model of each operation that takes a body. */
export const BODY_MODELS: Record<string, FieldKind> = {
  [READ_OPERATION]: CREDENTIALS_REQUEST,
  [WRITE_OPERATION]: CREDENTIALS_REQUEST,
};

/**
 * Sort key of a body path in pydantic's report order: each segment becomes its declaration index (unknown
 * names and list indexes sort after the declared fields, keeping their relative order).
 */
export function declarationRank(model: FieldKind | undefined, path: Array<string | number>): number[] {
  const rank: number[] = [];
  let current = model;
  for (const segment of path) {
    if (current?.kind !== 'model') {
      rank.push(Number.MAX_SAFE_INTEGER);
      current = undefined;
      continue;
    }
    const names = Object.keys(current.fields);
    const index = typeof segment === 'string' ? names.indexOf(segment) : -1;
    rank.push(index < 0 ? names.length : index);
    current = index < 0 ? undefined : current.fields[names[index]!];
  }
  return rank;
}

/**
 * The secret-bearing part of a credential: exactly one of `credential`, `role` or `token`, each with one
 * provider sub-field. Stored as sent (known fields only); answered redacted the way the Go server's
 * zeroed secrets serialise, so that TileDB's generated clients (which insist on required fields) can still
 * deserialise what they get back.
 */
import type { CloudProvider } from './state.js';

export interface AWSCredential { access_key_id: string; secret_access_key: string; endpoint?: string }
export interface AzureCredential { account_name?: string; account_key?: string }
export interface GCPInteroperabilityCredential { access_key_id?: string; secret_access_key?: string }
export interface AWSRole { role_arn: string; external_id: string; endpoint?: string }
export interface AzureToken { account_name: string; sas_token: string }
export interface GCPServiceAccountKey { account_id: string; key_id: string; key_text: string }

export interface Material {
  credential?: { aws?: AWSCredential; azure?: AzureCredential; gcp?: GCPInteroperabilityCredential };
  role?: { aws?: AWSRole };
  token?: { azure?: AzureToken; gcp?: GCPServiceAccountKey };
}

export type MaterialKind = keyof Material;
export const MATERIAL_KINDS: readonly MaterialKind[] = ['credential', 'role', 'token'];

/** Which sub-fields each kind has, and the provider each one belongs to. */
export const SUBFIELD_PROVIDER: Record<MaterialKind, Record<string, CloudProvider>> = {
  credential: { aws: 'AWS', azure: 'AZURE', gcp: 'GCP' },
  role: { aws: 'AWS' },
  token: { azure: 'AZURE', gcp: 'GCP' },
};

/**
 * Fields kept on write, per `kind.subfield`. `required` must be non-empty strings (the server validates
 * with go-playground's `required`, which refuses zero values); GCP key ids are output-only, so not listed.
 */
export const SUBFIELD_FIELDS: Record<string, { required: string[]; optional: string[] }> = {
  'credential.aws': { required: ['access_key_id', 'secret_access_key'], optional: ['endpoint'] },
  'credential.azure': { required: ['account_name', 'account_key'], optional: [] },
  'credential.gcp': { required: ['access_key_id', 'secret_access_key'], optional: [] },
  'role.aws': { required: ['role_arn', 'external_id'], optional: ['endpoint'] },
  'token.azure': { required: ['account_name', 'sas_token'], optional: [] },
  'token.gcp': { required: ['key_text'], optional: [] },
};

/** The kinds present in a request body (present = not undefined). */
export function presentKinds(body: Record<string, unknown>): MaterialKind[] {
  return MATERIAL_KINDS.filter((kind) => body[kind] !== undefined);
}

/**
 * The one `kind.subfield` a stored or validated material uses, e.g. 'role.aws'. Only known sub-fields count:
 * unknown keys beside them are ignored, as validation (and Go's JSON decoder) ignores them.
 */
export function materialPath(material: Material): string | undefined {
  for (const kind of MATERIAL_KINDS) {
    const value = material[kind] as Record<string, unknown> | undefined;
    const sub = value && Object.keys(SUBFIELD_PROVIDER[kind]).find((k) => value[k] !== undefined);
    if (sub) return `${kind}.${sub}`;
  }
  return undefined;
}

/**
 * Copies the material of an already validated body, keeping known fields only. GCP key ids are read out of
 * the key file, whatever the client sent: the spec marks them output-only.
 */
export function materialToStore(body: Record<string, any>): Material {
  const path = materialPath(body);
  if (!path) return {};
  const [kind, sub] = path.split('.') as [MaterialKind, string];
  const source = body[kind][sub] as Record<string, unknown>;
  const fields = SUBFIELD_FIELDS[path];
  const copy: Record<string, unknown> = {};
  for (const field of [...fields.required, ...fields.optional]) {
    if (typeof source[field] === 'string') copy[field] = source[field];
  }
  if (path === 'token.gcp') Object.assign(copy, gcpKeyIdentity(String(copy.key_text)));
  return { [kind]: { [sub]: copy } } as Material;
}

/** client_email and private_key_id of a service account key file; empty when the text is not such a file. */
export function gcpKeyIdentity(keyText: string): { account_id: string; key_id: string } {
  try {
    const parsed = JSON.parse(keyText) as Record<string, unknown>;
    return {
      account_id: typeof parsed?.client_email === 'string' ? parsed.client_email : '',
      key_id: typeof parsed?.private_key_id === 'string' ? parsed.private_key_id : '',
    };
  } catch {
    // TileDB treats the key file as opaque and only tries to read the ids out of it.
    return { account_id: '', key_id: '' };
  }
}

/**
 * The material as answered: required secrets become "" and optional secrets are left out; identifiers and
 * endpoints are shown in full.
 */
export function redactMaterial(material: Material): Material {
  const out: Material = {};
  const c = material.credential;
  if (c?.aws) out.credential = { aws: { ...c.aws, secret_access_key: '' } };
  if (c?.azure) out.credential = { azure: withoutKey(c.azure, 'account_key') };
  if (c?.gcp) out.credential = { gcp: withoutKey(c.gcp, 'secret_access_key') };
  if (material.role?.aws) out.role = { aws: { ...material.role.aws, external_id: '' } };
  const t = material.token;
  if (t?.azure) out.token = { azure: { ...t.azure, sas_token: '' } };
  if (t?.gcp) out.token = { gcp: { ...t.gcp, key_text: '' } };
  return out;
}

function withoutKey<T extends object>(value: T, key: keyof T): T {
  const copy = { ...value };
  delete copy[key];
  return copy;
}

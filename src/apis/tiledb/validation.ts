/**
 * The business validation TileDB-Server does beyond the schema (its go-playground `validate` tags and the
 * "exactly one sub-field" rules). Checked in code rather than in the spec so that the same rules hold when
 * a user mounts the upstream document, which carries none of them. Every check returns issues; callers
 * throw them all at once, as one 400 with `validation_error.fields`.
 */
import { validationFailed, type ValidationIssue } from '../../engine/errors.js';
import {
  SUBFIELD_FIELDS,
  SUBFIELD_PROVIDER,
  materialPath,
  presentKinds,
  type Material,
  type MaterialKind,
} from './material.js';
import { CLOUD_PROVIDERS, type CloudProvider } from './state.js';

/** Our reading of the server's `tiledb-name` tag (the real rule is not public). */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
export const NAME_MAX_LENGTH = 64;

const issue = (path: Array<string | number>, message: string, keyword: string): ValidationIssue => ({
  in: 'body',
  path,
  message,
  keyword,
});

/** `a.b[0].c`: how a validation issue's path is named in `validation_error.fields`. */
export function fieldName(path: Array<string | number>, fallback: string): string {
  if (path.length === 0) return fallback;
  return path.reduce<string>(
    (name, part, i) => (typeof part === 'number' ? `${name}[${part}]` : i === 0 ? part : `${name}.${part}`),
    '',
  );
}

/** Throws one VALIDATION_FAILED error naming every issue, or returns when there are none. */
export function throwIfIssues(issues: ValidationIssue[]): void {
  if (issues.length === 0) return;
  throw validationFailed(issues);
}

/** `name: is required; provider: must be one of …`, for error messages. */
export function issueSummary(issues: ValidationIssue[]): string {
  return issues.map((i) => `${fieldName(i.path, i.in)}: ${i.message}`).join('; ');
}

export function bodyObjectIssues(body: unknown): ValidationIssue[] {
  return body !== null && typeof body === 'object' && !Array.isArray(body)
    ? []
    : [issue([], 'request body must be a JSON object', 'type')];
}

export function nameIssues(name: unknown): ValidationIssue[] {
  if (typeof name !== 'string' || name === '') return [issue(['name'], 'is required', 'required')];
  if (name.length > NAME_MAX_LENGTH) return [issue(['name'], `must be at most ${NAME_MAX_LENGTH} characters`, 'maxLength')];
  if (!NAME_PATTERN.test(name)) {
    return [issue(['name'], "must start with a letter or digit and contain only letters, digits, '_', '.' and '-'", 'pattern')];
  }
  return [];
}

export function providerIssues(provider: unknown): ValidationIssue[] {
  if (provider === undefined) return [issue(['provider'], 'is required', 'required')];
  return isCloudProvider(provider) ? [] : [issue(['provider'], `must be one of ${CLOUD_PROVIDERS.join(', ')}`, 'enum')];
}

export function isCloudProvider(value: unknown): value is CloudProvider {
  return (CLOUD_PROVIDERS as readonly unknown[]).includes(value);
}

/**
 * Checks the `credential` / `role` / `token` part of a body: how many kinds are set (exactly one on create
 * and verify, at most one on patch), one sub-field per kind, sub-field matching the provider, and the
 * sub-field's required values.
 */
export function materialIssues(
  body: Record<string, unknown>,
  provider: CloudProvider | undefined,
  rule: 'exactly-one' | 'at-most-one',
): ValidationIssue[] {
  const kinds = presentKinds(body);
  if (kinds.length === 0) {
    return rule === 'exactly-one' ? [issue(['credential'], 'one of credential, role or token is required', 'required')] : [];
  }
  if (kinds.length > 1) {
    return kinds.map((k) => issue([k], 'credential, role and token are mutually exclusive; set only one', 'oneOf'));
  }
  return subfieldIssues(kinds[0], body[kinds[0]], provider);
}

function subfieldIssues(kind: MaterialKind, value: unknown, provider: CloudProvider | undefined): ValidationIssue[] {
  const allowed = Object.keys(SUBFIELD_PROVIDER[kind]);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [issue([kind], 'must be an object', 'type')];
  const record = value as Record<string, unknown>;
  // Unknown keys are ignored, as Go's JSON decoder does; only the known sub-fields count.
  const subs = allowed.filter((s) => record[s] !== undefined);
  if (subs.length !== 1) return [issue([kind], `exactly one of ${allowed.join(', ')} must be set`, 'oneOf')];
  const sub = subs[0];
  const issues = provider ? providerMatchIssues(kind, sub, provider) : [];
  const fields = record[sub];
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
    return [...issues, issue([kind, sub], 'must be an object', 'type')];
  }
  for (const field of SUBFIELD_FIELDS[`${kind}.${sub}`].required) {
    const v = (fields as Record<string, unknown>)[field];
    if (typeof v !== 'string' || v === '') issues.push(issue([kind, sub, field], 'is required', 'required'));
  }
  return issues;
}

/** role.aws needs provider AWS, token.azure needs AZURE, …: the sub-field is named after the provider. */
function providerMatchIssues(kind: MaterialKind, sub: string, provider: CloudProvider): ValidationIssue[] {
  if (SUBFIELD_PROVIDER[kind][sub] === provider) return [];
  if (kind === 'role') return [issue(['role'], `roles are only supported for provider AWS, not ${provider}`, 'provider')];
  return [issue([kind, sub], `does not match provider ${provider}`, 'provider')];
}

/**
 * After a patch that changes `provider` but sends no new material, the stored material must still fit.
 * The issue names `provider`, the field the caller actually sent.
 */
export function storedMaterialIssues(material: Material, provider: CloudProvider): ValidationIssue[] {
  const path = materialPath(material);
  if (!path) return [];
  const [kind, sub] = path.split('.') as [MaterialKind, string];
  if (SUBFIELD_PROVIDER[kind][sub] === provider) return [];
  return [issue(['provider'], `${provider} does not fit the stored ${path}; send new material together with the provider`, 'provider')];
}

/** The request-only checks shared by create and verify (their bodies have the same shape). */
export function credentialRequestIssues(body: unknown): ValidationIssue[] {
  const shape = bodyObjectIssues(body);
  if (shape.length) return shape;
  const b = body as Record<string, unknown>;
  const provider = isCloudProvider(b.provider) ? b.provider : undefined;
  return [
    ...nameIssues(b.name),
    ...providerIssues(b.provider),
    ...booleanIssues(b, 'provider_default'),
    ...booleanIssues(b, 'allowed_in_tasks'),
    ...materialIssues(b, provider, 'exactly-one'),
  ];
}

/** The request-only checks of a patch: only the fields present are checked. */
export function updateRequestIssues(body: unknown): ValidationIssue[] {
  const shape = bodyObjectIssues(body);
  if (shape.length) return shape;
  const b = body as Record<string, unknown>;
  const provider = isCloudProvider(b.provider) ? b.provider : undefined;
  return [
    ...(b.name !== undefined ? nameIssues(b.name) : []),
    ...(b.provider !== undefined ? providerIssues(b.provider) : []),
    ...booleanIssues(b, 'provider_default'),
    ...booleanIssues(b, 'allowed_in_tasks'),
    ...materialIssues(b, provider, 'at-most-one'),
  ];
}

function booleanIssues(body: Record<string, unknown>, field: string): ValidationIssue[] {
  const value = body[field];
  return value === undefined || typeof value === 'boolean' ? [] : [issue([field], 'must be a boolean', 'type')];
}

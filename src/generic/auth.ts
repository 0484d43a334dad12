/**
 * Authentication for a user's spec: every security scheme it declares is checked, against the credentials a
 * scenario lists for it (`apis.<name>.credentials`), or — when the scenario lists none — against nothing but form.
 *
 *   apis:
 *     petstore:
 *       credentials:
 *         api_key:       [ { key: k-123, principal: alice } ]                       # apiKey: header, query or cookie
 *         bearerAuth:    [ { token: t-1, scopes: [pets:read], expiresAt: '2030-01-01T00:00:00Z' } ]
 *         basicAuth:     [ { username: ann, password: s3cret } ]
 *         petstore_auth: [ { token: t-2, scopes: [read:pets, write:pets] } ]        # oauth2 / openIdConnect
 *
 * First run (no `credentials` key): any well-formed credential passes — a non-empty key, a bearer token of RFC 6750's
 * characters, basic credentials that are base64 of `user:password` with a user — and holds every scope; a missing or
 * malformed one answers 401. Listed (even `credentials: {}`): exact, for every scheme of the spec — an unknown key,
 * token or user, or a wrong password, answers 401; a credential past its `expiresAt` 401 (`error="invalid_token"` for a
 * bearer); one without a scope the operation's requirement names 403 (`error="insufficient_scope"`). A credential
 * listed without `scopes` holds every scope; `scopes: []` holds none.
 *
 * 401s and 403s carry the challenge of their scheme (RFC 7235): `Basic realm="<title>"`, `Bearer realm="<title>"` —
 * with RFC 6750's `error`, `error_description` and `scope` when a token was refused; apiKey schemes have none. A call
 * without credentials is refused by the engine, and is given the challenges of every scheme its operation accepts
 * when the error is rendered (challengeFor).
 *
 * The credentials live in the session's state (`credentials.<scheme>.<key>`), so they are per session, reset and
 * snapshot like the items, and a handler of your own (a login) can add one. The principal a handler gets is
 * `{ id, scheme, scopes, ...principal }`: `id` is the listed `principal` (a string, or an object's `id`), else the
 * basic user's name, else `<scheme>#<n>` (n: its place in the list, from 1); on a first run the user's name, or the
 * key or token itself.
 */
import { closest } from 'fastest-levenshtein';
import { ErrorCode, MockError, type AuthFailure } from '../engine/errors.js';
import type { SecurityRequirements, SecurityScheme } from '../engine/spec.js';
import type { PresentedCredential, Principal, SecurityContext, Verifier } from '../engine/types.js';
import { isPlainObject, type Schema } from './schema.js';
import { own, put } from './store.js';

/**
 * What mockgate can check of a scheme: the kind of credential it carries. `http` is any HTTP scheme but Basic and
 * Bearer (Digest, HOBA, …): well-formed is its word in the Authorization header plus a parameter, and a listed
 * credential is the rest of the header. `mutualTLS` cannot be checked over plain HTTP: it is taken as satisfied.
 */
export type SchemeKind = 'apiKey' | 'basic' | 'bearer' | 'http' | 'mutualTLS';

/** One listed credential, as the session's state keeps it (keyed by key, token or user name). */
export interface StoredCredential {
  /** Basic users only. */
  password?: string;
  /** Absent: every scope. */
  scopes?: string[];
  /** ISO date-time; absent: never expires. */
  expiresAt?: string;
  principal: { id: string; [field: string]: unknown };
}

/** `credentials` in a user spec's state: scheme name → key (API key, token, basic user) → credential. */
export type CredentialTable = Record<string, Record<string, StoredCredential>>;

/** The kind of credential a scheme carries, or undefined when mockgate cannot read it (an apiKey with no name, …). */
export function schemeKind(scheme: SecurityScheme): SchemeKind | undefined {
  if (scheme.type === 'apiKey') return scheme.name ? 'apiKey' : undefined;
  if (scheme.type === 'oauth2' || scheme.type === 'openIdConnect') return 'bearer';
  if (scheme.type === 'mutualTLS') return 'mutualTLS';
  if (scheme.type === 'http') {
    const name = scheme.scheme?.toLowerCase();
    if (name === 'basic') return 'basic';
    if (name === 'bearer') return 'bearer';
    if (name) return 'http';
  }
  return undefined;
}

/** The schemes of a spec that mockgate takes as satisfied without a look (mutualTLS): for the start-up report. */
export function uncheckedSchemes(schemes: Record<string, SecurityScheme>): string[] {
  return Object.keys(schemes).filter((name) => schemeKind(schemes[name]!) === 'mutualTLS');
}

/** The kinds a scenario can list credentials of. */
type ListedKind = Exclude<SchemeKind, 'mutualTLS'>;

/** The field that names a credential of each kind in a scenario. */
const KEY_FIELD: Record<ListedKind, 'key' | 'token' | 'username' | 'value'> = { apiKey: 'key', bearer: 'token', basic: 'username', http: 'value' };

/** The scopes an oauth2 scheme's flows declare (undefined for other schemes: nothing to check a listed scope against). */
function declaredScopes(scheme: SecurityScheme): string[] | undefined {
  if (scheme.type !== 'oauth2') return undefined;
  const flows = (scheme as { flows?: unknown }).flows;
  if (!isPlainObject(flows)) return undefined;
  const scopes = new Set<string>();
  for (const flow of Object.values(flows)) if (isPlainObject(flow) && isPlainObject(flow.scopes)) for (const name of Object.keys(flow.scopes)) scopes.add(name);
  return [...scopes];
}

/** JSON Schema of `apis.<name>.credentials`: a list per scheme, each entry shaped by its scheme's kind. */
export function credentialsSchema(schemes: Record<string, SecurityScheme>): Schema {
  const common = {
    scopes: { type: 'array', items: { type: 'string' }, description: 'The scopes (or roles) it holds; absent: every scope.' },
    expiresAt: { type: 'string', format: 'date-time', description: 'From this time on it answers 401; absent: never.' },
    principal: {
      description: 'Who it authenticates, as handlers see it: an id, or an object with an id and any other fields.',
      anyOf: [{ type: 'string', minLength: 1 }, { type: 'object', required: ['id'], properties: { id: { type: 'string', minLength: 1 } } }],
    },
  };
  const entry: Record<ListedKind, Schema> = {
    http: {
      type: 'object',
      required: ['value'],
      additionalProperties: false,
      properties: { value: { type: 'string', minLength: 1, description: "The Authorization header after the scheme's word." }, ...common },
    },
    apiKey: { type: 'object', required: ['key'], additionalProperties: false, properties: { key: { type: 'string', minLength: 1 }, ...common } },
    bearer: { type: 'object', required: ['token'], additionalProperties: false, properties: { token: { type: 'string', minLength: 1 }, ...common } },
    basic: {
      type: 'object',
      required: ['username', 'password'],
      additionalProperties: false,
      properties: { username: { type: 'string', minLength: 1 }, password: { type: 'string' }, ...common },
    },
  };
  const properties: Record<string, Schema> = {};
  for (const [name, scheme] of Object.entries(schemes)) {
    const kind = schemeKind(scheme);
    if (kind && kind !== 'mutualTLS') properties[name] = { type: 'array', items: entry[kind], description: `Credentials of ${name} (${describeScheme(scheme)}).` };
  }
  return {
    type: 'object',
    properties,
    // Other names, whatever their value, are let through to createState, which refuses them with the closest scheme's name.
    additionalProperties: true,
    description: 'Credentials each security scheme accepts. Listed (even empty), every scheme checks exactly; absent, any well-formed credential passes.',
  };
}

function describeScheme(scheme: SecurityScheme): string {
  if (scheme.type === 'apiKey') return `an API key in the ${scheme.in ?? 'header'} ${scheme.name ?? ''}`.trimEnd();
  if (scheme.type === 'http') return `HTTP ${scheme.scheme ?? ''}`.trimEnd();
  return scheme.type;
}

/**
 * The scenario's credentials as the state keeps them, checked: a scheme the spec does not declare is refused with the
 * closest name, one mockgate cannot check with why, a duplicate key or user, or a scope an oauth2 scheme does not
 * declare, with its place. One line, naming the place and the fix.
 */
export function checkCredentials(apiName: string, given: unknown, schemes: Record<string, SecurityScheme>): CredentialTable {
  const at = `/apis/${apiName}/credentials`;
  const table: CredentialTable = {};
  if (!isPlainObject(given)) throw new Error(`${at}: must be an object of lists, one per security scheme`);
  const names = Object.keys(schemes);
  for (const [name, list] of Object.entries(given)) {
    const where = `${at}/${pointerKey(name)}`;
    const scheme = own(schemes, name);
    if (!scheme) {
      const hint = names.length ? `; did you mean "${closest(name, names)}"? (its schemes: ${names.join(', ')})` : '; it declares none';
      throw new Error(`${where}: "${name}" is not a security scheme of the spec${hint}`);
    }
    const kind = schemeKind(scheme);
    if (!kind) throw new Error(`${where}: mockgate cannot check ${describeScheme(scheme)} credentials; remove the list (calls with such a scheme alone answer 401)`);
    if (kind === 'mutualTLS') throw new Error(`${where}: a client certificate (mutualTLS) cannot be checked over mockgate's plain HTTP, and is taken as presented; remove the list`);
    if (!Array.isArray(list)) throw new Error(`${where}: must be a list of credentials`);
    const field = KEY_FIELD[kind];
    const known = declaredScopes(scheme);
    const byKey: Record<string, StoredCredential> = {};
    const seen = new Map<string, number>();
    list.forEach((raw: unknown, i) => {
      const place = `${where}/${i}`;
      if (!isPlainObject(raw) || typeof raw[field] !== 'string' || raw[field] === '') throw new Error(`${place}: a ${name} credential needs a non-empty "${field}"`);
      const key = raw[field];
      if (seen.has(key)) throw new Error(`${place}/${field}: ${JSON.stringify(key)} is already listed at ${seen.get(key)}; list each ${field} once`);
      seen.set(key, i);
      const scopes = raw.scopes as string[] | undefined;
      if (known && scopes) {
        scopes.forEach((scope, j) => {
          if (!known.includes(scope)) {
            const hint = known.length ? `; did you mean "${closest(scope, known)}"?` : '';
            throw new Error(`${place}/scopes/${j}: "${scope}" is not a scope of ${name}${hint}`);
          }
        });
      }
      const expiresAt = raw.expiresAt as string | undefined;
      if (expiresAt !== undefined && Number.isNaN(Date.parse(expiresAt))) throw new Error(`${place}/expiresAt: ${JSON.stringify(expiresAt)} is not a date-time; write it as 2030-01-01T00:00:00Z`);
      const stored: StoredCredential = { principal: principalOf(raw.principal, kind === 'basic' ? key : `${name}#${i + 1}`) };
      if (kind === 'basic') stored.password = String(raw.password ?? '');
      if (scopes) stored.scopes = [...scopes];
      if (expiresAt !== undefined) stored.expiresAt = expiresAt;
      put(byKey, key, stored);
    });
    put(table, name, byKey);
  }
  return table;
}

function principalOf(given: unknown, fallback: string): StoredCredential['principal'] {
  if (typeof given === 'string' && given !== '') return { id: given };
  if (isPlainObject(given) && typeof given.id === 'string') return { ...given, id: given.id };
  return { id: fallback };
}

const pointerKey = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');

/** The state a verifier reads: the listed credentials, when the scenario lists any. */
interface WithCredentials {
  credentials?: CredentialTable;
}

/** RFC 6750 §2.1 b64token: what a bearer token may be made of. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
/** Standard base64, padded or not. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/**
 * One verifier per scheme of the spec that mockgate can read (the engine finds them by scheme name). `realm` names the
 * spec in challenges.
 */
export function genericVerifiers(schemes: Record<string, SecurityScheme>, realm: string): Record<string, Verifier<WithCredentials>> {
  const verifiers: Record<string, Verifier<WithCredentials>> = {};
  for (const [name, scheme] of Object.entries(schemes)) {
    const kind = schemeKind(scheme);
    if (kind === 'mutualTLS') verifiers[name] = (_credential, _ctx, required) => ({ id: `${name} (mutualTLS, not checked)`, scopes: [...required] });
    else if (kind) verifiers[name] = verifierFor(name, kind, scheme, realm);
  }
  return verifiers;
}

function verifierFor(name: string, kind: ListedKind, scheme: SecurityScheme, realm: string): Verifier<WithCredentials> {
  const word = challengeWord(kind, scheme);
  const challenge = (extra?: string) => {
    if (!word) return undefined;
    const base = `${word} realm=${quoted(realm)}`;
    return extra ? `${base}, ${extra}` : base;
  };
  const refuse = (failure: AuthFailure, message: string, bearerError?: string): never => {
    const header = challenge(kind === 'bearer' && bearerError ? `error="${bearerError}", error_description=${quoted(message)}` : undefined);
    throw new MockError(ErrorCode.Unauthenticated, 401, { authFailure: failure, message, headers: header ? { 'WWW-Authenticate': header } : {} });
  };
  const what = kind === 'apiKey' ? 'API key' : kind === 'bearer' ? 'token' : kind === 'http' ? `${scheme.scheme} credentials` : 'username or password';

  return (credential: PresentedCredential, ctx: SecurityContext<WithCredentials>, required: readonly string[]): Principal => {
    if (kind === 'bearer' && !B64TOKEN.test(credential.value ?? '')) refuse('malformed', 'the bearer token is empty or malformed', 'invalid_token');
    if (kind === 'basic') {
      // A user, a colon and a password (possibly empty), as the engine read them.
      if (!BASE64.test(credential.value ?? '') || !credential.separated || !credential.username) refuse('malformed', 'basic credentials must be base64 of user:password');
    }
    // Another HTTP scheme: its word alone is not a credential; what follows it is (compared whole when listed).
    if (kind === 'http' && !credential.value) refuse('malformed', `${scheme.scheme} credentials need parameters after "${scheme.scheme}"`);
    const table = ctx.state?.credentials;
    // First run: nothing listed, so any well-formed credential is someone, holding whatever is asked.
    if (table === undefined) return { id: credential.key, scopes: [...required] };
    const listed = own(table, name);
    const found = isPlainObject(listed) ? own(listed, credential.key) : undefined;
    // A state restored through the admin API may hold anything: what is not a credential lets nobody in.
    if (!isPlainObject(found) || (kind === 'basic' && found.password !== credential.password)) return refuse('invalid', `unknown ${what}`, 'invalid_token');
    if (found.expiresAt !== undefined && !(Date.parse(found.expiresAt) > ctx.now.getTime())) {
      return refuse('expired', `the ${kind === 'apiKey' ? 'API key' : kind === 'bearer' ? 'token' : 'credential'} expired at ${found.expiresAt}`, 'invalid_token');
    }
    const held = Array.isArray(found.scopes) ? found.scopes : undefined;
    const missing = held ? required.filter((scope) => !held.includes(scope)) : [];
    if (missing.length) {
      const message = `missing scope${missing.length > 1 ? 's' : ''}: ${missing.join(', ')}`;
      const header = kind === 'bearer' ? challenge(`error="insufficient_scope", error_description=${quoted(message)}, scope=${quoted(required.join(' '))}`) : undefined;
      throw new MockError(ErrorCode.Forbidden, 403, { authFailure: 'insufficient-role', message, headers: header ? { 'WWW-Authenticate': header } : {} });
    }
    const principal = isPlainObject(found.principal) && typeof found.principal.id === 'string' ? found.principal : { id: credential.key };
    return { ...principal, scopes: held ? [...held] : [...required] };
  };
}

/**
 * The challenges of every scheme an operation accepts (`Basic realm="…", Bearer realm="…"`), for a 401 that carries
 * none: a call without credentials, refused by the engine. Undefined when none of its schemes has one (API keys).
 */
export function challengeFor(security: SecurityRequirements, schemes: Record<string, SecurityScheme>, realm: string): string | undefined {
  const challenges = new Set<string>();
  for (const requirement of security) {
    for (const name of Object.keys(requirement)) {
      const scheme = own(schemes, name);
      const kind = scheme && schemeKind(scheme);
      const word = kind && kind !== 'mutualTLS' ? challengeWord(kind, scheme) : undefined;
      if (word) challenges.add(`${word} realm=${quoted(realm)}`);
    }
  }
  return challenges.size ? [...challenges].join(', ') : undefined;
}

/** The auth-scheme word of a kind's challenge (`Basic`, `Bearer`, or the spec's own: `Digest`); API keys have none. */
function challengeWord(kind: ListedKind, scheme: SecurityScheme): string | undefined {
  if (kind === 'basic') return 'Basic';
  if (kind === 'bearer') return 'Bearer';
  if (kind === 'http') return scheme.scheme!.replace(/[^\x21-\x7e]/g, '');
  return undefined;
}

/**
 * An RFC 7230 quoted-string of printable ASCII (RFC 6750 allows no more in its attributes, and Node refuses to send a
 * header with characters beyond Latin-1 or line breaks): any other character of a spec's title or scope names is `?`.
 */
function quoted(text: string): string {
  return `"${text.replace(/[^\x20-\x7e]/g, '?').replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

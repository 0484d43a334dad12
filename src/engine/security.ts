/**
 * Security dispatch: reads the credentials an operation's security requirements name, and hands each one to
 * the owning API's verifier. The engine decides only which alternative applies; what a credential is worth
 * (known, expired, revoked, allowed) is the API's business.
 */
import { unauthorized } from './errors.js';
import type { SecurityRequirements, SecurityScheme } from './spec.js';
import type { ApiModule, CredentialType, HeaderMap, PresentedCredential, Principal, SecurityContext } from './types.js';

export interface CredentialSource {
  headers: HeaderMap;
  query: Record<string, string | string[]>;
  cookies: Record<string, string>;
}

/** Reads the credential for one scheme, or undefined when the request does not carry it. */
export function readCredential(name: string, scheme: SecurityScheme, source: CredentialSource): PresentedCredential | undefined {
  if (scheme.type === 'http' && scheme.scheme?.toLowerCase() === 'basic') {
    const token = authorizationToken(source.headers, 'basic');
    if (token === undefined) return undefined;
    const { username, password, separated, padded } = decodedBasic(token);
    // The token as sent, and whether it held a colon, too: a verifier may refuse one that is not base64 or has no
    // colon (the decoding is lenient), without decoding it again.
    return { scheme: name, type: 'basic', username, password, separated, padded, value: token, key: username };
  }
  if ((scheme.type === 'http' && scheme.scheme?.toLowerCase() === 'bearer') || scheme.type === 'oauth2' || scheme.type === 'openIdConnect') {
    const token = authorizationToken(source.headers, 'bearer');
    return token === undefined ? undefined : { scheme: name, type: 'bearer', value: token, key: token || '(empty bearer)' };
  }
  if (scheme.type === 'http' && scheme.scheme) {
    // Digest, HOBA, …: the Authorization header names the scheme; what follows is its parameters (undefined: another scheme).
    const rest = authorizationToken(source.headers, scheme.scheme.toLowerCase());
    return rest === undefined ? undefined : { scheme: name, type: 'http', value: rest, key: rest || `(empty ${scheme.scheme})` };
  }
  // A client certificate is a TLS matter: mockgate serves plain HTTP, so every request is taken to present one.
  if (scheme.type === 'mutualTLS') return { scheme: name, type: 'mutualTLS', key: '' };
  if (scheme.type === 'apiKey' && scheme.name) {
    const raw =
      scheme.in === 'header'
        ? source.headers[scheme.name.toLowerCase()]
        : scheme.in === 'query'
          ? source.query[scheme.name]
          : source.cookies[scheme.name];
    const value = Array.isArray(raw) ? raw[0] : raw;
    return value === undefined || value === '' ? undefined : { scheme: name, type: 'apiKey', value, key: value };
  }
  return undefined;
}

interface DecodedBasic {
  username: string;
  password: string;
  separated: boolean;
  padded: boolean;
}

/** Standard base64 with its padding: what Go's Request.BasicAuth accepts. */
const PADDED_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Basic tokens already decoded. A client sends the same Authorization header on every request, and decoding it
 * (base64 into a Buffer, then UTF-8) was 6% of an in-process createUser. Bounded: emptied when full, so a
 * client sending a new token each time costs one decode per request, as before.
 */
const decodedBasicTokens = new Map<string, DecodedBasic>();
const DECODED_BASIC_MAX = 1024;
/** Longer tokens are decoded every time: a header may hold up to 16 KB, and a thousand of those must not stay. */
const DECODED_BASIC_MAX_CHARS = 512;

function decodedBasic(token: string): DecodedBasic {
  let decoded = decodedBasicTokens.get(token);
  if (decoded) return decoded;
  const text = Buffer.from(token, 'base64').toString('utf8');
  const colon = text.indexOf(':');
  decoded = { username: colon < 0 ? text : text.slice(0, colon), password: colon < 0 ? '' : text.slice(colon + 1), separated: colon >= 0, padded: PADDED_BASE64.test(token) };
  if (token.length > DECODED_BASIC_MAX_CHARS) return decoded;
  if (decodedBasicTokens.size >= DECODED_BASIC_MAX) decodedBasicTokens.clear();
  decodedBasicTokens.set(token, decoded);
  return decoded;
}

function authorizationToken(headers: HeaderMap, expected: string): string | undefined {
  const header = headers.authorization;
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const space = value.indexOf(' ');
  // "Bearer" with nothing after it is a credential that is present and empty (invalid), not a missing one.
  if (space < 0) return value.toLowerCase() === expected ? '' : undefined;
  if (value.slice(0, space).toLowerCase() !== expected) return undefined;
  return value.slice(space + 1).trim();
}

/** The credentials a request carries, one read per scheme of the spec (rules and authentication share it). */
export type PresentedCredentials = Map<string, PresentedCredential>;

/** Each spec's schemes as a list, made once per spec instead of once per request. */
const schemeLists = new WeakMap<Record<string, SecurityScheme>, [string, SecurityScheme][]>();

export function readCredentials(schemes: Record<string, SecurityScheme>, source: CredentialSource): PresentedCredentials {
  let list = schemeLists.get(schemes);
  if (!list) schemeLists.set(schemes, (list = Object.entries(schemes)));
  const presented: PresentedCredentials = new Map();
  for (const [name, scheme] of list) {
    const credential = readCredential(name, scheme, source);
    if (credential) presented.set(name, credential);
  }
  return presented;
}

/** The key that identifies the caller for rate limits and rule matching, whatever the operation's security. */
export function credentialKey(presented: PresentedCredentials, headers: HeaderMap): string | undefined {
  // A mutual-TLS "credential" is on every request, the same for all: it names no caller.
  for (const credential of presented.values()) if (credential.type !== 'mutualTLS') return credential.key;
  const header = headers.authorization;
  return Array.isArray(header) ? header[0] : header;
}

/**
 * Runs the operation's security requirements: the first alternative whose credentials are all present
 * decides (a bad one is not rescued by a later alternative, as lakeFS tries its JWT first). A credential its
 * verifier cannot read as one (it answers undefined: lakeFS skips such headers) makes its alternative as good as
 * absent. No credentials: anonymous when an empty requirement or the API's `missingCredentials: 'anonymous'`
 * allows it, else 401 'missing'.
 * Answers synchronously when the verifiers do (most check a table): a promise only when one is asynchronous
 * (a JWT signature check), so the common request spends no microtask here.
 */
export function authenticate(
  requirements: SecurityRequirements,
  presented: PresentedCredentials,
  api: ApiModule,
  ctx: SecurityContext,
): Principal | undefined | Promise<Principal | undefined> {
  if (requirements.length === 0) return undefined;
  return tryRequirements(requirements, requirementNames(requirements), 0, presented, api, ctx);
}

/** The requirements from the `from`th on (see authenticate). */
function tryRequirements(
  requirements: SecurityRequirements,
  names: string[][],
  from: number,
  presented: PresentedCredentials,
  api: ApiModule,
  ctx: SecurityContext,
): Principal | undefined | Promise<Principal | undefined> {
  for (let r = from; r < names.length; r++) {
    const schemes = names[r]!;
    if (schemes.length === 0) continue;
    // The requirement's credentials, all present, or none: a plain loop (this runs on every request).
    let credentials: PresentedCredential[] | undefined = [];
    for (const name of schemes) {
      const credential = presented.get(name);
      if (!credential) {
        credentials = undefined;
        break;
      }
      credentials.push(credential);
    }
    if (!credentials) continue;
    const outcome = verifyAll(credentials, 0, undefined, api, ctx, requirements[r]!);
    if (isPromise(outcome)) {
      return outcome.then((principal) => (principal === UNREAD ? tryRequirements(requirements, names, r + 1, presented, api, ctx) : principal));
    }
    if (outcome !== UNREAD) return outcome;
  }
  // An empty requirement anywhere lets a caller without (readable) credentials through.
  if (names.some((schemes) => schemes.length === 0) || api.missingCredentials === 'anonymous') return api.anonymous ? api.anonymous(ctx) : undefined;
  throw unauthorized('missing');
}

/** A verifier did not read its credential as one: the alternative is skipped. */
const UNREAD = Symbol('unread');

const NO_SCOPES: readonly string[] = Object.freeze([]);

/** Each requirement's scheme names, listed once per operation. */
const namesOfRequirements = new WeakMap<SecurityRequirements, string[][]>();

function requirementNames(requirements: SecurityRequirements): string[][] {
  let names = namesOfRequirements.get(requirements);
  if (!names) namesOfRequirements.set(requirements, (names = requirements.map((requirement) => Object.keys(requirement))));
  return names;
}

/**
 * Verifies credentials[from…] in order, each told the scopes its scheme's entry in the requirement lists; the last
 * one's principal is the caller, UNREAD when a verifier read one as no credential. Async only from the first async
 * verifier on.
 */
function verifyAll(
  credentials: PresentedCredential[],
  from: number,
  principal: Principal | undefined,
  api: ApiModule,
  ctx: SecurityContext,
  requirement: Record<string, string[]>,
): Principal | undefined | typeof UNREAD | Promise<Principal | undefined | typeof UNREAD> {
  for (let i = from; i < credentials.length; i++) {
    const credential = credentials[i]!;
    const verify = api.verifiers[credential.scheme] ?? api.verifiers[credential.type satisfies CredentialType];
    // A scheme with no verifier cannot be trusted: openapi-backend treats it as unauthorized too.
    if (!verify) throw unauthorized('invalid', `no verifier for security scheme ${credential.scheme}`);
    const verified = verify(credential, ctx, requirement[credential.scheme] ?? NO_SCOPES);
    if (isPromise(verified)) {
      return verified.then((found) => (found ? verifyAll(credentials, i + 1, { ...found, scheme: credential.scheme }, api, ctx, requirement) : UNREAD));
    }
    if (!verified) return UNREAD;
    principal = { ...verified, scheme: credential.scheme };
  }
  return principal;
}

export function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

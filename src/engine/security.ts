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
    const decoded = Buffer.from(token, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const username = colon < 0 ? decoded : decoded.slice(0, colon);
    const password = colon < 0 ? '' : decoded.slice(colon + 1);
    return { scheme: name, type: 'basic', username, password, key: username, value: token };
  }
  if ((scheme.type === 'http' && scheme.scheme?.toLowerCase() === 'bearer') || scheme.type === 'oauth2' || scheme.type === 'openIdConnect') {
    const token = authorizationToken(source.headers, 'bearer');
    return token === undefined ? undefined : { scheme: name, type: 'bearer', value: token, key: token || '(empty bearer)' };
  }
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

export function readCredentials(schemes: Record<string, SecurityScheme>, source: CredentialSource): PresentedCredentials {
  const presented: PresentedCredentials = new Map();
  for (const [name, scheme] of Object.entries(schemes)) {
    const credential = readCredential(name, scheme, source);
    if (credential) presented.set(name, credential);
  }
  return presented;
}

/** The key that identifies the caller for rate limits and rule matching, whatever the operation's security. */
export function credentialKey(presented: PresentedCredentials, headers: HeaderMap): string | undefined {
  const first = presented.values().next().value;
  if (first) return first.key;
  const header = headers.authorization;
  return Array.isArray(header) ? header[0] : header;
}

/**
 * Runs the operation's security requirements: the first alternative whose credentials are all present
 * decides (a bad one is not rescued by a later alternative, as lakeFS tries its JWT first). No credentials:
 * anonymous when an empty requirement or the API's `missingCredentials: 'anonymous'` allows it, else 401 'missing'.
 */
export async function authenticate(
  requirements: SecurityRequirements,
  presented: PresentedCredentials,
  api: ApiModule,
  ctx: SecurityContext,
): Promise<Principal | undefined> {
  if (requirements.length === 0) return undefined;
  let anonymousAllowed = false;
  for (const requirement of requirements) {
    const names = Object.keys(requirement);
    if (names.length === 0) {
      anonymousAllowed = true;
      continue;
    }
    const credentials = names.map((name) => presented.get(name));
    if (credentials.some((c) => c === undefined)) continue;
    let principal: Principal | undefined;
    let unread = false;
    for (const credential of credentials as PresentedCredential[]) {
      const verify = api.verifiers[credential.scheme] ?? api.verifiers[credential.type satisfies CredentialType];
      // A scheme with no verifier cannot be trusted: openapi-backend treats it as unauthorized too.
      if (!verify) throw unauthorized('invalid', `no verifier for security scheme ${credential.scheme}`);
      const verified = await verify(credential, ctx);
      // Not a credential to this server: the alternative is as good as absent.
      if (!verified) {
        unread = true;
        break;
      }
      principal = { ...verified, scheme: credential.scheme };
    }
    if (unread) continue;
    return principal;
  }
  if (anonymousAllowed || api.missingCredentials === 'anonymous') return api.anonymous ? await api.anonymous(ctx) : undefined;
  throw unauthorized('missing');
}

/**
 * What the auth handlers share: the page query of a list request, lakeFS's entity-id rules, and the two ways a
 * deployment can lack a feature — community mode (open-source lakeFS's single-user auth service, whose group,
 * policy and most credential operations answer 501 after authorization) and external principals turned off
 * (501 before authorization, as lakeFS checks the feature first).
 */
import { lakefsErrors, messages, notImplementedIn } from '../errors.js';
import type { LakefsContext } from '../state.js';
import type { PageQuery } from '../pagination.js';

export type AuthContext = LakefsContext;

export function pageQuery(ctx: AuthContext): PageQuery {
  const { prefix, after, amount } = ctx.request.query;
  return {
    prefix: typeof prefix === 'string' ? prefix : undefined,
    after: typeof after === 'string' ? after : undefined,
    amount: typeof amount === 'number' ? amount : undefined,
  };
}

export const isCommunity = (ctx: AuthContext) => ctx.options.mode === 'community';

/** Community mode: the single-user auth service has no such operation (lakeFS answers after authorization). */
export function rejectInCommunity(ctx: AuthContext): void {
  if (isCommunity(ctx)) throw notImplementedIn(ctx.options);
}

/** External principals need RBAC mode and the feature switched on; lakeFS checks this before authorization. */
export function requireExternalPrincipals(ctx: AuthContext): void {
  if (isCommunity(ctx) || !ctx.options.externalPrincipals) throw notImplementedIn(ctx.options);
}

/** lakeFS refuses `%` in new user, group and policy ids with its own text ("User name cannot contain '%'"). */
export function refusePercent(id: string, kind: 'User' | 'Group' | 'Policy'): void {
  if (id.includes('%')) throw lakefsErrors.badRequest(`${kind} name cannot contain '%'`);
}

/**
 * lakeFS's entity-id rule (model.ValidateAuthEntityID): not empty, no `/`. The single-user service reports it in
 * its own words; in RBAC mode the remote authorization service refuses it and lakeFS passes on `invalid request`.
 */
export function validateEntityId(ctx: AuthContext, id: string): void {
  const problem = id === '' ? 'empty name' : id.includes('/') ? 'name contains delimiter /' : undefined;
  if (!problem) return;
  throw lakefsErrors.badRequest(isCommunity(ctx) ? `${problem}: validation error` : messages.invalidRequest);
}

/**
 * The address part of an RFC 5322 mailbox, as Go's net/mail.ParseAddress reads the common forms:
 * `jane@example.com` or `Jane Doe <jane@example.com>`. Undefined when it is not one.
 */
export function parseEmailAddress(text: string): string | undefined {
  const trimmed = text.trim();
  const address = trimmed.endsWith('>') ? angleAddress(trimmed) : trimmed;
  if (address === undefined) return undefined;
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) return undefined;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (!/^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$/.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) return undefined;
  if (!/^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$/.test(domain)) return undefined;
  return address;
}

/**
 * The address of `Display Name <addr>` or `"Quoted, Name" <addr>`, read in one pass (the regex this replaces,
 * `^(?:"[^"]*"|[^<>"]*)\s*<…>$`, froze the server for 28 s on an 80 KB run of spaces). The display name is a
 * quoted string or text without `<>"`; the address has no `<>` or white space.
 */
function angleAddress(text: string): string | undefined {
  const open = text.lastIndexOf('<');
  if (open < 0) return undefined;
  const address = text.slice(open + 1, -1);
  if (address === '' || /[<>\s]/.test(address)) return undefined;
  const name = text.slice(0, open).trimEnd();
  const quoted = name.length >= 2 && name.startsWith('"') && name.endsWith('"') && !name.slice(1, -1).includes('"');
  if (!quoted && /[<>"]/.test(name)) return undefined;
  return address;
}

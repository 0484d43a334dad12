/**
 * The wire shapes of lakeFS's identity answers (controller.go): optional keys are left out when unset (Go's
 * omitempty pointers), required ones are always there, times are Unix seconds. Each operation picks the shape
 * lakeFS gives it — getGroup, for one, names the group in `id` and sends no `name`.
 */
import type { CredentialRecord, ExternalPrincipalRecord, GroupRecord, PolicyRecord, UserRecord } from '../state.js';

/**
 * Built by assignment rather than by spreading `cond && {…}`: a page of listUsers builds a hundred of these, and
 * each spread made and dropped an object of its own (the keys keep the same order either way).
 */
export const userBody = (u: UserRecord) => {
  const body: { id: string; creation_date: number; friendly_name?: string; email?: string } = { id: u.id, creation_date: u.creationDate };
  if (u.friendlyName !== undefined) body.friendly_name = u.friendlyName;
  if (u.email !== undefined) body.email = u.email;
  return body;
};

/** createGroup and listGroups: id, display name, description, creation date. */
export const groupListItem = (g: GroupRecord) => ({
  id: g.id,
  name: g.name,
  ...(g.description !== undefined && { description: g.description }),
  creation_date: g.creationDate,
});

/** getGroup: the display name in `id`, no `name`. */
export const groupBody = (g: GroupRecord) => ({
  id: g.name,
  ...(g.description !== undefined && { description: g.description }),
  creation_date: g.creationDate,
});

/** listUserGroups: no description. */
export const userGroupItem = (g: GroupRecord) => ({ id: g.name, name: g.name, creation_date: g.creationDate });

export const policyBody = (p: PolicyRecord, creationDate = p.creationDate) => ({
  id: p.id,
  creation_date: creationDate,
  statement: p.statement.map((s) => ({
    effect: s.effect,
    resource: s.resource,
    action: s.action,
    ...(s.condition !== undefined && { condition: s.condition }),
  })),
});

export const credentialsBody = (c: CredentialRecord) => ({ access_key_id: c.accessKeyId, creation_date: c.creationDate });

export const principalBody = (p: ExternalPrincipalRecord) => ({ id: p.id, user_id: p.userId });

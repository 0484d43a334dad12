/**
 * The wire shapes of lakeFS's identity answers (controller.go): optional keys are left out when unset (Go's
 * omitempty pointers), required ones are always there, times are Unix seconds. Each operation picks the shape
 * lakeFS gives it — getGroup, for one, names the group in `id` and sends no `name`.
 */
import type { CredentialRecord, ExternalPrincipalRecord, GroupRecord, PolicyRecord, UserRecord } from '../state.js';

export const userBody = (u: UserRecord) => ({
  id: u.id,
  creation_date: u.creationDate,
  ...(u.friendlyName !== undefined && { friendly_name: u.friendlyName }),
  ...(u.email !== undefined && { email: u.email }),
});

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

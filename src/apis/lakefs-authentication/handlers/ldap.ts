/**
 * LDAPLogin: a simple bind as the named user. The directory compares uid case-insensitively; an empty
 * password is refused outright, since many directories treat it as an anonymous bind that "succeeds".
 * Unknown users and wrong passwords get the same answer, so callers cannot probe for usernames.
 */
import type { Handler } from '../../../engine/types.js';
import { invalidCredentials } from '../errors.js';
import { jsonReply } from '../reply.js';
import type { AuthServiceState, ResolvedOptions } from '../state.js';

interface LdapAuthRequest {
  username: string;
  password: string;
}

export const LDAPLogin: Handler<AuthServiceState, ResolvedOptions> = (ctx) => {
  const { username, password } = ctx.request.body as LdapAuthRequest;
  const wanted = username.toLowerCase();
  // The username may also be the entry's full DN (DNs compare case-insensitively too).
  const user = ctx.state.ldapUsers.find((u) => u.username.toLowerCase() === wanted || u.dn.toLowerCase() === wanted);
  if (!user || user.disabled || password === '' || user.password !== password) throw invalidCredentials();
  return jsonReply(200, { external_user_identifier: user.dn });
};

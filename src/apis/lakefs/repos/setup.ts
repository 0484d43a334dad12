/**
 * First-run setup and the login page's settings (controller.go GetSetupState, Setup, GetAuthCapabilities), all
 * without credentials. A session is initialized once it has users (seeded, or created here): then setup is 409
 * `lakeFS already initialized`. Setup creates the admin user with the given access key (or a new one), joins it
 * to an `Admins` group when the scenario has one, and answers its secret once.
 */
import { conflict } from '../../../engine/errors.js';
import { lakefsErrors } from '../errors.js';
import { newAccessKeyId, newSecretAccessKey } from '../keys.js';
import { json } from '../reply.js';
import { unixSeconds, type LakefsContext } from '../state.js';
import { addTo, has, lookup, put } from '../table.js';
import type { RepoHandler } from './state.js';

interface SetupBody {
  username: string;
  key?: { access_key_id: string; secret_access_key: string };
  email?: string;
}

function initialized(ctx: LakefsContext): boolean {
  return ctx.state.repos.initialized ?? Object.keys(ctx.state.users).length > 0;
}

export const getSetupState: RepoHandler = (ctx) =>
  json(ctx, 200, {
    comm_prefs_missing: false,
    login_config: {
      // Open-source lakeFS has no RBAC ("none"); Enterprise keeps users and policies itself ("internal").
      RBAC: ctx.options.mode === 'community' ? 'none' : 'internal',
      login_cookie_names: ['internal_auth_session'],
      login_failed_message: "The credentials don't match.",
      login_url: '',
      login_url_method: 'none',
      logout_url: '',
    },
    state: initialized(ctx) ? 'initialized' : 'not_initialized',
  });

export const setup: RepoHandler = (ctx) => {
  const body = ctx.request.body as SetupBody;
  if (body.username === '') throw lakefsErrors.badRequest('empty user display name');
  if (initialized(ctx)) throw conflict('lakeFS already initialized');
  const now = unixSeconds(ctx.now);
  let accessKeyId = body.key?.access_key_id ?? newAccessKeyId(ctx.faker);
  while (!body.key && has(ctx.state.credentials, accessKeyId)) accessKeyId = newAccessKeyId(ctx.faker);
  const secretAccessKey = body.key?.secret_access_key ?? newSecretAccessKey(ctx.faker);
  put(ctx.state.users, body.username, { id: body.username, creationDate: now, ...(body.email && { email: body.email }) });
  put(ctx.state.credentials, accessKeyId, { accessKeyId, secretAccessKey, userId: body.username, creationDate: now });
  if (lookup(ctx.state.groups, 'Admins')) addTo(ctx.state.groupMembers, 'Admins', body.username);
  ctx.state.repos.initialized = true;
  return json(ctx, 200, { access_key_id: accessKeyId, creation_date: now, secret_access_key: secretAccessKey });
};

export const getAuthCapabilities: RepoHandler = (ctx) => json(ctx, 200, { invite_user: false });

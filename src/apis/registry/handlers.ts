/**
 * Handlers, named by operationId. The 2022 service does no dataset or ownership check: any location gets
 * credentials once the token's roles allow the route (a location outside the store's bucket just yields
 * credentials that cannot reach it), so there is no 400 or 404 to reproduce.
 */
import type { HandlerContext, Reply } from '../../engine/types.js';
import { mint, type Location } from './credentials.js';
import type { Access, RegistryState, ResolvedOptions } from './state.js';

type Ctx = HandlerContext<RegistryState, ResolvedOptions>;

export const SUCCESS_DETAILS = 'STS credentials generated successfully for specified path.';

export function root__get(): Reply {
  return { status: 200, body: { message: 'Health check successful.' } };
}

export function generate_read_access_credentials_registry_credentials_generate_read_access_credentials_post(ctx: Ctx): Reply {
  return issueCredentials(ctx, 'read');
}

export function generate_write_access_credentials_registry_credentials_generate_write_access_credentials_post(ctx: Ctx): Reply {
  return issueCredentials(ctx, 'write');
}

function issueCredentials(ctx: Ctx, access: Access): Reply {
  const { options } = ctx;
  const body = ctx.request.body as { s3_location: Location; console_session_required: boolean };
  // A user's spec mounted without security reaches here with no principal; name the session anyway.
  const username = typeof ctx.principal?.username === 'string' ? ctx.principal.username : 'anonymous';
  const { issued, consoleSessionUrl } = mint({
    access,
    username,
    location: body.s3_location,
    consoleSession: body.console_session_required === true,
    now: ctx.now,
    faker: ctx.faker,
    options,
  });
  // Stateless on the wire; the record is for inspection only, bounded so long runs stay small.
  const log = (ctx.state.issued ??= []); // a hand-written snapshot may lack the list
  log.push(issued);
  if (log.length > options.issuedLimit) log.splice(0, log.length - options.issuedLimit);
  return {
    status: 200,
    body: {
      status: { success: true, details: SUCCESS_DETAILS },
      credentials: {
        aws_access_key_id: issued.accessKeyId,
        aws_secret_access_key: issued.secretAccessKey,
        aws_session_token: issued.sessionToken,
        expiry: issued.expiry,
      },
      console_session_url: consoleSessionUrl,
    },
  };
}

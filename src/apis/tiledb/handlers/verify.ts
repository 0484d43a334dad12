/**
 * Verify: the checks of a create, without storing anything and without requiring the name to be free.
 * Role-based AWS credentials also go through a simulated AssumeRole: the ARN must be well formed, and the
 * scenario's allow / deny lists decide whether the provider would accept it.
 */
import { compileGlob } from '../../../engine/glob.js';
import type { HandlerContext, Reply } from '../../../engine/types.js';
import { assumeRoleFailed } from '../errors.js';
import { reply } from '../present.js';
import { resolveScope } from '../scope.js';
import type { TiledbOptions, TiledbState } from '../state.js';
import { credentialRequestIssues, throwIfIssues } from '../validation.js';

type Ctx = HandlerContext<TiledbState, TiledbOptions>;

/** Partition-aware (aws, aws-cn, aws-us-gov), 12-digit account, any role path. */
export const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;

/** POST /actions/credentials/verify; also serves the May-2025 path, whose upstream operationId is the same. */
export function verifyCredential(ctx: Ctx): Reply {
  const body = ctx.request.body;
  throwIfIssues(credentialRequestIssues(body));
  checkScope(ctx);
  const roleArn: unknown = body.role?.aws?.role_arn;
  if (typeof roleArn === 'string') checkAssumeRole(roleArn, ctx.options);
  return reply(ctx, 200);
}

/** POST /credentials/{workspace}/verify: the scope comes from the path and query instead of the body. */
export function verifyWorkspaceCredential(ctx: Ctx): Reply {
  return verifyCredential(ctx);
}

/**
 * The path form names the workspace in the path; the body form in `workspace_id`, which is optional (a
 * verify without scope checks the material only). A teamspace needs its workspace.
 */
function checkScope(ctx: Ctx): void {
  const { params, query, body } = ctx.request;
  const fromPath = params.workspace !== undefined;
  const workspace = fromPath ? params.workspace : body.workspace_id;
  const teamspace = fromPath ? query.teamspace_id : body.teamspace_id;
  if (workspace !== undefined && workspace !== '') {
    resolveScope(ctx, workspace, teamspace);
    return;
  }
  if (teamspace !== undefined && teamspace !== '') {
    throwIfIssues([{ in: 'body', path: ['workspace_id'], message: 'is required with teamspace_id', keyword: 'required' }]);
  }
}

function checkAssumeRole(roleArn: string, options: TiledbOptions): void {
  if (!ROLE_ARN_PATTERN.test(roleArn)) {
    throwIfIssues([
      {
        in: 'body',
        path: ['role', 'aws', 'role_arn'],
        message: 'must be an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)',
        keyword: 'pattern',
      },
    ]);
  }
  const denied = options.verifyDeniedRoleArns.some((p) => globMatches(p, roleArn));
  const allowed = options.verifyAllowedRoleArns.length === 0 || options.verifyAllowedRoleArns.some((p) => globMatches(p, roleArn));
  if (denied || !allowed) throw assumeRoleFailed(roleArn);
}

/** `*` matches any run of characters; everything else is literal (linear time: the ARN is the client's). */
function globMatches(pattern: string, value: string): boolean {
  return compileGlob(pattern)(value);
}

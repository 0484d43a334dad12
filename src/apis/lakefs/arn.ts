/**
 * lakeFS ARNs (pkg/permissions/permission.go builders, pkg/auth/arn.go matching). A policy resource of `*`
 * matches everything; otherwise both sides must parse as `arn:<partition>:<service>:<region>:<account>:<resource>`,
 * partition, service and account must be equal (the region is ignored), and the resource parts are compared with
 * the lakeFS wildcard.
 */
import { wildcardMatch } from './wildcard.js';

export const arn = {
  user: (id: string) => `arn:lakefs:auth:::user/${id}`,
  group: (id: string) => `arn:lakefs:auth:::group/${id}`,
  policy: (id: string) => `arn:lakefs:auth:::policy/${id}`,
  externalPrincipal: (id: string) => `arn:lakefs:auth:::externalPrincipal/${id}`,
  repository: (repo: string) => `arn:lakefs:fs:::repository/${repo}`,
  branch: (repo: string, branch: string) => `arn:lakefs:fs:::repository/${repo}/branch/${branch}`,
  object: (repo: string, path: string) => `arn:lakefs:fs:::repository/${repo}/object/${path}`,
  tag: (repo: string, tag: string) => `arn:lakefs:fs:::repository/${repo}/tag/${tag}`,
  namespace: (ns: string) => `arn:lakefs:fs:::namespace/${ns}`,
  /** Operations that act on no single resource (list users, list groups, …) check `*`. */
  all: '*',
};

interface ParsedArn {
  partition: string;
  service: string;
  account: string;
  resource: string;
}

function parseArn(text: string): ParsedArn | undefined {
  const parts = text.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  const [, partition, service, , account] = parts as [string, string, string, string, string];
  // The resource may itself contain ':'.
  return { partition, service, account, resource: parts.slice(5).join(':') };
}

export function arnMatch(policyResource: string, requested: string): boolean {
  if (policyResource === '*') return true;
  const pattern = parseArn(policyResource);
  const target = parseArn(requested);
  if (!pattern || !target) return false;
  return (
    pattern.partition === target.partition &&
    pattern.service === target.service &&
    pattern.account === target.account &&
    wildcardMatch(pattern.resource, target.resource)
  );
}

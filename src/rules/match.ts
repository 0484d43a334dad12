/** Decides whether a rule's `match` block selects a request. Path globs are compiled once per rule. */
import type { RuleMatch, RuleRequest } from './types.js';

export type Matcher = (request: RuleRequest) => boolean;

export function compileMatcher(match: RuleMatch = {}): Matcher {
  const method = match.method?.toUpperCase();
  const path = match.path ? globToRegex(match.path) : undefined;
  return (r) =>
    (match.api === undefined || match.api === r.api) &&
    (match.operationId === undefined || match.operationId === r.operationId) &&
    (method === undefined || method === r.method) &&
    (path === undefined || path.test(r.path)) &&
    (match.credential === undefined || match.credential === r.credential) &&
    (match.session === undefined || match.session === r.session);
}

function globToRegex(glob: string): RegExp {
  const pattern = glob
    .split('**')
    .map((part) => part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*'))
    .join('.*');
  return new RegExp(`^${pattern}$`);
}

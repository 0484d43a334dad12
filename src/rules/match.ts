/** Decides whether a rule's `match` block selects a request. Path globs are compiled once per rule. */
import { compileGlob } from '../engine/glob.js';
import type { RuleMatch, RuleRequest } from './types.js';

export type Matcher = (request: RuleRequest) => boolean;

export function compileMatcher(match: RuleMatch = {}): Matcher {
  const method = match.method?.toUpperCase();
  // `*` within one path segment, `**` across segments; matched in linear time (engine/glob.ts).
  const path = match.path ? compileGlob(match.path, { starExcludes: '/', globstar: true }) : undefined;
  return (r) =>
    (match.api === undefined || match.api === r.api) &&
    (match.operationId === undefined || match.operationId === r.operationId) &&
    (method === undefined || method === r.method) &&
    (path === undefined || path(r.path)) &&
    (match.credential === undefined || match.credential === r.credential) &&
    (match.session === undefined || match.session === r.session);
}


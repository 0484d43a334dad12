/**
 * What a rule's `match` names — an API and an operationId, plain strings to the rule schema — checked against
 * the specs this process mounts, so a misspelt name is refused with a suggestion instead of leaving a rule
 * that silently never fires.
 *
 * The policy:
 * - `match.api` names a mounted API: `match.operationId`, when given, must be one of that API's mounted
 *   operations.
 * - `match.api` names an API that is registered but not mounted here: accepted, operationId unchecked. A
 *   scenario carries rules for every API it seeds (the bundled ones do), and a process that mounts fewer (one
 *   --spec, a test) must still load it; the rule simply never fires. Its operations are unknown until its spec
 *   is mounted, so its operationId cannot be checked.
 * - `match.api` names no API at all: refused (a misspelt API name).
 * - `match.operationId` without `match.api`: it must be an operation of some mounted spec. Such a rule could
 *   only ever fire on a mounted operation, and without an API there is no telling a rule written for another
 *   set of mounts from a typo — a rule for an API that may not be mounted says which with `match.api`.
 */
import { closest, distance } from 'fastest-levenshtein';
import type { Mount } from '../engine/mount.js';
import type { Rule } from './types.js';

/** API name → operationIds of its mounted specs, for every API with a spec mounted in this process. */
export type KnownOperations = ReadonlyMap<string, ReadonlySet<string>>;

export interface RuleReferenceProblem {
  /** Index of the rule in the list checked. */
  rule: number;
  /** The name in its `match` that is wrong. */
  field: 'api' | 'operationId';
  message: string;
}

/** The operations rules can match: those of the served mounts (the internal admin API has no rules). */
export function knownOperationsOf(mounts: readonly Mount[]): KnownOperations {
  const known = new Map<string, Set<string>>();
  for (const mount of mounts) {
    if (mount.internal) continue;
    const operations = known.get(mount.api.name) ?? new Set<string>();
    for (const op of mount.spec.operations) operations.add(op.operationId);
    known.set(mount.api.name, operations);
  }
  return known;
}

/**
 * The names in the rules' `match` that the policy above refuses, in the rules' order (empty when all is well).
 * `registeredApis` are the names of every API module of the process, mounted or not.
 */
export function ruleReferenceProblems(rules: readonly Rule[], known: KnownOperations, registeredApis: readonly string[]): RuleReferenceProblem[] {
  return rules.flatMap((rule, index) => {
    const problem = problemOf(rule, known, registeredApis);
    return problem ? [{ rule: index, ...problem }] : [];
  });
}

function problemOf(rule: Rule, known: KnownOperations, registeredApis: readonly string[]): Omit<RuleReferenceProblem, 'rule'> | undefined {
  const { api, operationId } = rule.match ?? {};
  if (api !== undefined) {
    const operations = known.get(api);
    if (operations === undefined) {
      if (registeredApis.includes(api)) return undefined;
      const names = [...new Set([...registeredApis, ...known.keys()])];
      return { field: 'api', message: `unknown api "${api}"${didYouMean(api, names) ?? `; known APIs: ${names.join(', ')}`}` };
    }
    if (operationId === undefined || operations.has(operationId)) return undefined;
    const hint = didYouMean(operationId, [...operations]) ?? ' (GET /__admin/specs lists the operations)';
    return { field: 'operationId', message: `unknown operationId "${operationId}" for api ${api}${hint}` };
  }
  if (operationId === undefined || [...known.values()].some((operations) => operations.has(operationId))) return undefined;
  const hint = didYouMean(operationId, [...known.values()].flatMap((operations) => [...operations])) ?? '';
  return {
    field: 'operationId',
    message: `unknown operationId "${operationId}": no mounted spec has it${hint} (a rule for an API that is not mounted here must name it in match.api)`,
  };
}

/** `; did you mean "x"?` when a candidate is near enough to be the intended name, else undefined. */
function didYouMean(name: string, candidates: readonly string[]): string | undefined {
  if (candidates.length === 0) return undefined;
  const best = closest(name, candidates);
  // A third of the name may be off (two edits for short names): beyond that the "suggestion" is noise.
  return distance(name, best) <= Math.max(2, Math.floor(name.length / 3)) ? `; did you mean "${best}"?` : undefined;
}

/**
 * Reading YAML (and JSON) documents — specs and scenario files — with js-yaml, bounded against alias bombs.
 * js-yaml resolves an alias to the same object as its anchor, so a "billion laughs" document of 700 bytes
 * parses at once into a small graph, and then every walk that treats it as a tree (schema validation,
 * JSON.stringify of an answer, structuredClone into a session) blows it up: one such scenario blocked the
 * server for ~50 s at 1 GB. So after parsing, the document's size as a tree is computed over the graph (each
 * shared node counted once per use, memoised, in linear time) and a document whose aliases add more than
 * MAX_ALIAS_EXPANSION values is refused, as the `yaml` package's maxAliasCount refuses such documents.
 */
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';

/** Values aliases may add to a document beyond the ones its text holds. */
export const MAX_ALIAS_EXPANSION = 100_000;

export class YamlAliasError extends Error {}

/**
 * Parses YAML 1.2 with the core schema (a date stays a string, no `<<` merges). Throws js-yaml's error for
 * bad syntax, and a YamlAliasError (whose message says how much the aliases expand to) for an alias bomb.
 */
export function parseYaml(text: string): unknown {
  const value = loadYaml(text, { schema: CORE_SCHEMA });
  // An alias is written `*name` after an `&name` anchor: a document without both has none to expand.
  if (text.includes('&') && text.includes('*')) checkAliasExpansion(value);
  return value;
}

function checkAliasExpansion(root: unknown): void {
  // Tree size of each object, memoised by identity; `distinct` counts the objects themselves.
  const sizes = new Map<object, number>();
  let distinct = 0;
  const sizeOf = (value: unknown, depth: number): number => {
    if (value === null || typeof value !== 'object') return 1;
    const known = sizes.get(value);
    if (known !== undefined) return known;
    // A cycle (YAML allows an alias inside its own anchor's node) has no tree size at all.
    if (depth > 10_000) throw new YamlAliasError('YAML nesting (or a self-referencing alias) is deeper than 10000 levels');
    sizes.set(value, Infinity);
    let size = 1;
    distinct += 1;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      size += sizeOf(child, depth + 1);
      distinct += child !== null && typeof child === 'object' ? 0 : 1;
    }
    sizes.set(value, size);
    return size;
  };
  const expanded = sizeOf(root, 0);
  if (expanded - distinct > MAX_ALIAS_EXPANSION) {
    const what = Number.isFinite(expanded) ? `${expanded.toExponential(1)} values` : 'an endless document (an alias refers to its own anchor)';
    throw new YamlAliasError(
      `YAML aliases expand the document to ${what} from ${distinct} written; at most ${MAX_ALIAS_EXPANSION} may be added by aliases — write the repeated part out, or use fewer aliases`,
    );
  }
}

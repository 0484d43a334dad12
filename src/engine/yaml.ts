/**
 * Reading YAML (and JSON) documents — specs and scenario files — with js-yaml, bounded against alias bombs.
 * js-yaml resolves an alias to the same object as its anchor, so a "billion laughs" document of 700 bytes
 * parses at once into a small graph, and then every walk that treats it as a tree (schema validation,
 * JSON.stringify of an answer, structuredClone into a session) blows it up: one such scenario blocked the
 * server for ~50 s at 1 GB. So after parsing, the document's size as a tree is computed over the graph (each
 * shared node counted once per use, memoised, in linear time) and a document whose aliases add more than
 * MAX_ALIAS_EXPANSION values is refused, as the `yaml` package's maxAliasCount refuses such documents.
 */
import { CORE_SCHEMA, EVENT_ID, getScalarValue, loadAll, parseEvents, SCALAR_STYLE, YAMLException, type Event } from 'js-yaml';

/** Values aliases may add to a document beyond the ones its text holds. */
export const MAX_ALIAS_EXPANSION = 100_000;

export class YamlAliasError extends Error {}

/**
 * Parses YAML 1.2 with the core schema (a date stays a string, no `<<` merges). Throws js-yaml's error for
 * bad syntax or more than one document, and a YamlAliasError (whose message says how much the aliases expand
 * to) for an alias bomb. A text without a document (empty, or only comments) is undefined: js-yaml's load()
 * refuses it, but a scenario file that is all comments is an empty scenario.
 */
export function parseYaml(text: string): unknown {
  const documents = loadAll(text, { schema: CORE_SCHEMA });
  if (documents.length > 1) throw new YAMLException('expected a single document in the stream, but found more');
  const value = documents[0];
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

/** A place in a text, both 1-based. */
export interface YamlPosition {
  line: number;
  col: number;
}

/** Why js-yaml refused a text (its reason, without the source snippet it appends) and, when it says, where. */
export function yamlSyntaxError(err: unknown): { reason: string; position?: YamlPosition } {
  if (!(err instanceof YAMLException)) return { reason: (err as Error).message.split('\n')[0]! };
  return { reason: err.reason, ...(err.mark ? { position: { line: err.mark.line + 1, col: err.mark.column + 1 } } : {}) };
}

/**
 * The one line a configuration file that does not parse is refused with, whatever the file (scenario, requirement,
 * diff script): `file:line:col: not valid YAML (reason)`, or the alias bound's own message.
 */
export function yamlFailure(err: unknown, file: string): string {
  if (err instanceof YamlAliasError) return `${file}: ${err.message}`;
  const { reason, position } = yamlSyntaxError(err);
  return `${file}${position ? `:${position.line}:${position.col}` : ''}: not valid YAML (${reason})`;
}

/**
 * Where the value at a JSON pointer (segments: keys and list indexes) is written in a YAML text — with `key`,
 * where the key naming it is. A pointer that leads past what the text has (a missing required key) gives its
 * deepest part that is there; a text that does not parse, undefined. For error messages only: the text is
 * parsed again, into js-yaml's events (which carry source offsets), so reading a good document costs nothing.
 */
export function yamlPosition(text: string, pointer: ReadonlyArray<string | number>, options: { key?: boolean } = {}): YamlPosition | undefined {
  const root = sourceTree(text);
  if (!root) return undefined;
  let node = root;
  let at = root.at;
  for (const [i, segment] of pointer.entries()) {
    const entry = node.entries?.get(String(segment)) ?? itemEntry(node, segment);
    if (!entry) break;
    at = options.key && i === pointer.length - 1 ? entry.keyAt : entry.value.at;
    node = entry.value;
  }
  return positionAt(text, at);
}

/** A node of the document as written: where it starts, and its entries (a mapping's, by key) or items. */
interface SourceNode {
  at: number;
  entries?: Map<string, { keyAt: number; value: SourceNode }>;
  items?: SourceNode[];
}

function itemEntry(node: SourceNode, segment: string | number): { keyAt: number; value: SourceNode } | undefined {
  const item = node.items && /^\d+$/.test(String(segment)) ? node.items[Number(segment)] : undefined;
  return item && { keyAt: item.at, value: item };
}

/** The first document of a text as a tree of source offsets, undefined when it does not parse or is empty. */
function sourceTree(text: string): SourceNode | undefined {
  let events: Event[];
  try {
    events = parseEvents(text, {});
  } catch {
    return undefined;
  }
  const anchors = new Map<string, SourceNode>();
  let i = 1; // events[0] opens the document
  const named = (event: Event & { anchorStart: number; anchorEnd: number }, node: SourceNode) => {
    if (event.anchorStart >= 0) anchors.set(text.slice(event.anchorStart, event.anchorEnd), node);
    return node;
  };
  const read = (): SourceNode => {
    const event = events[i++]!;
    switch (event.type) {
      case EVENT_ID.SCALAR: {
        // A quoted scalar's value starts after its quote; the node, at the quote.
        const quoted = event.style === SCALAR_STYLE.SINGLE_QUOTED || event.style === SCALAR_STYLE.DOUBLE_QUOTED;
        return named(event, { at: quoted ? event.valueStart - 1 : event.valueStart });
      }
      case EVENT_ID.ALIAS:
        // Written where `*name` is; a pointer goes on into what the anchor holds.
        return { ...anchors.get(text.slice(event.anchorStart, event.anchorEnd)), at: event.anchorStart - 1 };
      case EVENT_ID.SEQUENCE: {
        const items: SourceNode[] = [];
        while (events[i]!.type !== EVENT_ID.POP) items.push(read());
        i++;
        return named(event, { at: event.start, items });
      }
      case EVENT_ID.MAPPING: {
        const entries = new Map<string, { keyAt: number; value: SourceNode }>();
        while (events[i]!.type !== EVENT_ID.POP) {
          const keyEvent = events[i]!;
          const key = read();
          const value = read();
          if (keyEvent.type === EVENT_ID.SCALAR) entries.set(getScalarValue(text, keyEvent), { keyAt: key.at, value });
        }
        i++;
        return named(event, { at: event.start, entries });
      }
      default:
        throw new Error(`unexpected YAML event ${event.type} inside a document`);
    }
  };
  return events[0]?.type === EVENT_ID.DOCUMENT && events[1]?.type !== EVENT_ID.POP ? read() : undefined;
}

function positionAt(text: string, offset: number): YamlPosition {
  let line = 1;
  let lineStart = 0;
  for (let nl = text.indexOf('\n'); nl !== -1 && nl < offset; nl = text.indexOf('\n', nl + 1)) {
    line += 1;
    lineStart = nl + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

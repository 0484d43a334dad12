/**
 * The route table, compiled once at start-up across every mounted spec: a map of static paths plus one
 * compiled segment list per templated path, ordered most-specific first. Matching a request never builds
 * anything per template or walks the documents (openapi-backend's own router does both per request).
 *
 * Templated paths are matched segment by segment, not by regex: a template with two parameters in one
 * segment (`/files/{name}.{ext}`) compiled to `([^/]+)\.([^/]+)`, which backtracks quadratically on a long
 * segment of dots. Here each segment is compared in one pass (see matchMixed).
 */
import type { Operation } from './spec.js';
import { templateParams } from './text.js';

export interface RouteTarget<M> {
  mount: M;
  operation: Operation;
}

export type RouteMatch<M> =
  | { kind: 'operation'; mount: M; operation: Operation; rawParams: Record<string, string> }
  | { kind: 'method-not-allowed'; mount: M; allowed: string[] }
  | { kind: 'not-found'; mount: M }
  | { kind: 'no-mount' };

export interface MountedRoutes<M> {
  mount: M;
  prefix: string;
  /** Shown in collision errors. */
  source: string;
  operations: Operation[];
  /** Whether a HEAD the spec does not declare is answered by the GET operation (default true, as HTTP servers do). */
  headFromGet?: boolean;
}

/**
 * One `/`-separated segment of a template: literal text, or literal texts around parameters — `parts` has one
 * more element than `names` (`{name}.{ext}` → parts ['', '.', ''], names ['name', 'ext']).
 */
type Segment = { literal: string } | { parts: string[]; names: string[] };

interface PathEntry<M> {
  template: string;
  source: string;
  methods: Map<string, RouteTarget<M>>;
  /** The mounts whose undeclared HEAD is not answered by their GET. */
  noHeadFromGet?: Set<M>;
  /** Undefined for a template without parameters (a static path). */
  segments?: Segment[];
  /** Number of literal characters: more literal text means more specific. */
  literalLength: number;
}

export class RouteCollisionError extends Error {}

const NO_ENTRIES: never[] = [];

export class Router<M> {
  private readonly staticPaths = new Map<string, PathEntry<M>>();
  /**
   * Templated routes by segment count, most literal first: a path can only match a template with as many
   * segments, so a request looks at those alone (the order within a count is the global order, so the same
   * route wins as in one list).
   */
  private readonly templatedBySegments = new Map<number, PathEntry<M>[]>();
  private readonly prefixes: Array<{ prefix: string; mount: M; firstSegments: Set<string>; servesRoot: boolean }>;

  constructor(mounts: MountedRoutes<M>[]) {
    const byShape = new Map<string, PathEntry<M>>();
    for (const m of mounts) {
      for (const op of m.operations) {
        const template = m.prefix + op.pathTemplate;
        const shape = templateShape(template);
        let entry = byShape.get(shape);
        if (!entry) {
          entry = compileEntry<M>(template, m.source);
          byShape.set(shape, entry);
        }
        const method = op.method.toUpperCase();
        const existing = entry.methods.get(method);
        if (existing) {
          throw new RouteCollisionError(
            `route collision: ${method} ${template} is declared by both ${entry.source} and ${m.source}; ` +
              `mount one of them at another prefix with --spec <file>=<prefix>`,
          );
        }
        entry.methods.set(method, { mount: m.mount, operation: op });
        if (m.headFromGet === false) (entry.noHeadFromGet ??= new Set()).add(m.mount);
      }
    }
    const templated: PathEntry<M>[] = [];
    for (const entry of byShape.values()) {
      if (entry.segments) templated.push(entry);
      else this.staticPaths.set(entry.template, entry);
    }
    templated.sort((a, b) => b.literalLength - a.literalLength);
    for (const entry of templated) {
      const count = entry.segments!.length;
      const list = this.templatedBySegments.get(count);
      if (list) list.push(entry);
      else this.templatedBySegments.set(count, [entry]);
    }
    this.prefixes = mounts
      .map((m) => ({
        prefix: m.prefix,
        mount: m.mount,
        firstSegments: new Set(m.operations.map((op) => firstSegment(op.pathTemplate))),
        servesRoot: m.operations.some((op) => op.pathTemplate === '/' || op.pathTemplate === ''),
      }))
      .sort((a, b) => b.prefix.length - a.prefix.length);
    Object.freeze(this);
  }

  match(method: string, path: string): RouteMatch<M> {
    const exact = this.staticPaths.get(path);
    let firstPathMatch: PathEntry<M> | undefined = exact;
    if (exact) {
      const target = exact.methods.get(method) ?? headFallback(exact, method);
      if (target) return { kind: 'operation', mount: target.mount, operation: target.operation, rawParams: {} };
    }
    const pathSegments = this.templatedBySegments.size ? path.split('/') : [];
    for (const entry of this.templatedBySegments.get(pathSegments.length) ?? NO_ENTRIES) {
      const rawParams = matchSegments(entry.segments!, pathSegments);
      if (!rawParams) continue;
      firstPathMatch ??= entry;
      const target = entry.methods.get(method) ?? headFallback(entry, method);
      if (!target) continue;
      return { kind: 'operation', mount: target.mount, operation: target.operation, rawParams };
    }
    const owner = this.mountFor(path);
    if (!owner) return { kind: 'no-mount' };
    if (firstPathMatch) {
      const first = firstPathMatch.methods.values().next().value!;
      return { kind: 'method-not-allowed', mount: first.mount, allowed: [...firstPathMatch.methods.keys()] };
    }
    return { kind: 'not-found', mount: owner };
  }

  /**
   * The mount that answers an unknown path: the longest prefix containing it. Several specs may share a
   * prefix (the registry and lakeFS's browser pages both live at `/`): then the one with a route under the
   * path's first segment, else the one that serves the prefix's root, else the first registered.
   */
  mountFor(path: string): M | undefined {
    let best: { mount: M; score: number; length: number } | undefined;
    for (const { prefix, mount, firstSegments, servesRoot } of this.prefixes) {
      if (best && prefix.length < best.length) break;
      if (!(prefix === '' || path === prefix || path.startsWith(`${prefix}/`))) continue;
      const score = firstSegments.has(firstSegment(path.slice(prefix.length))) ? 2 : servesRoot ? 1 : 0;
      if (!best || score > best.score) best = { mount, score, length: prefix.length };
    }
    return best?.mount;
  }
}

/** `/repositories/{id}` → `repositories`; templated first segments never match a literal one. */
function firstSegment(path: string): string {
  return path.split('/')[1] ?? '';
}

/** HEAD is answered by the GET operation when the spec declares no HEAD, as HTTP servers do (unless its API says not). */
function headFallback<M>(entry: PathEntry<M>, method: string): RouteTarget<M> | undefined {
  if (method !== 'HEAD') return undefined;
  const get = entry.methods.get('GET');
  return get && !entry.noHeadFromGet?.has(get.mount) ? get : undefined;
}

function compileEntry<M>(template: string, source: string): PathEntry<M> {
  const templated = templateParams(template).length > 0;
  const segments: Segment[] = template.split('/').map((text) => {
    const params = templateParams(text);
    if (params.length === 0) return { literal: text };
    const parts: string[] = [];
    let last = 0;
    for (const param of params) {
      parts.push(text.slice(last, param.start));
      last = param.end;
    }
    parts.push(text.slice(last));
    return { parts, names: params.map((p) => p.name) };
  });
  const literalLength = segments.reduce((n, s) => n + ('literal' in s ? s.literal.length : s.parts.join('').length), 0);
  return { template, source, methods: new Map(), segments: templated ? segments : undefined, literalLength };
}

/** The template with every parameter name blanked: two templates of one shape are one route. */
function templateShape(template: string): string {
  let shape = '';
  let last = 0;
  for (const param of templateParams(template)) {
    shape += `${template.slice(last, param.start)}{}`;
    last = param.end;
  }
  return shape + template.slice(last);
}

/** The raw parameters when the path's segments fit the template's, else undefined. */
function matchSegments(segments: Segment[], path: string[]): Record<string, string> | undefined {
  if (segments.length !== path.length) return undefined;
  // Null-prototype: parameter names come from the spec, and `__proto__` is a name like any other.
  let params: Record<string, string> | undefined;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const text = path[i]!;
    if ('literal' in segment) {
      if (segment.literal !== text) return undefined;
      continue;
    }
    const values = matchMixed(segment.parts, text);
    if (!values) return undefined;
    params ??= Object.create(null) as Record<string, string>;
    for (let j = 0; j < values.length; j++) params[segment.names[j]!] = values[j]!;
  }
  return params ?? (Object.create(null) as Record<string, string>);
}

/**
 * The parameter values of one segment (`parts` are the literals around them), each non-empty, or undefined.
 * Literals are placed right to left at their last occurrence, so the leftmost parameter takes the longest
 * text it can, as the greedy regex `([^/]+)\.([^/]+)` did (`a.tar.gz` → `a.tar`, `gz`), in one pass.
 */
function matchMixed(parts: string[], text: string): string[] | undefined {
  const first = parts[0]!;
  const lastPart = parts[parts.length - 1]!;
  const count = parts.length - 1;
  if (text.length < first.length + lastPart.length + count) return undefined;
  if (!text.startsWith(first) || !text.endsWith(lastPart)) return undefined;
  const values = new Array<string>(count);
  let end = text.length - lastPart.length;
  for (let i = count - 1; i >= 1; i--) {
    const literal = parts[i]!;
    // The literal must end before `end` with at least one character of value i after it, and leave room for
    // the values before it.
    const at = text.lastIndexOf(literal, end - 1 - literal.length);
    if (at < first.length + i) return undefined;
    values[i] = text.slice(at + literal.length, end);
    end = at;
  }
  if (end <= first.length) return undefined;
  values[0] = text.slice(first.length, end);
  return values;
}

/**
 * The route table, compiled once at start-up across every mounted spec: a map of static paths plus one
 * precompiled regex per templated path, ordered most-specific first. Matching a request never builds a
 * regex or walks the documents (openapi-backend's own router does both per request).
 */
import type { Operation } from './spec.js';

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
}

interface PathEntry<M> {
  template: string;
  source: string;
  methods: Map<string, RouteTarget<M>>;
  regex?: RegExp;
  paramNames: string[];
  /** Number of literal characters: more literal text means more specific. */
  literalLength: number;
}

export class RouteCollisionError extends Error {}

export class Router<M> {
  private readonly staticPaths = new Map<string, PathEntry<M>>();
  private readonly templated: PathEntry<M>[] = [];
  private readonly prefixes: Array<{ prefix: string; mount: M; firstSegments: Set<string>; servesRoot: boolean }>;

  constructor(mounts: MountedRoutes<M>[]) {
    const byShape = new Map<string, PathEntry<M>>();
    for (const m of mounts) {
      for (const op of m.operations) {
        const template = m.prefix + op.pathTemplate;
        const shape = template.replace(/\{[^}]*\}/g, '{}');
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
      }
    }
    for (const entry of byShape.values()) {
      if (entry.regex) this.templated.push(entry);
      else this.staticPaths.set(entry.template, entry);
    }
    this.templated.sort((a, b) => b.literalLength - a.literalLength);
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
    for (const entry of this.templated) {
      const m = entry.regex!.exec(path);
      if (!m) continue;
      firstPathMatch ??= entry;
      const target = entry.methods.get(method) ?? headFallback(entry, method);
      if (!target) continue;
      const rawParams: Record<string, string> = {};
      entry.paramNames.forEach((name, i) => (rawParams[name] = m[i + 1]));
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

/** HEAD is answered by the GET operation when the spec declares no HEAD, as HTTP servers do. */
function headFallback<M>(entry: PathEntry<M>, method: string): RouteTarget<M> | undefined {
  return method === 'HEAD' ? entry.methods.get('GET') : undefined;
}

function compileEntry<M>(template: string, source: string): PathEntry<M> {
  const paramNames: string[] = [];
  let literalLength = 0;
  let pattern = '';
  let last = 0;
  for (const m of template.matchAll(/\{([^}]+)\}/g)) {
    const literal = template.slice(last, m.index);
    literalLength += literal.length;
    pattern += escapeRegex(literal) + '([^/]+)';
    paramNames.push(m[1]);
    last = m.index! + m[0].length;
  }
  const tail = template.slice(last);
  literalLength += tail.length;
  pattern += escapeRegex(tail);
  return {
    template,
    source,
    methods: new Map(),
    regex: paramNames.length ? new RegExp(`^${pattern}$`) : undefined,
    paramNames,
    literalLength,
  };
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

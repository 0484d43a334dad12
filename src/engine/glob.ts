/**
 * Glob patterns in linear time: rule paths (`/api/v1/**`), CORS origin patterns (`http://localhost:*`), role-ARN
 * lists. They used to compile to regexes whose `.*` runs backtrack against each other: a fault path with a few
 * `**` took 6 s on a 150-character request path. Here a pattern is a list of tokens and matching walks the
 * input once, keeping the set of pattern positions still alive (a Thompson NFA: no backtracking), so the cost
 * is at most input length × pattern length, and patterns are bounded at compile time.
 */

/** What a `*` may match: any run of characters, or a run that contains none of `excluded`. */
export interface GlobOptions {
  /** Characters `*` does not match (`/` for path segments). `**` matches them too. Default: none. */
  starExcludes?: string;
  /** Whether `**` is a token of its own (matching everything); otherwise it is two `*`. Default false. */
  globstar?: boolean;
  /** Whether `?` matches exactly one character (otherwise it is literal). Default false. */
  questionMark?: boolean;
  /** Compare without regard to ASCII case. Default false. */
  caseInsensitive?: boolean;
}

/** The longest pattern compiled, in characters: a pattern is configuration, not data. */
export const MAX_GLOB_LENGTH = 2048;

export class GlobError extends Error {}

const enum Kind {
  Literal,
  Star,
  Globstar,
  One,
}

interface Token {
  kind: Kind;
  /** For literals: the character (lower-cased when case-insensitive). */
  char?: string;
}

export type GlobMatcher = (input: string) => boolean;

export function compileGlob(pattern: string, options: GlobOptions = {}): GlobMatcher {
  if (pattern.length > MAX_GLOB_LENGTH) {
    throw new GlobError(`glob pattern is ${pattern.length} characters long; at most ${MAX_GLOB_LENGTH} are allowed`);
  }
  const fold = options.caseInsensitive ? (c: string) => c.toLowerCase() : (c: string) => c;
  const tokens: Token[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') {
      const globstar = options.globstar && pattern[i + 1] === '*';
      if (globstar) while (pattern[i + 1] === '*') i++;
      const kind = globstar ? Kind.Globstar : Kind.Star;
      // Consecutive wildcards of one kind match what one does: keep one (fewer live positions).
      const last = tokens[tokens.length - 1];
      if (last && last.kind === kind) continue;
      tokens.push({ kind });
    } else if (c === '?' && options.questionMark) {
      tokens.push({ kind: Kind.One });
    } else {
      tokens.push({ kind: Kind.Literal, char: fold(c) });
    }
  }
  const excluded = options.starExcludes ?? '';
  const literalOnly = tokens.every((t) => t.kind === Kind.Literal);
  if (literalOnly) {
    const literal = tokens.map((t) => t.char).join('');
    return (input) => fold(input) === literal;
  }
  return (input) => simulate(tokens, fold(input), excluded);
}

/**
 * Walks the input once. `live` holds the pattern positions reached so far (stamped per step, so no set is
 * allocated); a wildcard position also stands for the position after it (a wildcard may match nothing).
 */
function simulate(tokens: Token[], input: string, excluded: string): boolean {
  const n = tokens.length;
  let live: number[] = [];
  let next: number[] = [];
  const seen = new Int32Array(n + 1).fill(-1);
  let step = 0;
  const add = (list: number[], position: number) => {
    // Follow empty matches of wildcards: position p reached means p+1 is reached too when p is a wildcard.
    while (position <= n && seen[position] !== step) {
      seen[position] = step;
      list.push(position);
      const token = tokens[position];
      if (!token || (token.kind !== Kind.Star && token.kind !== Kind.Globstar)) break;
      position++;
    }
  };
  add(live, 0);
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    step++;
    next.length = 0;
    for (const position of live) {
      const token = tokens[position];
      if (!token) continue;
      switch (token.kind) {
        case Kind.Literal:
          if (token.char === c) add(next, position + 1);
          break;
        case Kind.One:
          add(next, position + 1);
          break;
        case Kind.Star:
          if (!excluded.includes(c)) add(next, position);
          break;
        case Kind.Globstar:
          add(next, position);
          break;
      }
    }
    if (next.length === 0) return false;
    [live, next] = [next, live];
  }
  return live.includes(n);
}

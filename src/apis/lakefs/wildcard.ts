/**
 * lakeFS's `wildcard.Match` (pkg/auth/wildcard): `*` matches any run of characters, including `/`; `?`
 * matches exactly one character; there are no character classes or escapes. Used for policy actions and for
 * the resource part of ARNs. Iterative with backtracking to the last `*`, so hostile patterns stay linear-ish.
 */
export function wildcardMatch(pattern: string, value: string): boolean {
  let p = 0;
  let v = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (v < value.length) {
    if (p < pattern.length && (pattern[p] === '?' || pattern[p] === value[v])) {
      p++;
      v++;
    } else if (p < pattern.length && pattern[p] === '*') {
      starAt = p++;
      resumeAt = v;
    } else if (starAt >= 0) {
      p = starAt + 1;
      v = ++resumeAt;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern[p] === '*') p++;
  return p === pattern.length;
}

/**
 * engine/glob.ts matches what the regexes it replaced matched (`*` → `[^/]*`, `**` → `.*`, CORS's `[^/\s]*`,
 * `?` → one character), checked against those regexes on thousands of random short patterns and inputs, where
 * backtracking is harmless; and it is linear where they were not.
 */
import { describe, expect, it } from 'vitest';
import { compileGlob, GlobError, MAX_GLOB_LENGTH } from '../../src/engine/glob.js';

/** A deterministic generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const escape = (c: string) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The regex the old code compiled for a rule path glob. */
function pathRegex(glob: string): RegExp {
  return new RegExp(`^${glob.split('**').map((part) => part.split('*').map(escape).join('[^/]*')).join('.*')}$`);
}

function randomText(next: () => number, alphabet: string, max: number): string {
  const length = Math.floor(next() * (max + 1));
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(next() * alphabet.length)];
  return s;
}

describe('compileGlob', () => {
  it('agrees with the rule-path regex (`*` within a segment, `**` across) on 20 000 random cases', () => {
    const next = random(7);
    for (let i = 0; i < 20_000; i++) {
      const glob = randomText(next, 'ab/**', 8);
      const input = randomText(next, 'ab/', 10);
      const expected = pathRegex(glob).test(input);
      expect(compileGlob(glob, { starExcludes: '/', globstar: true })(input), `${glob} on ${input}`).toBe(expected);
    }
  });

  it('agrees with a `*`-is-anything, `?`-is-one-character regex on 20 000 random cases', () => {
    const next = random(11);
    for (let i = 0; i < 20_000; i++) {
      const glob = randomText(next, 'ab*?', 7);
      const input = randomText(next, 'ab', 9);
      const regex = new RegExp(`^${[...glob].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : escape(c))).join('')}$`, 's');
      expect(compileGlob(glob, { questionMark: true })(input), `${glob} on ${input}`).toBe(regex.test(input));
    }
  });

  it.each([
    ['http://localhost:*', 'http://localhost:3000', true],
    ['http://localhost:*', 'http://localhost:3000/x', false],
    ['https://*.example.test', 'https://app.example.test', true],
    ['https://*.example.test', 'https://a b.example.test', false],
    ['arn:aws:iam::*:role/ci-*', 'arn:aws:iam::123456789012:role/ci-deploy', true],
    ['/api/v1/**', '/api/v1/auth/users/alice', true],
    ['/api/v1/*/users', '/api/v1/auth/users', true],
    ['/api/v1/*/users', '/api/v1/a/b/users', false],
    ['', '', true],
    ['', 'x', false],
  ])('%s on %s → %s', (glob, input, expected) => {
    const options = glob.startsWith('/') ? { starExcludes: '/', globstar: true } : glob.startsWith('http') ? { starExcludes: '/ \t' } : {};
    expect(compileGlob(glob, options)(input)).toBe(expected);
  });

  it('matches a pattern of 20 `**` against a 100 000-character input in one pass', () => {
    const matches = compileGlob(`${'**a'.repeat(20)}**b`, { starExcludes: '/', globstar: true });
    expect(matches('a'.repeat(100_000))).toBe(false);
    expect(matches(`${'a'.repeat(100_000)}b`)).toBe(true);
  });

  it('is case-insensitive when asked', () => {
    expect(compileGlob('HTTP://*.Example', { caseInsensitive: true })('http://app.EXAMPLE')).toBe(true);
  });

  it(`refuses a pattern longer than ${MAX_GLOB_LENGTH} characters`, () => {
    expect(() => compileGlob('a'.repeat(MAX_GLOB_LENGTH + 1))).toThrow(GlobError);
  });
});

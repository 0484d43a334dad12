/**
 * Volatile values — ids, dates, tokens, request ids — made equal on both sides before texts are compared, by the
 * script's `normalize` rules (never by editing an expected answer):
 *
 *   { pattern: '<regex>', replace: '<uuid>' }   every match in an error text or a header value is replaced
 *   { field: creation_date }                     that body field's value, at any depth, is ignored (its type is
 *                                                still compared by the shape)
 *
 * The patterns are the only regular expressions mockgate builds at run time (test/engine/redos.test.ts exempts
 * this file, and only it): they are the script author's own, run by their own command over answers from servers
 * they chose — not over requests to a mockgate server.
 */
import type { NormalizeRule } from './script.js';

/** A rule's pattern as a global expression; throws SyntaxError for a bad one. */
export function compilePattern(pattern: string): RegExp {
  return new RegExp(pattern, 'g');
}

export interface Normalizer {
  /** A text (an error text, a header value) with every pattern's matches replaced. */
  text(value: string): string;
  /** A JSON value with ignored fields replaced by "<ignored>" and every string normalised as a text. */
  value(value: unknown): unknown;
  /** Whether a body field's value is ignored. */
  ignores(field: string): boolean;
}

export const IGNORED = '<ignored>';

export function normalizer(rules: NormalizeRule[]): Normalizer {
  const patterns = rules.filter((r) => r.pattern !== undefined).map((r) => ({ re: compilePattern(r.pattern!), replace: r.replace ?? '' }));
  const fields = new Set(rules.filter((r) => r.field !== undefined).map((r) => r.field!));
  const text = (s: string) => patterns.reduce((out, { re, replace }) => out.replace(re, replace), s);
  const value = (v: unknown): unknown => {
    if (typeof v === 'string') return text(v);
    if (Array.isArray(v)) return v.map(value);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, fields.has(k) ? IGNORED : value(inner)]));
    return v;
  };
  return { text, value, ignores: (field) => fields.has(field) };
}

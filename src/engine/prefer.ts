/**
 * Decodes Prism's per-request overrides: the RFC 7240 `Prefer` header (`code=409, example=taken,
 * dynamic=true`) and its `__code` / `__example` / `__dynamic` query fallbacks, plus mockgate's own
 * `delay=<ms>`. Unknown keys are ignored, as Prism's decoder does, so clients can send both tools' keys.
 */
export interface Preferences {
  code?: number;
  example?: string;
  dynamic?: boolean;
  delayMs?: number;
}

/** What a request without Prefer header or `__` query keys prefers: nothing. Shared and frozen: never written to. */
export const NO_PREFERENCES: Preferences = Object.freeze({});

/** Whether any query key is one of the Prism fallbacks (`__code`, …): they all start with `__`. */
function hasFallbackKey(query: Record<string, string | string[]>): boolean {
  for (const key in query) if (key.charCodeAt(0) === 95 /* _ */ && key.charCodeAt(1) === 95) return true;
  return false;
}

export function parsePreferences(header: string | string[] | undefined, query: Record<string, string | string[]>): Preferences {
  // Nearly every request prefers nothing: answered without building a map, splitting or a regex.
  if (header === undefined && !hasFallbackKey(query)) return NO_PREFERENCES;
  const pairs = new Map<string, string>();
  const headerText = Array.isArray(header) ? header.join(',') : header ?? '';
  for (const part of headerText.split(/[,;]/)) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    pairs.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1'));
  }
  for (const key of ['code', 'example', 'dynamic', 'delay']) {
    const value = query[`__${key}`];
    if (value !== undefined && !pairs.has(key)) pairs.set(key, Array.isArray(value) ? value[0] : value);
  }
  const prefs: Preferences = {};
  const code = Number(pairs.get('code'));
  if (pairs.has('code') && Number.isInteger(code) && code >= 100 && code <= 599) prefs.code = code;
  if (pairs.get('example')) prefs.example = pairs.get('example');
  if (pairs.has('dynamic')) prefs.dynamic = pairs.get('dynamic') === 'true';
  const delay = Number(pairs.get('delay'));
  if (pairs.has('delay') && Number.isFinite(delay) && delay > 0) prefs.delayMs = Math.min(delay, 60_000);
  return prefs;
}

export function hasResponseOverride(prefs: Preferences): boolean {
  return prefs.code !== undefined || prefs.example !== undefined || prefs.dynamic === true;
}

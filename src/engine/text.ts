/**
 * Small string scans that would otherwise be regexes on input: each is one linear pass. A regex such as
 * `/\/+$/` is quadratic on a backtracking engine (every start position rescans the run of slashes), and these
 * run on request paths, bodies, specs and scenario values. test/engine/redos.test.ts keeps regexes in src/
 * linear; these replace the ones that were not.
 */

/** `s` without its trailing slashes ('/v4///' → '/v4'). */
export function trimTrailingSlashes(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 47 /* / */) end--;
  return end === s.length ? s : s.slice(0, end);
}

/** One `{name}` of a path template, with where it starts and ends in the template. */
export interface TemplateParam {
  name: string;
  start: number;
  /** Index just past the closing brace. */
  end: number;
}

/** The `{name}` placeholders of an OpenAPI path template, left to right (an unclosed `{` is literal text). */
export function templateParams(template: string): TemplateParam[] {
  const params: TemplateParam[] = [];
  let from = 0;
  for (;;) {
    const open = template.indexOf('{', from);
    if (open < 0) return params;
    const close = template.indexOf('}', open + 1);
    if (close < 0) return params;
    // `{}` names nothing: literal text, as the template regexes treated it.
    if (close > open + 1) params.push({ name: template.slice(open + 1, close), start: open, end: close + 1 });
    from = close + 1;
  }
}

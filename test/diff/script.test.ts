/**
 * Diff scripts: read with their defaults, and every configuration mistake refused as one line naming the file, the
 * line and column, the place inside the script and what is wrong — as scenario files are.
 */
import { describe, expect, it } from 'vitest';
import { parseCapturePath } from '../../src/diff/capture.js';
import { buildRequest } from '../../src/diff/http.js';
import { DEFAULT_ERROR_TEXT, parseScript, ScriptError } from '../../src/diff/script.js';

const minimal = 'name: s\nsteps:\n  - { name: one, method: get, path: /a }\n';

describe('reading a script', () => {
  it('fills in the defaults', () => {
    const script = parseScript(minimal, 's.yaml');
    expect(script).toMatchObject({ name: 's', base: '', errorText: DEFAULT_ERROR_TEXT, headers: {}, normalize: [], ignoreHeaders: [], vars: {} });
    expect(script.steps).toEqual([{ name: 'one', method: 'GET', path: '/a' }]);
  });

  it('builds each request from base, path, query, headers, credentials and body, filling {{vars}} (percent-encoded in the path)', () => {
    const script = parseScript(
      `name: s
base: /api/v1
headers: { X-Extra: v }
credentials: { basic: [user, pass] }
vars: { repo: 'my repo', n: 2 }
steps:
  - name: one
    method: post
    path: /repositories/{{repo}}/branches
    query: { amount: '{{n}}', tag: [a, b] }
    headers: { X-Extra: w, X-Repo: '{{repo}}' }
    body: { name: '{{repo}}-main', n: 1 }
  - { name: two, method: PUT, path: /x, credentials: { bearer: 't-{{n}}' }, bodyText: '{not json' }
  - { name: three, method: POST, path: /y, credentials: { none: true }, form: { a: 1, b: 'x y' } }
  - { name: four, method: GET, path: /z, credentials: { header: { X-Api-Key: k } } }
  - { name: five, method: POST, path: /z, headers: { X-Extra: null, content-type: null }, body: [1] }
`,
      's.yaml',
    );
    const built = script.steps.map((step) => buildRequest(script, step, script.vars));
    expect(built[0]!.request).toEqual({
      method: 'POST',
      path: '/api/v1/repositories/my%20repo/branches',
      query: { amount: '2', tag: ['a', 'b'] },
      headers: { 'X-Extra': 'w', 'X-Repo': 'my repo', Authorization: `Basic ${Buffer.from('user:pass').toString('base64')}`, 'Content-Type': 'application/json' },
      bodyText: '{"name":"my repo-main","n":1}',
    });
    expect(built[0]!.redacted.Authorization).toBe('Basic <redacted>');
    expect(built[1]!.request).toMatchObject({ headers: { 'X-Extra': 'v', Authorization: 'Bearer t-2' }, bodyText: '{not json' });
    expect(built[1]!.request.headers['Content-Type']).toBeUndefined();
    expect(built[2]!.request).toMatchObject({ headers: { 'X-Extra': 'v', 'Content-Type': 'application/x-www-form-urlencoded' }, bodyText: 'a=1&b=x+y' });
    expect(built[2]!.request.headers.Authorization).toBeUndefined();
    expect(built[3]!.request.headers).toEqual({ 'X-Extra': 'v', 'X-Api-Key': 'k' });
    expect(built[3]!.redacted).toEqual({ 'X-Extra': 'v', 'X-Api-Key': '<redacted>' });
    // A null header is not sent: neither the default one nor the Content-Type the body would add.
    expect(built[4]!.request.headers).toEqual({ Authorization: `Basic ${Buffer.from('user:pass').toString('base64')}` });
    expect(built[4]!.request.bodyText).toBe('[1]');
  });

  it.each([
    ['body.token', { source: 'body', steps: ['token'] }],
    ['body', { source: 'body', steps: [] }],
    ['body.results[0].id', { source: 'body', steps: ['results', 0, 'id'] }],
    ['body["a.b"][2]', { source: 'body', steps: ['a.b', 2] }],
    ['header.Location', { source: 'header', name: 'Location' }],
    ['cookie.internal_auth_session', { source: 'cookie', name: 'internal_auth_session' }],
    ['status', { source: 'status' }],
  ])('reads the capture expression %s', (expression, parsed) => {
    expect(parseCapturePath(expression)).toEqual(parsed);
  });
});

describe('script mistakes, one line each: file:line:col: /pointer: reason', () => {
  it.each([
    ['not YAML', 'name: [\n', /^s\.yaml:\d+:\d+: not valid YAML/],
    ['a list at the top', '- a\n', /^s\.yaml:1:1: \/: expected a mapping/],
    ['no name', 'steps:\n  - { name: one, method: GET, path: /a }\n', /^s\.yaml:1:1: \/: missing required key "name"$/],
    ['an unknown top-level key', `${minimal}extra: 1\n`, /^s\.yaml:4:1: \/extra: unknown key "extra"; remove it or check its spelling$/],
    ['an unknown step key', 'name: s\nsteps:\n  - name: one\n    method: GET\n    path: /a\n    bodyy: {}\n', /^s\.yaml:6:5: \/steps\/0\/bodyy: unknown key "bodyy"/],
    ['a step without a name', 'name: s\nsteps:\n  - { method: GET, path: /a }\n', /^s\.yaml:3:5: \/steps\/0: missing required key "name"$/],
    ['a path without its slash', 'name: s\nsteps:\n  - { name: one, method: GET, path: a }\n', /^s\.yaml:3:37: \/steps\/0\/path: a step path starts with "\/"$/],
    ['a duplicate step name', 'name: s\nsteps:\n  - { name: one, method: GET, path: /a }\n  - { name: one, method: GET, path: /b }\n', /^s\.yaml:4:13: \/steps\/1\/name: step name "one" is already used by step 0/],
    ['an unknown aspect', 'name: s\nsteps:\n  - { name: one, method: GET, path: /a, expect: [status, body] }\n', /^s\.yaml:3:58: \/steps\/0\/expect\/1: must be one of "status", "text", "shape", "contentType", "headers"$/],
    ['two kinds of credentials', 'name: s\ncredentials: { basic: [a, b], bearer: t }\nsteps:\n  - { name: one, method: GET, path: /a }\n', /^s\.yaml:2:14: \/credentials: credentials name one kind/],
    ['basic credentials without the password', 'name: s\ncredentials: { basic: [a] }\nsteps:\n  - { name: one, method: GET, path: /a }\n', /^s\.yaml:2:23: \/credentials\/basic: must NOT have fewer than 2 items$/],
    ['a normalize rule with neither pattern nor field', 'name: s\nnormalize:\n  - { replace: x }\nsteps:\n  - { name: one, method: GET, path: /a }\n', /^s\.yaml:3:5: \/normalize\/0: a normalize rule needs "pattern"/],
    ['a bad regular expression', "name: s\nnormalize:\n  - { pattern: '(a' }\nsteps:\n  - { name: one, method: GET, path: /a }\n", /^s\.yaml:3:16: \/normalize\/0\/pattern: not a regular expression/],
    ['two bodies', "name: s\nsteps:\n  - { name: one, method: POST, path: /a, body: {}, bodyText: '' }\n", /^s\.yaml:3:52: \/steps\/0\/bodyText: a step has one body: "body" or "bodyText", not both$/],
    ['a bad capture expression', 'name: s\nsteps:\n  - { name: one, method: GET, path: /a, capture: { t: json.token } }\n', /^s\.yaml:3:55: \/steps\/0\/capture\/t: "json.token" does not start with body, header, cookie or status/],
    [
      'a {{var}} never captured',
      'name: s\nsteps:\n  - { name: one, method: GET, path: /a, capture: { t: body.token } }\n  - name: two\n    method: GET\n    path: /b/{{user}}\n',
      /^s\.yaml:6:11: \/steps\/1\/path: \{\{user\}\} is never set before it is used; add it to vars or the capture of an earlier step \(known here: t\)$/,
    ],
    [
      'a {{var}} used before the step that captures it',
      "name: s\nsteps:\n  - { name: one, method: GET, path: /a, credentials: { bearer: '{{t}}' } }\n  - { name: two, method: GET, path: /b, capture: { t: body.token } }\n",
      /^s\.yaml:3:64: \/steps\/0\/credentials\/bearer: \{\{t\}\} is never set/,
    ],
    ['a {{var}} in the default headers', "name: s\nheaders: { X-Id: '{{id}}' }\nsteps:\n  - { name: one, method: GET, path: /a }\n", /^s\.yaml:2:18: \/headers\/X-Id: \{\{id\}\} is never set before it is used; add it to vars \(/],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parseScript(text, 's.yaml')).toThrow(ScriptError);
    expect(() => parseScript(text, 's.yaml')).toThrow(message);
  });
});

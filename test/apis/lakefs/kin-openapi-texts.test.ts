/**
 * kin-openapi's validation texts, to the byte: every request of the fidelity transcript that the real lakeFS 1.80.0
 * refused with a schema dump (`Schema: … Value: …`) or an empty query value is sent again, to mockgate serving
 * lakeFS's own swagger.yml, and must get the recorded text back. The dump is generated from the mounted document and
 * the request (src/apis/shared/kin-openapi-visit.ts), so with upstream's document it is upstream's.
 *
 * Against mockgate's bundled specs (written in its own words), the same requests get the same texts but for the
 * schemas' descriptions and examples: the fidelity script normalises those two keys, and this file checks that
 * nothing else differs.
 *
 * The reference copy lives outside the repository (MOCKGATE_UPSTREAM_LAKEFS_SPEC, else the workplace's shared/
 * folder); the upstream half is skipped where none exists.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, repoRoot, type TestApp } from '../../support/test-app.js';

const SCENARIO = path.join(repoRoot, 'scenarios', 'lakefs-community.yaml');

const upstream =
  [process.env.MOCKGATE_UPSTREAM_LAKEFS_SPEC, path.resolve(repoRoot, '../shared/reference/lakefs/swagger.yml'), '/work/shared/reference/lakefs/swagger.yml']
    .filter((file): file is string => Boolean(file))
    .find((file) => existsSync(file)) ?? '';

interface RecordedStep {
  name: string;
  request: { method: string; path: string; headers?: Record<string, string>; query?: Record<string, string>; bodyText?: string };
  response: { status: number; bodyText?: string };
}

const transcript = JSON.parse(readFileSync(path.join(repoRoot, 'test/fidelity/lakefs-community.transcript.json'), 'utf8')) as { steps: RecordedStep[] };

/** The recorded refusals that kin-openapi worded: a schema dump, or an empty query value. */
const refusals = transcript.steps
  .map((step) => ({ step, message: messageOf(step.response.bodyText) }))
  .filter(({ step, message }) => step.response.status === 400 && message !== undefined && (message.includes('\nSchema:\n') || message.endsWith('empty value is not allowed')))
  .map(({ step, message }) => ({ name: step.name, request: step.request, message: message! }));

/**
 * Steps whose schema changed in lakeFS after 1.80.0: the reference copy of swagger.yml may be newer than the recorded
 * server (1.84.0 marks Setup's securityUpdates deprecated).
 */
const CHANGED_SINCE_1_80 = new Set(['setup: setup missing username']);

function messageOf(bodyText: string | undefined): string | undefined {
  try {
    return (JSON.parse(bodyText ?? '') as { message?: string }).message;
  } catch {
    return undefined;
  }
}

/** The recorded request, sent again without credentials: validation runs before authentication. */
async function send(t: TestApp, request: RecordedStep['request']) {
  const query = new URLSearchParams(request.query ?? {}).toString();
  const url = `${request.path}${query ? `?${query}` : ''}`;
  let req = t.http[request.method.toLowerCase() as 'get' | 'post' | 'put' | 'delete'](url);
  if (request.headers?.['Content-Type']) req = req.set('Content-Type', request.headers['Content-Type']);
  if (request.bodyText !== undefined) req = req.send(request.bodyText);
  return req;
}

/** The fidelity script's normalisation of a dump's prose (test/fidelity/lakefs-community.yaml). */
const withoutProse = (text: string) => text.replace(/\n *"(description|example)": ("(\\.|[^"\\])*"|true|false|-?[0-9][0-9.eE+-]*),?(?=\n)/g, '');

it('the transcript holds the refusals this file replays', () => {
  expect(refusals.length).toBeGreaterThanOrEqual(40);
});

describe.skipIf(!upstream)('mounted from lakeFS\'s swagger.yml: the recorded texts, to the byte', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ scenario: SCENARIO, specs: [{ file: upstream }], strict: false });
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(refusals.filter((r) => !CHANGED_SINCE_1_80.has(r.name)))('$name', async ({ request, message }) => {
    const res = await send(t, request);
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(message);
  });
});

describe('mockgate\'s own specs: the recorded texts but for the schemas\' prose', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ scenario: SCENARIO });
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(refusals.filter((r) => !CHANGED_SINCE_1_80.has(r.name) && !r.name.startsWith('protection:')))('$name', async ({ request, message }) => {
    const res = await send(t, request);
    expect(res.status).toBe(400);
    expect(withoutProse(res.body.message as string)).toBe(withoutProse(message));
  });
});

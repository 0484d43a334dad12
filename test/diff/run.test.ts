/**
 * `mockgate diff`'s runner end to end, in this process: a tiny lakeFS on node:http as the reference, mockgate
 * (lakefs-community) as the mock. Each side captures from its own answers, so the token the reference issued
 * goes back to the reference and the mock's to the mock; a recorded transcript replays with no reference running.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockgate, type Mockgate } from '../../src/index.js';
import { runDiff, type StepResult } from '../../src/diff/run.js';
import { summarize } from '../../src/diff/report.js';
import { parseScript } from '../../src/diff/script.js';
import { parseTranscript, serializeTranscript } from '../../src/diff/transcript.js';
import { repoRoot } from '../support/test-app.js';
import { SCRIPT, startReference, type Reference } from './support/reference.js';

let mock: Mockgate;
beforeAll(async () => {
  mock = await startMockgate({ scenario: 'lakefs-community', logLevel: 'silent' });
});
afterAll(async () => {
  await mock?.close();
});

const script = parseScript(SCRIPT, 'tiny.yaml');
const byName = (steps: StepResult[]) => Object.fromEntries(steps.map((s) => [s.name, s]));

describe('a live reference and an in-process mockgate', () => {
  let reference: Reference;
  beforeAll(async () => {
    reference = await startReference();
  });
  afterAll(() => reference?.close());

  it('captures a token from each side\'s login and sends it back to that side only', async () => {
    const result = await runDiff({ script, reference: { url: reference.url }, mockUrl: mock.url });
    const steps = byName(result.steps);
    // Had the mock's token reached the reference (or the reverse), "who am I" would be 401 on that side.
    expect(steps['who am I, with the token']).toMatchObject({ reference: { status: 200 }, mock: { status: 200 } });
    // A value captured from an earlier answer fills a later path, on both sides.
    expect(steps['read myself']).toMatchObject({ reference: { status: 200 }, mock: { status: 200 } });
    expect(reference.received).toContain('GET /api/v1/auth/users/admin');
    for (const step of result.steps) expect(step.warnings, step.name).toEqual([]);
  });

  it('agrees where the servers agree once volatile values are normalised (request ids in texts, dates)', async () => {
    const result = await runDiff({ script, reference: { url: reference.url }, mockUrl: mock.url });
    const steps = byName(result.steps);
    expect(steps['a user that does not exist']!.aspects.text).toEqual({ agree: true });
    expect(result.steps.filter((s) => s.firstDifference).map((s) => `${s.name}: ${s.firstDifference}`)).toEqual([]);
    expect(summarize(result, 1)).toMatchObject({ steps: 5, agreeing: 5, agreement: 1, passed: true });
  });

  it('without the normalize rule, the request id in the reference\'s error text is a difference', async () => {
    const strict = parseScript(SCRIPT.replace(/ {2}- \{ pattern: .*\n/, ''), 'tiny.yaml');
    const result = await runDiff({ script: strict, reference: { url: reference.url }, mockUrl: mock.url });
    expect(byName(result.steps)['a user that does not exist']!.firstDifference).toMatch(/^error text message: reference "user not found \(request [0-9a-f-]+\)", mock "user not found"$/);
  });

  it('a capture the other side cannot satisfy leaves that side\'s later steps unsent, saying why', async () => {
    const broken = parseScript(SCRIPT.replace('capture: { me: body.user.id }', 'capture: { me: body.user.nickname }'), 'tiny.yaml');
    const result = await runDiff({ script: broken, reference: { url: reference.url }, mockUrl: mock.url });
    const steps = byName(result.steps);
    expect(steps['who am I, with the token']!.warnings).toEqual([
      "capture me: the reference's answer (200) has no body.user.nickname",
      "capture me: the mock's answer (200) has no body.user.nickname",
    ]);
    expect(steps['read myself']).toMatchObject({ reference: { error: expect.stringMatching(/not sent, \{\{me\}\} was never captured/) } });
    expect(steps['read myself']!.aspects.status.agree).toBe(false);
  });
});

describe('drift', () => {
  it('reports a shape and a status drift in the steps and areas where they are', async () => {
    const reference = await startReference({ creationDateAsString: true, groups404: true });
    try {
      const result = await runDiff({ script, reference: { url: reference.url }, mockUrl: mock.url });
      const steps = byName(result.steps);
      expect(steps['who am I, with the token']!.firstDifference).toBe('shape body.user.creation_date: reference string, mock number');
      expect(steps['list groups']!.firstDifference).toBe('status: reference 404, mock 501');
      const summary = summarize(result, 0.97);
      expect(summary).toMatchObject({ steps: 5, agreeing: 3, passed: false });
      expect(summary.areas).toEqual([
        expect.objectContaining({ area: 'auth', steps: 4, agreeing: 3 }),
        expect.objectContaining({ area: 'user', steps: 1, agreeing: 0 }),
      ]);
    } finally {
      await reference.close();
    }
  });
});

describe('record, then replay with no live reference', () => {
  it('records what the reference answered (credentials redacted) and replays it to the same verdicts', async () => {
    const reference = await startReference({ groups404: true });
    const live = await runDiff({ script, reference: { url: reference.url }, mockUrl: mock.url, record: true });
    await reference.close();
    const text = serializeTranscript(live.transcript!);
    expect(text).not.toContain(Buffer.from(`AKIAIOSFOLQUICKSTART:`).toString('base64').slice(0, 12));
    const transcript = parseTranscript(text, 'tiny.json');
    expect(transcript).toMatchObject({ format: 'mockgate-transcript/1', script: 'tiny-lakefs', reference: reference.url });
    expect(transcript.steps.map((s) => s.name)).toEqual(script.steps.map((s) => s.name));
    expect(transcript.steps[1]!.request.headers).toEqual({ Authorization: 'Bearer <redacted>' });
    expect(transcript.steps[2]!.request.headers).toEqual({ Authorization: 'Basic <redacted>' });
    expect(transcript.steps[0]!.response.headers['set-cookie']).toEqual([expect.stringMatching(/^internal_auth_session=/)]);
    expect(transcript.steps[0]!.response.headers['x-request-id']).toBeUndefined();

    // The reference is gone: the replay reads it from the transcript, captures included ("read myself" needs {{me}}).
    const replayed = await runDiff({ script, reference: { transcript, file: 'tiny.json' }, mockUrl: mock.url });
    const verdicts = (r: typeof live) => r.steps.map((s) => [s.name, s.reference.status, s.mock.status, s.firstDifference ?? null]);
    expect(verdicts(replayed)).toEqual(verdicts(live));
    expect(replayed.reference).toBe(`tiny.json (recorded from ${reference.url})`);
  });

  it('a step the transcript lacks is a difference, and a changed request a warning', async () => {
    const reference = await startReference();
    const live = await runDiff({ script, reference: { url: reference.url }, mockUrl: mock.url, record: true });
    await reference.close();
    const transcript = live.transcript!;
    transcript.steps = transcript.steps.filter((s) => s.name !== 'list groups');
    const changed = parseScript(SCRIPT.replace('path: /auth/users/nobody', 'path: /auth/users/someone'), 'tiny.yaml');
    const replayed = byName((await runDiff({ script: changed, reference: { transcript, file: 't.json' }, mockUrl: mock.url })).steps);
    expect(replayed['list groups']!.firstDifference).toBe('reference: the transcript has no step "list groups"; record it again with --record');
    expect(replayed['a user that does not exist']!.warnings).toEqual([
      "the transcript's request was GET /api/v1/auth/users/nobody, the script's is GET /api/v1/auth/users/someone; record it again with --record",
    ]);
  });
});

describe("the README's example", () => {
  it('parses, and mockgate agrees with itself on it (a second mockgate as the reference)', async () => {
    const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8');
    const example = /```yaml\n(# lakefs-check\.yaml\n[^`]*)```/.exec(readme)?.[1];
    expect(example).toBeDefined();
    const readmeScript = parseScript(example!, 'lakefs-check.yaml');
    const reference = await startMockgate({ scenario: 'lakefs-community', logLevel: 'silent' });
    try {
      const result = await runDiff({ script: readmeScript, reference: { url: reference.url }, mockUrl: mock.url });
      expect(result.steps.map((s) => [s.name, s.reference.status, s.mock.status, s.firstDifference ?? null, s.warnings])).toEqual([
        ['log in', 200, 200, null, []],
        ['who am I', 200, 200, null, []],
        ['read myself', 200, 200, null, []],
        ['a duplicate user', 409, 409, null, []],
      ]);
    } finally {
      await reference.close();
    }
  });
});

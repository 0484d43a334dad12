/**
 * No schema can end the process. A spec whose schemas ajv refuses (a `pattern` that is no regular expression; `"nullable" cannot be used without "type"`,
 * hundreds of them in GitHub's REST description) used to crash node about a second after start, when the
 * background warm-up compiled them, or on the first request to such an operation. Now each such operation
 * answers 500 in the API's shape naming the operation, the schema and ajv's reason, the failure is logged once,
 * and every other operation is served.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../support/test-app.js';
import { startCli, stopAll, type RunningCli } from '../support/spawn.js';

const spec = fixturePath('engine', 'uncompilable.yaml');

describe('a spec with schemas ajv cannot compile, served by the real command', () => {
  let cli: RunningCli;
  beforeAll(async () => {
    cli = await startCli(['--port', '0', '--spec', spec, '--log-level', 'error', '--warm-up']);
    // Past the warm-up (asked for: it starts 1 s after start-up and compiles one operation per turn).
    await new Promise((resolve) => setTimeout(resolve, 1800));
  });
  afterAll(() => stopAll());

  it('is still running after the background warm-up compiled every operation', async () => {
    expect(cli.child.exitCode).toBeNull();
    const res = await fetch(`${cli.url}/healthy`);
    expect(res.status).toBe(200);
  });

  it.each([
    ['a query parameter', 'GET', '/things?since=x', undefined, /listThings: its request schema \(query parameter since\): Invalid regular expression/],
    ['the request body', 'POST', '/things', '{"note":"n"}', /createThing: its request schema \(request body application\/json\): Invalid regular expression/],
  ])('answers 500 naming the operation and the schema when %s cannot be compiled', async (_what, method, path, body, message) => {
    for (let i = 0; i < 3; i++) {
      const res = await fetch(`${cli.url}${path}`, { method, body, headers: body ? { 'Content-Type': 'application/json' } : {} });
      expect(res.status).toBe(500);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(((await res.json()) as { detail: string }).detail).toMatch(message);
    }
  });

  it('answers an operation whose response schema cannot be compiled (not strict: the answer is served, the failure journaled)', async () => {
    const res = await fetch(`${cli.url}/things/abc`);
    expect(res.status).toBe(200);
    const journal = (await (await fetch(`${cli.url}/__admin/requests?operationId=getThing&limit=1`)).json()) as any;
    expect(journal.requests[0].responseValid).toBe(false);
    expect(journal.requests[0].responseIssues[0].message).toMatch(/getThing: its 200 response schema: Invalid regular expression/);
  });

  it('logs each schema that cannot be compiled once, however many requests reach it', async () => {
    const lines = cli.stdout().split('\n').filter((l) => l.includes('spec schema cannot be compiled'));
    expect(lines.filter((l) => l.includes('listThings'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('createThing'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('getThing'))).toHaveLength(1);
  });

  it('is still serving after all of it', async () => {
    expect(cli.child.exitCode).toBeNull();
    expect((await fetch(`${cli.url}/__admin/health`)).status).toBe(200);
  });
});

describe('the same spec with --strict', () => {
  let cli: RunningCli;
  beforeAll(async () => {
    cli = await startCli(['--port', '0', '--spec', spec, '--strict', '--log-level', 'silent']);
  });
  afterAll(() => stopAll());

  it('answers 500 for the answer it cannot check, naming the schema, and keeps serving', async () => {
    const res = await fetch(`${cli.url}/things/abc`);
    expect(res.status).toBe(500);
    expect(JSON.stringify(await res.json())).toMatch(/getThing: its 200 response schema/);
    expect((await fetch(`${cli.url}/healthy`)).status).toBe(200);
  });

  it('keeps the 500 that names an uncompilable request schema (not replaced by "the answer breaks the spec")', async () => {
    const res = await fetch(`${cli.url}/things?since=x`);
    expect(res.status).toBe(500);
    expect(((await res.json()) as { detail: string }).detail).toMatch(/listThings: its request schema \(query parameter since\)/);
  });
});

/**
 * Bring your own spec: every document of @readme/oas-examples (Swagger 2.0, OpenAPI 3.0 and 3.1) and GitHub's REST
 * description either mounts or is refused at start with one line naming the file, the JSON pointer and the reason;
 * then one request per operation (built from the operation's own schemas: test/proof/support/sweep.ts), under
 * --strict, leaves the server up and every answer the mock chose valid against its spec.
 *
 * What is not an answer the mock chose, and how it is held instead:
 * - a request the sweep could not build validly (a parameter style or a oneOf body it does not construct) is refused
 *   4xx in the operation's declared shape or, where it declares nothing for that status, as RFC 7807
 *   application/problem+json: counted, never a 5xx;
 * - a schema that cannot work at all (ajv refuses to compile it, or no value satisfies it) answers an in-shape 500
 *   naming the operation and the schema problem: counted, and each is listed here so a new one fails the test.
 *
 * GitHub's 1,223 operations are sampled: every third in document order (MOCKGATE_SWEEP_ALL=1 sends them all);
 * the whole file runs in about 20 s on one core.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import { repoRoot } from '../support/test-app.js';
import { send } from './support/sweep.js';

const examples = path.join(repoRoot, 'node_modules', '@readme', 'oas-examples');
const github = path.join(repoRoot, 'node_modules', '@octokit', 'openapi', 'generated', 'api.github.com.json');
const documents = ['2.0', '3.0', '3.1'].flatMap((version) =>
  readdirSync(path.join(examples, version, 'json'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({ name: `${version}/${f}`, file: path.join(examples, version, 'json', f) })),
);

/** Documents refused at start, with the line that says why. */
const REFUSED: Record<string, RegExp> = {
  // Prism refuses it too ("No operations found in the current file").
  '3.1/webhooks.json': /webhooks\.json: \/paths: the document has no operations to serve \(only webhooks, which a mock server does not serve\)$/,
};

/** Operations whose schema cannot work, answering an in-shape 500 that names them (document → operationIds). */
const SCHEMA_FAILURES: Record<string, string[]> = {
  // Declares only 1xx statuses: no final answer exists.
  '3.0/http-status-codes.json': ['GET /status/100', 'GET /status/101', 'GET /status/102', 'GET /status/103'],
  // A draft-04 boolean exclusiveMaximum in a 3.1 (2020-12) document: ajv refuses to compile it.
  '3.1/schema-validation-local.json': ['GET /anything/numbers'],
  '3.1/schema-validation-top-level.json': ['GET /anything/numbers'],
  // GitHub's event payloads: a required property inside an anyOf branch the generator does not reach.
  'api.github.com.json': [
    'activity/list-public-events-for-repo-network',
    'activity/list-public-org-events',
    'activity/list-events-for-authenticated-user',
    'activity/list-org-events-for-authenticated-user',
    'activity/list-public-events-for-user',
    'activity/list-received-events-for-user',
  ],
};

interface Outcome {
  answered: number;
  refusedRequests: number;
  schemaFailures: string[];
  invalid: string[];
}

async function sweep(name: string, file: string, sample = 1): Promise<Outcome | { refused: string }> {
  let app;
  try {
    app = await createApp({ ...defaultConfig(), logLevel: 'silent', strict: true, seed: 7, specs: [{ file, prefix: '/x' }] });
  } catch (err) {
    return { refused: (err as Error).message };
  }
  const http = supertest(app.handler);
  const outcome: Outcome = { answered: 0, refusedRequests: 0, schemaFailures: [], invalid: [] };
  try {
    for (const mount of app.mounts.filter((m) => !m.internal)) {
      for (const [i, op] of mount.spec.operations.entries()) {
        if (i % sample) continue;
        const answer = await send(http, mount, op);
        const entry = (await app.journal.list({ operationId: op.operationId, limit: 1 }))[0];
        if (answer.status >= 500 && /cannot be compiled|cannot generate|interim response/.test(answer.body)) {
          outcome.schemaFailures.push(op.operationId);
        } else if (entry?.source === 'validation' || entry?.source === 'security' || entry?.source === 'router') {
          outcome.refusedRequests++;
          expect(answer.status, `${name} ${op.operationId}: ${answer.body}`).toBeLessThan(500);
          if (mount.validator.statusKey(op, answer.status) === undefined) expect(answer.contentType, `${name} ${op.operationId}`).toBe('application/problem+json');
        } else {
          outcome.answered++;
          if (entry?.responseValid === false) outcome.invalid.push(`${op.operationId} ${answer.status} ${answer.body.slice(0, 300)}`);
        }
      }
    }
  } finally {
    await app.close();
  }
  return outcome;
}

describe('any spec mounts or is refused with one clear line, and answers valid data', () => {
  it.each(documents)('$name', async ({ name, file }) => {
    const result = await sweep(name, file);
    if ('refused' in result) {
      expect(REFUSED[name], `${name} was refused: ${result.refused}`).toBeDefined();
      expect(result.refused).toMatch(REFUSED[name]!);
      expect(result.refused.startsWith(`${file}: /`)).toBe(true);
      return;
    }
    expect(REFUSED[name], `${name} should be refused`).toBeUndefined();
    expect(result.invalid).toEqual([]);
    expect(result.schemaFailures.sort()).toEqual((SCHEMA_FAILURES[name] ?? []).sort());
    // (response-http-behavior.json requires a security scheme it never defines: every request is refused, 401.)
    expect(result.answered + result.schemaFailures.length + result.refusedRequests).toBeGreaterThan(0);
  });

  it("GitHub's REST description (every third operation)", { timeout: 120_000 }, async () => {
    const sample = process.env.MOCKGATE_SWEEP_ALL === '1' ? 1 : 3;
    const result = await sweep('api.github.com.json', github, sample);
    expect('refused' in result).toBe(false);
    const outcome = result as Outcome;
    expect(outcome.invalid).toEqual([]);
    const expected = SCHEMA_FAILURES['api.github.com.json']!.filter((id) => sample === 1 || outcome.schemaFailures.includes(id));
    expect(outcome.schemaFailures.sort()).toEqual(expected.sort());
    expect(outcome.answered).toBeGreaterThan(350);
  });
});

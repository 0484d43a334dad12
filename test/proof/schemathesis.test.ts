/**
 * Proof: schemathesis, an independent property-based client, runs every check it has (`--checks all`) over every
 * bundled spec as mounted and the admin API, with the default scenario's credentials, and finds nothing: no
 * server error, no answer that breaks its spec (schema, status, content type, headers), no schema-valid request
 * refused and no invalid one accepted beyond what expectations.ts declares of the real servers. Bounded (a few
 * examples per operation, a fixed seed, a hard stop) so the CI run stays short; `npm run fuzz` runs the same
 * checks with 300 examples per operation and three seeds.
 *
 * Each spec gets its own X-Mock-Session: fuzzing creates, renames and deletes things, and must not disturb the
 * default session (or another run).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EXCLUSIONS,
  runSchemathesis,
  schemathesisAvailable,
  SCHEMATHESIS,
  testCaseSummary,
  type Phase,
} from './support/conformance/schemathesis.js';
import { EXPECTATIONS } from './support/conformance/expectations.js';
import { freshSession, startMockgate, type RunningMockgate } from './support/conformance/server.js';
import { fuzzTargets } from './support/conformance/targets.js';

const targets = await fuzzTargets();
const MAX_EXAMPLES = Number(process.env.MOCKGATE_SCHEMATHESIS_EXAMPLES ?? 10);
const SEED = Number(process.env.MOCKGATE_SCHEMATHESIS_SEED ?? 20261123);
const PHASES: Phase[] = ['examples', 'coverage', 'fuzzing', 'stateful'];
/** Per spec. The large lakeFS spec needs the most; a run that hits this fails (the bound is part of the proof). */
const KILL_AFTER_MS = 150_000;

describe('schemathesis against every bundled spec', () => {
  let mockgate: RunningMockgate;
  beforeAll(async () => {
    mockgate = await startMockgate();
  });
  afterAll(async () => {
    await mockgate?.close();
  });

  it('has schemathesis installed (scripts/ensure-test-tools.sh, run by npm test)', () => {
    expect(schemathesisAvailable(), `${SCHEMATHESIS} is missing: run bash scripts/ensure-test-tools.sh`).toBe(true);
  });

  it('fuzzes the admin API too', () => {
    expect(targets.map((t) => t.api)).toContain('admin');
  });

  it('knows the default credentials of every mounted API', () => {
    expect(targets.filter((t) => t.credentials === undefined).map((t) => t.api)).toEqual([]);
  });

  it.each(targets.map((t) => [t.label, t] as const))(
    '%s: no server error, and every answer matches its declared schema, status and content type',
    async (_label, target) => {
      const result = await runSchemathesis(target, mockgate.origin, {
        maxExamples: MAX_EXAMPLES,
        phases: PHASES,
        seed: SEED,
        killAfterMs: KILL_AFTER_MS,
        session: freshSession(`schemathesis-${target.api}`),
      });
      const exclusions = (EXCLUSIONS[target.api] ?? []).map((e) => `  ${e.args.join(' ')}: ${e.reason}`).join('\n');
      const expected = (EXPECTATIONS[target.api] ?? []).map((e) => `  ${e.check} on ${e.operationIds.join(', ')}: ${e.reason}`).join('\n');
      const report = [
        `$ ${result.command}`,
        result.timedOut ? `killed after ${KILL_AFTER_MS} ms` : `exit ${result.code} after ${result.durationMs} ms`,
        exclusions ? `exclusions:\n${exclusions}` : 'exclusions: none',
        expected ? `declared in-code validation of the real server:\n${expected}` : 'declared in-code validation: none',
        result.output,
        `contract violations mockgate recorded: ${JSON.stringify(mockgate.app.journal.violations(), null, 1)}`,
      ].join('\n');
      expect(result.timedOut, report).toBe(false);
      expect(result.code, report).toBe(0);
      expect(testCaseSummary(result.output), report).not.toMatch(/fail|error/i);
      // --strict turns a contract break into a 500 (caught above); this names the operation if one slipped by.
      expect(mockgate.app.journal.violations()).toEqual([]);
    },
    KILL_AFTER_MS + 10_000,
  );
});

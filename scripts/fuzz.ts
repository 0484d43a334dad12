/**
 * npm run fuzz: the schemathesis proof, run long. Same targets (every bundled spec as mounted), same four
 * checks and credentials as test/proof/schemathesis.test.ts, but many more examples, a time budget per spec
 * that fuzzing and stateful testing fill, and a fresh random seed each run (printed, so a finding can be
 * replayed with --seed).
 *
 *   npm run fuzz                                   # every spec, 120 s each
 *   npm run fuzz -- --max-time 600 --only tiledb   # one API (or spec file name), longer
 *   npm run fuzz -- --seed 1234 --max-examples 50  # replay
 *
 * Exit code 0 when every spec passed, 1 otherwise (each failing report is printed in full).
 */
import { parseArgs } from 'node:util';
import { runSchemathesis, schemathesisAvailable, SCHEMATHESIS, testCaseSummary, type Phase } from '../test/proof/support/conformance/schemathesis.js';
import { freshSession, startMockgate } from '../test/proof/support/conformance/server.js';
import { bundledTargets } from '../test/proof/support/conformance/targets.js';

const { values } = parseArgs({
  options: {
    'max-time': { type: 'string', default: '120' },
    'max-examples': { type: 'string', default: '500' },
    only: { type: 'string' },
    seed: { type: 'string' },
    phases: { type: 'string', default: 'examples,coverage,fuzzing,stateful' },
  },
});

const maxTime = Number(values['max-time']);
const maxExamples = Number(values['max-examples']);
const seed = values.seed !== undefined ? Number(values.seed) : Math.floor(Math.random() * 2 ** 31);

if (!schemathesisAvailable()) {
  process.stderr.write(`fuzz: ${SCHEMATHESIS} is missing; run bash scripts/ensure-test-tools.sh\n`);
  process.exit(1);
}

const targets = (await bundledTargets()).filter((t) => !values.only || t.api === values.only || t.label.includes(values.only));
if (targets.length === 0) {
  process.stderr.write(`fuzz: no bundled spec matches --only ${values.only}\n`);
  process.exit(1);
}

const mockgate = await startMockgate();
process.stdout.write(`fuzz: mockgate at ${mockgate.origin}, seed ${seed}, ${maxExamples} examples, ${maxTime} s per spec\n`);
let failed = 0;
try {
  for (const target of targets) {
    const result = await runSchemathesis(target, mockgate.origin, {
      maxExamples,
      phases: values.phases!.split(',') as Phase[],
      seed,
      maxTimeSeconds: maxTime,
      killAfterMs: (maxTime + 300) * 1000,
      session: freshSession(`fuzz-${target.api}`),
    });
    const ok = result.code === 0 && !result.timedOut;
    const violations = mockgate.app.journal.violations();
    process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${target.label}: ${testCaseSummary(result.output)} (${Math.round(result.durationMs / 1000)} s)\n`);
    if (!ok) {
      failed++;
      process.stdout.write(`$ ${result.command}\n${result.output}\n`);
      if (violations.length) process.stdout.write(`contract violations mockgate recorded:\n${JSON.stringify(violations, null, 1)}\n`);
    }
  }
} finally {
  await mockgate.close();
}
process.stdout.write(failed ? `fuzz: ${failed} of ${targets.length} specs failed (seed ${seed})\n` : `fuzz: all ${targets.length} specs passed (seed ${seed})\n`);
process.exit(failed ? 1 : 0);

/**
 * npm run fuzz: the schemathesis proof, run long. Same targets (every bundled spec as mounted, and the admin
 * API), every check (`--checks all`, with the real servers' in-code validations declared in expectations.ts)
 * and the same credentials as test/proof/schemathesis.test.ts, but 300 examples per operation and phase, over
 * three seeds (random, printed, so a finding can be replayed with --seed).
 *
 *   npm run fuzz                                          # every spec, 300 examples, 3 random seeds
 *   npm run fuzz -- --max-time 600 --only tiledb          # one API (or spec file name), time-boxed per spec
 *   npm run fuzz -- --seed 1234 --max-examples 50         # replay one seed
 *
 * Exit code 0 when every spec passed under every seed, 1 otherwise (each failing report is printed in full).
 */
import { parseArgs } from 'node:util';
import { runSchemathesis, schemathesisAvailable, SCHEMATHESIS, testCaseSummary, type Phase } from '../test/proof/support/conformance/schemathesis.js';
import { freshSession, startMockgate } from '../test/proof/support/conformance/server.js';
import { fuzzTargets } from '../test/proof/support/conformance/targets.js';

const { values } = parseArgs({
  options: {
    'max-time': { type: 'string' },
    'max-examples': { type: 'string', default: '300' },
    only: { type: 'string' },
    seed: { type: 'string' },
    seeds: { type: 'string', default: '3' },
    phases: { type: 'string', default: 'examples,coverage,fuzzing,stateful' },
  },
});

const maxTime = values['max-time'] !== undefined ? Number(values['max-time']) : undefined;
const maxExamples = Number(values['max-examples']);
const seeds =
  values.seed !== undefined ? [Number(values.seed)] : Array.from({ length: Number(values.seeds) }, () => Math.floor(Math.random() * 2 ** 31));

if (!schemathesisAvailable()) {
  process.stderr.write(`fuzz: ${SCHEMATHESIS} is missing; run bash scripts/ensure-test-tools.sh\n`);
  process.exit(1);
}

const targets = (await fuzzTargets()).filter((t) => !values.only || t.api === values.only || t.label.includes(values.only));
if (targets.length === 0) {
  process.stderr.write(`fuzz: no spec matches --only ${values.only}\n`);
  process.exit(1);
}

const mockgate = await startMockgate();
process.stdout.write(`fuzz: mockgate at ${mockgate.origin}, seeds ${seeds.join(', ')}, ${maxExamples} examples${maxTime ? `, ${maxTime} s per spec` : ''}\n`);
let failed = 0;
try {
  for (const seed of seeds) {
    for (const target of targets) {
      const result = await runSchemathesis(target, mockgate.origin, {
        maxExamples,
        phases: values.phases!.split(',') as Phase[],
        seed,
        maxTimeSeconds: maxTime,
        killAfterMs: ((maxTime ?? 3600) + 300) * 1000,
        session: freshSession(`fuzz-${target.api}`),
      });
      const ok = result.code === 0 && !result.timedOut;
      const violations = mockgate.app.journal.violations();
      process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} seed ${seed} ${target.label}: ${testCaseSummary(result.output)} (${Math.round(result.durationMs / 1000)} s)\n`);
      if (!ok) {
        failed++;
        process.stdout.write(`$ ${result.command}\n${result.output}\n`);
        if (violations.length) process.stdout.write(`contract violations mockgate recorded:\n${JSON.stringify(violations, null, 1)}\n`);
      }
    }
  }
} finally {
  await mockgate.close();
}
const runs = seeds.length * targets.length;
process.stdout.write(failed ? `fuzz: ${failed} of ${runs} runs failed (seeds ${seeds.join(', ')})\n` : `fuzz: all ${runs} runs passed (seeds ${seeds.join(', ')})\n`);
process.exit(failed ? 1 : 0);

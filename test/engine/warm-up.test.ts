/**
 * Validators are compiled on an operation's first request unless --warm-up asks for them all shortly after start
 * (issue 17: warming every bundled operation cost ~15 MB of resident memory for the process's whole life).
 */
import { describe, expect, it } from 'vitest';
import { loadSpec } from '../../src/engine/spec.js';
import { SpecValidator } from '../../src/engine/validator.js';
import { fixturePath } from '../support/test-app.js';

const spec = fixturePath('engine', 'uncompilable.yaml');
/** Past the warm-up's start (1 s after construction) and its one operation per turn. */
const PAST_WARM_UP_MS = 1500;

describe('the background warm-up', () => {
  it('compiles nothing until a request needs it, by default', async () => {
    const validator = new SpecValidator(await loadSpec(spec), { onCompileFailure: () => {} });
    await new Promise((resolve) => setTimeout(resolve, PAST_WARM_UP_MS));
    // The fixture's schemas cannot be compiled: a compile would have recorded their failures.
    expect(validator.compileFailures()).toEqual([]);
  });

  it('compiles every operation shortly after start when asked', async () => {
    const failures: string[] = [];
    const validator = new SpecValidator(await loadSpec(spec), { warmUp: true, onCompileFailure: (f) => failures.push(f.message) });
    await new Promise((resolve) => setTimeout(resolve, PAST_WARM_UP_MS));
    expect(validator.compileFailures().length).toBeGreaterThanOrEqual(3);
    expect(failures.join('\n')).toMatch(/listThings.*createThing|createThing.*listThings/s);
  });
});

/**
 * V8 heap bounds for the server process, so resident memory stays near the live data (issue 5: RSS ≤ 120 MB
 * after a benchmark load). Imported first by the CLI, before any other module allocates; tests that build an
 * app in their own process never load it.
 *
 * Measured on the benchmark's cases (bench/REPORT.md): Node 20's young generation grows to 16 MB semi-spaces
 * (32 MB committed right after start-up), and the old generation grows by up to 4× its live size before a
 * full collection — together 60–140 MB of RSS above ~25 MB of live heap. Two bounds:
 * - the old generation grows by 100% of its live size before a full collection (`--heap-growing-percent=100`,
 *   read by V8 at every collection, so it can be set here at run time);
 * - the young generation stays small: `node --max-semi-space-size=4` where mockgate's command line is ours
 *   (the Dockerfile, `npm start`); when mockgate runs through its bin (`npx mockgate`), whose shebang cannot
 *   portably carry flags (`env -S` is missing from busybox), the semi-space keeps its initial 1 MB instead
 *   (`--semi-space-growth-factor=1`, also read at run time), which costs some throughput on allocation-heavy
 *   answers (a 100-user list) and nothing on small ones.
 * A flag the user gave (on node's command line or in NODE_OPTIONS) wins over these.
 */
import v8 from 'node:v8';

const given = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].map((a) => a.replace(/_/g, '-'));
const gave = (flag: string) => given.some((a) => a === flag || a.startsWith(`${flag}=`));

if (!gave('--heap-growing-percent')) v8.setFlagsFromString('--heap-growing-percent=100');
if (!gave('--max-semi-space-size') && !gave('--semi-space-growth-factor') && !gave('--max-heap-size')) {
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}

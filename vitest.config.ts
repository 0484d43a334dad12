import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

// The browser suite drives Debian's chromium (test/browser/support/harness.ts). CI must run it (.ci/run sets CI;
// scripts/ensure-test-tools.sh installs chromium there); elsewhere, without chromium, it is left out with one line.
const chromium = process.env.MOCKGATE_CHROMIUM ?? '/usr/bin/chromium';
const browserSuite = Boolean(process.env.CI) || existsSync(chromium);
if (!browserSuite) {
  process.stderr.write(`mockgate: skipping the browser tests (test/browser): no chromium at ${chromium}; to run them: sudo apt-get install chromium, then npm test\n`);
}

// The Redis suite (test/redis) starts Debian's redis-server; likewise required on CI, optional elsewhere.
const redisServer = process.env.MOCKGATE_REDIS_SERVER ?? 'redis-server';
const redisSuite = Boolean(process.env.CI) || spawnSync(redisServer, ['--version'], { stdio: 'ignore' }).status === 0;
if (!redisSuite) {
  process.stderr.write(`mockgate: skipping the Redis tests (test/redis): no ${redisServer} on PATH; to run them: sudo apt-get install redis-server, then npm test\n`);
}

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...(browserSuite ? [] : ['test/browser/**']), ...(redisSuite ? [] : ['test/redis/**'])],
    // CLI and package-install tests start real processes; give them room on a shared 2-core machine.
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});

/**
 * `--store` at start: refused with one line naming the flag and the fix (and exit 1) when the URL is malformed, when
 * Redis cannot be reached, or when --state-file is given too.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { linesOf, runCli, stopAll } from '../support/spawn.js';
import { freePort } from '../redis/redis-server.js';

afterAll(stopAll);

describe('--store redis://host:port/db at start', () => {
  it.each([
    ['not a URL', 'localhost:6379', /--store localhost:6379: expected redis:\/\/host:port\/db .*only redis:\/\/ is supported/],
    ['another scheme', 'http://127.0.0.1:6379/0', /only redis:\/\/ is supported, not http:\/\//],
    ['a database that is not a number', 'redis://127.0.0.1:6379/zero', /the database "zero" is not a number/],
  ])('refuses %s with one line naming --store and the expected form', async (_, url, message) => {
    const result = await runCli(['--port', '0', '--store', url]);
    expect(result.code).toBe(1);
    expect(linesOf(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(/^mockgate: error: --store /);
    expect(result.stderr).toMatch(message);
  });

  it('refuses a Redis nobody answers at, saying to start it or fix the URL', async () => {
    const port = await freePort();
    const result = await runCli(['--port', '0', '--store', `redis://127.0.0.1:${port}/0`]);
    expect(result.code).toBe(1);
    expect(linesOf(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(new RegExp(`^mockgate: error: --store redis://127\\.0\\.0\\.1:${port}/0: cannot reach Redis \\(.*\\); start Redis there, or fix the URL`));
  });

  it('refuses --store together with --state-file (also through the environment)', async () => {
    const result = await runCli(['--port', '0', '--state-file', '/tmp/never-written.json'], { env: { MOCKGATE_STORE: 'redis://127.0.0.1:1/0' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('mockgate: error: --store and --state-file cannot be used together: Redis keeps the state with --store; drop one of them\n');
  });
});

/**
 * The server loads no builtin it does not use (issue 17's memory target). An ESM import of node:http reads every
 * export, and some are lazy getters that load undici, tls and http2: ~10 MB of resident memory the server never
 * uses. engine/node-http.ts requires it instead, and the diff command (which sends with node:http(s)) is loaded
 * only when run. A new `import … from 'node:http'` on the server's path brings them back, and fails this test.
 */
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { fixturePath } from '../support/test-app.js';
import { startCli, stopAll } from '../support/spawn.js';

const reporter = pathToFileURL(fixturePath('server', 'report-builtins.mjs')).href;
const BASIC = `Basic ${Buffer.from('AKIAIOSFOLQUICKSTART:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY').toString('base64')}`;

describe('the builtins a serving process loads', () => {
  afterAll(() => stopAll());

  it('are not undici, tls, https or http2, after start-up and answered requests', async () => {
    const cli = await startCli(['--port', '0', '--log-level', 'warn'], { NODE_OPTIONS: `--import ${reporter}` });
    expect((await fetch(`${cli.url}/api/v1/auth/users/quickstart`, { headers: { Authorization: BASIC } })).status).toBe(200);
    expect((await fetch(`${cli.url}/v4/credentials/nobody`)).status).toBe(401);
    expect((await fetch(`${cli.url}/__admin/requests?limit=1`)).status).toBe(200);
    await cli.stop();
    expect(cli.stderr()).toContain('heavy builtins loaded: []');
  });
});

/**
 * The mockgate command as a user meets it: a real child process, its flags and MOCKGATE_* variables, its
 * one-line configuration errors and exit codes, and the features only the CLI wires (state file, watch).
 * Servers bind 127.0.0.1 on port 0 (or a port found free) and are always stopped, even on failure.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { linesOf, runCli, startCli, stopAll, type RunningCli } from './support/spawn.js';
import { repoRoot } from './support/test-app.js';

const { version } = JSON.parse(await readFile(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };

const widgetsSpec = path.join('test', 'fixtures', 'engine', 'widgets.yaml');
const collidingSpec = path.join('test', 'fixtures', 'engine', 'gizmos-colliding.yaml');

// Created at collection time: the error-case table below names files inside it.
const tmp = mkdtempSync(path.join(os.tmpdir(), 'mockgate-cli-'));

afterAll(async () => {
  await stopAll();
  await rm(tmp, { recursive: true, force: true });
});

/** A port nobody listens on right now (bound and released by this process). */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Runs the body against a started server and always stops it; asserts the clean SIGTERM exit. */
async function withServer(args: string[], body: (cli: RunningCli) => Promise<void>, env?: Record<string, string>): Promise<void> {
  const cli = await startCli(args, env);
  try {
    await body(cli);
  } catch (err) {
    // Report the body's failure, not a follow-on exit code.
    await cli.stop();
    throw err;
  }
  const code = await cli.stop();
  expect(code, `exit code after SIGTERM; stderr:\n${cli.stderr()}`).toBe(0);
}

// Bodies are `any`: the admin API's shapes are checked by its own tests; these only read a field or two.
const getJson = async (url: string, init?: RequestInit): Promise<{ status: number; body: any }> => {
  const res = await fetch(url, init);
  return { status: res.status, body: res.headers.get('content-type')?.includes('json') ? await res.json() : await res.text() };
};

describe('mockgate --help', () => {
  it('lists every flag and its environment variable, and exits 0', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const flag of ['--port', '--host', '--spec', '--scenario', '--state-file', '--seed', '--strict', '--watch', '--admin-token', '--log-level', '--cors-origin', '--max-state-mb', '--help']) {
      expect(stdout, flag).toContain(flag);
    }
    for (const variable of ['MOCKGATE_PORT', 'MOCKGATE_HOST', 'MOCKGATE_SCENARIO', 'MOCKGATE_ADMIN_TOKEN']) expect(stdout, variable).toContain(variable);
    expect(stdout).toContain('4010');
  });
});

describe('mockgate --version', () => {
  it.each([['--version'], ['-v']])('%s prints the package.json version and exits 0', async (flag) => {
    const { code, stdout, stderr } = await runCli([flag]);
    expect(code, stderr).toBe(0);
    expect(stdout.trim()).toBe(version);
  });
});

describe('a configuration mistake exits 1 with exactly one stderr line naming it', () => {
  const cases: Array<{ name: string; args: () => string[] | Promise<string[]>; env?: Record<string, string>; says: (string | RegExp)[] }> = [
    { name: 'an unknown flag', args: () => ['--bogus'], says: [/unknown option/, '--bogus'] },
    { name: 'a port that is not a number', args: () => ['--port', 'abc'], says: ['--port', 'abc'] },
    { name: 'a port out of range', args: () => ['--port', '70000'], says: ['--port', '70000'] },
    { name: 'an unknown log level', args: () => ['--port', '0', '--log-level', 'loud'], says: ['--log-level', 'loud'] },
    { name: 'an unknown log format', args: () => ['--port', '0', '--log-format', 'xml'], says: ['--log-format', 'xml'] },
    {
      name: 'a --ready-file in a directory that does not exist',
      args: () => ['--port', '0', '--ready-file', path.join(tmp, 'no-such-dir', 'ready.json')],
      says: ['--ready-file', path.join(tmp, 'no-such-dir', 'ready.json'), 'ENOENT'],
    },
    {
      name: 'a missing --scenario file',
      args: () => ['--port', '0', '--scenario', path.join(tmp, 'no-such-scenario.yaml')],
      says: [path.join(tmp, 'no-such-scenario.yaml'), /not found/],
    },
    {
      name: 'a missing --spec file',
      args: () => ['--port', '0', '--spec', path.join(tmp, 'no-such-spec.yaml')],
      says: [path.join(tmp, 'no-such-spec.yaml'), /--spec/],
    },
    {
      name: 'a --spec file that is not YAML or JSON',
      args: async () => {
        const file = path.join(tmp, 'broken-spec.yaml');
        await writeFile(file, 'openapi: 3.0.3\ninfo: {title: x, version: "1"\npaths: {}\n');
        return ['--port', '0', '--spec', file];
      },
      says: [path.join(tmp, 'broken-spec.yaml'), /not valid YAML/],
    },
    {
      name: 'a --state-file that is not a state file',
      args: async () => {
        const file = path.join(tmp, 'corrupt-state.json');
        await writeFile(file, '{');
        return ['--port', '0', '--state-file', file];
      },
      says: [path.join(tmp, 'corrupt-state.json'), /state file/],
    },
    { name: 'a bad MOCKGATE_PORT', args: () => [], env: { MOCKGATE_PORT: 'abc' }, says: ['MOCKGATE_PORT', 'abc'] },
    { name: 'a MOCKGATE_STRICT that is not a boolean', args: () => ['--port', '0'], env: { MOCKGATE_STRICT: 'maybe' }, says: ['MOCKGATE_STRICT=maybe', /true or false/] },
    {
      name: 'two --spec files declaring the same route',
      args: () => ['--port', '0', '--spec', widgetsSpec, '--spec', collidingSpec],
      says: [/collision/, 'GET /widgets-api/widgets/', widgetsSpec, collidingSpec, '--spec'],
    },
    {
      name: 'a scenario naming an API that does not exist',
      args: async () => {
        const file = path.join(tmp, 'unknown-api.yaml');
        await writeFile(file, 'name: broken\napis:\n  nosuchapi: {}\n');
        return ['--port', '0', '--scenario', file];
      },
      // The file, the line:column inside it, and the JSON pointer of the offending value.
      says: [new RegExp(`${escape(path.join(tmp, 'unknown-api.yaml'))}:3:\\d+`), '/apis/nosuchapi'],
    },
    {
      name: 'a scenario rule with an unreadable delay',
      args: async () => {
        const file = path.join(tmp, 'bad-delay.yaml');
        await writeFile(file, 'name: broken\nrules:\n  - delay: soon\n');
        return ['--port', '0', '--scenario', file];
      },
      says: [new RegExp(`${escape(path.join(tmp, 'bad-delay.yaml'))}:3:\\d+`), '/rules/0/delay'],
    },
  ];

  it.each(cases)('$name', async ({ args, env, says }) => {
    const { code, stdout, stderr } = await runCli(await args(), { env });
    expect(code, stderr).toBe(1);
    expect(stdout).toBe('');
    const lines = linesOf(stderr);
    expect(lines, stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^mockgate: error: /);
    for (const text of says) {
      if (typeof text === 'string') expect(lines[0]).toContain(text);
      else expect(lines[0]).toMatch(text);
    }
  });

  it('a port in use: says so and suggests --port', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      const { code, stderr } = await runCli(['--port', String(port), '--host', '127.0.0.1']);
      expect(code, stderr).toBe(1);
      const lines = linesOf(stderr);
      expect(lines, stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^mockgate: error: /);
      expect(lines[0]).toContain(String(port));
      expect(lines[0]).toMatch(/in use/);
      expect(lines[0]).toContain('--port');
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });
});

describe('starting the server', () => {
  it('with no flags but a port: serves every bundled API, answers /__admin/health 200, and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    await withServer(['--port', String(port)], async (cli) => {
      expect(cli.port).toBe(port);
      // One human line: every API with its prefixes, the dashboard and the scenario.
      const [line] = linesOf(cli.stderr());
      expect(line).toBe(
        `mockgate ${version} listening on http://127.0.0.1:${port} — lakefs /api/v1 / /mockgate/lakefs/blockstore, ` +
          `lakefs-authentication /authentication/api/v1, tiledb /v4, registry / — dashboard http://127.0.0.1:${port}/__admin/ui — scenario default`,
      );
      const { status, body } = await getJson(`${cli.url}/__admin/health`);
      expect(status).toBe(200);
      expect(body).toMatchObject({ status: 'ok', scenario: 'default' });
      expect(body.apis).toEqual(expect.arrayContaining(['tiledb', 'registry']));
    });
  });

  it('--port 0 picks a free port and the serving line shows it', async () => {
    await withServer(['--port', '0'], async (cli) => {
      expect(cli.port).toBeGreaterThan(0);
      expect((await fetch(`${cli.url}/__admin/health`)).status).toBe(200);
    });
  });

  it('mounts a spec named as an argument (as Prism takes it) and reports how it is served', async () => {
    const petstore = path.join(repoRoot, 'test', 'fixtures', 'engine', 'petstore-healthcheck.yaml');
    await withServer([petstore, '--port', '0'], async (cli) => {
      // Written right after the start line the harness waits for.
      await expect.poll(() => cli.stderr()).toContain(
        `mockgate: ${petstore} at /pets-api: generic, apis.petstore-healthcheck in a scenario (no API binds it; --spec <file>@<api> binds it to one) — 0 resources, 3 stateless`,
      );
      expect((await getJson(`${cli.url}/pets-api/healthcheck`)).body).toEqual({ ok: true });
      expect((await fetch(`${cli.url}/v4/credentials/acme`)).status).toBe(404);
    });
  });

  it('--body-limit-mb bounds request bodies: beyond it a 413 in the API\'s shape', async () => {
    await withServer(['--port', '0', '--body-limit-mb', '0.001'], async (cli) => {
      const basic = `Basic ${Buffer.from('AKIAIOSFOLQUICKSTART:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY').toString('base64')}`;
      const post = (id: string) =>
        getJson(`${cli.url}/api/v1/auth/users`, { method: 'POST', headers: { Authorization: basic, 'Content-Type': 'application/json' }, body: JSON.stringify({ id }) });
      expect((await post('small')).status).toBe(201);
      const big = await post('x'.repeat(2000));
      expect(big.status).toBe(413);
      expect(Object.keys(big.body)).toEqual(['message']);
    });
  });

  it('honours MOCKGATE_PORT when --port is not given', async () => {
    const port = await freePort();
    await withServer([], async (cli) => {
      expect(cli.port).toBe(port);
      expect((await fetch(`http://127.0.0.1:${port}/__admin/health`)).status).toBe(200);
    }, { MOCKGATE_PORT: String(port) });
  });

  it('--port wins over MOCKGATE_PORT', async () => {
    await withServer(['--port', '0'], async (cli) => {
      expect(cli.port).not.toBe(1);
      expect((await fetch(`${cli.url}/__admin/health`)).status).toBe(200);
    }, { MOCKGATE_PORT: '1' });
  });
});

describe('--spec file=prefix', () => {
  it('mounts a user spec at the prefix, named after the file when no API handles its operations', async () => {
    await withServer(['--port', '0', '--spec', `${widgetsSpec}=/w`], async (cli) => {
      expect(cli.stderr()).toContain(' — widgets /w — ');
      const { status, body } = await getJson(`${cli.url}/__admin/specs`);
      expect(status).toBe(200);
      expect(body.specs).toHaveLength(1);
      const [spec] = body.specs;
      expect(spec.prefix).toBe('/w');
      expect(spec.api).toBe('widgets');
      expect(spec.operations.map((op: { path: string }) => op.path)).toContain('/w/widgets');
      // Its resources are inferred from its paths: widgets is a collection, gadgets one nothing creates (stored only
      // when seeded), and ping is answered from the schema.
      expect(spec.inferred.resources.map((r: { name: string; readOnly: boolean }) => [r.name, r.readOnly])).toEqual([['widgets', false], ['gadgets', true]]);
      const stateful = spec.operations.filter((op: { stateful: boolean }) => op.stateful).map((op: { operationId: string }) => op.operationId);
      expect(stateful.sort()).toEqual(['createWidget', 'deleteWidget', 'getGadget', 'getWidget', 'listWidgets']);
      expect(cli.stderr()).toContain(' — 1 resource (widgets), 1 read-only, stored when seeded (gadgets), 1 stateless');

      // The generic API still answers from the schema at the new prefix, and nothing at the old one.
      expect((await fetch(`${cli.url}/w/widgets`)).status).toBeLessThan(500);
      expect((await fetch(`${cli.url}/widgets-api/widgets`)).status).toBe(404);
    });
  });
});

describe('--admin-token', () => {
  it('protects /__admin: 401 without the bearer token or with a wrong one, 200 with it', async () => {
    await withServer(['--port', '0', '--admin-token', 't'], async (cli) => {
      const without = await fetch(`${cli.url}/__admin/requests`);
      expect(without.status).toBe(401);
      const wrong = await fetch(`${cli.url}/__admin/requests`, { headers: { Authorization: 'Bearer nope' } });
      expect(wrong.status).toBe(401);
      const right = await fetch(`${cli.url}/__admin/requests`, { headers: { Authorization: 'Bearer t' } });
      expect(right.status).toBe(200);
    });
  });
});

describe('--state-file', () => {
  it('keeps a session state written through the admin API across a SIGTERM and a restart', { timeout: 60_000 }, async () => {
    const stateFile = path.join(tmp, 'mockgate-state.json');
    const put = { session: 's1', apis: { x: { a: 1 } } };

    await withServer(['--port', '0', '--state-file', stateFile], async (cli) => {
      const res = await fetch(`${cli.url}/__admin/state?session=s1`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(put),
      });
      expect(res.status, await res.clone().text()).toBe(200);
    });
    expect(JSON.parse(await readFile(stateFile, 'utf8')).sessions.s1).toEqual(put.apis);

    await withServer(['--port', '0', '--state-file', stateFile], async (cli) => {
      const { status, body } = await getJson(`${cli.url}/__admin/state?session=s1`);
      expect(status).toBe(200);
      expect(body).toMatchObject(put);
    });
  });

  // Skipped until src/state/store.ts creates the state file's directory (or refuses it at start): today the
  // server starts, every state write answers 500 (ENOENT on the steno temp file) and SIGTERM exits 1.
  it('creates the state file\'s directory when it does not exist yet', { timeout: 60_000 }, async () => {
    const stateFile = path.join(tmp, 'new-dir', 'nested', 'state.json');
    await withServer(['--port', '0', '--state-file', stateFile], async (cli) => {
      const res = await fetch(`${cli.url}/__admin/state?session=s2`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ session: 's2', apis: { x: { b: 2 } } }),
      });
      expect(res.status, await res.clone().text()).toBe(200);
    });
    expect(JSON.parse(await readFile(stateFile, 'utf8')).sessions.s2).toEqual({ x: { b: 2 } });
  });
});

describe('ready and stopped', () => {
  it('--ready-file holds {url, apis, dashboard, scenario, pid} while the server listens, and is removed when it stops', async () => {
    const file = path.join(tmp, 'ready.json');
    const cli = await startCli(['--port', '0', '--ready-file', file, '--scenario', 'rate-limited']);
    const ready = JSON.parse(await readFile(file, 'utf8'));
    expect(ready).toMatchObject({ version, url: cli.url, dashboard: `${cli.url}/__admin/ui`, scenario: 'rate-limited', pid: cli.child.pid });
    expect(ready.apis).toEqual(
      expect.arrayContaining([
        { name: 'lakefs', prefix: '/api/v1', url: `${cli.url}/api/v1` },
        { name: 'tiledb', prefix: '/v4', url: `${cli.url}/v4` },
        { name: 'registry', prefix: '/', url: cli.url },
      ]),
    );
    // Written whole or not at all: no temporary file is left beside it.
    expect((await readdir(tmp)).filter((f) => f.startsWith('ready.json.'))).toEqual([]);
    expect((await fetch(`${ready.apis[0].url}/healthcheck`)).status).toBeLessThan(500);
    expect(await cli.stop()).toBe(0);
    expect(existsSync(file)).toBe(false);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('%s closes the server (the port is free at once), prints one shutdown line and exits 0', async (signal) => {
    const cli = await startCli(['--port', '0']);
    // A kept-alive connection must not hold the stop up.
    const res = await fetch(`${cli.url}/__admin/health`, { keepalive: true });
    expect(res.status).toBe(200);
    cli.child.kill(signal);
    const code = await new Promise((resolve) => cli.child.once('exit', (c, sig) => resolve(c ?? sig)));
    expect(code, cli.stderr()).toBe(0);
    expect(linesOf(cli.stderr()).at(-1)).toMatch(new RegExp(`^mockgate: stopped \\(${signal}\\) after [\\d.]+ s$`));
    await expect(fetch(`${cli.url}/__admin/health`)).rejects.toThrow();
  });

  it('a second signal during the stop (Ctrl-C under npm sends two) changes nothing: one shutdown line, exit 0, state saved', async () => {
    const stateFile = path.join(tmp, 'double-signal.json');
    const cli = await startCli(['--port', '0', '--state-file', stateFile]);
    cli.child.kill('SIGINT');
    cli.child.kill('SIGINT');
    const code = await new Promise((resolve) => cli.child.once('exit', (c, sig) => resolve(c ?? sig)));
    expect(code, cli.stderr()).toBe(0);
    expect(linesOf(cli.stderr()).filter((line) => line.startsWith('mockgate: stopped'))).toHaveLength(1);
    expect(existsSync(stateFile)).toBe(true);
  });

  it('the shutdown line names the state file it saved', async () => {
    const stateFile = path.join(tmp, 'stop-state.json');
    const cli = await startCli(['--port', '0', '--state-file', stateFile]);
    expect(await cli.stop()).toBe(0);
    expect(linesOf(cli.stderr()).at(-1)).toMatch(new RegExp(`^mockgate: stopped \\(SIGTERM\\) after [\\d.]+ s; state saved to ${escape(stateFile)}$`));
  });
});

describe('--log-format', () => {
  /** The non-empty stdout lines as JSON objects. */
  const records = (cli: RunningCli) => linesOf(cli.stdout()).map((line) => JSON.parse(line) as Record<string, any>);

  it('json: the first record says where everything is (the ready record), one record per request, and a stopped record', async () => {
    const cli = await startCli(['--port', '0', '--log-format', 'json']);
    await fetch(`${cli.url}/v4/credentials/acme`);
    expect(await cli.stop()).toBe(0);
    const [listening, request, stopped] = records(cli);
    expect(listening).toMatchObject({ level: 30, msg: 'listening', version, url: cli.url, dashboard: `${cli.url}/__admin/ui`, scenario: 'default', pid: cli.child.pid });
    expect(listening!.apis).toContainEqual({ name: 'tiledb', prefix: '/v4', url: `${cli.url}/v4` });
    expect(request).toMatchObject({ method: 'GET', path: '/v4/credentials/acme', status: 401, operationId: 'getCredentials' });
    expect(stopped).toMatchObject({ msg: 'stopped', reason: 'SIGTERM' });
  });

  it('json is the default when stdout is not a terminal (MOCKGATE_LOG_FORMAT=pretty overrides it)', async () => {
    const json = await startCli(['--port', '0']);
    await fetch(`${json.url}/__admin/health`);
    expect(await json.stop()).toBe(0);
    expect(records(json)[0]).toMatchObject({ msg: 'listening' });

    const pretty = await startCli(['--port', '0'], { MOCKGATE_LOG_FORMAT: 'pretty' });
    await fetch(`${pretty.url}/v4/credentials/acme`);
    expect(await pretty.stop()).toBe(0);
    expect(linesOf(pretty.stdout())).toEqual([expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} INFO  GET \/v4\/credentials\/acme 401 [\d.]+ms getCredentials \(security\)$/)]);
  });

  it('pretty at debug: the rules that fired and the validation issues follow the request line', async () => {
    const cli = await startCli(['--port', '0', '--log-format', 'pretty', '--log-level', 'debug', '--scenario', 'rate-limited']);
    await fetch(`${cli.url}/v4/credentials/acme`);
    await fetch(`${cli.url}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(await cli.stop()).toBe(0);
    const lines = linesOf(cli.stdout());
    expect(lines[0]).toMatch(/ GET \/v4\/credentials\/acme 401 .* rules=\S+/);
    expect(lines[1]).toMatch(/ POST \/api\/v1\/auth\/login 400 .*login \(validation\)$/);
    expect(lines[2]).toMatch(/^ {4}requestIssues: \{.*"access_key_id".*\}$/);
  });

  it('json at debug carries the same details as fields; at info it does not', async () => {
    const at = async (level: string) => {
      const cli = await startCli(['--port', '0', '--log-format', 'json', '--log-level', level]);
      await fetch(`${cli.url}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
      expect(await cli.stop()).toBe(0);
      return records(cli).find((r) => r.path === '/api/v1/auth/login')!;
    };
    expect((await at('debug')).requestIssues).toEqual(expect.arrayContaining([expect.objectContaining({ in: 'body', keyword: 'required' })]));
    expect((await at('info')).requestIssues).toBeUndefined();
  });
});

describe('--watch', () => {
  it('keeps the last good scenario on an invalid edit and switches on a valid one', { timeout: 60_000 }, async () => {
    const file = path.join(tmp, 'watched.yaml');
    await writeFile(file, 'name: first\n');
    await withServer(['--port', '0', '--watch', '--scenario', file], async (cli) => {
      expect((await getJson(`${cli.url}/__admin/scenario`)).body.name).toBe('first');

      // fs.watch may need a moment to arm after start-up; the server reads the file once it settles.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await writeFile(file, 'name: second\nrules:\n  - delay: soon\n');
      await cli.waitForStderr(/last good scenario/);
      const errorLine = linesOf(cli.stderr()).find((line) => line.includes('last good scenario'))!;
      expect(errorLine).toContain(file);
      expect(errorLine).toContain('/rules/0/delay');
      const health = await getJson(`${cli.url}/__admin/health`);
      expect(health.status).toBe(200);
      expect((await getJson(`${cli.url}/__admin/scenario`)).body.name).toBe('first');

      await writeFile(file, 'name: third\n');
      await cli.waitForStderr(/reloaded scenario/);
      expect((await getJson(`${cli.url}/__admin/scenario`)).body.name).toBe('third');

      // An editor truncates the file before writing it: an empty file is refused, and no session is wiped.
      const created = await fetch(`${cli.url}/__admin/state?session=kept`, {
        method: 'PUT',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ session: 'kept', apis: { x: { a: 1 } } }),
      });
      expect(created.status).toBe(200);
      await writeFile(file, '');
      await cli.waitForStderr((stderr) => linesOf(stderr).some((line) => line.includes('the file is empty') && line.includes('last good scenario')));
      expect((await getJson(`${cli.url}/__admin/scenario`)).body.name).toBe('third');
      expect((await getJson(`${cli.url}/__admin/state?session=kept`)).body.apis.x).toEqual({ a: 1 });

      // Editors that save atomically write a temp file and rename it over the original. (Polled: a late
      // second event for the previous write may print another "reloaded" line first.)
      await writeFile(`${file}.swp`, 'name: fourth\n');
      await rename(`${file}.swp`, file);
      await eventually(async () => expect((await getJson(`${cli.url}/__admin/scenario`)).body.name).toBe('fourth'));
    });
  });
});

/** Retries the assertion until it passes or the timeout ends (then throws its last failure). */
async function eventually(assertion: () => Promise<void>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

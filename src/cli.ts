#!/usr/bin/env node
/**
 * The mockgate command: flags and MOCKGATE_* environment variables → AppConfig → a listening server.
 * The only module that reads argv or exits the process; every configuration mistake ends here as one
 * line on stderr naming the flag or file and the fix, with exit code 1.
 *
 * `mockgate coverage --require <file>` is the one subcommand: a CI gate that asks a running mockgate which
 * operation × status pairs it served and exits 1 when a required one is missing (src/coverage-gate.ts).
 */
import { readFile } from 'node:fs/promises';
import { watchFile } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { createApp, type MockgateApp } from './app.js';
import { defaultConfig, envFlag, type AppConfig, type LogLevel, type SpecMount } from './config.js';
import { ScenarioError } from './scenario/load.js';
import { RouteCollisionError } from './engine/router.js';
import { SpecError } from './engine/spec.js';
import { trimTrailingSlashes } from './engine/text.js';
import { parseDuration } from './rules/duration.js';
import { ListenError } from './server/listen.js';
import { StateFileError } from './state/store.js';
import { coverageRows, formatMissing, missingPairs, parseRequirements, requiredPairCount, RequirementsError } from './coverage-gate.js';

const LOG_LEVELS: LogLevel[] = ['silent', 'error', 'warn', 'info', 'debug'];

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port < 0 || port > 65535) throw new InvalidArgumentError(`"${value}" is not a port number (0-65535)`);
  return port;
}

function parsePositive(value: string): number {
  const n = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || !(n > 0)) throw new InvalidArgumentError(`"${value}" is not a positive number`);
  return n;
}

function parseSeed(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError(`"${value}" is not an integer`);
  return Number(value);
}

function parseDurationOption(value: string): number {
  try {
    return parseDuration(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
}

/** --spec file[=prefix]; repeatable. MOCKGATE_SPEC holds several, comma-separated. */
function collectSpec(value: string, previous: SpecMount[] = []): SpecMount[] {
  const specs = value
    .split(',')
    .map((one) => one.trim())
    .filter(Boolean)
    .map((one): SpecMount => {
      const eq = one.lastIndexOf('=');
      return eq > 0 ? { file: one.slice(0, eq), prefix: one.slice(eq + 1) } : { file: one };
    });
  return [...previous, ...specs];
}

export function buildProgram(): Command {
  const defaults = defaultConfig();
  return new Command()
    .name('mockgate')
    .description('Stateful mock and contract-testing server for identity and credential APIs (lakeFS, TileDB, registry credentials).')
    .addOption(new Option('-p, --port <port>', 'port to listen on (0 picks a free one)').default(defaults.port).env('MOCKGATE_PORT').argParser(parsePort))
    .addOption(new Option('--host <host>', 'interface to bind (0.0.0.0 in containers)').default(defaults.host).env('MOCKGATE_HOST'))
    .addOption(
      new Option('--spec <file[=prefix]>', 'mount an OpenAPI 3 document, optionally at a prefix (repeatable; default: every bundled spec)')
        .env('MOCKGATE_SPEC')
        .argParser(collectSpec),
    )
    .addOption(new Option('--scenario <file|name>', 'scenario YAML file, or a bundled scenario name').default(defaults.scenario, 'scenarios/default.yaml').env('MOCKGATE_SCENARIO'))
    .addOption(new Option('--state-file <path>', 'persist state to this JSON file (atomic writes) and reload it at start').env('MOCKGATE_STATE_FILE'))
    .addOption(new Option('--seed <n>', 'seed for generated data: same seed, same answers').env('MOCKGATE_SEED').argParser(parseSeed))
    .addOption(new Option('--strict', 'answer 500 when a response would break its spec (default: log and record it) (env: MOCKGATE_STRICT=true|false)'))
    .addOption(new Option('--watch', 'reload the scenario file when it changes; an invalid edit keeps the last good one (env: MOCKGATE_WATCH=true|false)'))
    .addOption(new Option('--admin-token <token>', 'require "Authorization: Bearer <token>" on /__admin').env('MOCKGATE_ADMIN_TOKEN'))
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS).default(defaults.logLevel).env('MOCKGATE_LOG_LEVEL'))
    .addOption(
      new Option('--max-state-mb <n>', 'bound on the state all sessions hold, in MB of JSON; least recently used sessions go first (default: a quarter of the heap limit)')
        .env('MOCKGATE_MAX_STATE_MB')
        .argParser(parsePositive),
    )
    .addOption(
      new Option('--session-idle <duration>', 'forget a session unused for this long ("30m", "24h"; 0: never); its client is told on its next request')
        .default(defaults.sessionIdleMs, '24h')
        .env('MOCKGATE_SESSION_IDLE')
        .argParser(parseDurationOption),
    )
    .addOption(
      new Option('--max-stall <duration>', 'the longest a stall or dribble fault holds a connection before closing it ("60s", "2m")')
        .default(defaults.maxStallMs, '60s')
        .env('MOCKGATE_MAX_STALL')
        .argParser(parseDurationOption),
    )
    .addOption(
      new Option('--allowed-host <hosts>', 'comma-separated host names (or *.example.test patterns) answered besides loopback names; needed when clients reach a loopback-bound mockgate by another name')
        .env('MOCKGATE_ALLOWED_HOST'),
    )
    .addOption(
      new Option('--admin-origin <origins>', 'comma-separated origins whose web pages may change state through /__admin (the dashboard\'s own origin always may)')
        .env('MOCKGATE_ADMIN_ORIGIN'),
    )
    .addOption(new Option('--cors-origin <origins>', 'comma-separated origins allowed by CORS on the mocked APIs, or *').default('*').env('MOCKGATE_CORS_ORIGIN'))
    .addHelpText('after', '\nCommands:\n  coverage --require <file>   exit 1 when a required operation × status was never served (see: mockgate coverage --help)\n')
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text.startsWith('error:') ? `mockgate: ${text}` : text) });
}

export function buildCoverageProgram(): Command {
  return new Command()
    .name('mockgate coverage')
    .description(
      'CI gate: read GET <url>/__admin/coverage from a running mockgate and compare it with a requirement file. ' +
        'Prints each required operation × status that was never served, one per line ("<api> <operationId> <status>: …"), and exits 1; exits 0 when all were served.',
    )
    .requiredOption('--require <file>', 'YAML requirement file: operations: [{api, operationId, statuses: [...]}]')
    .addOption(new Option('--url <base>', 'base URL of the running mockgate').default('http://127.0.0.1:4010').env('MOCKGATE_URL'))
    .addOption(new Option('--session <name>', 'count only this session (default: every session)'))
    .addOption(new Option('--admin-token <token>', 'bearer token for /__admin, when the server requires one').env('MOCKGATE_ADMIN_TOKEN'))
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text.startsWith('error:') ? `mockgate coverage: ${text}` : text) });
}

async function runCoverage(argv: string[]): Promise<void> {
  const program = buildCoverageProgram();
  try {
    program.parse(argv, { from: 'user' });
  } catch (err: any) {
    process.exit(err?.exitCode === 0 ? 0 : 1);
  }
  const opts = program.opts<{ require: string; url: string; session?: string; adminToken?: string }>();
  let text: string;
  try {
    text = await readFile(opts.require, 'utf8');
  } catch (err) {
    fail(`--require ${opts.require}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let requirements;
  try {
    requirements = parseRequirements(text, opts.require);
  } catch (err) {
    fail((err as Error).message);
  }
  const base = trimTrailingSlashes(opts.url);
  const url = `${base}/__admin/coverage${opts.session !== undefined ? `?session=${encodeURIComponent(opts.session)}` : ''}`;
  let res: Response;
  try {
    res = await fetch(url, { headers: opts.adminToken ? { Authorization: `Bearer ${opts.adminToken}` } : {} });
  } catch (err) {
    const cause = (err as { cause?: NodeJS.ErrnoException }).cause;
    fail(`cannot reach mockgate at ${base} (${cause?.code ?? cause?.message ?? (err as Error).message}); start it, or pass --url <base>`);
  }
  if (res.status === 401) fail(`${url} answered 401: the admin API needs its token; pass --admin-token <token>`);
  if (res.status !== 200) fail(`${url} answered ${res.status}; is --url a mockgate server?`);
  let rows;
  try {
    rows = coverageRows(await res.json());
  } catch (err) {
    fail(err instanceof RequirementsError ? err.message : `${url} did not answer JSON`);
  }
  const missing = missingPairs(requirements, rows);
  const total = requiredPairCount(requirements);
  const scope = opts.session !== undefined ? ` in session ${opts.session}` : '';
  if (missing.length === 0) {
    process.stderr.write(`mockgate coverage: all ${total} required operation × status pairs were served${scope}\n`, () => process.exit(0));
    return;
  }
  process.stderr.write(`mockgate coverage: ${missing.length} of ${total} required operation × status pairs were not served${scope}\n`);
  // Exit once stdout is flushed: a CI log reading a pipe must get every line.
  process.stdout.write(missing.map((m) => `${formatMissing(m)}\n`).join(''), () => process.exit(1));
}

/** A comma-separated flag value as a list (empty when the flag is absent). */
function listOption(value: unknown): string[] {
  return value === undefined ? [] : String(value).split(',').map((v) => v.trim()).filter(Boolean);
}

export function configFromOptions(opts: Record<string, any>): AppConfig {
  return {
    ...defaultConfig(),
    port: opts.port,
    host: opts.host,
    specs: opts.spec ?? [],
    scenario: opts.scenario,
    stateFile: opts.stateFile,
    seed: opts.seed,
    strict: opts.strict === true || envFlag('MOCKGATE_STRICT'),
    watch: opts.watch === true || envFlag('MOCKGATE_WATCH'),
    adminToken: opts.adminToken,
    logLevel: opts.logLevel,
    corsOrigins: String(opts.corsOrigin).split(',').map((o) => o.trim()).filter(Boolean),
    maxStateMb: opts.maxStateMb,
    maxStallMs: opts.maxStall,
    sessionIdleMs: opts.sessionIdle,
    allowedHosts: listOption(opts.allowedHost),
    adminOrigins: listOption(opts.adminOrigin),
  };
}

const CONFIG_ERRORS = [ScenarioError, SpecError, RouteCollisionError, ListenError, StateFileError];

function fail(message: string): never {
  process.stderr.write(`mockgate: error: ${message}\n`);
  process.exit(1);
}

function watchScenario(app: MockgateApp, file: string): void {
  // Polling, not fs.watch: editors save by renaming a new file over the old one, which ends an inotify watch.
  watchFile(file, { interval: 200 }, async (current, previous) => {
    if (current.mtimeMs === previous.mtimeMs) return;
    try {
      app.switchScenario(await app.scenarios.load(file));
      process.stderr.write(`mockgate: reloaded scenario ${file}\n`);
    } catch (err) {
      process.stderr.write(`mockgate: error: ${(err as Error).message} (still serving the last good scenario)\n`);
    }
  });
}

async function main(): Promise<void> {
  if (process.argv[2] === 'coverage') return runCoverage(process.argv.slice(3));
  const program = buildProgram();
  try {
    program.parse(process.argv);
  } catch (err: any) {
    // commander already printed its one-line message (or the help text).
    process.exit(err?.exitCode === 0 ? 0 : 1);
  }
  let config: AppConfig;
  try {
    config = configFromOptions(program.opts());
  } catch (err) {
    fail((err as Error).message);
  }
  let app: MockgateApp;
  try {
    app = await createApp(config);
    const server = await app.listen();
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    process.stderr.write(`mockgate: serving ${describeMounts(app.mounts)} on http://${config.host}:${port} (scenario: ${app.sessions.scenarioFor('default').name})\n`);
  } catch (err) {
    if (CONFIG_ERRORS.some((E) => err instanceof E)) fail((err as Error).message);
    throw err;
  }
  if (config.watch) watchScenario(app, app.scenarios.resolve(config.scenario));
  const stop = () => {
    app.close().then(
      () => process.exit(0),
      (err) => fail(`could not save the state file on exit: ${(err as Error).message}`),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err) => fail(err instanceof Error ? err.message : String(err)));

/** "lakefs at /api/v1, /, …; tiledb at /v4": each API once, with the distinct prefixes its specs are mounted at. */
function describeMounts(mounts: MockgateApp['mounts']): string {
  const prefixes = new Map<string, string[]>();
  for (const mount of mounts) {
    if (mount.internal) continue;
    const list = prefixes.get(mount.api.name) ?? [];
    const prefix = mount.prefix || '/';
    if (!list.includes(prefix)) list.push(prefix);
    prefixes.set(mount.api.name, list);
  }
  return [...prefixes].map(([api, list]) => `${api} at ${list.join(', ')}`).join('; ');
}

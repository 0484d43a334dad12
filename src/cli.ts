#!/usr/bin/env node
/**
 * The mockgate command: flags and MOCKGATE_* environment variables → AppConfig → a listening server.
 * The only module that reads argv or exits the process; every configuration mistake ends here as one
 * line on stderr naming the flag or file and the fix, with exit code 1.
 *
 * Its life: one human line on stderr once it listens (every mounted API, the dashboard, the scenario), a JSON
 * ready record (--ready-file, and the log with --log-format json), and on SIGTERM / SIGINT a graceful stop —
 * connections closed, the state file saved, the ready file removed, one line saying so, exit 0 (within
 * STOP_TIMEOUT_MS, or exit 1 saying so).
 *
 * `mockgate coverage --require <file>` is a CI gate that asks a running mockgate which operation × status pairs
 * it served and exits 1 when a required one is missing, 2 when it cannot tell (src/coverage-gate.ts).
 * `mockgate diff --script <file> …` compares the mock with a real server, step by step (src/diff-command.ts).
 */
import { readFileSync, watchFile } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type http from 'node:http';
import path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { ADMIN_PREFIX, createApp, type MockgateApp } from './app.js';
import { defaultConfig, envFlag, packageRoot, type AppConfig, type LogFormat, type LogLevel, type SpecMount } from './config.js';
import { createLogger, defaultLogFormat } from './log.js';
import { ScenarioError } from './scenario/load.js';
import { RouteCollisionError } from './engine/router.js';
import { SpecError } from './engine/spec.js';
import { uncheckedSchemes } from './generic/auth.js';
import { HandlersError } from './user-handlers.js';
import type { Binding, Mount } from './engine/mount.js';
import { trimTrailingSlashes } from './engine/text.js';
import { parseDuration } from './rules/duration.js';
import { ListenError } from './server/listen.js';
import { StateFileError } from './state/store.js';
import { StoreError } from './state/store-errors.js';
import { coverageRows, coverageToGateJUnit, formatMissing, missingPairs, parseRequirements, requiredPairCount, RequirementsError } from './coverage-gate.js';

const LOG_LEVELS: LogLevel[] = ['silent', 'error', 'warn', 'info', 'debug'];
const LOG_FORMATS: LogFormat[] = ['pretty', 'json'];

/** The installed package's version, read at run time from the package.json beside dist/ (or src/ under tsx). */
export const VERSION: string = (JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as { version: string }).version;

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

/**
 * One spec as --spec (or a positional argument) names it: `file[=prefix][@api]`, the file a path or an http(s) URL,
 * `@api` the registered API that is to serve it (`specs/auth.yaml=/api/v1@lakefs`).
 */
export function parseSpecMount(text: string): SpecMount {
  let rest = text.trim();
  let api: string | undefined;
  const at = rest.lastIndexOf('@');
  if (at > 0 && /^[A-Za-z0-9_-]+$/.test(rest.slice(at + 1))) {
    api = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const eq = rest.lastIndexOf('=');
  const mount: SpecMount = eq > 0 ? { file: rest.slice(0, eq), prefix: rest.slice(eq + 1) } : { file: rest };
  return api === undefined ? mount : { ...mount, api };
}

/** --spec file[=prefix][@api]; repeatable. MOCKGATE_SPEC holds several, comma-separated. */
function collectSpec(value: string, previous: SpecMount[] = []): SpecMount[] {
  const specs = value
    .split(',')
    .map((one) => one.trim())
    .filter(Boolean)
    .map(parseSpecMount);
  return [...previous, ...specs];
}

export function buildProgram(): Command {
  const defaults = defaultConfig();
  return new Command()
    .name('mockgate')
    .description('Stateful mock and contract-testing server for identity and credential APIs (lakeFS, TileDB, registry credentials).')
    .argument('[specs...]', 'OpenAPI documents to mount, as --spec takes them (file[=prefix][@api]); default: every bundled spec')
    .addOption(new Option('-p, --port <port>', 'port to listen on (0 picks a free one)').default(defaults.port).env('MOCKGATE_PORT').argParser(parsePort))
    .addOption(new Option('--host <host>', 'interface to bind (0.0.0.0 in containers)').default(defaults.host).env('MOCKGATE_HOST'))
    .addOption(
      new Option('--spec <file[=prefix][@api]>', 'mount an OpenAPI 3 document (a file or an http(s) URL), optionally at a prefix and served by a registered API (repeatable; default: every bundled spec)')
        .env('MOCKGATE_SPEC')
        .argParser(collectSpec),
    )
    .addOption(new Option('--scenario <file|name>', 'scenario YAML file, or a bundled scenario name').default(defaults.scenario, 'scenarios/default.yaml').env('MOCKGATE_SCENARIO'))
    .addOption(new Option('--handlers <file>', 'an ES module of your own handlers, exported by operationId: (ctx) => reply').env('MOCKGATE_HANDLERS'))
    .addOption(new Option('--state-file <path>', 'persist state to this JSON file (a snapshot, plus <path>.log of the changes since) and reload it at start').env('MOCKGATE_STATE_FILE'))
    .addOption(
      new Option('--store <url>', 'keep session state in Redis (redis://host:port/db), shared by every mockgate process pointed at it: replicas behind a load balancer (not with --state-file)').env(
        'MOCKGATE_STORE',
      ),
    )
    .addOption(new Option('--seed <n>', 'seed for generated data: same seed, same answers').env('MOCKGATE_SEED').argParser(parseSeed))
    .addOption(new Option('--strict', 'answer 500 when a response would break its spec (default: log and record it) (env: MOCKGATE_STRICT=true|false)'))
    .addOption(
      new Option('--warm-up', "compile every operation's validators shortly after start rather than on its first request (~4 ms each; costs ~15 MB of memory) (env: MOCKGATE_WARM_UP=true|false)"),
    )
    .addOption(new Option('--watch', 'reload the scenario file when it changes; an invalid edit keeps the last good one (env: MOCKGATE_WATCH=true|false)'))
    .addOption(new Option('--admin-token <token>', 'require "Authorization: Bearer <token>" on /__admin').env('MOCKGATE_ADMIN_TOKEN'))
    .addOption(new Option('--log-level <level>', 'log level; debug adds the rules that fired and the validation issues to each request line').choices(LOG_LEVELS).default(defaults.logLevel).env('MOCKGATE_LOG_LEVEL'))
    .addOption(
      new Option('--log-format <format>', 'log lines for people (pretty) or machines (json, with a ready record once listening)')
        .choices(LOG_FORMATS)
        .default(undefined, 'pretty when stdout is a terminal, else json')
        .env('MOCKGATE_LOG_FORMAT'),
    )
    .addOption(new Option('--ready-file <file>', 'once listening, write {url, apis, dashboard, scenario, pid} as JSON to this file (atomically); removed on exit').env('MOCKGATE_READY_FILE'))
    .addOption(
      new Option('--max-state-mb <n>', 'bound on the state all sessions hold, in MB of JSON; least recently used sessions go first (default: a quarter of the heap limit)')
        .env('MOCKGATE_MAX_STATE_MB')
        .argParser(parsePositive),
    )
    .addOption(
      new Option('--body-limit-mb <n>', 'largest request body accepted, in MB (413 beyond it, in the API\'s shape); raise it for large object uploads or parts')
        .default(defaults.bodyLimitBytes / (1024 * 1024), '1')
        .env('MOCKGATE_BODY_LIMIT_MB')
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
    .version(VERSION, '-v, --version', 'print the version and exit')
    .addHelpText(
      'after',
      '\nCommands:\n  coverage --require <file>   exit 1 when a required operation × status was never served, 2 when the server cannot tell (see: mockgate coverage --help)\n' +
        '  diff --script <file> (--reference <url> | --transcript <file>)   compare the mock with a real server step by step; exit 1 below --threshold (see: mockgate diff --help)\n',
    )
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text.startsWith('error:') ? `mockgate: ${text}` : text) });
}

/** `mockgate coverage` exit codes: what a CI script needs to tell apart. */
export const GATE_EXIT = {
  /** Every required operation × status was served. */
  ok: 0,
  /** At least one required pair was never served: write the missing test (or fix the mock). */
  missing: 1,
  /** The gate could not compare: the server is unreachable or did not answer a coverage report, or the flags or the requirement file are wrong. */
  cannotTell: 2,
} as const;

export function buildCoverageProgram(): Command {
  return new Command()
    .name('mockgate coverage')
    .description(
      'CI gate: read GET <url>/__admin/coverage from a running mockgate and compare it with a requirement file. ' +
        'Prints each required operation × status that was never served, one per line ("<api> <operationId> <status>: …"), and exits 1; ' +
        'exits 0 when all were served, and 2 when it cannot tell (server unreachable or not a mockgate, a wrong token, a bad requirement file or flag).',
    )
    .requiredOption('--require <file>', 'YAML requirement file: operations: [{api, operationId, statuses: [...]}]')
    .addOption(new Option('--url <base>', 'base URL of the running mockgate').default('http://127.0.0.1:4010').env('MOCKGATE_URL'))
    .addOption(new Option('--session <name>', 'count only this session (default: every session)'))
    .addOption(new Option('--admin-token <token>', 'bearer token for /__admin, when the server requires one').env('MOCKGATE_ADMIN_TOKEN'))
    .addOption(new Option('--junit <file>', 'also write a JUnit XML report: one test case per required pair (a failure when never served), the rest of what the operations declare passed or skipped'))
    .showHelpAfterError(false)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text.startsWith('error:') ? `mockgate coverage: ${text}` : text) });
}

async function runCoverage(argv: string[]): Promise<void> {
  const cannotTell: (message: string) => never = (message) => fail(message, GATE_EXIT.cannotTell);
  const program = buildCoverageProgram();
  try {
    program.parse(argv, { from: 'user' });
  } catch (err: any) {
    process.exit(err?.exitCode === 0 ? 0 : GATE_EXIT.cannotTell);
  }
  const opts = program.opts<{ require: string; url: string; session?: string; adminToken?: string; junit?: string }>();
  let text: string;
  try {
    text = await readFile(opts.require, 'utf8');
  } catch (err) {
    cannotTell(`--require ${opts.require}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let requirements;
  try {
    requirements = parseRequirements(text, opts.require);
  } catch (err) {
    cannotTell((err as Error).message);
  }
  const base = trimTrailingSlashes(opts.url);
  const url = `${base}/__admin/coverage${opts.session !== undefined ? `?session=${encodeURIComponent(opts.session)}` : ''}`;
  let res: Response;
  try {
    res = await fetch(url, { headers: opts.adminToken ? { Authorization: `Bearer ${opts.adminToken}` } : {} });
  } catch (err) {
    const cause = (err as { cause?: NodeJS.ErrnoException }).cause;
    cannotTell(`cannot reach mockgate at ${base} (${cause?.code ?? cause?.message ?? (err as Error).message}); start it, or pass --url <base>`);
  }
  if (res.status === 401) cannotTell(`${url} answered 401: the admin API needs its token; pass --admin-token <token>`);
  if (res.status !== 200) cannotTell(`${url} answered ${res.status}; is --url a mockgate server?`);
  let rows;
  try {
    rows = coverageRows(await res.json());
  } catch (err) {
    cannotTell(err instanceof RequirementsError ? err.message : `${url} did not answer JSON`);
  }
  const missing = missingPairs(requirements, rows);
  const total = requiredPairCount(requirements);
  const scope = opts.session !== undefined ? ` in session ${opts.session}` : '';
  if (opts.junit) {
    try {
      await writeFile(opts.junit, coverageToGateJUnit(requirements, rows, opts.session));
    } catch (err) {
      cannotTell(`--junit ${opts.junit}: cannot write the report (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  if (missing.length === 0) {
    process.stderr.write(`mockgate coverage: all ${total} required operation × status pairs were served${scope}\n`, () => process.exit(GATE_EXIT.ok));
    return;
  }
  process.stderr.write(`mockgate coverage: ${missing.length} of ${total} required operation × status pairs were not served${scope}\n`);
  // Exit once stdout is flushed: a CI log reading a pipe must get every line.
  process.stdout.write(missing.map((m) => `${formatMissing(m)}\n`).join(''), () => process.exit(GATE_EXIT.missing));
}

/** A comma-separated flag value as a list (empty when the flag is absent). */
function listOption(value: unknown): string[] {
  return value === undefined ? [] : String(value).split(',').map((v) => v.trim()).filter(Boolean);
}

/** `positional`: the specs named without --spec (`mockgate petstore.yaml`, as Prism takes them), mounted after. */
export function configFromOptions(opts: Record<string, any>, positional: string[] = []): AppConfig {
  return {
    ...defaultConfig(),
    port: opts.port,
    host: opts.host,
    specs: [...(opts.spec ?? []), ...positional.map(parseSpecMount)],
    scenario: opts.scenario,
    ...(opts.handlers !== undefined ? { handlers: opts.handlers } : {}),
    stateFile: opts.stateFile,
    store: opts.store,
    seed: opts.seed,
    strict: opts.strict === true || envFlag('MOCKGATE_STRICT'),
    warmUp: opts.warmUp === true || envFlag('MOCKGATE_WARM_UP'),
    watch: opts.watch === true || envFlag('MOCKGATE_WATCH'),
    adminToken: opts.adminToken,
    logLevel: opts.logLevel,
    logFormat: opts.logFormat ?? defaultLogFormat(),
    corsOrigins: String(opts.corsOrigin).split(',').map((o) => o.trim()).filter(Boolean),
    maxStateMb: opts.maxStateMb,
    bodyLimitBytes: Math.round(opts.bodyLimitMb * 1024 * 1024),
    maxStallMs: opts.maxStall,
    sessionIdleMs: opts.sessionIdle,
    allowedHosts: listOption(opts.allowedHost),
    adminOrigins: listOption(opts.adminOrigin),
  };
}

const CONFIG_ERRORS = [ScenarioError, SpecError, RouteCollisionError, ListenError, StateFileError, HandlersError, StoreError];

function fail(message: string, code = 1): never {
  process.stderr.write(`mockgate: error: ${message}\n`);
  process.exit(code);
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
  if (process.argv[2] === 'diff') {
    // Loaded only for `mockgate diff`: it sends with node:http(s) imported as ESM, which loads modules the server
    // does without (see engine/node-http.ts).
    const { runDiffCommand } = await import('./diff-command.js');
    const code = await runDiffCommand(process.argv.slice(3));
    process.stderr.write('', () => process.exit(code));
    return;
  }
  const program = buildProgram();
  try {
    program.parse(process.argv);
  } catch (err: any) {
    // commander already printed its one-line message (or the help text, or the version).
    process.exit(err?.exitCode === 0 ? 0 : 1);
  }
  let config: AppConfig;
  try {
    config = configFromOptions(program.opts(), program.args);
  } catch (err) {
    fail((err as Error).message);
  }
  const readyFile: string | undefined = program.opts().readyFile;
  const logger = createLogger({ level: config.logLevel, format: config.logFormat });
  let app: MockgateApp;
  let ready: ReadyRecord;
  try {
    app = await createApp(config, { logger });
    const server = await app.listen();
    ready = readyRecord(app, server, config);
  } catch (err) {
    if (CONFIG_ERRORS.some((E) => err instanceof E)) fail((err as Error).message);
    throw err;
  }
  const startedAt = Date.now();
  let stopping = false;
  const stop = (reason: string) => {
    // Ctrl-C under `npm start` delivers SIGINT twice (the terminal's, and npm's forwarded copy): a stop already
    // under way is not restarted or cut short; STOP_TIMEOUT_MS bounds it.
    if (stopping) return;
    stopping = true;
    // A close that hangs must not keep the port: give up after a few seconds, saying so.
    setTimeout(() => fail(`could not stop within ${STOP_TIMEOUT_MS / 1000} s; exiting`), STOP_TIMEOUT_MS).unref();
    app.close().then(
      async () => {
        if (readyFile) await rm(readyFile, { force: true });
        const uptime = Math.round((Date.now() - startedAt) / 100) / 10;
        const saved = config.stateFile ? `; state saved to ${config.stateFile}` : '';
        if (config.logFormat === 'json') logger.info({ reason, uptimeSeconds: uptime, stateFile: config.stateFile }, 'stopped');
        process.stderr.write(`mockgate: stopped (${reason}) after ${uptime} s${saved}\n`, () => process.exit(0));
      },
      (err) => fail(`could not save the state file on exit: ${(err as Error).message}`),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  watchParent(() => stop('npm exited'));

  if (readyFile) {
    try {
      await writeReadyFile(readyFile, ready);
    } catch (err) {
      await app.close();
      fail(`--ready-file ${readyFile}: cannot write it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  if (config.logFormat === 'json') {
    const { pid: _pid, ...record } = ready; // pino's own line carries the pid
    logger.info(record, 'listening');
  }
  process.stderr.write(`${startLine(ready)}\n`);
  for (const spec of ready.specs ?? []) process.stderr.write(`mockgate: ${specLine(spec)}\n`);
  if (config.watch) watchScenario(app, app.scenarios.resolve(config.scenario));
}

const STOP_TIMEOUT_MS = 5_000;

main().catch((err) => fail(err instanceof Error ? err.message : String(err)));

/** What `--ready-file` holds and what the JSON log's "listening" record says: where everything is. */
export interface ReadyRecord {
  version: string;
  /** The server's base URL, one a client on this machine can connect to (127.0.0.1 when bound to 0.0.0.0). */
  url: string;
  /** Every mounted API, once per prefix it is mounted at. */
  apis: Array<{ name: string; prefix: string; url: string }>;
  dashboard: string;
  scenario: string;
  pid: number;
  /** The specs given with --spec (or as arguments): what serves each, and how much of it is stateful. */
  specs?: SpecReport[];
}

export interface SpecReport {
  file: string;
  prefix: string;
  api: string;
  /** bundled / asked (`@api`) / recognised (holds every operation of `recognisedBy`) / generic. */
  binding: Binding['kind'];
  recognisedBy?: string;
  /** Operations a handler of the API answers from state, and those answered from the schema. */
  stateful: number;
  fromSchema: number;
  /** A generic spec's inferred state: `3 resources (pets, users, users.keys), 2 stateless` (src/generic). */
  inferred?: string;
  /** Operations answered by the --handlers module (counted in `stateful` too). */
  byHandlers?: number;
  /**
   * A generic spec's security schemes, and what they are checked against under the start-up scenario: the
   * credentials it lists (`listed`), or any well-formed one (src/generic/auth.ts).
   */
  security?: { schemes: string[]; listed: boolean; unchecked?: string[] };
}

function readyRecord(app: MockgateApp, server: http.Server, config: AppConfig): ReadyRecord {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const url = `http://${connectableHost(config.host)}:${port}`;
  const apis: ReadyRecord['apis'] = [];
  for (const mount of app.mounts) {
    if (mount.internal) continue;
    const prefix = mount.prefix || '/';
    if (apis.some((a) => a.name === mount.api.name && a.prefix === prefix)) continue;
    apis.push({ name: mount.api.name, prefix, url: url + mount.prefix });
  }
  const scenario = app.sessions.scenarioFor('default');
  const specs = config.specs.length ? app.mounts.filter((m) => !m.internal).map((m) => specReport(m, app.userHandlers, scenario.apis)) : undefined;
  return { version: VERSION, url, apis, dashboard: `${url}${ADMIN_PREFIX}/ui`, scenario: app.sessions.scenarioFor('default').name, pid: process.pid, ...(specs ? { specs } : {}) };
}

function specReport(mount: Mount, userHandlers: ReadonlySet<string> | undefined, sections: Record<string, { credentials?: unknown } | undefined>): SpecReport {
  const schemes = Object.keys(mount.spec.securitySchemes);
  const stateful = mount.spec.operations.filter((op) => op.operationId in mount.api.handlers).length;
  const byHandlers = userHandlers ? mount.spec.operations.filter((op) => userHandlers.has(op.operationId)).length : 0;
  return {
    file: mount.spec.file,
    prefix: mount.prefix || '/',
    api: mount.api.name,
    binding: mount.binding.kind,
    ...(mount.binding.kind === 'recognised' ? { recognisedBy: path.relative(packageRoot, mount.binding.by) } : {}),
    stateful,
    fromSchema: mount.spec.operations.length - stateful,
    ...(mount.api.inferred ? { inferred: mount.api.inferred.line } : {}),
    ...(byHandlers ? { byHandlers } : {}),
    ...(mount.binding.kind === 'generic' && schemes.length ? { security: securityReport(mount, schemes, sections[mount.api.name]?.credentials !== undefined) } : {}),
  };
}

function securityReport(mount: Mount, schemes: string[], listed: boolean): NonNullable<SpecReport['security']> {
  const unchecked = uncheckedSchemes(mount.spec.securitySchemes);
  return { schemes, listed, ...(unchecked.length ? { unchecked } : {}) };
}

/**
 * `petstore.yaml at /v1: generic, apis.petstore in a scenario (…) — 3 resources (pets, users, users.keys), 2 stateless`,
 * or `swagger.yml at /api/v1: lakefs (recognised: it holds every operation of specs/lakefs/auth.yaml) — 62 operations
 * stateful, 90 answered from the schema`.
 */
export function specLine(spec: SpecReport): string {
  const mine = spec.byHandlers ? `; ${spec.byHandlers} answered by --handlers` : '';
  const security = spec.security
    ? ` — security ${spec.security.schemes.join(', ')}: ${spec.security.listed ? `the credentials apis.${spec.api}.credentials lists` : `any well-formed credential (apis.${spec.api}.credentials makes it exact)`}` +
      (spec.security.unchecked ? `; ${spec.security.unchecked.join(', ')} (mutualTLS) cannot be checked over plain HTTP: taken as satisfied` : '')
    : '';
  if (spec.binding === 'generic' && spec.inferred !== undefined) {
    return `${spec.file} at ${spec.prefix}: generic, apis.${spec.api} in a scenario (no API binds it; --spec <file>@<api> binds it to one) — ${spec.inferred}${mine}${security}`;
  }
  const why =
    spec.binding === 'generic'
      ? 'generic (no API binds it; --spec <file>@<api> binds it to one)'
      : spec.binding === 'recognised'
        ? `${spec.api} (recognised: it holds every operation of ${spec.recognisedBy})`
        : spec.binding === 'asked'
          ? `${spec.api} (asked with @${spec.api})`
          : spec.api;
  return `${spec.file} at ${spec.prefix}: ${why} — ${spec.stateful} operations stateful, ${spec.fromSchema} answered from the schema${mine}`;
}

/** A host a client can dial: the wildcard addresses become loopback, IPv6 literals get brackets. */
function connectableHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::' || host === '[::]') return '[::1]';
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/**
 * `mockgate 0.1.0 listening on http://127.0.0.1:4010 — lakefs /api/v1 /, tiledb /v4 — dashboard … — scenario default`:
 * each API once, with the prefixes it is mounted at.
 */
export function startLine(ready: ReadyRecord): string {
  const prefixes = new Map<string, string[]>();
  for (const api of ready.apis) prefixes.set(api.name, [...(prefixes.get(api.name) ?? []), api.prefix]);
  const apis = [...prefixes].map(([name, list]) => `${name} ${list.join(' ')}`).join(', ');
  return `mockgate ${ready.version} listening on ${ready.url} — ${apis} — dashboard ${ready.dashboard} — scenario ${ready.scenario}`;
}

/** Written to a temporary file beside it and renamed: a reader sees no file or the whole record. */
async function writeReadyFile(file: string, ready: ReadyRecord): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(ready, null, 2)}\n`);
  await rename(tmp, file);
}

/**
 * Started through npm (`npm start`, `npx mockgate`), the process's parent is a shell npm spawned. npm passes
 * SIGTERM / SIGINT on to that shell, and a shell that is not `exec`ing its command dies of it without passing it
 * on — leaving this server running, reparented, holding its port. `npm start` execs node; for `npx mockgate`
 * (whose shell line npm writes) the server notices its parent is gone and stops as if signalled. Not outside
 * npm: `mockgate &` in a shell that then exits is meant to keep running.
 */
function watchParent(stop: () => void): void {
  if (!process.env.npm_lifecycle_event) return;
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) stop();
  }, 250).unref();
}

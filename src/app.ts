/**
 * createApp(config, deps): wiring only. Loads the scenario, mounts the specs (bundled or --spec), compiles
 * the route table, and connects state, rules, journal and the admin API to the pipeline. Performs no
 * process-level I/O (no exit, no listen unless asked) so tests and the CLI share it.
 */
import type http from 'node:http';
import { adminSpecFile, createAdminApi } from './admin/admin-api.js';
import { bundledScenariosDir, type AppConfig, type SpecMount } from './config.js';
import { exposureOf } from './engine/exposure.js';
import { createFaker } from './engine/faker.js';
import { bundledMountRequests, genericName, mountSpec, type Mount, type MountRequest } from './engine/mount.js';
import { statefulGenericApi } from './generic/index.js';
import { coverageObserver, journalObserver, requestLogObserver } from './pipeline/observers.js';
import { Pipeline, type Logger } from './pipeline/pipeline.js';
import { Router } from './engine/router.js';
import type { ApiModule } from './engine/types.js';
import { SpecError } from './engine/spec.js';
import { closest } from 'fastest-levenshtein';
import { Coverage, type CoverageCounter } from './journal/coverage.js';
import { Journal, type RequestJournal } from './journal/journal.js';
import { knownOperationsOf } from './rules/references.js';
import { RuleEngine } from './rules/rules.js';
import type { RuleService } from './rules/types.js';
import { ScenarioLoader } from './scenario/load.js';
import type { Scenario } from './scenario/types.js';
import { createHttpHandler } from './server/http.js';
import { listen } from './server/listen.js';
import { applyUserHandlers, loadUserHandlers } from './user-handlers.js';
import { createLogger } from './log.js';
import { Sessions } from './state/sessions.js';
import { StoreError } from './state/store-errors.js';
import { StateStore, type SessionStore } from './state/store.js';

export const ADMIN_PREFIX = '/__admin';

export interface AppDeps {
  /** API modules to register (default: every API in src/apis/index.ts). */
  apis?: ApiModule[];
  logger?: Logger;
  /** Clock, for expiry and timestamps (tests pass a fixed one). */
  now?: () => Date;
}

export interface MockgateApp {
  /** The HTTP request listener (for supertest or http.createServer). */
  handler: http.RequestListener;
  pipeline: Pipeline;
  sessions: Sessions;
  /** In memory (synchronous), or shared by the replicas through Redis with --store redis:// (promises). */
  rules: RuleService;
  journal: RequestJournal;
  coverage: CoverageCounter;
  mounts: Mount[];
  scenarios: ScenarioLoader;
  /** The operationIds answered by the --handlers module, when there is one. */
  userHandlers?: ReadonlySet<string>;
  /** Replaces the global scenario (used by --watch); resets every session. */
  switchScenario(scenario: Scenario): void;
  /** Binds config.port / config.host; resolves with the bound server. */
  listen(): Promise<http.Server>;
  close(): Promise<void>;
}

/** The registered API a `--spec file@api` names; a name no API has is refused with the closest one. */
function apiNamed(apis: ApiModule[], mount: SpecMount): ApiModule {
  const api = apis.find((a) => a.name === mount.api);
  if (api) return api;
  const names = apis.map((a) => a.name);
  throw new SpecError(`${mount.file}: no API is named "${mount.api}" (in --spec ${mount.file}@${mount.api}); did you mean "${closest(mount.api!, names)}"? Registered: ${names.join(', ')}`);
}

/**
 * Gives each generically served spec a name no other API has (its scenario key and state key): the file's base
 * name, then `-2`, `-3`, … in --spec order, and returns their modules. A renamed module is made again under its name.
 */
function nameGenericApis(mounts: Mount[], registered: ApiModule[]): ApiModule[] {
  const taken = new Set(registered.map((api) => api.name));
  const made: ApiModule[] = [];
  for (const mount of mounts) {
    if (mount.binding.kind !== 'generic') continue;
    const base = genericName(mount.spec.file);
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base}-${n}`;
    taken.add(name);
    if (name !== mount.api.name) mount.api = statefulGenericApi(name, mount.spec.title, { spec: mount.spec, validator: () => mount.validator });
    made.push(mount.api);
  }
  return made;
}

/** In memory (the default), --state-file, or --store redis:// (its client loaded only then). */
async function openStore(config: AppConfig, logger: Logger): Promise<SessionStore> {
  if (config.store === undefined) return StateStore.open(config.stateFile);
  if (config.stateFile !== undefined) {
    throw new StoreError(`--store and --state-file cannot be used together: Redis keeps the state with --store; drop one of them`);
  }
  const { RedisStateStore } = await import('./state/redis-store.js');
  return RedisStateStore.connect(config.store, {
    onConnection: (event, where) =>
      event === 'lost'
        ? logger.error({ store: where }, 'lost the connection to Redis (--store): requests fail with a 500 until it is back')
        : logger.warn({ store: where }, 'reconnected to Redis (--store)'),
  });
}

export async function createApp(config: AppConfig, deps: AppDeps = {}): Promise<MockgateApp> {
  // Loaded lazily so engine tests that bring their own API modules never load the real ones.
  const apis = deps.apis ?? (await import('./apis/index.js')).apis;
  const logger = deps.logger ?? createLogger({ level: config.logLevel, format: config.logFormat });
  const now = deps.now ?? (() => new Date());
  const fakerFor = (purpose: string) => createFaker(config.seed, purpose);

  // The specs first: what is mounted decides what the scenario's rules may name and what is secret.
  const requests: MountRequest[] = config.specs.length
    ? config.specs.map((s) => ({ file: s.file, prefix: s.prefix, ...(s.api !== undefined ? { api: apiNamed(apis, s), binding: 'asked' as const } : {}) }))
    : bundledMountRequests(apis);
  // A schema ajv refuses is logged once, when it is first compiled; its operation then answers 500 in the API's shape.
  const onCompileFailure = (failure: Error) => logger.error({ err: failure.message }, 'spec schema cannot be compiled');
  const apiMounts = await Promise.all(requests.map((r) => mountSpec(r, apis, { onCompileFailure, generic: statefulGenericApi, warmUp: config.warmUp })));
  // A user's spec served generically is an API of its own: it has state, a scenario section and rules of its own.
  const genericApis = nameGenericApis(apiMounts, apis);
  const allApis = [...apis, ...genericApis];
  // Handlers of your own replace what answered their operations (each mount's API is then a copy that has them).
  const userHandlers = config.handlers !== undefined ? applyUserHandlers(apiMounts, await loadUserHandlers(config.handlers)) : undefined;
  const exposure = exposureOf(apiMounts);
  // What a rule's match may name: a misspelt API or operationId is refused with a suggestion.
  const knownOperations = knownOperationsOf(apiMounts);

  const scenarios = new ScenarioLoader(allApis, bundledScenariosDir);
  scenarios.setKnownOperations(knownOperations);
  const scenario = await scenarios.load(config.scenario);
  const store = await openStore(config, logger);
  const maxStateBytes = config.maxStateMb !== undefined ? Math.floor(config.maxStateMb * 1024 * 1024) : undefined;
  const sessions = new Sessions({ store, apis: allApis, now, fakerFor, maxStateBytes, idleMs: config.sessionIdleMs }, scenario);
  const ruleOptions = { seed: config.seed, maxStallMs: config.maxStallMs };
  const operations = apiMounts.flatMap((m) =>
    m.spec.operations.map((op) => ({
      api: m.api.name,
      operationId: op.operationId,
      method: op.method,
      path: m.prefix + op.pathTemplate,
      declared: Object.keys(op.responses),
    })),
  );
  // With --store redis://, rule counters, faults, the journal, coverage and session lifetime are shared by the
  // replicas (src/replicas); otherwise they are this process's own, in memory, synchronous.
  const shared =
    config.store !== undefined
      ? await (await import('./replicas/index.js'))
          .openSharedParts({
          url: config.store,
          sessions,
          nowMs: () => now().getTime(),
          rules: ruleOptions,
          journalLimit: config.journalLimit,
          secrets: exposure,
          operations,
            onBackgroundFailure: (message) => logger.error({ store: config.store, err: message }, 'a journal, coverage or session-lifetime write to Redis (--store) failed'),
          })
          // The store's connection is not left open behind a start that failed.
          .catch(async (err: unknown) => {
            await sessions.close().catch(() => {});
            throw err;
          })
      : undefined;
  let rules: RuleService;
  let journal: RequestJournal;
  let coverage: CoverageCounter;
  if (shared) {
    ({ rules, journal, coverage } = shared);
  } else {
    rules = new RuleEngine((session) => sessions.scenarioFor(session).rules, () => now().getTime(), ruleOptions);
    journal = new Journal(config.journalLimit, { secrets: exposure });
    coverage = new Coverage(operations);
    // What is kept per session is forgotten with the session: on reset, on eviction, on a scenario switch.
    sessions.join(rules);
    sessions.join(journal);
    sessions.join(coverage);
  }

  let mounts: Mount[] = apiMounts;
  const admin = createAdminApi({
    sessions,
    rules,
    journal,
    coverage,
    scenarios,
    mounts: () => mounts,
    adminDocument: () => adminMount.spec.definition,
    adminToken: config.adminToken,
    startedAt: Date.now(),
    knownOperations: () => knownOperations,
    exposure,
    ...(shared ? { shared: shared.admin } : {}),
  });
  const adminMount = await mountSpec({ file: adminSpecFile, prefix: ADMIN_PREFIX, api: admin, internal: true }, apis);
  mounts = [...apiMounts, adminMount];

  const router = new Router<Mount>(
    mounts.map((m) => ({ mount: m, prefix: m.prefix, source: m.spec.file, operations: m.spec.operations, headFromGet: m.api.headFromGet })),
  );
  const pipeline = new Pipeline({ router, sessions, rules, strict: config.strict, seed: config.seed, now, faker: fakerFor('responses'), logger }, mounts);
  // What a finished exchange of a mocked API is recorded in (the admin API's are not).
  pipeline.onExchange(journalObserver(journal));
  pipeline.onExchange(coverageObserver(coverage));
  const requestLog = requestLogObserver(logger);
  if (requestLog) pipeline.onExchange(requestLog);
  // Last: it sends the exchange's journal entry and coverage count to Redis, queued by the listeners above.
  if (shared) pipeline.onExchange(shared.lifetimeObserver);
  const handler = createHttpHandler(pipeline, {
    bodyLimitBytes: config.bodyLimitBytes,
    corsOrigins: config.corsOrigins,
    exposedHeaders: exposure.exposedHeaders,
    adminPrefix: ADMIN_PREFIX,
    bindHost: config.host,
    allowedHosts: config.allowedHosts,
    adminOrigins: config.adminOrigins,
  });

  let server: http.Server | undefined;
  return {
    handler,
    pipeline,
    sessions,
    rules,
    journal,
    coverage,
    mounts,
    scenarios,
    ...(userHandlers ? { userHandlers } : {}),
    switchScenario(next: Scenario) {
      sessions.switchScenario(next);
    },
    async listen() {
      server = await listen(handler, config.port, config.host);
      return server;
    },
    async close() {
      if (server) {
        const s = server;
        server = undefined;
        s.closeAllConnections();
        await new Promise<void>((resolve) => s.close(() => resolve()));
      }
      try {
        await sessions.close();
      } finally {
        await shared?.close();
      }
    },
  };
}

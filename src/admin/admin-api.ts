/**
 * The admin API (/__admin), served by the same engine as any mocked API: its operations are described by
 * specs/admin.yaml, validated like the others, and handled here by operationId. It owns no state of its
 * own; every handler works on the services the app wires in.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import path from 'node:path';
import { bundledScenariosDir, packageRoot } from '../config.js';
import type { Exposure } from '../engine/exposure.js';
import { badRequest, ErrorCode, internal, notFound, unauthorized, type MockError, type ValidationIssue } from '../engine/errors.js';
import type { Mount } from '../engine/mount.js';
import type { ApiModule, Handler } from '../engine/types.js';
import { coverageToJUnit, type CoverageCounter } from '../journal/coverage.js';
import type { RequestJournal } from '../journal/journal.js';
import { ScenarioError, ScenarioNotFoundError, type ScenarioLoader } from '../scenario/load.js';
import type { Scenario } from '../scenario/types.js';
import { ruleReferenceProblems, type KnownOperations } from '../rules/references.js';
import { ACTION_KEYS } from '../rules/actions.js';
import { compileRule } from '../rules/rules.js';
import type { Rule, RuleService } from '../rules/types.js';
import { DEFAULT_SESSION, type SessionInfo, type Sessions } from '../state/sessions.js';
import { StoreUnavailableError } from '../state/store-errors.js';
import { listBundledScenarios } from './bundled-scenarios.js';
import { dashboardPage } from './dashboard/page.js';

export const adminSpecFile = path.join(packageRoot, 'specs', 'admin.yaml');

/**
 * With --store redis:// (src/replicas): what replicas share beyond the rules, journal and coverage,
 * which are then the shared ones.
 */
export interface SharedServices {
  /** Waits for the writes this replica sent without waiting (a reset's deletes, journal entries). */
  flush(): Promise<void>;
  /** Makes a scenario switch made here the one in force on every replica. */
  publishScenario(scenario: Scenario, session?: string): Promise<void>;
  /** Brings the session's scenario up to what another replica may have switched it to. */
  syncScenario(session: string): Promise<void>;
  /** Sessions any replica used within the idle time. */
  listSessions(): Promise<SessionInfo[]>;
}

export interface AdminServices {
  sessions: Sessions;
  rules: RuleService;
  journal: RequestJournal;
  coverage: CoverageCounter;
  shared?: SharedServices;
  scenarios: ScenarioLoader;
  mounts: () => Mount[];
  /**
   * The operations of the mounted specs: a fault naming an unknown API or operationId is refused (400, with the
   * closest name), as in scenario files (src/rules/references.ts). Absent: such names are not checked.
   */
  knownOperations?: () => KnownOperations;
  adminDocument: () => unknown;
  adminToken?: string;
  startedAt: number;
  /** Where the bundled scenarios live (default: the package's scenarios/). */
  bundledScenariosDir?: string;
  /** What the mounted APIs declare secret (served to the dashboard with the specs). */
  exposure: Exposure;
}

const sessionOf = (query: Record<string, any>): string => query.session ?? DEFAULT_SESSION;

/** Brings a session shared through Redis up to date; a Redis that does not answer is the admin request's 500. */
function syncSession(sessions: Sessions, session: string): Promise<void> {
  return fromStore(() => sessions.sync(session));
}

/** Work on what Redis shares (--store redis://), or on this process's own: a Redis that does not answer is a 500. */
async function fromStore<T>(work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof StoreUnavailableError) throw internal(`${err.message}; retry once it is back`);
    throw err;
  }
}

/** Compares tokens in constant time (over their digests, so lengths do not leak either). */
function sameToken(presented: string | undefined, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return presented !== undefined && timingSafeEqual(digest(presented), digest(expected));
}

export function createAdminApi(services: AdminServices): ApiModule {
  const { sessions, rules, journal, coverage, shared } = services;

  const summary = (scenario: Scenario, session: string) => ({
    name: scenario.name,
    ...(scenario.description ? { description: scenario.description } : {}),
    ...(scenario.file ? { file: scenario.file } : {}),
    session,
    apis: Object.keys(scenario.apis),
    rules: scenario.rules,
  });

  const handlers: Record<string, Handler> = {
    getHealth: () => ({
      status: 200,
      body: {
        status: 'ok',
        uptimeSeconds: Math.round((Date.now() - services.startedAt) / 100) / 10,
        scenario: sessions.scenarioFor(DEFAULT_SESSION).name,
        apis: [...new Set(services.mounts().filter((m) => !m.internal).map((m) => m.api.name))],
      },
    }),

    resetSessions: async ({ request }) => {
      // State (re-seeded on next use), faults, counters, journal and coverage: all that joined the session.
      sessions.reset(request.query.session);
      // The pipeline saves nothing for the admin mount: a reset must survive a restart like any write.
      await sessions.persist();
      // Shared: the faults, counters, journal and coverage deleted for every replica before this answers.
      if (shared) await fromStore(() => shared.flush());
      return { status: 200, body: { reset: request.query.session ?? 'all' } };
    },

    getScenario: async ({ request }) => {
      const session = sessionOf(request.query);
      if (shared) await fromStore(() => shared.syncScenario(session));
      return { status: 200, body: summary(sessions.scenarioFor(session), session) };
    },

    putScenario: async ({ request }) => {
      const { name, scenario: inline } = request.body ?? {};
      if ((name === undefined) === (inline === undefined)) throw badRequest('send exactly one of "name" (bundled name or file path) or "scenario" (inline document)');
      let scenario: Scenario;
      try {
        scenario = inline !== undefined ? services.scenarios.fromObject(inline) : await services.scenarios.load(name);
      } catch (err) {
        if (err instanceof ScenarioNotFoundError) throw notFound(err.message);
        if (err instanceof ScenarioError) throw badRequest(err.message);
        throw err;
      }
      const session: string | undefined = request.query.session;
      sessions.switchScenario(scenario, session);
      await sessions.persist();
      if (shared) {
        await fromStore(async () => {
          await shared.publishScenario(scenario, session);
          await shared.flush();
        });
      }
      return { status: 200, body: summary(scenario, session ?? 'all') };
    },

    getState: async ({ request }) => {
      const session = sessionOf(request.query);
      // Shared with other processes (--store redis://): what Redis holds now, not this process's cache.
      await syncSession(sessions, session);
      return { status: 200, body: { session, apis: sessions.snapshot(session) } };
    },

    putState: async ({ request }) => {
      const session = sessionOf(request.query);
      sessions.restore(session, request.body.apis);
      await sessions.persist();
      return { status: 200, body: { session, apis: sessions.snapshot(session) } };
    },

    listFaults: async ({ request }) => ({ status: 200, body: { faults: await fromStore(() => rules.pendingFaults(sessionOf(request.query))) } }),

    addFault: async ({ request }) => {
      const session = sessionOf(request.query);
      const rule = request.body as Rule;
      try {
        compileRule(rule, 0);
      } catch (err) {
        throw badRequest((err as Error).message);
      }
      if (!ACTION_KEYS.some((key) => rule[key as keyof Rule] !== undefined)) {
        throw badRequest(`a fault needs at least one of ${ACTION_KEYS.join(', ')}`);
      }
      const known = services.knownOperations?.();
      const [problem] = known ? ruleReferenceProblems([rule], known, services.scenarios.apiNames) : [];
      if (problem) throw badRequest(`body/match/${problem.field}: ${problem.message}`);
      // A fault is kept for its session: the session is in use, and its faults go with it.
      sessions.use(session);
      return { status: 201, body: { name: await fromStore(() => rules.addFault(session, rule)), session } };
    },

    listRequests: async ({ request }) => ({
      status: 200,
      body: {
        requests: await fromStore(() =>
          journal.list({
            session: request.query.session,
            operationId: request.query.operationId,
            api: request.query.api,
            status: request.query.status,
            limit: request.query.limit,
          }),
        ),
      },
    }),

    clearRequests: async ({ request }) => {
      await fromStore(() => journal.clear(request.query.session));
      return { status: 204 };
    },

    getCoverage: async ({ request }) => {
      const rows = await fromStore(() => coverage.report(request.query.session));
      if (request.query.format === 'junit') {
        return { status: 200, body: coverageToJUnit(rows, request.query.session), contentType: 'application/xml' };
      }
      const declared = rows.reduce((n, r) => n + r.declared.length, 0);
      const missing = rows.reduce((n, r) => n + r.missing.length, 0);
      return { status: 200, body: { summary: { operations: rows.length, declared, covered: declared - missing }, operations: rows } };
    },

    listSpecs: ({ request }) => {
      const scenario = sessions.scenarioFor(sessionOf(request.query));
      return {
        status: 200,
        body: {
          // What the dashboard hides until asked: the mounted APIs' own declarations (engine/exposure.ts).
          secrets: {
            headers: [...services.exposure.secretHeaders].sort(),
            fieldWords: services.exposure.secretFieldWords,
            fields: services.exposure.secretFields,
          },
          specs: services.mounts().filter((m) => !m.internal).map((m) => ({
            api: m.api.name,
            title: m.spec.title,
            file: m.spec.file,
            prefix: m.prefix || '/',
            // Why this API serves it: bundled, asked (--spec file@api), recognised (by: the bundled spec it holds) or generic.
            binding: m.binding,
            // A generic spec's inferred resources and stateless operations (src/generic).
            ...(m.api.inferred ? { inferred: m.api.inferred } : {}),
            ...(m.binding.kind === 'generic' ? credentialMode(m, scenario.apis[m.api.name]) : {}),
            operations: m.spec.operations.map((op) => ({
              operationId: op.operationId,
              method: op.method.toUpperCase(),
              path: m.prefix + op.pathTemplate,
              stateful: op.operationId in m.api.handlers,
            })),
          })),
        },
      };
    },

    getAdminOpenApi: () => ({ status: 200, body: services.adminDocument() }),

    listSessions: async () => {
      // Every session in use (state or not), plus "default" (always there, seeded on first use); shared, every
      // session any replica used within the idle time.
      const listed = shared ? await fromStore(() => shared.listSessions()) : sessions.list();
      const known = new Map(listed.map((info) => [info.name, info]));
      const rest = [...known.keys()].filter((n) => n !== DEFAULT_SESSION).sort();
      return {
        status: 200,
        body: {
          sessions: [DEFAULT_SESSION, ...rest].map((name) => {
            const info = known.get(name);
            return {
              name,
              scenario: sessions.scenarioFor(name).name,
              stateBytes: info?.stateBytes ?? 0,
              ...(info ? { lastUsed: new Date(info.lastUsedMs).toISOString() } : {}),
            };
          }),
          ...(Number.isFinite(sessions.idleMs) ? { idleSeconds: sessions.idleMs / 1000 } : {}),
          maxSessions: sessions.maxSessions,
          maxStateBytes: sessions.maxStateBytes,
        },
      };
    },

    listScenarios: async () => ({
      status: 200,
      body: { scenarios: await listBundledScenarios(services.bundledScenariosDir ?? bundledScenariosDir) },
    }),

    // The page is static: the session and token it needs are read by its script from its own address.
    getDashboard: () => ({ status: 200, body: dashboardPage.html, contentType: 'text/html; charset=utf-8', headers: { ...dashboardPage.headers } }),
  };

  const checkToken = (value: string | undefined) => {
    if (services.adminToken !== undefined && !sameToken(value, services.adminToken)) throw unauthorized('invalid', 'invalid admin token');
    return { id: 'admin' };
  };

  return {
    name: 'admin',
    title: 'mockgate admin API',
    specs: [adminSpecFile],
    handlers,
    verifiers: {
      adminToken: (credential) => checkToken(credential.value),
      // Declared by GET /ui only: a browser cannot send a header when it navigates to the dashboard.
      adminTokenQuery: (credential) => checkToken(credential.value),
    },
    anonymous: (ctx) => {
      if (services.adminToken === undefined) return { id: 'admin' };
      if (ctx.operationId === 'getDashboard') throw unauthorized('missing', 'this mockgate requires the admin token: open the dashboard as /__admin/ui?token=<token>');
      throw unauthorized('missing', 'this mockgate requires the admin token: Authorization: Bearer <token>');
    },
    order: 'authenticate-first',
    seedSchema: {},
    createState: () => ({}),
    renderError: (error: MockError) => ({
      status: error.status,
      headers: error.status === 401 ? { 'WWW-Authenticate': 'Bearer', ...error.headers } : error.headers,
      body: {
        message: error.code === ErrorCode.ValidationFailed && error.issues.length ? `request failed validation: ${issuesText(error.issues)}` : error.message,
        ...(error.issues.length ? { issues: error.issues } : {}),
      },
    }),
  };
}


/**
 * Validation issues as one line: `body/status: must be integer; query/session: …`. The required-property
 * issues ajv reports under an anyOf / oneOf (the fault that needs a status, delay or rate limit; the scenario
 * switch that takes a name or an inline scenario) read as the one choice they are.
 */
function issuesText(issues: ValidationIssue[]): string {
  const where = (i: ValidationIssue, path = i.path) => [i.in, ...path].join('/');
  const choices = issues.filter((i) => i.keyword === 'anyOf' || i.keyword === 'oneOf');
  const parts: string[] = [];
  const folded = new Set<ValidationIssue>();
  for (const choice of choices) {
    const at = where(choice);
    const options = issues.filter((i) => i.keyword === 'required' && where(i, i.path.slice(0, -1)) === at);
    if (options.length < 2) continue;
    for (const o of options) folded.add(o);
    folded.add(choice);
    const names = options.map((o) => String(o.path[o.path.length - 1]));
    const list = `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}`;
    parts.push(`${at}: needs ${choice.keyword === 'oneOf' ? 'exactly' : 'at least'} one of ${list}`);
  }
  for (const issue of issues) if (!folded.has(issue)) parts.push(`${where(issue)}: ${issue.message}`);
  return parts.join('; ');
}

/**
 * How a generic spec's security is checked under a scenario (src/generic/auth.ts): exactly, against the credentials
 * its section lists (even none: `credentials: {}` lets nobody in), or by form alone when it lists none — the same
 * test the start-up line makes.
 */
function credentialMode(mount: Mount, section: { credentials?: unknown } | undefined): { security?: { schemes: string[]; credentials: 'exact' | 'any-well-formed' } } {
  const schemes = Object.keys(mount.spec.securitySchemes);
  if (!schemes.length) return {};
  return { security: { schemes, credentials: section?.credentials !== undefined ? 'exact' : 'any-well-formed' } };
}

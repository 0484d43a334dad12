/**
 * A typed client of the admin API (/__admin), for test suites: reset, scenarios, faults, the journal, coverage
 * and state, plus `session()`, which gives one test its own X-Mock-Session and the same calls bound to it.
 *
 * It knows the server only through specs/admin.yaml: the types are generated from that document by
 * openapi-typescript (admin-schema.ts, `npm run admin-types`; a test fails when it is stale), and the calls go
 * through openapi-fetch, which checks paths, parameters and bodies against those types and uses the global
 * fetch. So it works the same against a server started in-process (startMockgate) and one running elsewhere
 * (a container, `npx mockgate`): `createAdminClient('http://127.0.0.1:4010')`.
 */
import { randomUUID } from 'node:crypto';
import createClient from 'openapi-fetch';
import type { components, operations, paths } from './admin-schema.js';

type Schemas = components['schemas'];
type JsonOf<Op extends keyof operations, Status extends keyof operations[Op]['responses']> = operations[Op]['responses'][Status] extends {
  content: { 'application/json': infer Body };
}
  ? Body
  : never;

export type Health = Schemas['Health'];
/** A rule as POST /__admin/faults takes it (the grammar of scenario rules): match, then status, delay or rateLimit. */
export type Fault = Schemas['Fault'];
export type Rule = Schemas['Rule'];
export type ScenarioSummary = Schemas['ScenarioSummary'];
export type StateSnapshot = Schemas['StateSnapshot'];
export type JournalEntry = Schemas['JournalEntry'];
export type CoverageRow = Schemas['CoverageRow'];
export type CoverageReport = JsonOf<'getCoverage', 200>;
export type MountedSpecs = JsonOf<'listSpecs', 200>;
export type SessionInfo = JsonOf<'listSessions', 200>['sessions'][number];
export type BundledScenario = JsonOf<'listScenarios', 200>['scenarios'][number];

/** A bundled scenario name (e.g. "rate-limited") or a scenario file path on the server, or an inline scenario document. */
export type ScenarioChoice = string | { scenario: Record<string, unknown> };

/** Filters of GET /__admin/requests (newest first). */
export interface RequestFilter {
  operationId?: string;
  api?: string;
  status?: number;
  limit?: number;
}

/** The header that isolates a session's state, faults, counters, journal and coverage. */
export const SESSION_HEADER = 'X-Mock-Session';

/** A non-2xx answer of the admin API (a bad fault, an unknown scenario, a missing admin token). */
export class MockgateAdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'MockgateAdminError';
  }
}

export interface AdminClientOptions {
  /** The admin token, when the server runs with --admin-token. */
  adminToken?: string;
}

/** The admin API's calls bound to one session. */
export interface MockgateSession {
  readonly name: string;
  /** `{ 'X-Mock-Session': name }`: send it with every request the code under test makes. */
  readonly headers: Readonly<Record<typeof SESSION_HEADER, string>>;
  /** Switches this session to another scenario (and re-seeds it). */
  useScenario(scenario: ScenarioChoice): Promise<ScenarioSummary>;
  scenario(): Promise<ScenarioSummary>;
  /** Queues a fault for this session; one-shot unless `times` says otherwise. Resolves with its name. */
  addFault(fault: Fault): Promise<string>;
  faults(): Promise<Rule[]>;
  /** This session's journal, newest first. */
  requests(filter?: RequestFilter): Promise<JournalEntry[]>;
  clearRequests(): Promise<void>;
  coverage(): Promise<CoverageReport>;
  state(): Promise<StateSnapshot>;
  restoreState(apis: StateSnapshot['apis']): Promise<StateSnapshot>;
  /** The mounted specs, with each generic spec's credential mode under this session's scenario. */
  specs(): Promise<MountedSpecs>;
  /** Re-seeds the session from its scenario and forgets its faults, counters, journal and coverage. */
  reset(): Promise<void>;
}

export interface AdminClient {
  /** The server's base URL (no trailing slash). */
  readonly url: string;
  health(): Promise<Health>;
  /** Resets one session, or every session when none is named. */
  reset(session?: string): Promise<void>;
  scenario(session?: string): Promise<ScenarioSummary>;
  /** Switches one session's scenario, or every session's when none is named. */
  useScenario(scenario: ScenarioChoice, session?: string): Promise<ScenarioSummary>;
  addFault(fault: Fault, session?: string): Promise<string>;
  faults(session?: string): Promise<Rule[]>;
  /** The journal, newest first: of one session, or of all when none is named. */
  requests(filter?: RequestFilter & { session?: string }): Promise<JournalEntry[]>;
  clearRequests(session?: string): Promise<void>;
  /** Operation × status served (of one session, or of all), next to what each operation declares. */
  coverage(session?: string): Promise<CoverageReport>;
  /** The same coverage as JUnit XML, for a CI report. */
  coverageJUnit(session?: string): Promise<string>;
  state(session?: string): Promise<StateSnapshot>;
  restoreState(apis: StateSnapshot['apis'], session?: string): Promise<StateSnapshot>;
  /**
   * The mounted specs: each one's binding, operations and (generic ones) inferred resources and credential mode —
   * `exact` or `any-well-formed` under the scenario of the session named (default "default").
   */
  specs(session?: string): Promise<MountedSpecs>;
  sessions(): Promise<SessionInfo[]>;
  scenarios(): Promise<BundledScenario[]>;
  /**
   * A session of its own for one test: a fresh name (`<prefix>-<random>`, or the name given) and the calls above
   * bound to it. Creating it costs no request; the server makes the session on first use.
   */
  session(name?: string): MockgateSession;
}

interface Answer<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The answer's body, or a MockgateAdminError carrying the admin API's message. */
function unwrap<T>({ data, error, response }: Answer<T>): T {
  if (response.ok) return data as T;
  const message = (error as { message?: unknown } | undefined)?.message;
  throw new MockgateAdminError(
    response.status,
    `${response.url.split('?')[0]} answered ${response.status}${typeof message === 'string' ? `: ${message}` : ''}`,
    error,
  );
}

const scenarioBody = (choice: ScenarioChoice) => (typeof choice === 'string' ? { name: choice } : { scenario: choice.scenario });

export function createAdminClient(url: string, options: AdminClientOptions = {}): AdminClient {
  // A loop, not /\/+$/: that regex backtracks polynomially on long runs of slashes (test/engine/redos.test.ts).
  let end = url.length;
  while (end > 0 && url[end - 1] === '/') end--;
  const base = url.slice(0, end);
  const api = createClient<paths>({
    baseUrl: `${base}/__admin`,
    headers: options.adminToken !== undefined ? { Authorization: `Bearer ${options.adminToken}` } : {},
  });
  const q = (session?: string) => ({ params: { query: session === undefined ? {} : { session } } });

  const client: AdminClient = {
    url: base,
    health: async () => unwrap(await api.GET('/health')),
    reset: async (session) => {
      unwrap(await api.POST('/reset', q(session)));
    },
    scenario: async (session) => unwrap(await api.GET('/scenario', q(session))),
    useScenario: async (choice, session) => unwrap(await api.PUT('/scenario', { ...q(session), body: scenarioBody(choice) })),
    addFault: async (fault, session) => unwrap(await api.POST('/faults', { ...q(session), body: fault })).name,
    faults: async (session) => unwrap(await api.GET('/faults', q(session))).faults,
    requests: async (filter = {}) => unwrap(await api.GET('/requests', { params: { query: filter } })).requests,
    clearRequests: async (session) => {
      unwrap(await api.DELETE('/requests', q(session)));
    },
    // The operation declares JSON and (for format=junit) XML; without `format` the answer is the JSON one.
    coverage: async (session) => unwrap(await api.GET('/coverage', q(session))) as CoverageReport,
    coverageJUnit: async (session) =>
      unwrap(await api.GET('/coverage', { params: { query: { ...(session === undefined ? {} : { session }), format: 'junit' } }, parseAs: 'text' })),
    state: async (session) => unwrap(await api.GET('/state', q(session))),
    restoreState: async (apis, session) => unwrap(await api.PUT('/state', { ...q(session), body: { session: session ?? 'default', apis } })),
    specs: async (session) => unwrap(await api.GET('/specs', q(session))),
    sessions: async () => unwrap(await api.GET('/sessions')).sessions,
    scenarios: async () => unwrap(await api.GET('/scenarios')).scenarios,
    session: (name = `test-${randomUUID().slice(0, 12)}`) => ({
      name,
      headers: Object.freeze({ [SESSION_HEADER]: name }),
      useScenario: (choice) => client.useScenario(choice, name),
      scenario: () => client.scenario(name),
      addFault: (fault) => client.addFault(fault, name),
      faults: () => client.faults(name),
      requests: (filter = {}) => client.requests({ ...filter, session: name }),
      clearRequests: () => client.clearRequests(name),
      coverage: () => client.coverage(name),
      state: () => client.state(name),
      restoreState: (apis) => client.restoreState(apis, name),
      specs: () => client.specs(name),
      reset: () => client.reset(name),
    }),
  };
  return client;
}

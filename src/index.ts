/**
 * The package entry, for test suites that run mockgate in their own process:
 *
 *   import { startMockgate } from 'mockgate';
 *   const mock = await startMockgate({ scenario: 'rate-limited', seed: 1 });   // port 0: a free port
 *   const s = mock.admin.session();          // s.headers = { 'X-Mock-Session': s.name }
 *   …
 *   await mock.close();
 *
 * It is createApp() and listen(), as the CLI does them, with defaults for tests (a free port on 127.0.0.1, warn-level
 * logs) and a typed admin client (src/library/admin-client.ts) bound to the server's URL. Like createApp, it never
 * exits the process: configuration mistakes reject the promise with the CLI's error classes.
 */
import type { AddressInfo } from 'node:net';
import { apis as bundledApis } from './apis/index.js';
import { createApp } from './app.js';
import { defaultConfig, type AppConfig, type SpecMount } from './config.js';
import type { ApiModule } from './engine/types.js';
import { createAdminClient, type AdminClient } from './library/admin-client.js';
import type { UserHandlers } from './user-handlers.js';

export interface StartOptions extends Partial<Omit<AppConfig, 'specs' | 'watch' | 'handlers'>> {
  /**
   * Specs to mount, as --spec takes them: a file, or `{ file, prefix }`. Default: every bundled spec (and those
   * of the API modules in `apis`).
   */
  specs?: Array<string | SpecMount>;
  /**
   * Your own API modules, served besides the bundled ones: handlers keyed by operationId, security verifiers,
   * error renderer, state and seed schema (see ApiModule). A spec binds to the module whose handlers cover most
   * of its operationIds; operations no handler covers answer from the schema.
   */
  apis?: ApiModule[];
  /** Handlers of your own by operationId (as --handlers gives them): the path of an ES module, or the object itself. */
  handlers?: string | UserHandlers;
}

export interface Mockgate {
  /** `http://127.0.0.1:<port>`: the base URL of every mounted API (`${url}/v4`, `${url}/api/v1`, …). */
  readonly url: string;
  readonly port: number;
  /** A typed client of this server's admin API; `admin.session()` gives a test its own session. */
  readonly admin: AdminClient;
  /** Stops the server and frees its port, closing keep-alive connections too; saves --state-file state if any. */
  close(): Promise<void>;
}

/** The address a client reaches a server bound to `host` at (a wildcard bind is reached on loopback). */
function reachableHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startMockgate(options: StartOptions = {}): Promise<Mockgate> {
  const { specs, apis: ownApis = [], ...rest } = options;
  const defined = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== undefined)) as Partial<AppConfig>;
  const config: AppConfig = {
    ...defaultConfig(),
    port: 0,
    logLevel: 'warn',
    ...defined,
    specs: (specs ?? []).map((s) => (typeof s === 'string' ? { file: s } : s)),
  };
  const taken = new Set(bundledApis.map((api) => api.name));
  for (const api of ownApis) {
    if (taken.has(api.name)) throw new Error(`an API named "${api.name}" is already registered; give your module another name`);
    taken.add(api.name);
  }
  const app = await createApp(config, { apis: [...bundledApis, ...ownApis] });
  let server;
  try {
    server = await app.listen();
  } catch (err) {
    await app.close();
    throw err;
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${reachableHost(config.host)}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    admin: createAdminClient(url, { adminToken: config.adminToken }),
    close: () => (closing ??= app.close()),
  };
}

export {
  createAdminClient,
  MockgateAdminError,
  SESSION_HEADER,
  type AdminClient,
  type AdminClientOptions,
  type BundledScenario,
  type CoverageReport,
  type CoverageRow,
  type Fault,
  type Health,
  type JournalEntry,
  type MockgateSession,
  type MountedSpecs,
  type RequestFilter,
  type Rule,
  type ScenarioChoice,
  type ScenarioSummary,
  type SessionInfo,
  type StateSnapshot,
} from './library/admin-client.js';
export { defaultConfig, type AppConfig, type LogLevel, type SpecMount } from './config.js';
export type { ApiModule, Handler, HandlerContext, Principal, Reply, ValidatedRequest } from './engine/types.js';
/** Handlers of your own (`--handlers`, or `handlers` here): `import type { UserHandlers } from 'mockgate'`. */
export { HandlersError, type UserHandler, type UserHandlerContext, type UserHandlers } from './user-handlers.js';
export { badRequest, conflict, ErrorCode, forbidden, MockError, notFound, unauthorized } from './engine/errors.js';
export { ListenError } from './server/listen.js';
export { ScenarioError, ScenarioNotFoundError } from './scenario/errors.js';
export { SpecError } from './engine/spec.js';

/**
 * The one typed configuration object, with every default in one place. The CLI fills it from flags and
 * MOCKGATE_* environment variables; tests build it with defaultConfig() and overrides.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the installed package (works from src/ under tsx and from dist/ once compiled). */
export const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const bundledScenariosDir = path.join(packageRoot, 'scenarios');

export interface SpecMount {
  /** Path or http(s) URL of the OpenAPI document (YAML or JSON). */
  file: string;
  /** Mount prefix; default: the path of the document's first `servers` URL. */
  prefix?: string;
  /** The registered API that serves it (`--spec file@lakefs`); default: the API it is recognised as, or none. */
  api?: string;
}

export type LogLevel = 'silent' | 'error' | 'warn' | 'info' | 'debug';
/** `json`: one JSON object per line, for machines; `pretty`: short aligned lines, for people at a terminal. */
export type LogFormat = 'json' | 'pretty';

export interface AppConfig {
  port: number;
  host: string;
  /** Specs to mount; empty means every bundled spec of every registered API. */
  specs: SpecMount[];
  /** Scenario file path, or the name of a bundled scenario (e.g. "rate-limited"). */
  scenario: string;
  /** Persist every state change to this JSON file and reload it at start. */
  stateFile?: string;
  /**
   * `redis://host:port/db`: keep session state in Redis, shared by every mockgate process pointed at it
   * (replicas behind a load balancer). Excludes stateFile.
   */
  store?: string;
  /** Seed for generated data: the same seed gives the same answers. */
  seed?: number;
  /** Answer 500 (with the violation) when a response breaks its spec, instead of only recording it. */
  strict: boolean;
  /** Reload the scenario file when it changes, keeping the last good one if the new one is invalid. */
  watch: boolean;
  /**
   * Compile every operation's validators in the background shortly after start, instead of on each operation's
   * first request (see engine/validator.ts for what each costs).
   */
  warmUp: boolean;
  /** Bearer token required on /__admin when set. */
  adminToken?: string;
  logLevel: LogLevel;
  /** How log lines look (the CLI picks `pretty` when stdout is a terminal). */
  logFormat: LogFormat;
  /** Largest accepted request body; larger ones answer 413 in the API's shape. */
  bodyLimitBytes: number;
  /** Journal entries kept per session (oldest dropped first). */
  journalLimit: number;
  /**
   * Bound on the state all sessions hold, in MB of JSON; beyond it the least recently used sessions are
   * forgotten. Default: a quarter of the V8 heap limit.
   */
  maxStateMb?: number;
  /** A session unused for this long is forgotten (milliseconds; 0: never). */
  sessionIdleMs: number;
  /** The longest a rule's stall or dribble may hold a connection, in milliseconds (then it is closed). */
  maxStallMs: number;
  /** Origins allowed by CORS on the mocked APIs ("*" echoes any origin). */
  corsOrigins: string[];
  /**
   * Host names answered besides loopback ones (patterns with `*` allowed). A server bound to loopback answers
   * only loopback names and these, so a DNS-rebinding page cannot read it; bound elsewhere, the list, when
   * given, is the only hosts answered.
   */
  allowedHosts: string[];
  /** Origins whose pages may change state through the admin API (besides the server's own, the dashboard). */
  adminOrigins: string[];
  /**
   * Handlers of your own, by operationId (src/user-handlers.ts): the path of an ES module that exports them (--handlers),
   * or, embedded, the object itself (typed as UserHandlers by the package entry; this module imports nothing).
   */
  handlers?: string | Record<string, (ctx: never) => unknown>;
}

export function defaultConfig(): AppConfig {
  return {
    port: 4010,
    host: '127.0.0.1',
    specs: [],
    scenario: path.join(bundledScenariosDir, 'default.yaml'),
    strict: false,
    watch: false,
    warmUp: false,
    logLevel: 'info',
    logFormat: 'json',
    bodyLimitBytes: 1024 * 1024,
    journalLimit: 1000,
    // A CI job's or a developer's day: long enough never to surprise a session in use, short enough to free memory.
    sessionIdleMs: 24 * 3_600_000,
    // Long enough for any client timeout a test sets, short enough that a stall never hangs a CI job for long.
    maxStallMs: 60_000,
    corsOrigins: ['*'],
    allowedHosts: [],
    adminOrigins: [],
  };
}

/**
 * Boolean flags from the environment. commander would treat any set value — "false" included — as on, which
 * turns `docker run -e MOCKGATE_STRICT=false` into strict mode.
 */
export function envFlag(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const raw = env[name];
  if (raw === undefined) return false;
  const value = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(value)) return true;
  if (['', '0', 'false', 'no', 'off'].includes(value)) return false;
  throw new Error(`${name}=${raw} is not a boolean; use true or false`);
}

/**
 * Sessions: the X-Mock-Session header picks an isolated state. A session's state is seeded lazily, the
 * first time it is used, from the scenario in force for it; reset simply forgets it.
 *
 * This is the one place that decides a session's lifecycle. Everything else kept per session (rule counters and
 * faults, the journal, coverage) joins here as a SessionMember and is told when a session is forgotten, so a
 * reset, an eviction and a scenario switch all forget the same things.
 *
 * Every distinct header value makes a session (from its first request, whether or not it ever has state), so
 * what they hold is capped, in number and in bytes: beyond `maxSessions`, or beyond `maxStateBytes` of state in
 * all, the least recently used one is forgotten — state, per-session scenario and every member's part — as if
 * it had been reset; so is one left idle longer than `idleMs`. The default session and the session in use are
 * never evicted. A client that comes back to a forgotten session is told (SessionNotice: the pipeline adds a
 * response header, the journal and the log say it), instead of silently getting a fresh seed.
 *
 * A session's size is an estimate in JSON bytes: its seed's size, measured once per scenario and API (every
 * session seeded from it is that large), plus the request bodies of its successful writes, or the size of a
 * snapshot restored into it. Without the byte bound, a 1.4 MB seed made 1 000 sessions hold 3.7 GB, and a
 * 55 MB seed exhausted the heap at 26 sessions.
 */
import v8 from 'node:v8';
import type { Faker } from '@faker-js/faker';
import type { ApiModule } from '../engine/types.js';
import type { Scenario } from '../scenario/types.js';
import type { CommitOf, SessionState, SessionStore } from './store.js';
import type { ChangeOp } from './transaction.js';

export const DEFAULT_SESSION = 'default';
export const SESSION_HEADER = 'x-mock-session';
/**
 * The same, as a query parameter: for URLs a client follows without adding headers (presigned upload URLs
 * the mock hands out, links opened in a browser). The header wins when both are present.
 */
export const SESSION_QUERY = '__session';

/**
 * Set on the first answer to a client whose session the caps forgot since its last request: why, and when
 * (`idle; at="2026-12-03T09:00:00.000Z"`). The session starts again from its scenario's seed.
 */
export const SESSION_FORGOTTEN_HEADER = 'X-Mock-Session-Forgotten';

export function sessionForgottenValue(notice: SessionNotice): string {
  return `${notice.cause}; at="${new Date(notice.forgottenAtMs).toISOString()}"`;
}

/** Sessions kept at most (least recently used first out); also the journal's, coverage's and rules' cap. */
export const DEFAULT_MAX_SESSIONS = 1000;

/**
 * Default bound on the sessions' state, in JSON bytes: a quarter of the V8 heap limit (a JSON byte of state
 * takes about two bytes of heap as objects), so state stays near half the heap whatever the machine.
 */
export function defaultMaxStateBytes(): number {
  return Math.floor(v8.getHeapStatistics().heap_size_limit / 4);
}

/** What a successful write is assumed to add beside its body (ids, dates, generated secrets). */
const WRITE_OVERHEAD_BYTES = 256;

/** Why a session is forgotten: a reset or scenario switch someone asked for, or the caps. */
export type ForgetReason = 'reset' | 'evicted';

/** Why the caps forgot a session: it was idle too long, or one too many, or the state too large. */
export type EvictionCause = 'idle' | 'session-cap' | 'state-cap';

/** What a client returning to a forgotten session is told (once): why, and when. */
export interface SessionNotice {
  cause: EvictionCause;
  forgottenAtMs: number;
}

/** Evicted sessions remembered for their notice, at most (the oldest go first): a bound, not a guarantee. */
const MAX_NOTICES = 10_000;

/** One session as GET /__admin/sessions lists it. */
export interface SessionInfo {
  name: string;
  /** Estimated JSON bytes of its state (0 before it was seeded). */
  stateBytes: number;
  /** Epoch ms of its last request (or of the start, for one loaded from --state-file and not used since). */
  lastUsedMs: number;
}

/** Something kept per session that must be forgotten with it (rule counters, journal, coverage). */
export interface SessionMember {
  /** Forget what is kept for this session, or for every session when undefined. */
  forgetSession(session: string | undefined, reason: ForgetReason): void;
}

export interface SessionDeps {
  store: SessionStore;
  apis: ApiModule[];
  now: () => Date;
  fakerFor: (purpose: string) => Faker;
  /** Default DEFAULT_MAX_SESSIONS. */
  maxSessions?: number;
  /** Default defaultMaxStateBytes(). */
  maxStateBytes?: number;
  /** A session idle longer than this is forgotten; undefined or 0: never. */
  idleMs?: number;
}

export class Sessions {
  /** Scenario per session when one was switched for that session only; otherwise the global one applies. */
  private readonly scenarioOverrides = new Map<string, Scenario>();
  /** Known sessions, least recently used first (a Set keeps insertion order). */
  private readonly recency = new Set<string>();
  /** The session touched last: consecutive requests of one session skip the reordering. */
  private lastUsed?: string;
  private readonly members: SessionMember[] = [];
  readonly maxSessions: number;
  readonly maxStateBytes: number;
  /** Estimated JSON bytes per session with state, and their sum. */
  private readonly sizes = new Map<string, number>();
  private totalBytes = 0;
  /** JSON bytes of each API's seed, per scenario: measured on the first session seeded from it. */
  private readonly seedBytes = new WeakMap<Scenario, Map<string, number>>();
  /** Epoch ms of each known session's last use: recency's order, with times. */
  private readonly lastUseMs = new Map<string, number>();
  /** Sessions the caps forgot, until their client comes back (or MAX_NOTICES newer ones push them out). */
  private readonly notices = new Map<string, SessionNotice>();
  readonly idleMs: number;

  constructor(
    private readonly deps: SessionDeps,
    private globalScenario: Scenario,
  ) {
    this.maxSessions = Math.max(1, deps.maxSessions ?? DEFAULT_MAX_SESSIONS);
    this.maxStateBytes = Math.max(1, deps.maxStateBytes ?? defaultMaxStateBytes());
    this.idleMs = deps.idleMs && deps.idleMs > 0 ? deps.idleMs : Infinity;
    const startedMs = deps.now().getTime();
    for (const name of deps.store.sessionNames()) {
      this.recency.add(name);
      this.lastUseMs.set(name, startedMs);
      this.setSize(name, jsonBytes(deps.store.get(name)));
    }
    this.evictBeyondCap();
  }

  /** Estimated bytes of state held, across sessions. */
  get stateBytes(): number {
    return this.totalBytes;
  }

  /** Counts what a successful write of `bodyBytes` added to the session (the byte bound then applies). */
  grew(session: string, bodyBytes: number): void {
    if (!this.sizes.has(session)) return;
    this.setSize(session, this.sizes.get(session)! + bodyBytes + WRITE_OVERHEAD_BYTES);
    this.evictBeyondCap();
  }

  /** Joins a per-session structure to the lifecycle: it forgets a session whenever the session is forgotten. */
  join(member: SessionMember): void {
    this.members.push(member);
  }

  /**
   * Marks a session in use — every request of it, even one that never reaches state — so that the caps count it
   * and its members' parts are forgotten with it. With `report` (a request to a mocked API), a session the caps
   * forgot since its client last used it returns why, once.
   */
  use(session: string, report = false, nowMs = this.deps.now().getTime()): SessionNotice | undefined {
    if (this.lastUsed === session) {
      this.lastUseMs.set(session, nowMs);
      return undefined;
    }
    const notice = report && !this.recency.has(session) ? this.takeNotice(session) : undefined;
    this.touch(session, nowMs);
    this.expireIdle(nowMs);
    this.evictBeyondCap();
    return notice;
  }

  /** Every session known now, least recently used first: its state's size and its last use. */
  list(): SessionInfo[] {
    this.expireIdle(this.deps.now().getTime());
    return [...this.recency].map((name) => ({ name, stateBytes: this.sizes.get(name) ?? 0, lastUsedMs: this.lastUseMs.get(name)! }));
  }

  scenarioFor(session: string): Scenario {
    return this.scenarioOverrides.get(session) ?? this.globalScenario;
  }

  /** The session's state, seeded from its scenario on first use. */
  stateOf(session: string): SessionState {
    let state = this.deps.store.get(session);
    this.touch(session);
    if (!state) {
      const scenario = this.scenarioFor(session);
      state = this.seed(scenario);
      this.deps.store.set(session, state);
      this.setSize(session, this.deps.apis.reduce((n, api) => n + this.seedSize(scenario, api.name, state![api.name]), 0));
      this.evictBeyondCap();
    }
    return state;
  }

  apiState(session: string, api: string): unknown {
    const state = this.stateOf(session);
    if (!(api in state)) {
      // An API mounted after the state file was written: seed just that API.
      const module = this.deps.apis.find((a) => a.name === api);
      const scenario = this.scenarioFor(session);
      state[api] = module ? this.seedApi(module, scenario) : {};
      this.deps.store.changed([session, api]);
      this.setSize(session, (this.sizes.get(session) ?? 0) + this.seedSize(scenario, api, state[api]));
    }
    return state[api];
  }

  /**
   * Forgets one session (or all) — its state, re-seeded from its scenario on its next request, and every member's
   * part: faults and counters, journal, coverage. A session's own scenario stays.
   */
  reset(session?: string): void {
    // A reset is asked for: nothing to tell the session's client about later.
    if (session === undefined) {
      this.deps.store.clear();
      this.recency.clear();
      this.lastUseMs.clear();
      this.notices.clear();
      this.sizes.clear();
      this.totalBytes = 0;
      this.lastUsed = undefined;
    } else {
      this.deps.store.delete(session);
      this.recency.delete(session);
      this.lastUseMs.delete(session);
      this.notices.delete(session);
      this.setSize(session, undefined);
      if (this.lastUsed === session) this.lastUsed = undefined;
    }
    for (const member of this.members) member.forgetSession(session, 'reset');
  }

  /**
   * Switches the scenario for one session, or for every session (dropping per-session overrides), and resets
   * them: a new scenario is a fresh start, whether it comes from the admin API or from --watch.
   */
  switchScenario(scenario: Scenario, session?: string): void {
    if (session === undefined) {
      this.globalScenario = scenario;
      this.scenarioOverrides.clear();
    } else {
      this.scenarioOverrides.set(session, scenario);
    }
    this.reset(session);
    if (session !== undefined) {
      this.touch(session);
      this.evictBeyondCap();
    }
  }

  /**
   * A scenario another process switched to (--store redis://: it reset what the switch resets, in Redis): in force
   * here from now on, without a reset of this process's own. Undefined for a session: its own scenario was dropped.
   */
  adoptScenario(scenario: Scenario | undefined, session?: string): void {
    if (session === undefined) {
      if (scenario) this.globalScenario = scenario;
      this.scenarioOverrides.clear();
    } else if (scenario) this.scenarioOverrides.set(session, scenario);
    else this.scenarioOverrides.delete(session);
  }

  snapshot(session: string): SessionState {
    return structuredClone(this.stateOf(session));
  }

  restore(session: string, state: SessionState): void {
    this.deps.store.set(session, structuredClone(state), true);
    this.setSize(session, jsonBytes(state));
    this.touch(session);
    this.evictBeyondCap();
  }

  names(): string[] {
    return this.deps.store.sessionNames();
  }

  /** Whether commits are saved (--state-file): a commit's change set is worth computing only then. */
  get persistent(): boolean {
    return this.deps.store.persistent;
  }

  /**
   * Saves a commit's changes, and whatever sessions changed wholesale since the last save (to --state-file, or
   * Redis). With a shared store a request's `commit` is checked against the load of the session its view was of,
   * and rejects with StateConflict when another process changed the session meanwhile (the request is re-run).
   */
  persist(ops?: ChangeOp[], commit?: CommitOf): Promise<void> {
    return this.deps.store.persist(ops, commit);
  }

  /**
   * With a shared store (Redis): brings the session's cached state up to date before a request uses it (one round
   * trip; a reload only when another process changed it). Undefined otherwise: nothing to wait for.
   */
  sync(session: string): Promise<void> | undefined {
    return this.deps.store.refresh?.(session);
  }

  /** Which load of the session's state the cache holds now (always 0 unless the store is shared). */
  generationOf(session: string): number {
    return this.deps.store.generation?.(session) ?? 0;
  }

  /** Saves what is pending and leaves --state-file as one snapshot (shutdown). */
  close(): Promise<void> {
    return this.deps.store.close();
  }

  /** Marks the session as the most recently used. */
  private touch(session: string, nowMs = this.deps.now().getTime()): void {
    this.lastUseMs.set(session, nowMs);
    if (this.lastUsed === session) return;
    this.recency.delete(session);
    this.recency.add(session);
    this.lastUsed = session;
  }

  /**
   * Forgets the sessions idle longer than idleMs. Recency is in order of last use, so the walk stops at the first
   * session still fresh (past the default one, which never expires): nothing to do costs a step or two.
   */
  private expireIdle(nowMs: number): void {
    if (this.idleMs === Infinity) return;
    for (const session of this.recency) {
      if (session === DEFAULT_SESSION) continue;
      if (nowMs - this.lastUseMs.get(session)! <= this.idleMs) break;
      // The session of a request being served was touched just before: it is never this stale.
      this.evict(session, 'idle', nowMs);
    }
  }

  /** Forgets least recently used sessions until both caps hold (never the default one, nor the one in use). */
  private evictBeyondCap(): void {
    const tooMany = () => this.recency.size > this.maxSessions;
    const over = () => tooMany() || this.totalBytes > this.maxStateBytes;
    if (!over()) return;
    const nowMs = this.deps.now().getTime();
    for (const session of this.recency) {
      if (!over()) break;
      if (session === DEFAULT_SESSION || session === this.lastUsed) continue;
      this.evict(session, tooMany() ? 'session-cap' : 'state-cap', nowMs);
    }
  }

  /** Forgets a session the caps chose, and remembers why for its client. */
  private evict(session: string, cause: EvictionCause, nowMs: number): void {
    if (this.lastUsed === session) this.lastUsed = undefined;
    this.recency.delete(session);
    this.lastUseMs.delete(session);
    this.deps.store.evict(session);
    this.setSize(session, undefined);
    this.scenarioOverrides.delete(session);
    // Shared (Redis), only this process's cache of the session is dropped: its state is not lost, nothing to tell.
    if (this.deps.store.shared) {
      for (const member of this.members) member.forgetSession(session, 'evicted');
      return;
    }
    if (this.notices.size >= MAX_NOTICES) this.notices.delete(this.notices.keys().next().value!);
    this.notices.set(session, { cause, forgottenAtMs: nowMs });
    for (const member of this.members) member.forgetSession(session, 'evicted');
  }

  private takeNotice(session: string): SessionNotice | undefined {
    const notice = this.notices.get(session);
    if (notice) this.notices.delete(session);
    return notice;
  }

  private setSize(session: string, bytes: number | undefined): void {
    this.totalBytes -= this.sizes.get(session) ?? 0;
    if (bytes === undefined) this.sizes.delete(session);
    else {
      this.sizes.set(session, bytes);
      this.totalBytes += bytes;
    }
  }

  /** The JSON size of an API's seed under a scenario, measured once (on the first state seeded from it). */
  private seedSize(scenario: Scenario, api: string, seeded: unknown): number {
    let byApi = this.seedBytes.get(scenario);
    if (!byApi) this.seedBytes.set(scenario, (byApi = new Map()));
    let bytes = byApi.get(api);
    if (bytes === undefined) byApi.set(api, (bytes = jsonBytes(seeded)));
    return bytes;
  }

  private seed(scenario: Scenario): SessionState {
    const state: SessionState = {};
    for (const api of this.deps.apis) state[api.name] = this.seedApi(api, scenario);
    return state;
  }

  private seedApi(api: ApiModule, scenario: Scenario): unknown {
    // Each API seeds from its own faker stream, so adding an API never changes another's generated ids.
    return api.createState(structuredClone(scenario.apis[api.name]), { faker: this.deps.fakerFor(`seed:${api.name}`), now: this.deps.now() });
  }
}

/** The size of a value as JSON text, in UTF-16 code units (close enough to bytes for a bound). */
function jsonBytes(value: unknown): number {
  return value === undefined ? 0 : (JSON.stringify(value)?.length ?? 0);
}

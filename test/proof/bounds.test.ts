/**
 * Proof: what a long run accumulates is bounded. Every distinct X-Mock-Session value makes a session, so the
 * sessions, their journals, coverage counts and rule counters are capped (least recently used first out), and
 * the journal is capped in entries overall. bench/soak.ts shows the effect on a million requests; these tests
 * pin the rules down.
 */
import { describe, expect, it } from 'vitest';
import { createFaker } from '../../src/engine/faker.js';
import { Coverage } from '../../src/journal/coverage.js';
import { Journal, type RecordedExchange } from '../../src/journal/journal.js';
import { RuleEngine } from '../../src/rules/rules.js';
import type { Scenario } from '../../src/scenario/types.js';
import { DEFAULT_SESSION, Sessions } from '../../src/state/sessions.js';
import { StateStore } from '../../src/state/store.js';
import { widgetsApi } from '../support/widgets-api.js';

const scenario: Scenario = { name: 'bounds', apis: { widgets: { widgets: [{ name: 'sprocket', color: 'red' }] } }, rules: [] };

async function sessions(maxSessions: number, maxStateBytes?: number, seed: Scenario = scenario) {
  const store = await StateStore.open();
  const evicted: string[] = [];
  const s = new Sessions({ store, apis: [widgetsApi], now: () => new Date(0), fakerFor: (p) => createFaker(1, p), maxSessions, maxStateBytes }, seed);
  s.join({ forgetSession: (name, reason) => reason === 'evicted' && evicted.push(name!) });
  return { s, store, evicted };
}

const widgets = (s: Sessions, session: string) => (s.apiState(session, 'widgets') as { widgets: Record<string, unknown> }).widgets;

describe('the session cap', () => {
  it('forgets the least recently used session beyond the cap, as if it had been reset', async () => {
    const { s, evicted } = await sessions(3);
    widgets(s, 'a').made = { name: 'made', color: 'blue' };
    widgets(s, 'b');
    widgets(s, 'c');
    widgets(s, 'd');
    expect(evicted).toEqual(['a']);
    expect(s.names().sort()).toEqual(['b', 'c', 'd']);
    // Using it again seeds it afresh from the scenario.
    expect(Object.keys(widgets(s, 'a'))).toEqual(['sprocket']);
    expect(evicted).toEqual(['a', 'b']);
  });

  it('keeps a session that is in use, whatever its age', async () => {
    const { s, evicted } = await sessions(3);
    for (const name of ['a', 'b', 'c']) widgets(s, name);
    widgets(s, 'a'); // a is now the most recently used
    widgets(s, 'd');
    expect(evicted).toEqual(['b']);
  });

  it('tells the client of a session the caps forgot why, on its next request only', async () => {
    const { s } = await sessions(2);
    s.use('a', true);
    s.use('b', true);
    s.use('c', true);
    expect(s.use('a', true)).toEqual({ cause: 'session-cap', forgottenAtMs: 0 });
    expect(s.use('a', true)).toBeUndefined();
    // The admin API's use of a session reports nothing, and leaves the notice for the client's next request.
    s.use('d');
    s.use('e');
    expect(s.use('b')).toBeUndefined();
    expect(s.use('c', true)).toEqual({ cause: 'session-cap', forgottenAtMs: 0 });
  });

  it('names the state cap when bytes forgot the session', async () => {
    const { s } = await sessions(1000, 155_000);
    widgets(s, 'a');
    const big = { widgets: { keys: [], widgets: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`w${i}`, { name: `w${i}`, color: 'red' }])) } };
    s.restore('huge', big);
    s.use('next', true);
    expect(s.use('a', true)).toEqual({ cause: 'state-cap', forgottenAtMs: 0 });
  });

  it('never evicts the default session', async () => {
    const { s, evicted } = await sessions(2);
    widgets(s, DEFAULT_SESSION).mine = { name: 'mine', color: 'green' };
    for (let i = 0; i < 10; i++) widgets(s, `s${i}`);
    expect(evicted).not.toContain(DEFAULT_SESSION);
    expect(Object.keys(widgets(s, DEFAULT_SESSION))).toEqual(['sprocket', 'mine']);
    expect(s.names()).toHaveLength(2);
  });

  it('counts a restored snapshot and a per-session scenario as use, within the cap', async () => {
    const { s, evicted } = await sessions(2);
    s.restore('r', { widgets: { keys: [], widgets: {} } });
    s.switchScenario({ ...scenario, name: 'other' }, 'w');
    widgets(s, 'x');
    expect(evicted).toEqual(['r']);
    // w has its own scenario but no state yet (seeded on first use); it is kept all the same.
    expect(s.scenarioFor('w').name).toBe('other');
    widgets(s, 'w');
    expect(evicted).toEqual(['r']);
    expect(s.names().sort()).toEqual(['w', 'x']);
  });
});

describe('the byte bound on sessions', () => {
  // About 60 KB of JSON per session seeded from it.
  const heavy: Scenario = {
    name: 'heavy',
    apis: { widgets: { widgets: Array.from({ length: 1000 }, (_, i) => ({ name: `widget-${String(i).padStart(5, '0')}`, color: 'red' })) } },
    rules: [],
  };

  it('holds at most maxStateBytes of state, forgetting the least recently used sessions', async () => {
    const { s, evicted } = await sessions(1000, 500_000, heavy);
    for (let i = 0; i < 40; i++) widgets(s, `s${i}`);
    const perSession = s.stateBytes / s.names().length;
    expect(perSession).toBeGreaterThan(40_000);
    expect(s.stateBytes).toBeLessThanOrEqual(500_000);
    expect(s.names().length).toBeLessThan(10);
    expect(evicted.slice(0, 3)).toEqual(['s0', 's1', 's2']);
    expect(s.names()).toContain('s39');
  });

  it('counts what writes add, and a restored snapshot by its size', async () => {
    const { s, evicted } = await sessions(1000, 155_000);
    widgets(s, 'a');
    widgets(s, 'b');
    const before = s.stateBytes;
    s.grew('a', 10_000);
    expect(s.stateBytes).toBe(before + 10_000 + 256);
    s.restore('big', { widgets: { keys: [], widgets: { huge: { name: 'x'.repeat(150_000), color: 'red' } } } });
    expect(evicted).toEqual(['a']);
    s.reset();
    expect(s.stateBytes).toBe(0);
  });

  it('never evicts the default session or the one in use, even when either alone is over the bound', async () => {
    const { s, evicted } = await sessions(1000, 10_000, heavy);
    widgets(s, DEFAULT_SESSION);
    widgets(s, 'x');
    widgets(s, 'y');
    expect(evicted).toEqual(['x']);
    expect(s.names().sort()).toEqual([DEFAULT_SESSION, 'y']);
  });
});

describe('seeding', () => {
  it('is linear: 150 000 users in one group, each with a credential, and 60 000 TileDB credentials in one scope', async () => {
    const { lakefs } = await import('../../src/apis/lakefs/index.js');
    const { tiledb } = await import('../../src/apis/tiledb/index.js');
    const ctx = { faker: createFaker(1, 'seed'), now: new Date(0) };
    const users = Array.from({ length: 150_000 }, (_, i) => ({ id: `u${i}`, groups: ['big'], credentials: [{ accessKeyId: `AKIAJ${i}`, secretAccessKey: 's' }] }));
    const state = lakefs.createState({ groups: [{ id: 'big' }], users }, ctx) as { groupMembers: Record<string, string[]> };
    expect(state.groupMembers.big).toHaveLength(150_000);
    const credentials = Array.from({ length: 60_000 }, (_, i) => ({
      workspace: 'acme', name: `c${i}`, provider: 'AWS', credential: { aws: { access_key_id: 'AKIAEXAMPLE', secret_access_key: 's' } },
    }));
    const tiledbState = tiledb.createState({ workspaces: [{ name: 'acme' }], credentials }, ctx) as { credentials: unknown[] };
    expect(tiledbState.credentials).toHaveLength(60_000);
  });
});

const exchange = (session: string, n: number): RecordedExchange => ({
  timeMs: 0,
  session,
  requestId: `r${n}`,
  method: 'GET',
  path: `/p/${n}`,
  query: {},
  status: 200,
  durationMs: 1,
  source: 'handler',
  rules: [],
  explicit: false,
  request: { headers: {}, bodyBytes: 0 },
  response: { headers: {}, bodyBytes: 0 },
});

describe('the journal', () => {
  it('keeps the last journalLimit entries of a session', () => {
    const journal = new Journal(3);
    for (let n = 1; n <= 5; n++) journal.record(exchange('a', n));
    expect(journal.list({ session: 'a' }).map((e) => e.path)).toEqual(['/p/5', '/p/4', '/p/3']);
    expect(journal.size).toBe(3);
  });

  it('keeps at most maxEntries in all, taking the oldest entries of the least recent session first', () => {
    const journal = new Journal(10, { maxEntries: 4 });
    for (let n = 1; n <= 3; n++) journal.record(exchange('a', n));
    for (let n = 4; n <= 6; n++) journal.record(exchange('b', n));
    expect(journal.size).toBe(4);
    expect(journal.list().map((e) => e.path)).toEqual(['/p/6', '/p/5', '/p/4', '/p/3']);
  });

  it('keeps its buffers within maxBytes: past it, a session holds fewer entries rather than grow', () => {
    const journal = new Journal(1000, { maxBytes: 64 * 1024 });
    const body = 'x'.repeat(4000);
    for (let n = 1; n <= 100; n++) journal.record({ ...exchange('a', n), response: { headers: {}, bodyText: body, bodyBytes: body.length } });
    // About 4 KB each: 64 KiB holds fifteen, the newest.
    const kept = journal.list({ session: 'a' }).map((e) => Number(e.path.slice(3)));
    expect(kept.length).toBeGreaterThan(10);
    expect(kept.length).toBeLessThan(17);
    expect(journal.size).toBe(kept.length);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => 100 - i));
  });

  it('counts only what it keeps: an entry larger than the budget lets a buffer grow is not counted', () => {
    const journal = new Journal(10, { maxBytes: 64 * 1024 });
    journal.record(exchange('a', 1));
    const headers = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`x-h${i}`, 'z'.repeat(4000)]));
    journal.record({ ...exchange('a', 2), request: { headers, bodyBytes: 0 } });
    expect(journal.size).toBe(journal.list().length);
  });

  it('gives a session room for its whole ring when the budget allows', () => {
    const journal = new Journal(1000);
    const body = 'y'.repeat(4000);
    for (let n = 1; n <= 1200; n++) journal.record({ ...exchange('a', n), response: { headers: {}, bodyText: body, bodyBytes: body.length } });
    expect(journal.size).toBe(1000);
    const paths = journal.list({ session: 'a' }).map((e) => e.path);
    expect([paths[0], paths[999]]).toEqual(['/p/1200', '/p/201']);
    expect(journal.list({ session: 'a', limit: 1 })[0]!.response.body).toBe('[4000 bytes, not JSON]');
  });

  it('does not keep header values longer than 4096 characters', () => {
    const journal = new Journal(1);
    const headers = { authorization: 'Bearer x', 'x-big': 'y'.repeat(64 * 1024) };
    journal.record({ ...exchange('a', 1), request: { headers, bodyBytes: 0 } });
    expect(journal.list()[0]!.request.headers).toEqual({ authorization: '[redacted]', 'x-big': '[65536 characters, not kept]' });
  });

  it('shows the time it was given, as ISO text', () => {
    const journal = new Journal(1);
    journal.record({ ...exchange('a', 1), timeMs: Date.parse('2026-01-02T03:04:05.006Z') });
    expect(journal.list()[0]!.time).toBe('2026-01-02T03:04:05.006Z');
  });
});

describe('one lifecycle for everything kept per session', () => {
  /** Sessions with the journal, coverage and rule counters joined, as app.ts joins them. */
  async function joined(maxSessions: number) {
    const { s } = await sessions(maxSessions);
    const journal = new Journal(10);
    const coverage = new Coverage([{ api: 'w', operationId: 'op', method: 'get', path: '/x', declared: ['200'] }]);
    const rules = new RuleEngine(() => [], () => 0, { maxStallMs: 1000 });
    s.join(journal);
    s.join(coverage);
    s.join(rules);
    /** One request of a session, as the pipeline records it. */
    const request = (session: string, n: number) => {
      s.use(session);
      journal.record(exchange(session, n));
      coverage.record(session, 'w', 'op', 200);
    };
    return { s, journal, coverage, rules, request };
  }

  it('the session cap forgets a session\'s journal, coverage and faults with it, even one that never had state', async () => {
    const { journal, coverage, rules, request } = await joined(2);
    rules.addFault('a', { status: 503 });
    request('a', 1);
    request('b', 2);
    request('a', 3); // a is now the most recent
    request('c', 4); // b goes
    expect(journal.list().map((e) => e.session)).toEqual(['c', 'a', 'a']);
    expect(coverage.report('b')[0]!.served).toEqual({});
    expect(coverage.report()[0]!.served).toEqual({ 200: 3 });
    expect(rules.pendingFaults('a')).toHaveLength(1);
    request('d', 5); // a goes
    expect(rules.pendingFaults('a')).toHaveLength(0);
    expect(journal.list().map((e) => e.session)).toEqual(['d', 'c']);
  });

  it('a reset and a scenario switch forget the same things as an eviction', async () => {
    const { s, journal, coverage, rules, request } = await joined(10);
    for (const name of ['r', 'w']) {
      request(name, 1);
      rules.addFault(name, { status: 503 });
    }
    s.reset('r');
    s.switchScenario({ ...scenario, name: 'other' }, 'w');
    for (const name of ['r', 'w']) {
      expect(journal.list({ session: name })).toEqual([]);
      expect(coverage.report(name)[0]!.served).toEqual({});
      expect(rules.pendingFaults(name)).toEqual([]);
    }
    expect(s.scenarioFor('w').name).toBe('other');
  });

  it('answers "nothing fired" without allocating when no rule or fault applies', () => {
    const rules = new RuleEngine(() => [], () => 0, { maxStallMs: 1000 });
    const request = { api: 'w', operationId: 'op', method: 'GET', path: '/x', clientAddress: '::1', session: 's' };
    const first = rules.evaluate(request);
    expect(rules.evaluate(request)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(first).toEqual({ delayMs: 0, headers: {}, fired: [] });
  });
});

/**
 * Contract coverage: for each session, which operation × status the mock actually served, next to what
 * each operation declares — so a CI job can see which 401 / 409 / 429 paths its SDK never exercised.
 */
export interface CoverageOperation {
  api: string;
  operationId: string;
  method: string;
  path: string;
  declared: string[];
}

export interface CoverageRow extends CoverageOperation {
  /** Status (or the transport fault a request got instead of a whole answer: reset, truncate, …) → times served. */
  served: Record<string, number>;
  /** Declared statuses never served ("default" and "4XX" ranges count as covered by any matching status). */
  missing: string[];
}

/**
 * What the observers and the admin API use of coverage: the in-memory Coverage below, or the one replicas
 * aggregate in Redis (src/replicas/coverage.ts), whose reports are promises.
 */
export interface CoverageCounter {
  record(session: string, api: string, operationId: string, status: number | string): void;
  report(session?: string): CoverageRow[] | Promise<CoverageRow[]>;
  clear(session?: string): void | Promise<void>;
  forgetSession(session: string | undefined, reason?: 'reset' | 'evicted'): void;
}

export class Coverage implements CoverageCounter {
  /**
   * session → "api operationId" → status or transport fault → count. Bounded by sessions × operations × statuses: the session cap
   * decides how many sessions there are, and tells coverage (forgetSession) when one is forgotten.
   */
  private readonly counts = new Map<string, Map<string, Map<number | string, number>>>();
  /** "api operationId" per API and operation, made once rather than per request. */
  private readonly keys = new Map<string, Map<string, string>>();

  constructor(private readonly operations: CoverageOperation[]) {}

  record(session: string, api: string, operationId: string, status: number | string): void {
    let bySession = this.counts.get(session);
    if (!bySession) this.counts.set(session, (bySession = new Map()));
    const key = this.keyOf(api, operationId);
    let byStatus = bySession.get(key);
    if (!byStatus) bySession.set(key, (byStatus = new Map()));
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  }

  private keyOf(api: string, operationId: string): string {
    let byOperation = this.keys.get(api);
    if (!byOperation) this.keys.set(api, (byOperation = new Map()));
    let key = byOperation.get(operationId);
    if (key === undefined) byOperation.set(operationId, (key = `${api} ${operationId}`));
    return key;
  }

  /** A session is forgotten (the session cap, a reset): so are its counts. */
  forgetSession(session: string | undefined): void {
    this.clear(session);
  }

  clear(session?: string): void {
    if (session === undefined) this.counts.clear();
    else this.counts.delete(session);
  }

  report(session?: string): CoverageRow[] {
    const sessions = session !== undefined ? [session] : [...this.counts.keys()];
    return this.operations.map((op) => {
      const served: Record<string, number> = {};
      for (const s of sessions) {
        for (const [status, n] of this.counts.get(s)?.get(`${op.api} ${op.operationId}`) ?? []) {
          served[status] = (served[status] ?? 0) + n;
        }
      }
      // Transport faults cover no declared status.
      const statuses = Object.keys(served).map(Number).filter(Number.isInteger);
      const missing = op.declared.filter((d) => !statuses.some((s) => statusCovers(d, s)));
      return { ...op, served, missing };
    });
  }
}

/** Whether a served status counts for a declared one ("4XX" and "default" cover several). */
export function statusCovers(declared: string, status: number): boolean {
  if (declared === 'default') return status >= 400;
  if (/^\dxx$/i.test(declared)) return Math.floor(status / 100) === Number(declared[0]);
  return Number(declared) === status;
}

/** JUnit XML: one test case per operation × declared status, failed when never served. */
export function coverageToJUnit(rows: CoverageRow[], session: string | undefined): string {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const byApi = new Map<string, CoverageRow[]>();
  for (const row of rows) byApi.set(row.api, [...(byApi.get(row.api) ?? []), row]);
  const suites = [...byApi].map(([api, apiRows]) => {
    const cases = apiRows.flatMap((row) =>
      row.declared.map((status) => {
        const name = esc(`${row.operationId} ${status}`);
        const classname = esc(`${api}.${row.operationId}`);
        return row.missing.includes(status)
          ? `    <testcase classname="${classname}" name="${name}"><failure message="${esc(`${row.method.toUpperCase()} ${row.path} never answered ${status}`)}"/></testcase>`
          : `    <testcase classname="${classname}" name="${name}"/>`;
      }),
    );
    const failures = apiRows.reduce((n, r) => n + r.missing.length, 0);
    return `  <testsuite name="${esc(`mockgate coverage: ${api}${session ? ` (session ${session})` : ''}`)}" tests="${cases.length}" failures="${failures}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n${suites.join('\n')}\n</testsuites>\n`;
}

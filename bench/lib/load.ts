/** One autocannon run against one server, reduced to what the report shows. */
import autocannon from 'autocannon';
import type { Probe } from './processes.js';

export interface LoadOptions {
  connections: number;
  durationSeconds: number;
  /** Called per request to build a unique body (createUser with unique ids). */
  uniqueBody?: (n: number) => string;
}

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  total: number;
  /** Answers outside 2xx, plus connection errors and timeouts: a run with any is flagged in the report. */
  bad: number;
  statuses: Record<string, number>;
  /** Resident memory of the server right after this run, MB (filled in by the caller). */
  rssAfter?: number;
}

/** Shared by every run of the process, so unique bodies stay unique across warm-ups, rounds and servers. */
let uniqueCounter = 0;

export async function runLoad(origin: string, probe: Probe, options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: origin,
    connections: options.connections,
    duration: options.durationSeconds,
    requests: [
      {
        method: probe.method,
        path: probe.path,
        headers: probe.headers,
        body: probe.body,
        ...(options.uniqueBody ? { setupRequest: (request) => ({ ...request, body: options.uniqueBody!(uniqueCounter++) }) } : {}),
      },
    ],
  });
  const statuses: Record<string, number> = {};
  for (const [status, { count }] of Object.entries(result.statusCodeStats ?? {})) statuses[status] = Number(count);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    bad: result.non2xx + result.errors + result.timeouts,
    statuses,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

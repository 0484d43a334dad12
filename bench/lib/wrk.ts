/**
 * wrk (Debian's package), the load generator of bench/limit.ts: a C program with one thread, pinned to its own
 * core with taskset, so that the server under test has the other core to itself and the load generator costs it
 * nothing (autocannon is a busy Node process on the same cores; it hid how far mockgate is from the limit).
 */
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

export interface WrkResult {
  requestsPerSecond: number;
  /** Latency percentiles in milliseconds. */
  p50: number;
  p99: number;
  /** Answers that were not 2xx / 3xx (wrk's "Non-2xx or 3xx responses"), and socket errors. */
  non2xx: number;
  errors: number;
}

export interface WrkRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** A body; `{{n}}` in it is replaced by a per-request counter (unique ids for creates). */
  body?: string;
}

export function wrkAvailable(): string | undefined {
  if (spawnSync('wrk', ['--version']).error) return 'wrk is not installed (apt-get install wrk)';
  if (spawnSync('taskset', ['--version']).error) return 'taskset is not installed (util-linux)';
  return undefined;
}

/** A Lua script for wrk that sends the request, with a counter in the body when it has `{{n}}`. */
function luaScript(dir: string, request: WrkRequest): string {
  const headers = Object.entries(request.headers)
    .map(([name, value]) => `wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`)
    .join('\n');
  const body = request.body ?? '';
  const [before, after] = body.includes('{{n}}') ? body.split('{{n}}', 2) : [body, undefined];
  const lua = [
    `wrk.method = ${JSON.stringify(request.method)}`,
    `wrk.path = ${JSON.stringify(request.path)}`,
    headers,
    after === undefined
      ? `wrk.body = ${JSON.stringify(before)}`
      : [
          // One Lua state per wrk thread (one thread here): a counter after a tag of this run, so that ids repeat
          // neither within a run nor across runs (Lua's math.random is unseeded: every wrk process would agree).
          'local counter = 0',
          `local prefix = ${JSON.stringify(Math.random().toString(36).slice(2, 10))}`,
          'request = function()',
          '  counter = counter + 1',
          `  local body = ${JSON.stringify(before)} .. prefix .. "-" .. counter .. ${JSON.stringify(after)}`,
          '  return wrk.format(nil, nil, nil, body)',
          'end',
        ].join('\n'),
  ].join('\n');
  const file = path.join(dir, `wrk-${Math.random().toString(36).slice(2)}.lua`);
  writeFileSync(file, lua);
  return file;
}

/** Runs `taskset -c <core> wrk -t1 -c<connections> -d<seconds>s --latency` against origin. */
export function runWrk(origin: string, request: WrkRequest, options: { seconds: number; connections: number; core: number; scratch: string }): Promise<WrkResult> {
  const script = luaScript(options.scratch, request);
  const args = ['-c', String(options.core), 'wrk', '-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--latency', '--timeout', '10s', '-s', script, origin];
  return new Promise((resolve, reject) => {
    const child = spawn('taskset', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`wrk exited with ${code}:\n${out}`));
      resolve(parseWrk(out));
    });
  });
}

const ms = (value: string, unit: string) => Number(value) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[unit]!;

export function parseWrk(text: string): WrkResult {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(text)?.[1]);
  // The latency distribution's lines read "     99%   12.34ms".
  const pct = (p: string) => {
    const line = text.split('\n').find((l) => l.trim().startsWith(`${p}%`));
    const m = line ? /([\d.]+)(us|ms|s)$/.exec(line.trim()) : null;
    return m ? ms(m[1]!, m[2]!) : NaN;
  };
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(text)?.[1] ?? 0);
  const errs = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  const errors = errs ? errs.slice(1).reduce((n, v) => n + Number(v), 0) : 0;
  if (!Number.isFinite(rps)) throw new Error(`could not read wrk's output:\n${text}`);
  return { requestsPerSecond: rps, p50: pct('50'), p99: pct('99'), non2xx, errors };
}

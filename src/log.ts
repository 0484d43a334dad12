/**
 * The process's logger: pino, with secrets redacted, in one of two formats.
 *
 * - `json` (for machines; the default when stdout is not a terminal): pino's own lines, one JSON object each.
 * - `pretty` (for people; the default at a terminal): the same records as short aligned lines, formatted here.
 *
 * Why not pino-pretty: it brings thirteen packages and, used as pino recommends, a worker thread, to do what
 * the forty lines below do for the handful of record shapes mockgate writes. The formatter costs a JSON.parse
 * per line, and only in pretty mode, where a person is reading; `json` writes straight to stdout as before.
 * At `warn` nothing is logged per request, so neither format adds work to the request path then.
 */
import pino from 'pino';
import type { LogFormat, LogLevel } from './config.js';

export const REDACT = ['*.headers.authorization', '*.headers.cookie'];

export interface LoggerOptions {
  level: LogLevel;
  format: LogFormat;
  /** Where lines go (default: stdout). */
  destination?: { write(text: string): unknown };
  /** Colour pretty lines (default: when the destination is stdout and it is a terminal, unless NO_COLOR is set). */
  color?: boolean;
}

export function createLogger(options: LoggerOptions): pino.Logger {
  const base = { level: options.level, redact: REDACT };
  if (options.format === 'json') return options.destination ? pino(base, options.destination as pino.DestinationStream) : pino(base);
  const out = options.destination ?? process.stdout;
  const color = options.color ?? (out === process.stdout && process.stdout.isTTY === true && !process.env.NO_COLOR);
  const format = prettyLine(color);
  return pino({ ...base, base: undefined }, { write: (line: string) => void out.write(format(line)) });
}

/** The format the CLI picks when none is given: pretty for a terminal, JSON for a pipe, a file or a collector. */
export function defaultLogFormat(stream: { isTTY?: boolean } = process.stdout): LogFormat {
  return stream.isTTY ? 'pretty' : 'json';
}

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const COLORS: Record<number, string> = { 20: '\x1b[90m', 30: '\x1b[32m', 40: '\x1b[33m', 50: '\x1b[31m', 60: '\x1b[31m' };
/** Fields the pretty line shows in its own place, not as key=value. */
const PLACED = new Set(['level', 'time', 'msg', 'method', 'path', 'status', 'durationMs', 'operationId', 'session', 'source', 'hostname', 'pid']);

/**
 * One pino JSON line → `12:03:04.123 INFO  GET /api/v1/user 200 1.2ms getCurrentUser [session s1]`, or, for any
 * other record, `… WARN  message key=value …`. Rules that fired and validation issues (at `debug`) follow indented.
 */
export function prettyLine(color: boolean): (line: string) => string {
  const paint = (code: string, text: string) => (color ? `${code}${text}\x1b[0m` : text);
  return (line) => {
    let rec: Record<string, unknown>;
    try {
      rec = JSON.parse(line);
    } catch {
      return line;
    }
    const level = Number(rec.level);
    const time = new Date(typeof rec.time === 'number' ? rec.time : Date.now()).toISOString().slice(11, 23);
    const head = `${paint('\x1b[90m', time)} ${paint(COLORS[level] ?? '', (LEVELS[level] ?? String(level)).padEnd(5))}`;
    let text: string;
    if (typeof rec.method === 'string' && typeof rec.status === 'number') {
      const status = rec.status >= 500 ? paint('\x1b[31m', String(rec.status)) : rec.status >= 400 ? paint('\x1b[33m', String(rec.status)) : String(rec.status);
      const ms = typeof rec.durationMs === 'number' ? ` ${rec.durationMs.toFixed(1)}ms` : '';
      const op = rec.operationId ? ` ${rec.operationId}` : '';
      const session = rec.session && rec.session !== 'default' ? ` [session ${rec.session}]` : '';
      const source = rec.source && rec.source !== 'handler' ? ` (${rec.source})` : '';
      text = `${rec.method} ${rec.path} ${status}${ms}${op}${source}${session}`;
    } else {
      text = typeof rec.msg === 'string' ? rec.msg : '';
    }
    const details: string[] = [];
    const extras: string[] = [];
    for (const [key, value] of Object.entries(rec)) {
      if (PLACED.has(key) || (key === 'msg' && typeof rec.method === 'string')) continue;
      if (Array.isArray(value) && value.length && typeof value[0] === 'object') {
        for (const item of value) details.push(`    ${key}: ${JSON.stringify(item)}`);
      } else {
        const shown = typeof value === 'string' ? value : Array.isArray(value) && value.every((v) => typeof v === 'string') ? value.join(',') : JSON.stringify(value);
        extras.push(`${key}=${shown}`);
      }
    }
    return `${head} ${text}${extras.length ? ` ${paint('\x1b[90m', extras.join(' '))}` : ''}\n${details.map((d) => `${paint('\x1b[90m', d)}\n`).join('')}`;
  };
}

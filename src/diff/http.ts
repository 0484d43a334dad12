/**
 * Building a step's request from the script and one side's variables, and sending it with node:http(s).
 * node:http rather than fetch: fetch adds headers of its own (Accept, Accept-Language, Sec-Fetch-Mode,
 * User-Agent, Accept-Encoding), follows redirects and decompresses, and a differential runner must send both
 * servers exactly what the script says and see exactly what they answer (a 302's Location, every Set-Cookie).
 */
import http from 'node:http';
import https from 'node:https';
import { trimTrailingSlashes } from '../engine/text.js';
import type { Credentials, DiffScript, DiffStep } from './script.js';

/** What was sent: the transcript keeps it (with credentials redacted) so a replay can tell a changed script. */
export interface SentRequest {
  method: string;
  /** base + the step's path, placeholders filled. */
  path: string;
  query?: Record<string, string | string[]>;
  headers: Record<string, string>;
  bodyText?: string;
}

/** An answer: headers by lower-case name; set-cookie always a list. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[]>;
  bodyText: string;
}

/** A {{var}} the step needs that this side never captured (an earlier answer lacked it). */
export class MissingVariableError extends Error {
  constructor(readonly variable: string) {
    super(`{{${variable}}} was not captured`);
  }
}

/** No answer: the connection was refused, reset, or timed out. */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** Fills `{{name}}` placeholders; `encode` percent-encodes the values (for paths). */
export function fill(text: string, vars: Record<string, string>, encode = false): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new MissingVariableError(name);
    return encode ? encodeURIComponent(value) : value;
  });
}

function fillDeep(value: unknown, vars: Record<string, string>): unknown {
  if (typeof value === 'string') return fill(value, vars);
  if (Array.isArray(value)) return value.map((v) => fillDeep(v, vars));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [fill(k, vars), fillDeep(v, vars)]));
  return value;
}

function setHeader(headers: Record<string, string>, name: string, value: string): void {
  for (const existing of Object.keys(headers)) if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
  headers[name] = value;
}

const hasHeader = (headers: Record<string, string>, name: string) => Object.keys(headers).some((h) => h.toLowerCase() === name.toLowerCase());

/** The request a step makes with these variables, and the same headers with credentials redacted to their kind. */
export function buildRequest(script: DiffScript, step: DiffStep, vars: Record<string, string>): { request: SentRequest; redacted: Record<string, string> } {
  const headers: Record<string, string> = {};
  const redacted: Record<string, string> = {};
  const put = (name: string, value: string, shown = value) => {
    setHeader(headers, name, value);
    setHeader(redacted, name, shown);
  };
  for (const [name, value] of Object.entries(script.headers)) put(fill(name, vars), fill(value, vars));
  for (const [name, value] of Object.entries(step.headers ?? {})) if (value !== null) put(fill(name, vars), fill(value, vars));
  const credentials = (fillDeep(step.credentials ?? script.credentials, vars) as Credentials | undefined) ?? { none: true };
  if ('basic' in credentials) put('Authorization', `Basic ${Buffer.from(`${credentials.basic[0]}:${credentials.basic[1]}`).toString('base64')}`, 'Basic <redacted>');
  else if ('bearer' in credentials) put('Authorization', `Bearer ${credentials.bearer}`, 'Bearer <redacted>');
  else if ('header' in credentials) for (const [name, value] of Object.entries(credentials.header)) put(name, value, '<redacted>');

  let bodyText: string | undefined;
  if (step.body !== undefined) {
    bodyText = JSON.stringify(fillDeep(step.body, vars));
    if (!hasHeader(headers, 'content-type')) put('Content-Type', 'application/json');
  } else if (step.bodyText !== undefined) {
    bodyText = fill(step.bodyText, vars);
  } else if (step.form !== undefined) {
    bodyText = new URLSearchParams(Object.entries(fillDeep(step.form, vars) as Record<string, unknown>).map(([k, v]): [string, string] => [k, String(v)])).toString();
    if (!hasHeader(headers, 'content-type')) put('Content-Type', 'application/x-www-form-urlencoded');
  }

  for (const [name, value] of Object.entries(step.headers ?? {})) {
    if (value !== null) continue;
    for (const existing of Object.keys(headers)) if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
    for (const existing of Object.keys(redacted)) if (existing.toLowerCase() === name.toLowerCase()) delete redacted[existing];
  }

  let query: Record<string, string | string[]> | undefined;
  if (step.query) {
    query = {};
    for (const [k, v] of Object.entries(step.query)) query[fill(k, vars)] = Array.isArray(v) ? v.map((one) => fill(String(one), vars)) : fill(String(v), vars);
  }
  const request: SentRequest = { method: step.method, path: script.base + fill(step.path, vars, true), headers, ...(query ? { query } : {}), ...(bodyText !== undefined ? { bodyText } : {}) };
  return { request, redacted };
}

/** `path?query` of a request. */
export function target(request: Pick<SentRequest, 'path' | 'query'>): string {
  if (!request.query || Object.keys(request.query).length === 0) return request.path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(request.query)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
  return `${request.path}?${params}`;
}

/** Sends a request to a server (its base URL: scheme, host, port and an optional path prefix). */
export function send(baseUrl: string, request: SentRequest, timeoutMs = 30_000): Promise<Answer> {
  const url = new URL(trimTrailingSlashes(baseUrl) + target(request));
  const client = url.protocol === 'https:' ? https : http;
  const body = request.bodyText === undefined ? undefined : Buffer.from(request.bodyText);
  const headers: Record<string, string> = { ...request.headers };
  if (body && !hasHeader(headers, 'content-length')) headers['Content-Length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const req = client.request(url, { method: request.method, headers, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', (err: NodeJS.ErrnoException) => reject(new TransportError(`the answer broke off (${err.code ?? err.message})`, err.code ?? 'ERROR')));
      res.on('end', () => {
        const answerHeaders: Record<string, string | string[]> = {};
        for (const [name, value] of Object.entries(res.headers)) {
          if (value === undefined) continue;
          answerHeaders[name] = name === 'set-cookie' ? [value].flat() : Array.isArray(value) ? value.join(', ') : value;
        }
        resolve({ status: res.statusCode ?? 0, headers: answerHeaders, bodyText: Buffer.concat(chunks).toString('utf8') });
      });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    req.on('error', (err: NodeJS.ErrnoException) => reject(new TransportError(err.message, err.code ?? 'ERROR')));
    req.end(body);
  });
}

/** A Set-Cookie line's cookie name. */
export function cookieName(line: string): string {
  const pair = line.split(';', 1)[0]!;
  const eq = pair.indexOf('=');
  return (eq < 0 ? pair : pair.slice(0, eq)).trim();
}

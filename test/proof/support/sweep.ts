/**
 * A request sweep over a mounted spec: one request per operation, built from the operation's own schemas (path,
 * required query / header / cookie parameters, a JSON or form body, and a credential for its first security
 * requirement), so what comes back is the mock's answer, not a refusal of a broken request.
 */
import { generateSync } from 'json-schema-faker';
import type supertest from 'supertest';
import type { Mount } from '../../../src/engine/mount.js';
import type { Operation } from '../../../src/engine/spec.js';
import { decycle } from '../../../src/engine/validator.js';

export interface SweepAnswer {
  operationId: string;
  method: string;
  path: string;
  status: number;
  body: string;
  contentType?: string;
}

const value = (schema: unknown, seed: number, optionals = false): unknown => {
  if (!schema || typeof schema !== 'object') return 'x';
  try {
    return generateSync(decycle(schema) as any, { seed, maxDepth: 4, refDepthMax: 2, alwaysFakeOptionals: optionals, optionalsProbability: optionals ? 1 : 0, validateSchemaVersion: false } as any);
  } catch {
    return 'x';
  }
};

const text = (v: unknown): string => {
  if (Array.isArray(v)) return v.map(text).join(',');
  if (v && typeof v === 'object') return Object.entries(v).map(([k, x]) => `${k},${text(x)}`).join(',');
  return v === null || v === undefined ? '' : String(v);
};

/** A request for the operation, under the mount's prefix. */
export function requestFor(mount: Mount, op: Operation, seed = 1) {
  let path = op.pathTemplate;
  const query: Record<string, string | string[]> = {};
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (const p of op.parameters) {
    const schema = p.schema ?? (p as any).content?.['application/json']?.schema;
    const v = value(schema, seed);
    if (p.in === 'path') path = path.split(`{${p.name}}`).join(encodeURIComponent(text(v) || 'x'));
    else if (!p.required) continue;
    else if (p.in === 'query') query[p.name] = Array.isArray(v) ? v.map(text) : (p as any).content ? JSON.stringify(v) : text(v);
    else if (p.in === 'header') headers[p.name] = (p as any).content ? JSON.stringify(v) : text(v) || 'x';
    else if (p.in === 'cookie') cookies.push(`${p.name}=${encodeURIComponent(text(v))}`);
  }
  // Path templates the router cannot fill (matrix / label styles keep their braces) are filled with "x".
  path = path.replace(/\{[^}]*\}/g, 'x');
  for (const name of Object.keys(op.security[0] ?? {})) {
    const scheme: any = mount.spec.securitySchemes[name];
    if (!scheme) continue;
    if (scheme.type === 'http' && /^basic$/i.test(scheme.scheme ?? '')) headers.Authorization = `Basic ${Buffer.from('sweep:secret').toString('base64')}`;
    else if (scheme.type === 'http' || scheme.type === 'oauth2' || scheme.type === 'openIdConnect') headers.Authorization = 'Bearer sweep-token';
    else if (scheme.type === 'apiKey' && scheme.in === 'header') headers[scheme.name] = 'sweep-key';
    else if (scheme.type === 'apiKey' && scheme.in === 'query') query[scheme.name] = 'sweep-key';
    else if (scheme.type === 'apiKey' && scheme.in === 'cookie') cookies.push(`${scheme.name}=sweep-key`);
  }
  if (cookies.length) headers.Cookie = cookies.join('; ');
  let body: { type: string; data: unknown } | undefined;
  const content = op.requestBody?.content ?? {};
  const json = Object.keys(content).find((t) => /json/i.test(t));
  const form = Object.keys(content).find((t) => t === 'application/x-www-form-urlencoded');
  const chosen = json ?? form ?? Object.keys(content)[0];
  if (chosen) {
    const data = value(content[chosen]?.schema, seed, chosen === 'multipart/form-data');
    body = json ? { type: json, data: JSON.stringify(data ?? null) } : form ? { type: form, data: new URLSearchParams(Object.entries((data ?? {}) as object).map(([k, v]): [string, string] => [k, text(v)])).toString() } : { type: chosen, data: typeof data === 'string' ? data : JSON.stringify(data ?? '') };
  }
  return { method: op.method, path: mount.prefix + path, query, headers, body };
}

export async function send(http: ReturnType<typeof supertest>, mount: Mount, op: Operation): Promise<SweepAnswer> {
  const r = requestFor(mount, op);
  const method = r.method as 'get';
  let req = http[method](r.path).query(r.query).set(r.headers);
  if (r.body?.type === 'multipart/form-data') {
    const fields = JSON.parse(r.body.data as string) ?? {};
    const schema: any = op.requestBody?.content['multipart/form-data']?.schema ?? {};
    for (const [name, v] of Object.entries<unknown>(typeof fields === 'object' ? fields : {})) {
      if (schema.properties?.[name]?.format === 'binary') req = req.attach(name, Buffer.from('sweep'), 'sweep.bin');
      else req = req.field(name, typeof v === 'string' ? v : JSON.stringify(v));
    }
  } else if (r.body) req = req.set('Content-Type', r.body.type).send(r.body.data as string);
  const res = await req.buffer(true).parse((response, done) => {
    let data = '';
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => (data += chunk));
    response.on('end', () => done(null, data));
  });
  return { operationId: op.operationId, method: r.method.toUpperCase(), path: r.path, status: res.status, body: String(res.body ?? ''), contentType: res.headers['content-type'] };
}

/**
 * Loads one OpenAPI document, from a file or an http(s) URL: parse (YAML or JSON), convert Swagger 2.0 to OpenAPI
 * 3.0, check the shape the pipeline relies on, give every operation an operationId, dereference, and list its
 * operations with everything the pipeline needs, computed once.
 *
 * A document that cannot be served is refused here, at start, with one line: `file: /json/pointer: reason`.
 */
import { templateParams, trimTrailingSlashes } from './text.js';
import { parseYaml, YamlAliasError } from './yaml.js';
import { readFile } from 'node:fs/promises';
import { upgrade } from '@scalar/openapi-upgrader';
import { OpenAPIRouter } from 'openapi-backend';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export interface SecurityScheme {
  type: 'http' | 'apiKey' | 'oauth2' | 'openIdConnect' | 'mutualTLS';
  scheme?: string;
  in?: 'header' | 'query' | 'cookie';
  name?: string;
}

/** Alternatives (OR) of requirements (AND of scheme names). An empty requirement allows anonymous calls. */
export type SecurityRequirements = Array<Record<string, string[]>>;

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: any;
}

export interface Operation {
  operationId: string;
  /** Lower-case, as in the document. */
  method: string;
  /** Path template as written in the document, e.g. /credentials/{workspace}/{name}. */
  pathTemplate: string;
  parameters: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema?: any }> };
  responses: Record<string, any>;
  security: SecurityRequirements;
}

export interface LoadedSpec {
  file: string;
  title: string;
  /** The document's `openapi` version after conversion ("3.0.3", "3.1.0"); a Swagger 2.0 file says 3.0.x. */
  version: string;
  /** JSON Schema dialect of its schemas: OpenAPI 3.0's (draft-04/07 with `nullable`) or 3.1's 2020-12. */
  dialect: 'oas30' | 'draft2020';
  /** Swagger 2.0 documents are converted at load; this is the version as written. */
  sourceVersion: string;
  /** Path of the first `servers` URL ('' when none or '/'). */
  serverPath: string;
  definition: any;
  router: OpenAPIRouter;
  operations: Operation[];
  securitySchemes: Record<string, SecurityScheme>;
}

export class SpecError extends Error {}

/** How long a spec given by URL may take to arrive. */
const SPEC_FETCH_TIMEOUT_MS = 15_000;

export async function loadSpec(file: string): Promise<LoadedSpec> {
  const text = /^https?:\/\//i.test(file) ? await fetchSpec(file) : await readSpecFile(file);
  let document: any;
  try {
    // js-yaml, mockgate's one YAML parser (measured 4× faster than the `yaml` package on the bundled specs, where
    // a third of start-up went to YAML); parseYaml bounds what aliases may expand to.
    document = parseYaml(text);
  } catch (err) {
    if (err instanceof YamlAliasError) throw new SpecError(`${file}: ${err.message}`);
    throw new SpecError(`${file}: not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  const refuse = (pointer: string, reason: string) => new SpecError(`${file}: ${pointer}: ${reason}`);
  if (!isObject(document)) throw refuse('/', 'not an OpenAPI document (the file holds no object)');
  const sourceVersion = String(document.openapi ?? document.swagger ?? '');
  if (document.swagger !== undefined) {
    if (String(document.swagger) !== '2.0') throw refuse('/swagger', `Swagger ${sourceVersion} is not supported (2.0 and OpenAPI 3.0 / 3.1 are)`);
    document = convertSwagger2(document, refuse);
  }
  if (typeof document.openapi !== 'string' || !/^3\.[0-2]\./.test(`${document.openapi}.`)) {
    throw refuse('/openapi', document.openapi === undefined ? 'not an OpenAPI document (no "openapi: 3.x" or "swagger: 2.0" field)' : `OpenAPI ${document.openapi} is not supported (3.0, 3.1 and Swagger 2.0 are)`);
  }
  const dialect = document.openapi.startsWith('3.0') ? 'oas30' : 'draft2020';
  if (document.paths === undefined || (isObject(document.paths) && Object.keys(document.paths).length === 0)) {
    // Prism refuses such a document too ("No operations found in the current file"): nothing could be mocked.
    const what = isObject(document.webhooks) && Object.keys(document.webhooks).length ? 'only webhooks, which a mock server does not serve' : 'no paths';
    throw refuse('/paths', `the document has no operations to serve (${what})`);
  }
  if (!isObject(document.paths)) throw refuse('/paths', 'must be an object of path items');

  dereference(document, refuse);
  if (dialect === 'oas30') normalizeOas30Schemas(document);
  checkOperations(document, refuse);
  nameAnonymousOperations(document);

  // openapi-backend's router only; the document is dereferenced above (its own quick dereference clones the whole
  // document first, and overflowed the stack or lost operations on $refs into paths), and validators are built
  // separately and eagerly by validator.ts.
  const definition = document;
  const router = new OpenAPIRouter({ definition });
  const globalSecurity: SecurityRequirements = definition.security ?? [];
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries<any>(definition.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!op) continue;
      operations.push({
        operationId: op.operationId,
        method,
        pathTemplate: path,
        parameters: mergeParameters(item.parameters, op.parameters),
        requestBody: op.requestBody,
        responses: op.responses ?? {},
        security: op.security ?? globalSecurity,
      });
    }
  }
  return {
    file,
    title: definition.info?.title ?? file,
    version: definition.openapi,
    dialect,
    sourceVersion,
    serverPath: serverPathOf(definition),
    definition,
    router,
    operations,
    securitySchemes: definition.components?.securitySchemes ?? {},
  };
}

/**
 * Swagger 2.0 → OpenAPI 3.0 with Scalar's upgrader (@scalar/openapi-upgrader, the `upgrade(doc, '3.0')` step of
 * @scalar/openapi-parser). Chosen over swagger2openapi, the long-time standard (~14 M downloads a month, but its last
 * release, 7.0.8, is from 2024 and it brings node-fetch 2, yargs and a validator along): Scalar's is released
 * monthly (0.4.9, 2026-11; ~2 M downloads a month), has two small dependencies, is ESM with types, and converted every
 * Swagger 2.0 document of @readme/oas-examples to the same operations, parameters and bodies as swagger2openapi,
 * 5 to 30 times faster (0.3–7 ms against 0.7–36 ms each). api-spec-converter (sway, request, bluebird) was not a
 * candidate: unmaintained dependencies.
 */
function convertSwagger2(document: any, refuse: (pointer: string, reason: string) => SpecError): any {
  if (!isObject(document.paths)) throw refuse('/paths', 'must be an object of path items');
  try {
    return upgrade(document, '3.0');
  } catch (err) {
    throw refuse('/', `cannot convert this Swagger 2.0 document to OpenAPI 3.0: ${(err as Error).message}`);
  }
}

/** Operation parameters override the path item's of the same name and location. */
function mergeParameters(shared: unknown, own: unknown): Parameter[] {
  const list = [...(Array.isArray(own) ? own : []), ...(Array.isArray(shared) ? shared : [])] as Parameter[];
  const seen = new Set<string>();
  return list.filter((p) => {
    const key = `${p.in}:${p.in === 'header' ? p.name.toLowerCase() : p.name}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

const isObject = (value: unknown): value is Record<string, any> => typeof value === 'object' && value !== null && !Array.isArray(value);

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Replaces every local `$ref` by the object it points at, in place: shared targets stay one object, and recursive
 * schemas become cycles (validator.ts turns them back into `$ref`s for ajv). A `$ref` with sibling keywords other
 * than description / summary (OpenAPI 3.1 allows them in schemas) becomes `allOf: [target]` beside its siblings. A
 * reference that cannot be resolved — to another file, to nothing, or to itself — refuses the document, naming
 * where the `$ref` stands.
 */
function dereference(document: any, refuse: (pointer: string, reason: string) => SpecError): void {
  const resolved = new Map<string, unknown>();
  const target = (ref: string, at: string, chain: string[]): unknown => {
    if (resolved.has(ref)) return resolved.get(ref);
    if (!ref.startsWith('#')) throw refuse(at, `$ref "${ref}" points outside the document; bundle the spec into one file first`);
    if (chain.includes(ref)) throw refuse(at, `$ref "${ref}" refers to itself`);
    let node: any = document;
    for (const raw of ref.slice(1).split('/').slice(1)) {
      let key: string;
      try {
        key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      } catch {
        key = raw;
      }
      node = node !== null && typeof node === 'object' && Object.hasOwn(node, key) ? node[key] : undefined;
      if (node === undefined) throw refuse(at, `$ref "${ref}" points at nothing`);
    }
    // A reference to a reference: follow it.
    if (isObject(node) && typeof node.$ref === 'string') node = withSiblings(node, target(node.$ref, ref.slice(1) || '/', [...chain, ref]));
    resolved.set(ref, node);
    return node;
  };
  const visited = new Set<object>();
  const walk = (node: any, pointer: string): void => {
    if (node === null || typeof node !== 'object' || visited.has(node)) return;
    visited.add(node);
    const keys = Array.isArray(node) ? node.map((_, i) => String(i)) : Object.keys(node);
    for (const key of keys) {
      const child = node[key];
      const at = `${pointer}/${escapePointer(key)}`;
      if (isData(pointer, key, child)) continue;
      if (isObject(child) && typeof child.$ref === 'string') {
        const value = withSiblings(child, target(child.$ref, `${at}/$ref`, []));
        Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
        walk(value, at);
      } else walk(child, at);
    }
  };
  walk(document, '');
}

/**
 * OpenAPI 3.0's schema dialect where ajv's differs: `exclusiveMinimum: true` beside `minimum` (the draft-04 form 3.0
 * uses) becomes `exclusiveMinimum: <minimum>`, and `nullable` without a `type` — which 3.0.3 says has no effect —
 * is dropped (ajv refuses to compile it).
 */
function normalizeOas30Schemas(document: any): void {
  const seen = new Set<object>();
  const walk = (node: any): void => {
    if (node === null || typeof node !== 'object' || seen.has(node)) return;
    seen.add(node);
    if (Array.isArray(node)) return node.forEach(walk);
    for (const [bound, flag] of [['minimum', 'exclusiveMinimum'], ['maximum', 'exclusiveMaximum']] as const) {
      if (typeof node[flag] !== 'boolean') continue;
      if (node[flag] && typeof node[bound] === 'number') {
        node[flag] = node[bound];
        delete node[bound];
      } else delete node[flag];
    }
    if (node.nullable !== undefined && node.type === undefined) delete node.nullable;
    for (const [childKey, child] of Object.entries(node)) if (!/^(example|examples|enum|const|x-.*)$/.test(childKey)) walk(child);
  };
  walk(document);
}

/** Example values, defaults, constants and extensions are data: a `$ref` key in them is not a reference. */
function isData(pointer: string, key: string, value: unknown): boolean {
  // (`default` is also a response's status key, and any of them may name a property.)
  if (key === 'default') return !pointer.endsWith('/properties') && !pointer.endsWith('/responses');
  if (key.startsWith('x-') || key === 'example' || key === 'const' || key === 'enum') return !pointer.endsWith('/properties');
  if (key === 'examples' && Array.isArray(value)) return true;
  return key === 'value' && /\/examples\/[^/]+$/.test(pointer);
}

function withSiblings(refObject: Record<string, unknown>, target: unknown): unknown {
  const siblings = Object.keys(refObject).filter((k) => k !== '$ref' && k !== 'description' && k !== 'summary');
  if (!siblings.length || !isObject(target)) return target;
  const merged: Record<string, unknown> = { allOf: [target] };
  for (const key of siblings) merged[key] = refObject[key];
  return merged;
}

/** What the router and pipeline rely on: path items and operations are objects, responses an object. */
function checkOperations(document: any, refuse: (pointer: string, reason: string) => SpecError): void {
  for (const [path, item] of Object.entries<any>(document.paths)) {
    const at = `/paths/${escapePointer(path)}`;
    if (!path.startsWith('/')) throw refuse(at, 'a path must start with "/"');
    if (!isObject(item)) throw refuse(at, `a path item must be an object, not ${describe(item)}`);
    if (item.parameters !== undefined && !Array.isArray(item.parameters)) throw refuse(`${at}/parameters`, 'must be an array');
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (op === undefined) continue;
      if (!isObject(op)) throw refuse(`${at}/${method}`, `an operation must be an object, not ${describe(op)}`);
      if (op.responses !== undefined && !isObject(op.responses)) throw refuse(`${at}/${method}/responses`, 'must be an object');
      if (op.parameters !== undefined && !Array.isArray(op.parameters)) throw refuse(`${at}/${method}/parameters`, 'must be an array');
      for (const [i, p] of [...(op.parameters ?? []), ...(item.parameters ?? [])].entries()) {
        if (!isObject(p) || typeof p.name !== 'string' || !['path', 'query', 'header', 'cookie'].includes(p.in)) {
          throw refuse(`${at}/${method}/parameters/${i}`, 'a parameter needs a "name" and an "in" of path, query, header or cookie');
        }
      }
      if (op.requestBody !== undefined && !(isObject(op.requestBody) && isObject(op.requestBody.content))) {
        throw refuse(`${at}/${method}/requestBody`, 'a request body needs a "content" object');
      }
    }
  }
}

const describe = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value);

async function readSpecFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new SpecError(`${file}: cannot read the spec (${(err as NodeJS.ErrnoException).code ?? String(err)}); check the --spec path`);
  }
}

/** A spec served over HTTP (a registry, a running service's /openapi.json), read once at start. */
async function fetchSpec(url: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(SPEC_FETCH_TIMEOUT_MS), headers: { Accept: 'application/yaml, application/json;q=0.9, */*;q=0.5' } });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw new SpecError(`${url}: cannot fetch the spec (${cause}); check the URL, or download it and pass the file`);
  }
  if (!res.ok) throw new SpecError(`${url}: cannot fetch the spec (HTTP ${res.status}); check the URL`);
  return res.text();
}

/** Operations without an operationId get "METHOD /path", so handlers, rules and coverage can still name them. */
function nameAnonymousOperations(document: any): void {
  const taken = new Set<string>();
  const items = new Set<object>();
  for (const path of Object.keys(document.paths)) {
    // A path item shared by two paths ($ref) is copied, so each path's operations keep their own ids.
    let item = document.paths[path];
    if (items.has(item)) document.paths[path] = item = { ...item };
    items.add(item);
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!op) continue;
      // An operation without an id, or with one another operation has, is named by method and path.
      if (taken.has(op.operationId) || !op.operationId) item[method] = { ...op, operationId: op.operationId && !taken.has(op.operationId) ? op.operationId : `${method.toUpperCase()} ${path}` };
      taken.add(item[method].operationId);
    }
  }
}

function serverPathOf(definition: any): string {
  const server = definition.servers?.[0];
  if (!server?.url) return '';
  // Server URLs may be absolute (https://api.tiledb.com/v4), relative (/v4) or templated
  // ({protocol}://{host}{basePath}, with the path in a variable's default): fill variables in first.
  const template = String(server.url);
  let url = '';
  let last = 0;
  for (const param of templateParams(template)) {
    url += template.slice(last, param.start) + String(server.variables?.[param.name]?.default ?? '');
    last = param.end;
  }
  url += template.slice(last);
  const withoutOrigin = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  return normalizePrefix(withoutOrigin);
}

/** '/v4/' → '/v4', '/' → '', 'v4' → '/v4'. */
export function normalizePrefix(prefix: string): string {
  let p = prefix.trim();
  if (!p || p === '/') return '';
  if (!p.startsWith('/')) p = `/${p}`;
  return trimTrailingSlashes(p);
}

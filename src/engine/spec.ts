/**
 * Loads one OpenAPI 3.x document, from a file or an http(s) URL: parse (YAML or JSON), give every operation an
 * operationId, dereference, and list its operations with everything the pipeline needs, computed once.
 */
import { templateParams, trimTrailingSlashes } from './text.js';
import { parseYaml, YamlAliasError } from './yaml.js';
import { readFile } from 'node:fs/promises';
import { OpenAPIBackend, OpenAPIRouter } from 'openapi-backend';

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
  if (!document || typeof document !== 'object' || typeof document.openapi !== 'string' || !document.openapi.startsWith('3.')) {
    throw new SpecError(`${file}: not an OpenAPI 3.x document (no "openapi: 3.x" field); convert Swagger 2.0 specs first`);
  }
  if (!document.paths || typeof document.paths !== 'object') {
    throw new SpecError(`${file}: the document has no "paths" object`);
  }
  nameAnonymousOperations(document);

  // quick mode: synchronous in-memory dereference and no definition linting (user specs with small flaws
  // still mount); validators are built separately and eagerly by validator.ts.
  const backend = new OpenAPIBackend({ definition: document, quick: true, validate: false, strict: false });
  await backend.init();
  const definition = backend.definition;
  const globalSecurity: SecurityRequirements = definition.security ?? [];
  const operations: Operation[] = backend.router.getOperations().map((op: any) => ({
    operationId: op.operationId,
    method: op.method,
    pathTemplate: op.path,
    parameters: (op.parameters ?? []) as Parameter[],
    requestBody: op.requestBody,
    responses: op.responses ?? {},
    security: op.security ?? globalSecurity,
  }));
  return {
    file,
    title: definition.info?.title ?? file,
    serverPath: serverPathOf(definition),
    definition,
    router: backend.router,
    operations,
    securitySchemes: definition.components?.securitySchemes ?? {},
  };
}

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
  for (const [path, item] of Object.entries<any>(document.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item?.[method];
      if (op && typeof op === 'object' && !op.operationId) op.operationId = `${method.toUpperCase()} ${path}`;
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

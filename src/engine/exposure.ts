/**
 * What the mounted APIs carry that must never be shown (the journal, the dashboard and the logs redact it), and
 * which answer headers a browser app may read (CORS's Access-Control-Expose-Headers). Both come from the same
 * two places, so a fifth API needs no list elsewhere: what its spec says (apiKey schemes name secret headers;
 * declared response headers are there to be read) and what its ApiModule declares (`secrets`, `exposedHeaders`).
 */
import type { LoadedSpec } from './spec.js';
import type { ApiModule } from './types.js';

/** Secret whatever the API: credentials and cookies. */
const ALWAYS_SECRET_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'];
/** Body fields whose name contains one of these (in any case) hold a secret, in any API. */
const SECRET_FIELD_WORDS = ['secret', 'password', 'passwd', 'token'];
/** Headers any answer may carry that a browser app must be able to read (rules add the rate-limit ones; sessions the forgotten one). */
const ALWAYS_EXPOSED = ['Retry-After', 'RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'Location', 'X-Request-Id', 'WWW-Authenticate', 'ETag', 'X-Mock-Session-Forgotten'];

export interface Exposure {
  /** Lower-case header names whose values are redacted. */
  secretHeaders: ReadonlySet<string>;
  /** Whether a JSON body field of this name holds a secret. */
  isSecretField(name: string): boolean;
  /** The exact field names the APIs declare secret (lower case), beside the shared words. */
  secretFields: readonly string[];
  /** The words that make any field a secret when its name contains one (lower case). */
  secretFieldWords: readonly string[];
  /** Access-Control-Expose-Headers, as one header value. */
  exposedHeaders: string;
}

export interface MountedApi {
  api: ApiModule;
  spec: LoadedSpec;
}

export function exposureOf(mounted: MountedApi[]): Exposure {
  const secretHeaders = new Set(ALWAYS_SECRET_HEADERS);
  const secretFields = new Set<string>();
  const exposed = new Map(ALWAYS_EXPOSED.map((h) => [h.toLowerCase(), h]));
  for (const { api, spec } of mounted) {
    for (const scheme of Object.values(spec.securitySchemes)) {
      if (scheme.type === 'apiKey' && scheme.in === 'header' && scheme.name) secretHeaders.add(scheme.name.toLowerCase());
    }
    for (const header of api.secrets?.headers ?? []) secretHeaders.add(header.toLowerCase());
    for (const field of api.secrets?.fields ?? []) secretFields.add(field.toLowerCase());
    for (const header of [...responseHeadersOf(spec), ...(api.exposedHeaders ?? [])]) {
      if (!exposed.has(header.toLowerCase())) exposed.set(header.toLowerCase(), header);
    }
  }
  return {
    secretHeaders,
    isSecretField: (name) => {
      const lower = name.toLowerCase();
      return secretFields.has(lower) || SECRET_FIELD_WORDS.some((word) => lower.includes(word));
    },
    secretFields: [...secretFields].sort(),
    secretFieldWords: SECRET_FIELD_WORDS,
    exposedHeaders: [...exposed.values()].filter((h) => !secretHeaders.has(h.toLowerCase())).join(', '),
  };
}

/** Every response header the spec declares (`responses.<status>.headers`). */
function responseHeadersOf(spec: LoadedSpec): string[] {
  const names = new Set<string>();
  for (const op of spec.operations) {
    for (const response of Object.values<any>(op.responses)) {
      for (const name of Object.keys(response?.headers ?? {})) names.add(name);
    }
  }
  return [...names];
}

/**
 * The vocabulary shared by the engine and every API folder. The engine imports nothing from apis/ or
 * express; API folders import only this file, errors.ts and their own modules.
 */
import type { Faker } from '@faker-js/faker';
import type { MockError, ValidationIssue } from './errors.js';
import type { LoadedSpec, Operation } from './spec.js';
import type { RequestParts } from './validator.js';

export type HeaderMap = Record<string, string | string[] | undefined>;

/** A request as the edge hands it to the engine: nothing express-specific survives past server/. */
export interface EngineRequest {
  /** Upper-case HTTP method. */
  method: string;
  /** Path as received (still percent-encoded), without the query string. */
  path: string;
  /** Raw query: repeated keys become arrays. */
  query: Record<string, string | string[]>;
  /** Lower-case header names. */
  headers: HeaderMap;
  /** Undefined when the request had no body. */
  rawBody?: Buffer;
  /** Remote address, used for per-client rate limits. */
  clientAddress: string;
  /** Scheme + host the client used (e.g. http://127.0.0.1:4010), for absolute URLs in answers. */
  origin: string;
}

/** What a handler (or any stage) answers. A body that is not a Buffer/string is sent as JSON. */
export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string | string[]>;
  /** Defaults to application/json when there is a body. */
  contentType?: string;
  /** End the JSON text with a newline, as Go's json.Encoder does (lakeFS): byte-exact for clients that compare bodies. */
  newlineTerminated?: boolean;
  /** Deliver the answer badly, or not at all: a transport fault a test asked for (the edge carries it out). */
  transport?: TransportFault;
}

/**
 * What can go wrong on the wire, for clients' retry and timeout tests. The first four replace the answer (its
 * status is 0: no status line is sent); truncate and dribble deliver the answer they come with.
 */
export type TransportFault =
  | { action: 'reset' }
  | { action: 'empty' }
  | { action: 'garbage'; bytes: Buffer }
  | { action: 'stall'; ms: number }
  /** Body bytes sent before closing; undefined: half the body. */
  | { action: 'truncate'; bytes?: number }
  | { action: 'dribble'; ms: number; chunks: number };

/** Every transport fault's name: what coverage counts a faulted request under, and what a requirement may ask for. */
export const TRANSPORT_FAULT_ACTIONS: ReadonlyArray<TransportFault['action']> = ['reset', 'empty', 'garbage', 'stall', 'truncate', 'dribble'];

/** The transport faults that replace the answer: nothing of a status, headers or body reaches the client. */
export const isAnswerlessFault = (fault: TransportFault | undefined): boolean =>
  fault !== undefined && fault.action !== 'truncate' && fault.action !== 'dribble';

/** The authenticated caller, as an API's verifier describes it. */
export interface Principal {
  /** Stable id of the caller (user id, token id, …). */
  id: string;
  /** Which security scheme of the spec authenticated it. */
  scheme?: string;
  [key: string]: unknown;
}

/**
 * `http`: an HTTP authentication scheme other than Basic and Bearer (Digest, HOBA, a vendor's), read as the scheme word
 * of the Authorization header and the rest of it. `mutualTLS`: a client certificate, which mockgate's plain HTTP never
 * sees; it is presented on every request so that an API may treat it as satisfied (a user's spec does, and says so).
 */
export type CredentialType = 'basic' | 'bearer' | 'apiKey' | 'http' | 'mutualTLS';

/** A credential found on the request for one security scheme of the spec. */
export interface PresentedCredential {
  /** Scheme name in the spec's components.securitySchemes. */
  scheme: string;
  type: CredentialType;
  /** Basic auth only. */
  username?: string;
  password?: string;
  /**
   * Basic auth only: whether the decoded text held a colon (`user:password`). Without one, username is the whole
   * text and password is empty, as with `user:`; servers that refuse the first tell them apart by this.
   */
  separated?: boolean;
  /**
   * Basic auth only: whether the token is standard base64 with its padding (what Go's Request.BasicAuth decodes);
   * the decoding itself is lenient. Worked out once per distinct token, with the decoding.
   */
  padded?: boolean;
  /** Bearer token or API key value; for basic auth, the base64 text as sent; for another HTTP scheme, what follows its word. */
  value?: string;
  /** Identity of the credential for rule matching and rate limits: basic username, token or key value. */
  key: string;
}

/** Everything a verifier may look at. */
export interface SecurityContext<S = any, O = any> {
  api: string;
  operationId: string;
  session: string;
  state: S;
  options: O;
  now: Date;
  request: ValidatedRequest;
}

/**
 * Checks one presented credential against the session's state: returns (or resolves to) the principal, or throws
 * (rejects with) unauthorized() — or forbidden() when it lacks a scope. May be async: token libraries such as jose
 * verify signatures asynchronously. `scopes` are those the operation's security requirement lists for this scheme
 * (OAuth2 / OpenID Connect scopes, or OpenAPI 3.1 roles); empty when it lists none.
 * Returning undefined says the server would not read this as a credential at all (lakeFS skips a `Bearer` with no
 * token, a Basic header that is not base64): the request goes on as if it had not been sent.
 */
export type Verifier<S = any, O = any> = (
  credential: PresentedCredential,
  ctx: SecurityContext<S, O>,
  scopes: readonly string[],
) => Principal | undefined | Promise<Principal | undefined>;

/** The request after validation: path params decoded, query/header params coerced to their schema types. */
export interface ValidatedRequest {
  method: string;
  path: string;
  params: Record<string, any>;
  query: Record<string, any>;
  /**
   * The query as received, undeclared parameters included: what a handler reads when a user's spec omits a
   * parameter the real server uses (upstream lakeFS declares no `code` on its OIDC callback).
   */
  rawQuery: Record<string, string | string[]>;
  headers: HeaderMap;
  cookies: Record<string, string>;
  body: any;
  /** Remote address of the client. */
  clientAddress: string;
  /** Scheme + host the client used, for absolute URLs in answers (Location headers, console URLs, …). */
  origin: string;
}

/** What a handler gets. It never sees express's req/res. */
export interface HandlerContext<S = any, O = any> {
  api: string;
  operationId: string;
  session: string;
  request: ValidatedRequest;
  /** Undefined only for operations whose security allows anonymous calls. */
  principal?: Principal;
  /** The session's state for this API; mutate it in place, after every check has passed (a failed request must change nothing). */
  state: S;
  /** The API's options from the active scenario (`apis.<name>.options`). */
  options: O;
  now: Date;
  faker: Faker;
  /** Unique per request; APIs that echo a request id use this one. */
  requestId: string;
  /**
   * Changes made through `state` are detected and saved to --state-file after the handler (for a GET, when the
   * operation is in ApiModule.writesOnSafeMethods). Calling this also saves them: for a GET handler that the
   * API module does not list.
   */
  stateChanged(): void;
  /**
   * Says the answer was generated from the schema rather than from state (a read of something never stored): the
   * journal and coverage then record it as `mock`, as they do operations without a handler.
   */
  answeredFromSchema?(): void;
}

export type Handler<S = any, O = any> = (ctx: HandlerContext<S, O>) => Reply | Promise<Reply>;

export interface StateFactoryContext {
  faker: Faker;
  now: Date;
}

export interface RenderContext {
  requestId: string;
  operationId?: string;
}

/**
 * One API served by mockgate: a folder under src/apis exporting one of these, registered in apis/index.ts.
 * S is the API's per-session state (plain JSON), O its scenario options.
 */
export interface ApiModule<S = any, O = any> {
  /** Short name used in scenarios, rules and the admin API: `apis.<name>`. */
  name: string;
  title: string;
  /** Absolute paths of the bundled spec files this API serves. */
  specs: string[];
  /** Handlers keyed by operationId. Operations without one answer from the schema. */
  handlers: Record<string, Handler<S, O>>;
  /** Verifiers keyed by security scheme name, or by credential type ('basic' | 'bearer' | 'apiKey') as a fallback. */
  verifiers: Record<string, Verifier<S, O>>;
  /**
   * Called when no credential was presented and the operation allows anonymous access (`{}` in its security):
   * return a principal, undefined, or throw unauthorized(). Absent: anonymous callers get no principal.
   */
  anonymous?: (ctx: SecurityContext<S, O>) => Principal | undefined | Promise<Principal | undefined>;
  /**
   * A call with no credential to an operation that requires one: 'reject' (the default) answers 401 before the
   * handler; 'anonymous' goes on through the `anonymous` hook, for servers whose handlers decide (lakeFS lets
   * the request through, then each handler's authorization answers 401 — and GET /user answers the empty user).
   */
  missingCredentials?: 'reject' | 'anonymous';
  /**
   * Renders any MockError in the API's own wire shape. May change the status (FastAPI answers 422 for 400s). The
   * reply is sent as it is: it carries the error's headers (`error.headers`: Retry-After, Allow, WWW-Authenticate)
   * that the API's server would send.
   */
  renderError(error: MockError, ctx: RenderContext): Reply;
  /**
   * Which runs first after routing: request validation or authentication. Malformed JSON bodies are always
   * reported first, as both FastAPI and Go servers fail while reading the body.
   */
  order: 'validate-first' | 'authenticate-first';
  /**
   * An error this API renders for a status the operation does not declare is its documented fallback (RFC 7807 for a
   * user's spec), not an answer that breaks the spec: --strict sends it as it is, as it sends a refused request's.
   * Unset for the bundled APIs, so that --strict still catches a handler raising a status their spec does not list.
   */
  answersUndeclaredErrors?: boolean;
  /**
   * Whether a HEAD the spec does not declare is answered by the path's GET operation (default true, as most HTTP
   * servers do). false: it is a method the path does not serve (lakeFS's router answers 404).
   */
  headFromGet?: boolean;
  /** Reproduces the real framework's input coercion before validation (see PrepareRequest). */
  prepareRequest?: PrepareRequest;
  /**
   * The real framework's own request validator, where it words or orders its refusals differently from the schema
   * validation (kin-openapi names the body's schema and dumps the failing one; it refuses an empty query value).
   * Runs after schema validation, on the same request, with the issues it found (maybe none); returns the error
   * to answer instead of theirs, or undefined to keep the engine's verdict.
   */
  checkRequest?: CheckRequest;
  /**
   * The options handlers and verifiers see, from the scenario's `apis.<name>.options` (undefined when it has
   * none): defaults filled in, once per scenario — not on every call. Absent: the options as the scenario wrote them.
   */
  resolveOptions?(given: Record<string, unknown> | undefined): O;
  /**
   * What this API carries that must never be shown (the journal, the dashboard and logs redact it), besides
   * what every API shares (Authorization, cookies, fields named like secret/password/token) and the headers of
   * its spec's apiKey schemes: header names, and exact JSON field names.
   */
  secrets?: { headers?: string[]; fields?: string[] };
  /** Answer headers a browser app must be able to read, besides those its spec declares (CORS). */
  exposedHeaders?: string[];
  /**
   * operationIds whose handlers change state on a GET, HEAD or OPTIONS (an OIDC callback creating a session, a
   * token mailbox handing out its token). A request's changes are kept only if it succeeds; the engine tracks
   * them for every other method and for these. Under --strict every request is tracked, and a safe-method
   * handler that changes state without being listed here answers 500, so the suite keeps this list complete.
   */
  writesOnSafeMethods?: readonly string[];
  /**
   * What state a user's spec was given, inferred from its paths (src/generic): for the start-up report and GET
   * /__admin/specs. Absent for the bundled APIs, whose handlers say it.
   */
  inferred?: InferredState;
  /** JSON Schema of `apis.<name>` in a scenario file (seed data plus an optional `options` object). */
  seedSchema: Record<string, unknown>;
  /** Builds a fresh session state from the scenario's `apis.<name>` object (undefined when the scenario has none). */
  createState(seed: any, ctx: StateFactoryContext): S;
}

/** The resources inferred from a user's spec, and the operations left stateless with why. */
export interface InferredState {
  /** `3 resources (pets, users, users.keys), 2 stateless`. */
  line: string;
  resources: Array<{
    name: string;
    kind: 'collection' | 'singleton';
    path: string;
    idField?: string;
    parent?: string;
    /** Nothing in the spec creates its items: stored only when a scenario seeds it. */
    readOnly: boolean;
    /** operationId → create, read, list, replace, merge or delete. */
    operations: Record<string, string>;
  }>;
  /** operationId → why it answers from the schema. */
  stateless: Record<string, string>;
}

/**
 * Optional hook on ApiModule (declared separately to keep the main interface readable): lets an API reproduce
 * its framework's input coercion before schema validation, e.g. pydantic v1 turning 5 into "5", or the lakeFS
 * Python SDK's `True`/`False` query booleans. Changes `query` in place and may replace `body`; the engine reads
 * both back.
 */
export interface PreparableRequest {
  operationId: string;
  query: Record<string, any>;
  body: any;
}
export type PrepareRequest = (request: PreparableRequest) => void;

/**
 * What an API's checkRequest hook sees: the operation and its document, the request as the schema validation read
 * it (the query as received after prepareRequest: strings, or arrays of strings for a repeated name; `hasBody`: a
 * body the validation checked, a JSON one), and the issues it found (empty when the request passed).
 */
export interface CheckableRequest extends RequestParts {
  operation: Operation;
  spec: LoadedSpec;
  issues: ValidationIssue[];
}
export type CheckRequest = (request: CheckableRequest) => MockError | undefined;

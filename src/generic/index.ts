/**
 * The API module of a user's spec that no registered API binds: the engine's generic module (answers from the
 * schema, errors in the declared shapes) with state — the resources inferred from its paths (inference.ts) stored
 * per session (store.ts), seeded from `apis.<name>.collections` in a scenario — and its security schemes checked
 * against the credentials `apis.<name>.credentials` lists (auth.ts; any well-formed one when it lists none). A 401
 * is given the challenges of the operation's schemes when the refusal carries none of its own (a missing credential,
 * a refused API key), as RFC 7235 asks of every 401.
 *
 * The API's name, the key of its scenario section, is the spec file's base name without its extension
 * (`petstore.yaml` → `petstore`, `https://…/openapi.json` → `openapi`); when that name is taken — by a registered
 * API or an earlier --spec — `-2`, `-3`, … are appended, in --spec order (app.ts). The start-up line shows it.
 */
import { ErrorCode } from '../engine/errors.js';
import { genericApi, type DeclaredShapes } from '../engine/generic-api.js';
import type { Operation } from '../engine/spec.js';
import type { ApiModule } from '../engine/types.js';
import { challengeFor, checkCredentials, credentialsSchema, genericVerifiers } from './auth.js';
import { Conformer } from './conform.js';
import { resourceHandlers } from './handlers.js';
import { inferenceLine, inferResources } from './inference.js';
import { createGenericState, resolveGenericOptions, seedSchemaOf, type GenericOptions, type GenericSeed, type GenericState } from './store.js';

export { inferenceLine, inferResources } from './inference.js';
export type { Inference, Resource } from './inference.js';

export function statefulGenericApi(name: string, title: string, declared: DeclaredShapes): ApiModule<GenericState, GenericOptions> {
  const base = genericApi(name, title, declared) as unknown as ApiModule<GenericState, GenericOptions>;
  const inference = inferResources(declared.spec);
  const conformer = new Conformer(declared.validator, name);
  const operationIds = declared.spec.operations.map((op) => op.operationId);
  const { securitySchemes } = declared.spec;
  const seedSchema = seedSchemaOf(inference);
  (seedSchema.properties as Record<string, unknown>).credentials = credentialsSchema(securitySchemes);
  const operations = new Map<string, Operation>(declared.spec.operations.map((op) => [op.operationId, op]));
  // The challenge of each operation's schemes, for a 401 without one (a call with no credential): made once.
  const challenges = new Map<string, string | undefined>();
  const challengeOf = (operationId: string) => {
    if (!challenges.has(operationId)) {
      const op = operations.get(operationId);
      challenges.set(operationId, op ? challengeFor(op.security, securitySchemes, declared.spec.title) : undefined);
    }
    return challenges.get(operationId);
  };
  return {
    ...base,
    handlers: resourceHandlers({ operations: declared.spec.operations, validator: declared.validator, conformer, inference }),
    verifiers: genericVerifiers(securitySchemes, declared.spec.title),
    renderError: (error, ctx) => {
      const reply = base.renderError(error, ctx);
      if (error.code !== ErrorCode.Unauthenticated || !ctx.operationId || hasHeader(reply.headers, 'www-authenticate')) return reply;
      const challenge = challengeOf(ctx.operationId);
      return challenge ? { ...reply, headers: { ...reply.headers, 'WWW-Authenticate': challenge } } : reply;
    },
    seedSchema,
    resolveOptions: resolveGenericOptions,
    createState: (seed: GenericSeed | undefined) => {
      const state = createGenericState(name, seed, inference, conformer, operationIds);
      if (seed?.credentials !== undefined) state.credentials = checkCredentials(name, seed.credentials, securitySchemes);
      return state;
    },
    inferred: {
      line: inferenceLine(inference),
      resources: inference.resources.map((r) => ({
        name: r.name,
        kind: r.kind,
        path: r.path,
        ...(r.idField !== undefined ? { idField: r.idField } : {}),
        ...(r.parent !== undefined ? { parent: r.parent } : {}),
        readOnly: r.readOnly,
        operations: { ...r.operations },
      })),
      stateless: Object.fromEntries(inference.stateless),
    },
  };
}

function hasHeader(headers: Record<string, string | string[]> | undefined, lowerName: string): boolean {
  for (const name in headers) if (name.toLowerCase() === lowerName) return true;
  return false;
}

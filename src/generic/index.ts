/**
 * The API module of a user's spec that no registered API binds: the engine's generic module (answers from the
 * schema, errors in the declared shapes, any well-formed credential) with state — the resources inferred from its
 * paths (inference.ts) stored per session (store.ts), seeded from `apis.<name>.collections` in a scenario.
 *
 * The API's name, the key of its scenario section, is the spec file's base name without its extension
 * (`petstore.yaml` → `petstore`, `https://…/openapi.json` → `openapi`); when that name is taken — by a registered
 * API or an earlier --spec — `-2`, `-3`, … are appended, in --spec order (app.ts). The start-up line shows it.
 */
import { genericApi, type DeclaredShapes } from '../engine/generic-api.js';
import type { ApiModule } from '../engine/types.js';
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
  return {
    ...base,
    handlers: resourceHandlers({ operations: declared.spec.operations, validator: declared.validator, conformer, inference }),
    seedSchema: seedSchemaOf(inference),
    resolveOptions: resolveGenericOptions,
    createState: (seed: GenericSeed | undefined) => createGenericState(name, seed, inference, conformer, operationIds),
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

/**
 * The scenario file schema: the generic frame (name, extends, rules) composed with each registered API's
 * seed schema under `apis.<name>`. scenarios/schema.json is this, written by `npm run schema` for editors.
 */
import type { ApiModule } from '../engine/types.js';
import { ruleSchema } from '../rules/schema.js';

export function scenarioSchema(apis: ApiModule[]): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'mockgate scenario',
    type: 'object',
    additionalProperties: false,
    properties: {
      name: { type: 'string' },
      description: { type: 'string' },
      extends: { type: 'string', description: 'Another scenario this one builds on: a path relative to this file, or a bundled scenario name.' },
      apis: {
        type: 'object',
        additionalProperties: false,
        properties: Object.fromEntries(apis.map((api) => [api.name, api.seedSchema])),
      },
      rules: { type: 'array', items: ruleSchema },
    },
  };
}

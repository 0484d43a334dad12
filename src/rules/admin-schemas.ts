/**
 * The rule grammar as the admin spec (specs/admin.yaml) declares it: components.schemas Duration, Rule and
 * Fault, derived from schema.ts so POST /__admin/faults is validated exactly as scenario rules are. Written into
 * the spec by `npm run schema` (src/scenario/write-schema.ts); a test fails when the committed spec is stale.
 */
import { ACTION_KEYS } from './actions.js';
import { durationSchema, ruleSchema } from './schema.js';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export function ruleComponentSchemas(): Record<'Duration' | 'Rule' | 'Fault', unknown> {
  return {
    Duration: durationSchema,
    Rule: { ...(withDurationRefs(ruleSchema) as object), description: `${ruleSchema.description} The same grammar as rules in scenario files.` },
    Fault: {
      description: 'A rule queued through the admin API; it must answer, delay or rate-limit.',
      allOf: [ref('Rule'), { anyOf: ACTION_KEYS.map((key) => ({ required: [key] })) }],
    },
  };
}

/**
 * A copy of `schema` in which each duration (a `{ ...durationSchema }` spread: it shares durationSchema.oneOf)
 * refers to the Duration component. OpenAPI 3.0 ignores whatever sits next to a $ref, so the field's own
 * description is kept by wrapping the reference in an allOf.
 */
function withDurationRefs(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withDurationRefs);
  if (schema === null || typeof schema !== 'object') return schema;
  const node = schema as Record<string, unknown>;
  if (node.oneOf === durationSchema.oneOf) return { description: node.description, allOf: [ref('Duration')] };
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, withDurationRefs(value)]));
}

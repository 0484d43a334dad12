/**
 * The API module for a user's spec whose operations no registered API handles: every operation answers
 * from its schema, any presented credential is accepted (as Prism does). An error is answered in the shape the
 * operation declares for its status (Prism mocks the declared 400 / 401 / 404 / 422 the same way): no body when
 * the status is declared without one, a body generated from — and checked against — its schema otherwise, with
 * the error's text in its `message` and its status in a numeric `code` or `status` when the schema has them; RFC 7807
 * problem+json (problem.ts) when the spec declares nothing for the status, or declares a shape no body can be made
 * for. The mock's own 500s (a handler that threw) are answered in the declared shape too; a 500 for an answer that
 * broke the spec is problem+json, with its issues. Such a fallback is the API's answer for a status the spec does not
 * declare, so --strict sends it as it is (answersUndeclaredErrors). src/generic adds state to it (the app passes
 * that one to mounting).
 */
import type { Faker } from '@faker-js/faker';
import { ErrorCode, type MockError } from './errors.js';
import { createFaker } from './faker.js';
import { mockResponse } from './mock-response.js';
import { problemReply } from './problem.js';
import type { LoadedSpec, Operation } from './spec.js';
import type { ApiModule, Reply } from './types.js';
import type { SpecValidator } from './validator.js';

/** The spec and its validator, for errors in the declared shapes (both known once the spec is mounted). */
export interface DeclaredShapes {
  spec: LoadedSpec;
  validator: () => SpecValidator;
}

export function genericApi(name: string, title: string, declared?: DeclaredShapes): ApiModule<Record<string, never>> {
  const operations = new Map<string, Operation>((declared?.spec.operations ?? []).map((op) => [op.operationId, op]));
  let faker: Faker | undefined;
  const made = new BoundedMap<string, Reply>(MADE_ERRORS);
  return {
    name,
    title,
    specs: [],
    handlers: {},
    verifiers: {
      basic: (c) => ({ id: c.key }),
      bearer: (c) => ({ id: c.key }),
      apiKey: (c) => ({ id: c.key }),
    },
    order: 'authenticate-first',
    answersUndeclaredErrors: true,
    seedSchema: { type: 'object' },
    createState: () => ({}),
    renderError: (error: MockError, ctx) => {
      const op = ctx.operationId ? operations.get(ctx.operationId) : undefined;
      // The mock's own failures (a handler that threw) too, where the operation declares a 500, 5XX or default: a
      // client decodes them like any error. A 500 saying the answer broke the spec keeps its issues, as problem+json.
      if (!op || !declared || (error.status >= 500 && error.code !== ErrorCode.Internal)) return problemReply(error);
      const validator = declared.validator();
      const key = validator.statusKey(op, error.status);
      if (!key) return problemReply(error);
      const content = op.responses[key]?.content;
      if (!content || Object.keys(content).length === 0) return { status: error.status, headers: error.headers };
      // Generated with a fixed seed, the body depends only on the operation, the status and the message: made once.
      const cacheKey = `${op.operationId}\n${error.status}\n${error.message}`;
      const cached = made.get(cacheKey);
      if (cached) return { ...cached, headers: error.headers };
      const check = (body: unknown, contentType?: string) => validator.validateResponse(op, error.status, body, body !== undefined && body !== null && body !== '', contentType);
      try {
        faker ??= createFaker(1, `${name}:errors`);
        let reply = mockResponse(op, { statusKey: key, status: error.status, seed: 1, check }, faker);
        const body = reply.body as Record<string, unknown> | undefined;
        if (body && typeof body === 'object' && !Array.isArray(body)) {
          // The error's text in `message`, and its status in a numeric `code` or `status`, where the schema allows.
          let told: Record<string, unknown> = body;
          if (typeof body.message === 'string') told = { ...told, message: error.message };
          for (const field of ['code', 'status']) {
            if (typeof body[field] !== 'number') continue;
            const numbered = { ...told, [field]: error.status };
            if (check(numbered, reply.contentType).length === 0) told = numbered;
          }
          if (told !== body && check(told, reply.contentType).length === 0) reply = { ...reply, body: told };
        }
        made.set(cacheKey, reply);
        return { ...reply, headers: error.headers };
      } catch {
        return problemReply(error);
      }
    },
  };
}

/**
 * How many declared-shape error answers an API keeps. Most are few (a 401 or 403 per operation and failure); the bound
 * is for messages that name what was asked for (`pets 123 not found`), one per id a client tries.
 */
const MADE_ERRORS = 512;

/**
 * A Map that forgets its oldest entry beyond `limit` (insertion order: a miss is a generation, ~120 µs, so the
 * bookkeeping of a true LRU would buy little).
 */
class BoundedMap<K, V> {
  private readonly entries = new Map<K, V>();
  constructor(private readonly limit: number) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    if (this.entries.size >= this.limit) this.entries.delete(this.entries.keys().next().value as K);
    this.entries.set(key, value);
  }
}

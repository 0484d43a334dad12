/**
 * The API module for a user's spec whose operations no registered API handles: every operation answers
 * from its schema, any presented credential is accepted (as Prism does), errors are plain {message}.
 */
import { httpStatusText, type MockError } from './errors.js';
import type { ApiModule } from './types.js';

export function genericApi(name: string, title: string): ApiModule<Record<string, never>> {
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
    seedSchema: { type: 'object' },
    createState: () => ({}),
    renderError: (error: MockError) => ({
      status: error.status,
      headers: error.headers,
      body: { message: error.status === 401 ? httpStatusText(401) : error.message, ...(error.issues.length ? { issues: error.issues } : {}) },
    }),
  };
}

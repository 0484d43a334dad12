/**
 * ESLint (flat config): @eslint/js recommended + typescript-eslint recommended (syntax only, no type
 * information: the type-checking is tsc's, strict, see tsconfig.json and tsconfig.dashboard.json).
 *
 * Scope, for now: the dashboard — its browser code (src/admin/dashboard/client.js, a classic script run in
 * the page, hence the browser globals), the modules that serve it, its tests —, the package entry and its admin
 * client (src/index.ts, src/library/), `mockgate diff` (src/diff/, src/diff-command.ts), a user's spec's state
 * (src/generic/), handlers of one's own (src/user-handlers.ts), the state store, its change log and the engine's
 * collections (src/state/store.ts, src/state/change-log.ts, src/engine/collection.ts), what replicas share on Redis
 * (src/replicas/), their tests and fixtures, and
 * this file. The rest of src/ and test/ is not clean yet (mostly @typescript-eslint/no-explicit-any); to widen the
 * scope, drop
 * entries from NOT_LINTED_YET and fix what `npm run lint` then reports.
 * `npm run lint` runs it; test/admin/dashboard-source.test.ts runs it on the dashboard under `npm test`.
 */
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Every source file except those listed after the "!" (patterns are read in order, the last match wins). */
const NOT_LINTED_YET = [
  '**/*.{js,mjs,cjs,ts,mts,cts}',
  '!src/admin/dashboard/*.{js,ts}',
  '!test/admin/dashboard*.test.ts',
  '!test/browser/dashboard.test.ts',
  '!eslint.config.js',
  '!src/index.ts',
  '!src/library/*.ts',
  '!test/library.test.ts',
  '!test/library/*.test.ts',
  '!src/diff/*.ts',
  '!src/diff-command.ts',
  '!test/diff/*.ts',
  '!src/generic/*.ts',
  '!test/generic/*.ts',
  '!src/engine/collection.ts',
  '!src/engine/problem.ts',
  '!src/engine/node-http.ts',
  '!test/server/builtins.test.ts',
  '!test/fixtures/server/report-builtins.mjs',
  '!test/engine/warm-up.test.ts',
  '!src/state/change-log.ts',
  '!src/state/store.ts',
  '!src/replicas/*.ts',
  '!test/redis/shared.test.ts',
  '!test/rules/synchronous.test.ts',
  '!test/engine/collection.test.ts',
  '!test/state/change-log.test.ts',
  '!src/state/redis-store.ts',
  '!src/state/store-errors.ts',
  '!test/redis/*.ts',
  '!test/state/store-flag.test.ts',
  '!src/user-handlers.ts',
  '!test/user-handlers.test.ts',
  '!test/fixtures/handlers/*.mjs',
  '!src/journal/*.ts',
  '!test/journal/*.ts',
];

export default defineConfig([
  globalIgnores(['dist/', 'node_modules/', '.venv/', 'test-output/'], 'mockgate/build-output'),
  globalIgnores(NOT_LINTED_YET, 'mockgate/not-linted-yet'),
  {
    name: 'mockgate/recommended',
    files: ['**/*.{js,mjs,cjs,ts,mts,cts}'],
    extends: [js.configs.recommended, tseslint.configs.recommended],
  },
  {
    name: 'mockgate/node',
    files: ['**/*.{ts,mts,cts}', 'eslint.config.js'],
    languageOptions: { globals: globals.node },
  },
  {
    // Inlined into the page as a classic script (not a module), pinned by hash: browser globals only.
    name: 'mockgate/dashboard-client',
    files: ['src/admin/dashboard/client.js'],
    languageOptions: { sourceType: 'script', globals: globals.browser },
    rules: {
      // What the server sends (journal entries carry the paths callers sent) reaches the page as text, never
      // as markup or code.
      'no-restricted-properties': [
        'error',
        ...[
          { property: 'innerHTML' },
          { property: 'outerHTML' },
          { property: 'insertAdjacentHTML' },
          { object: 'document', property: 'write' },
          { object: 'document', property: 'writeln' },
        ].map((restricted) => ({ ...restricted, message: 'build the DOM with h() and text nodes: nothing the server sends is parsed as HTML' })),
      ],
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      eqeqeq: 'error',
    },
  },
]);

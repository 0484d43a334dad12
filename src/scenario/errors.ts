/**
 * What loading a scenario throws. Its own module, importing nothing, so that the package entry (src/index.ts) can
 * export these without its type declarations reaching the rule types, which json-schema-to-ts (a dev dependency)
 * derives.
 */
export class ScenarioError extends Error {}
/** The scenario asked for is neither a file nor a bundled name. */
export class ScenarioNotFoundError extends ScenarioError {}

/**
 * Loading scenario files: YAML, `extends` chains, and a JSON Schema check whose errors name the file, the
 * line and the path inside it — a bad scenario is refused with one line that says where and what.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { createFaker } from '../engine/faker.js';
import { parseYaml, yamlFailure, yamlPosition } from '../engine/yaml.js';
import type { ApiModule } from '../engine/types.js';
import { compileRule } from '../rules/rules.js';
import { ruleReferenceProblems, type KnownOperations } from '../rules/references.js';
import type { Rule } from '../rules/types.js';
import { scenarioSchema } from './schema.js';
import type { Scenario } from './types.js';
import { ScenarioError, ScenarioNotFoundError } from './errors.js';

export { ScenarioError, ScenarioNotFoundError };

export class ScenarioLoader {
  private readonly validate: ValidateFunction;
  /** Names of every registered API, mounted or not: what a rule's match.api may name (rules/references.ts). */
  readonly apiNames: readonly string[];
  private knownOperations?: KnownOperations;

  constructor(
    private readonly apis: ApiModule[],
    private readonly bundledDir: string,
  ) {
    this.apiNames = apis.map((api) => api.name);
    // Compiled at every start, used a few times: skip ajv's code optimisation passes and the check of our own
    // generated schema against the meta-schema (test/scenario/schema.test.ts keeps it valid). 180 → 80 ms.
    const ajv = new Ajv({ allErrors: false, strict: false, validateSchema: false, code: { optimize: false } });
    addFormats.default(ajv);
    this.validate = ajv.compile(scenarioSchema(apis));
  }

  /**
   * The operations of the specs mounted in this process. From then on, the APIs and operationIds that rules
   * name are checked against them (src/rules/references.ts says how) when a scenario is loaded; until then
   * they are not, since only mounting tells which operations exist.
   */
  setKnownOperations(known: KnownOperations): void {
    this.knownOperations = known;
  }

  /** A path to a YAML file, or the name of a bundled scenario ("rate-limited"). */
  resolve(ref: string, relativeTo?: string): string {
    const candidates = [relativeTo ? path.resolve(relativeTo, ref) : path.resolve(ref)];
    // Bundled scenarios are looked up by plain name ("rate-limited", "conflicts.yaml"), never by path.
    if (!ref.includes('/') && !ref.includes(path.sep)) candidates.push(path.join(this.bundledDir, ref), path.join(this.bundledDir, `${ref}.yaml`));
    const found = candidates.find((c) => existsSync(c) && /\.ya?ml$|\.json$/i.test(c));
    if (!found) {
      throw new ScenarioNotFoundError(`${ref}: scenario not found (looked for ${candidates.join(', ')}); pass a YAML file or a bundled name`);
    }
    return found;
  }

  async load(ref: string, relativeTo?: string, seen: string[] = []): Promise<Scenario> {
    let file: string;
    try {
      file = this.resolve(ref, relativeTo);
    } catch (err) {
      // A missing parent is a mistake in the file that extends it, not a scenario asked for that is not there.
      if (seen.length > 0 && err instanceof ScenarioNotFoundError) throw new ScenarioError(`${seen[seen.length - 1]}: extends ${err.message}`);
      throw err;
    }
    if (seen.includes(file)) throw new ScenarioError(`${file}: extends itself through ${[...seen, file].join(' → ')}; break the cycle`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new ScenarioError(`${file}: cannot read the scenario (${(err as NodeJS.ErrnoException).code})`);
    }
    const raw = this.parse(text, file);
    const own = this.check(raw, file, text);
    const scenario = raw.extends ? mergeScenarios(await this.load(raw.extends, path.dirname(file), [...seen, file]), own) : own;
    // Only the file asked for is seeded: a parent may leave references for its children to fill.
    if (seen.length === 0) this.trySeeding(scenario, file);
    return scenario;
  }

  /**
   * Seeds every API once from the scenario, so a mistake the schema cannot see (a user in a group that no
   * file defines, a credential of an unknown workspace) is refused at load, naming the file, instead of
   * failing the first request of every session.
   */
  private trySeeding(scenario: Scenario, label: string): void {
    for (const api of this.apis) {
      if (scenario.apis[api.name] === undefined) continue;
      try {
        api.createState(structuredClone(scenario.apis[api.name]), { faker: createFaker(undefined, `seed-check:${api.name}`), now: new Date() });
      } catch (err) {
        throw new ScenarioError(`${label}: ${(err as Error).message}`);
      }
    }
  }

  /** A scenario sent inline to PUT /__admin/scenario. */
  fromObject(raw: any, label = 'inline scenario'): Scenario {
    if (raw && typeof raw === 'object' && 'extends' in raw) {
      throw new ScenarioError(`${label}: extends is only supported in files`);
    }
    const scenario = this.check(raw, label, undefined);
    this.trySeeding(scenario, label);
    return scenario;
  }

  private parse(text: string, file: string): any {
    // An empty file is most likely one an editor is in the middle of saving (--watch reads it then): as a
    // scenario it would mean "no state at all" and wipe every session, so it is refused.
    if (text.trim() === '') throw new ScenarioError(`${file}: the file is empty; a scenario needs at least a name or apis (an editor may still be saving it)`);
    let value: unknown;
    try {
      value = parseYaml(text) ?? {};
    } catch (err) {
      throw new ScenarioError(yamlFailure(err, file));
    }
    if (typeof value !== 'object' || Array.isArray(value)) throw new ScenarioError(`${file}: a scenario must be a YAML mapping (name, apis, rules)`);
    return value;
  }

  private check(raw: any, file: string, text: string | undefined): Scenario {
    const valid: boolean = this.validate(raw) as boolean;
    if (!valid) {
      const error = mostUseful(this.validate.errors ?? []);
      throw new ScenarioError(`${file}${text ? locate(text, pointerOf(error), error.keyword === 'additionalProperties') : ''}: ${describe(error)}`);
    }
    const rules: Rule[] = raw.rules ?? [];
    rules.forEach((rule, i) => {
      try {
        compileRule(rule, i);
      } catch (err) {
        throw new ScenarioError(`${file}: /rules/${i}: ${(err as Error).message}`);
      }
    });
    const [problem] = this.knownOperations ? ruleReferenceProblems(rules, this.knownOperations, this.apiNames) : [];
    if (problem) {
      const pointer = ['rules', String(problem.rule), 'match', problem.field];
      throw new ScenarioError(`${file}${text ? locate(text, pointer) : ''}: /${pointer.join('/')}: ${problem.message}`);
    }
    return {
      name: raw.name ?? path.basename(file).replace(/\.ya?ml$/i, ''),
      description: raw.description,
      file: text === undefined ? undefined : file,
      apis: raw.apis ?? {},
      rules,
    };
  }
}

/** The child's API sections override the parent's key by key; rules add up, the parent's first. */
export function mergeScenarios(parent: Scenario, child: Scenario): Scenario {
  const apis: Record<string, any> = { ...parent.apis };
  for (const [name, section] of Object.entries(child.apis)) {
    const base = parent.apis[name] ?? {};
    apis[name] = { ...base, ...section, options: { ...(base.options ?? {}), ...(section?.options ?? {}) } };
  }
  return { name: child.name, description: child.description ?? parent.description, file: child.file, apis, rules: [...parent.rules, ...child.rules] };
}

/** The error a person should see first: the deepest one (oneOf noise sits at shallower paths). */
function mostUseful(errors: ErrorObject[]): ErrorObject {
  return [...errors].sort((a, b) => b.instancePath.split('/').length - a.instancePath.split('/').length)[0];
}

function pointerOf(error: ErrorObject): string[] {
  const segments = error.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as Record<string, string>;
  if (error.keyword === 'additionalProperties') segments.push(params.additionalProperty);
  return segments;
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, any>;
  const where = `/${pointerOf(error).join('/')}`;
  switch (error.keyword) {
    case 'additionalProperties':
      return `${where}: unknown key "${params.additionalProperty}"; remove it or check its spelling`;
    case 'required':
      return `${where}: missing required key "${params.missingProperty}"`;
    case 'enum':
      return `${where}: must be one of ${params.allowedValues.map((v: unknown) => JSON.stringify(v)).join(', ')}`;
    default:
      return `${where}: ${error.message}`;
  }
}

/** ":line:col" of the node at the pointer (of its key, for an unknown key), or "" when the text has no such place. */
function locate(text: string, pointer: string[], atKey = false): string {
  const position = yamlPosition(text, pointer, { key: atKey });
  return position ? `:${position.line}:${position.col}` : '';
}

/**
 * What a rule's match names (api, operationId) is checked against the mounted specs: a misspelt name is refused
 * with the closest known one, while a rule for a registered API that this process does not mount is accepted
 * (it never fires) — so every bundled scenario loads whatever subset of the bundled specs is mounted.
 */
import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { apis } from '../../src/apis/index.js';
import { bundledScenariosDir } from '../../src/config.js';
import { bundledMountRequests, mountSpec, type Mount } from '../../src/engine/mount.js';
import { knownOperationsOf, ruleReferenceProblems, type KnownOperations } from '../../src/rules/references.js';
import type { Rule } from '../../src/rules/types.js';
import { ScenarioLoader } from '../../src/scenario/load.js';

const known: KnownOperations = new Map([
  ['lakefs', new Set(['getUser', 'listUsers', 'createUser'])],
  ['tiledb', new Set(['getCredentials', 'createCredential'])],
]);
const registered = ['lakefs', 'lakefs-authentication', 'tiledb', 'registry'];
const problems = (...rules: Rule[]) => ruleReferenceProblems(rules, known, registered);

describe('rule references', () => {
  it('accepts names of mounted APIs and their operations, and rules that name neither', () => {
    expect(problems({ match: { api: 'lakefs', operationId: 'getUser' } }, { match: { operationId: 'createCredential' } }, { match: { api: 'tiledb' } }, { status: 503 })).toEqual([]);
  });

  it('refuses an operationId the named API does not have, suggesting the closest', () => {
    expect(problems({ status: 503 }, { match: { api: 'lakefs', operationId: 'getUsr' } })).toEqual([
      { rule: 1, field: 'operationId', message: 'unknown operationId "getUsr" for api lakefs; did you mean "getUser"?' },
    ]);
  });

  it('suggests nothing far from every name', () => {
    expect(problems({ match: { api: 'lakefs', operationId: 'deleteEverything' } })[0]!.message).toBe(
      'unknown operationId "deleteEverything" for api lakefs (GET /__admin/specs lists the operations)',
    );
  });

  it('refuses an unknown API, suggesting a registered or mounted one, or listing them', () => {
    expect(problems({ match: { api: 'registy', operationId: 'anything' } })).toEqual([
      { rule: 0, field: 'api', message: 'unknown api "registy"; did you mean "registry"?' },
    ]);
    expect(problems({ match: { api: 'petstore' } })[0]!.message).toBe('unknown api "petstore"; known APIs: lakefs, lakefs-authentication, tiledb, registry');
  });

  it('accepts any operationId for a registered API that is not mounted: its operations are unknown, and the rule never fires', () => {
    expect(problems({ match: { api: 'registry', operationId: 'not_checked_here' } }, { match: { api: 'lakefs-authentication' } })).toEqual([]);
  });

  it('refuses an operationId without api that no mounted spec has: a rule for an unmounted API must name it', () => {
    expect(problems({ match: { operationId: 'listUser' } })).toEqual([
      {
        rule: 0,
        field: 'operationId',
        message: 'unknown operationId "listUser": no mounted spec has it; did you mean "listUsers"? (a rule for an API that is not mounted here must name it in match.api)',
      },
    ]);
  });

  it('knows the operations of the served mounts, not those of the internal admin API', () => {
    const mount = (name: string, operationIds: string[], internal = false) =>
      ({ api: { name }, internal, spec: { operations: operationIds.map((operationId) => ({ operationId })) } }) as unknown as Mount;
    const operations = knownOperationsOf([mount('lakefs', ['getUser']), mount('lakefs', ['login']), mount('admin', ['addFault'], true)]);
    expect(operations).toEqual(new Map([['lakefs', new Set(['getUser', 'login'])]]));
  });
});

describe('the bundled scenarios', async () => {
  const files = (await readdir(bundledScenariosDir)).filter((f) => f.endsWith('.yaml'));
  const mounts = await Promise.all(bundledMountRequests(apis).map((request) => mountSpec(request, apis, { onCompileFailure: () => {} })));
  const loaderFor = (mounted: Mount[]) => {
    const loader = new ScenarioLoader(apis, bundledScenariosDir);
    loader.setKnownOperations(knownOperationsOf(mounted));
    return loader;
  };

  it('name only operations the bundled specs have', async () => {
    const loader = loaderFor(mounts);
    for (const file of files) await expect(loader.load(file), file).resolves.toBeTruthy();
  });

  it.each(apis.map((api) => [api.name]))('load with only %s mounted (the rules for the other APIs never fire)', async (name) => {
    const loader = loaderFor(mounts.filter((m) => m.api.name === name));
    for (const file of files) await expect(loader.load(file), file).resolves.toBeTruthy();
  });
});

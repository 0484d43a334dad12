import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledScenariosDir } from '../../src/config.js';
import { mountSpec } from '../../src/engine/mount.js';
import { knownOperationsOf } from '../../src/rules/references.js';
import { ScenarioError, ScenarioLoader } from '../../src/scenario/load.js';
import { widgetsApi } from '../support/widgets-api.js';

const loader = new ScenarioLoader([widgetsApi], bundledScenariosDir);
const dir = await mkdtemp(path.join(os.tmpdir(), 'mockgate-scenarios-'));
afterAll(() => rm(dir, { recursive: true, force: true }));
async function scenarioFile(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}

describe('scenario files', () => {
  it.each([
    ['an unknown API', 'name: x\napis:\n  nosuchapi: {}\n', ':3:3', '/apis/nosuchapi: unknown key "nosuchapi"; remove it or check its spelling'],
    ['a seed of the wrong type', 'name: x\napis:\n  widgets:\n    keys: not-a-list\n', ':4:11', '/apis/widgets/keys: must be array'],
    ['a bad duration', 'rules:\n  - match: { operationId: ping }\n    delay: soon\n', ':3:12', '/rules/0/delay'],
    ['a misspelt rule key', 'rules:\n  - match: { operationId: ping }\n    statsu: 503\n', ':3:5', '/rules/0/statsu: unknown key "statsu"; remove it or check its spelling'],
    ['a rate limit without window', 'rules:\n  - rateLimit: { limit: 3 }\n', ':2:16', '/rules/0/rateLimit: missing required key "window"'],
    ['a misspelt key in quotes', 'rules:\n  - match: { operationId: ping }\n    "statsu": 503\n', ':3:5', '/rules/0/statsu: unknown key "statsu"'],
    ['a misspelt key reached through an alias', 'rules:\n  - { status: 503, headers: &h { x-a: "1" } }\n  - { status: 503, match: *h }\n', ':2:34', '/rules/1/match/x-a: unknown key "x-a"'],
  ])('refuses %s with the file, line and path', async (_label, text, position, message) => {
    const file = await scenarioFile(`bad-${position.replace(/:/g, '')}.yaml`, text);
    const attempt = loader.load(file);
    await expect(attempt).rejects.toThrow(ScenarioError);
    await expect(attempt).rejects.toThrow(`${file}${position}: ${message}`);
  });

  // A "billion laughs": 8 levels of 9 aliases each, 400 bytes that expand to 5·10^7 values. It used to block the
  // server for ~50 s at 1 GB; now it is refused at once, naming the file.
  const bomb = ['name: bomb', 'rules:', '  - match: { operationId: ping }', '    status: 200', '    body:', '      a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ...['b', 'c', 'd', 'e', 'f', 'g', 'h'].map((k, i) => `      ${k}: &${k} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`)].join('\n');

  it('refuses a YAML alias bomb, naming the file and what the aliases expand to', async () => {
    const file = await scenarioFile('bomb.yaml', bomb);
    await expect(loader.load(file)).rejects.toThrow(
      `${file}: YAML aliases expand the document to 5.4e+7 values from 25 written; at most 100000 may be added by aliases`,
    );
  });

  it('accepts aliases that repeat a part a few times', async () => {
    const file = await scenarioFile('aliases.yaml', 'name: a\napis:\n  widgets:\n    keys: &keys [k1, k2]\nrules:\n  - { match: { credential: k1 }, headers: &h { x-a: "1" }, status: 503 }\n  - { match: { credential: k2 }, headers: *h, status: 502 }\n');
    expect((await loader.load(file)).rules[1]!.headers).toEqual({ 'x-a': '1' });
  });

  it('refuses an empty file (one an editor is still saving), saying so', async () => {
    for (const text of ['', '   \n\n']) {
      const file = await scenarioFile('empty.yaml', text);
      await expect(loader.load(file)).rejects.toThrow(`${file}: the file is empty; a scenario needs at least a name or apis`);
    }
  });

  it('reads a file of comments only as an empty scenario', async () => {
    const file = await scenarioFile('comments.yaml', '# nothing here yet\n');
    expect(await loader.load(file)).toMatchObject({ name: 'comments', apis: {}, rules: [] });
  });

  it('refuses YAML that does not parse, with its line', async () => {
    const file = await scenarioFile('broken.yaml', 'name: x\napis: [\n');
    await expect(loader.load(file)).rejects.toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: not valid YAML`));
  });

  it('extends another scenario: API sections merge key by key and rules add up, the parent\'s first', async () => {
    await scenarioFile('parent.yaml', 'name: parent\napis:\n  widgets:\n    keys: [k1]\n    widgets: [{ name: a, color: red }]\nrules:\n  - { name: p, status: 503 }\n');
    const child = await scenarioFile('child.yaml', 'name: child\nextends: parent.yaml\napis:\n  widgets:\n    keys: [k2]\nrules:\n  - { name: c, status: 500 }\n');
    const scenario = await loader.load(child);
    expect(scenario.name).toBe('child');
    expect(scenario.apis.widgets.keys).toEqual(['k2']);
    expect(scenario.apis.widgets.widgets).toEqual([{ name: 'a', color: 'red' }]);
    expect(scenario.rules.map((r) => r.name)).toEqual(['p', 'c']);
  });

  it('refuses an extends cycle', async () => {
    await scenarioFile('loop-a.yaml', 'extends: loop-b.yaml\n');
    const b = await scenarioFile('loop-b.yaml', 'extends: loop-a.yaml\n');
    await expect(loader.load(b)).rejects.toThrow(/extends itself/);
  });

  it('names a missing scenario and where it looked', async () => {
    await expect(loader.load(path.join(dir, 'nope.yaml'))).rejects.toThrow(/nope\.yaml: scenario not found/);
  });
});

describe('what rules name, once the loader knows the mounted operations', async () => {
  // A second registered API that this process does not mount.
  const gizmos = { ...widgetsApi, name: 'gizmos', specs: [] };
  const checking = new ScenarioLoader([widgetsApi, gizmos], bundledScenariosDir);
  checking.setKnownOperations(knownOperationsOf([await mountSpec({ file: widgetsApi.specs[0]!, api: widgetsApi }, [widgetsApi])]));

  it('refuses a misspelt operationId with the file, line and path, and the closest operationId', async () => {
    const file = await scenarioFile('typo.yaml', 'rules:\n  - match: { api: widgets, operationId: listWidget }\n    status: 503\n');
    await expect(checking.load(file)).rejects.toThrow(
      `${file}:2:41: /rules/0/match/operationId: unknown operationId "listWidget" for api widgets; did you mean "listWidgets"?`,
    );
    // Told nothing about mounts, a loader checks no names.
    await expect(loader.load(file)).resolves.toBeTruthy();
  });

  it('refuses a misspelt API name', async () => {
    const file = await scenarioFile('api-typo.yaml', 'rules:\n  - { status: 503 }\n  - match: { api: widget }\n    status: 503\n');
    await expect(checking.load(file)).rejects.toThrow(`${file}:3:19: /rules/1/match/api: unknown api "widget"; did you mean "widgets"?`);
  });

  it('accepts rules for a registered API that is not mounted, whatever operationId they name', async () => {
    const file = await scenarioFile('other-api.yaml', 'rules:\n  - match: { api: gizmos, operationId: spinGizmo }\n    status: 503\n');
    expect((await checking.load(file)).rules).toHaveLength(1);
  });

  it('refuses an operationId without api that no mounted spec has', async () => {
    const file = await scenarioFile('no-api.yaml', 'rules:\n  - match: { operationId: pong }\n    status: 503\n');
    await expect(checking.load(file)).rejects.toThrow(`${file}:2:27: /rules/0/match/operationId: unknown operationId "pong": no mounted spec has it; did you mean "ping"?`);
  });

  it('names the file of the chain that holds the rule', async () => {
    const parent = await scenarioFile('typo-parent.yaml', 'rules:\n  - match: { operationId: getWidgets }\n    status: 503\n');
    const child = await scenarioFile('typo-child.yaml', 'extends: typo-parent.yaml\n');
    await expect(checking.load(child)).rejects.toThrow(`${parent}:2:27: /rules/0/match/operationId: unknown operationId "getWidgets"`);
  });

  it('checks inline scenarios (PUT /__admin/scenario) too', () => {
    expect(() => checking.fromObject({ rules: [{ match: { api: 'widgets', operationId: 'getWidgt' }, status: 503 }] })).toThrow(
      'inline scenario: /rules/0/match/operationId: unknown operationId "getWidgt" for api widgets; did you mean "getWidget"?',
    );
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundledScenariosDir } from '../../src/config.js';
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

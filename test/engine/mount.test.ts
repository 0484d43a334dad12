import { describe, expect, it } from 'vitest';
import supertest from 'supertest';
import { createApp } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import { loadSpec } from '../../src/engine/spec.js';
import { fixturePath } from '../support/test-app.js';
import { widgetsApi } from '../support/widgets-api.js';

describe('mounting', () => {
  it.each([
    ['a relative server URL', 'widgets.yaml', '/widgets-api'],
    ['a templated server URL, filled from its variables\' defaults', 'templated-server.yaml', '/v9'],
  ])('takes the default prefix from %s', async (_label, file, prefix) => {
    expect((await loadSpec(fixturePath('engine', file))).serverPath).toBe(prefix);
  });

  it('binds a user spec to the API whose handlers cover its operationIds, and serves an unknown one from its schema', async () => {
    const app = await createApp(
      {
        ...defaultConfig(),
        logLevel: 'silent',
        strict: true,
        scenario: fixturePath('engine', 'widgets-scenario.yaml'),
        specs: [{ file: fixturePath('engine', 'widgets.yaml') }, { file: fixturePath('engine', 'templated-server.yaml') }],
      },
      { apis: [widgetsApi] },
    );
    const specs = (await supertest(app.handler).get('/__admin/specs')).body.specs;
    expect(specs.map((s: { api: string; prefix: string }) => [s.api, s.prefix])).toEqual([
      ['widgets', '/widgets-api'],
      ['templated-server', '/v9'],
    ]);
    await supertest(app.handler).get('/v9/things').expect(200, ['a', 'b']);
    await app.close();
  });
});

describe('loading a spec', () => {
  it('refuses a YAML alias bomb at start, naming the file (js-yaml would have handed the graph to every later walk)', async () => {
    const { mkdtemp, writeFile, rm } = await import('node:fs/promises');
    const os = await import('node:os');
    const path = await import('node:path');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mockgate-spec-bomb-'));
    const file = path.join(dir, 'bomb.yaml');
    const levels = ['a', 'b', 'c', 'd', 'e', 'f', 'g'];
    await writeFile(
      file,
      [
        'openapi: 3.0.3',
        'info: { title: bomb, version: "1" }',
        'paths: {}',
        'x-laughs:',
        '  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]',
        ...levels.slice(1).map((k, i) => `  ${k}: &${k} [${Array(9).fill(`*${levels[i]}`).join(', ')}]`),
      ].join('\n'),
    );
    await expect(loadSpec(file)).rejects.toThrow(`${file}: YAML aliases expand the document to`);
    await rm(dir, { recursive: true, force: true });
  });
});

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

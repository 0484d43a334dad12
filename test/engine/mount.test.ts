import { describe, expect, it } from 'vitest';
import supertest from 'supertest';
import { createApp } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseSpecMount } from '../../src/cli.js';
import type { AppConfig } from '../../src/config.js';
import { loadSpec, SpecError } from '../../src/engine/spec.js';
import { fixturePath } from '../support/test-app.js';
import { widgetsApi } from '../support/widgets-api.js';

describe('mounting', () => {
  it.each([
    ['a relative server URL', 'widgets.yaml', '/widgets-api'],
    ['a templated server URL, filled from its variables\' defaults', 'templated-server.yaml', '/v9'],
  ])('takes the default prefix from %s', async (_label, file, prefix) => {
    expect((await loadSpec(fixturePath('engine', file))).serverPath).toBe(prefix);
  });

  it('binds a user spec to the API one of whose bundled specs it holds whole, and serves an unknown one from its schema', async () => {
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
    expect(specs.map((s: { api: string; prefix: string; binding: unknown }) => [s.api, s.prefix, s.binding])).toEqual([
      ['widgets', '/widgets-api', { kind: 'recognised', by: fixturePath('engine', 'widgets.yaml') }],
      ['templated-server', '/v9', { kind: 'generic' }],
    ]);
    await supertest(app.handler).get('/v9/things').expect(200, ['a', 'b']);
    await app.close();
  });
});

describe('binding a user spec to a bundled API', () => {
  const petstore = fixturePath('engine', 'petstore-healthcheck.yaml');
  const serve = (specs: AppConfig['specs']) => createApp({ ...defaultConfig(), logLevel: 'silent', strict: true, specs });

  it('keeps a spec that merely shares operationIds with lakeFS (healthCheck, getUser) generic: no lakeFS answers', async () => {
    const app = await serve([{ file: petstore }]);
    expect(app.mounts[0]!.binding).toEqual({ kind: 'generic' });
    expect(app.mounts[0]!.api.name).toBe('petstore-healthcheck');
    const http = supertest(app.handler);
    await http.get('/pets-api/healthcheck').expect(200, { ok: true });
    // Any well-formed key passes a generic API; lakeFS would have answered 401 "error authenticating request".
    await http.get('/pets-api/users/rex').set('X-Pet-Key', 'k').expect(200, { name: 'rex-owner' });
    await app.close();
  });

  it('checks a generated answer against the spec once, as it is made, not again before it is sent', async () => {
    const app = await serve([{ file: petstore }]);
    const validator = app.mounts[0]!.validator;
    let checks = 0;
    const validateResponse = validator.validateResponse.bind(validator);
    validator.validateResponse = (...args: Parameters<typeof validateResponse>) => {
      checks++;
      return validateResponse(...args);
    };
    await supertest(app.handler).get('/pets-api/healthcheck').expect(200, { ok: true });
    expect(checks).toBe(1);
    expect((await app.journal.list())[0]).toMatchObject({ operationId: 'healthCheck', responseValid: true });
    await app.close();
  });

  it('binds it when asked (--spec file@lakefs), and says so', async () => {
    const app = await serve([{ file: petstore, api: 'lakefs' }]);
    expect(app.mounts[0]!.binding).toEqual({ kind: 'asked' });
    expect(app.mounts[0]!.api.name).toBe('lakefs');
    await app.close();
  });

  it('refuses an API name nobody registered, with the closest one', async () => {
    await expect(serve([{ file: petstore, api: 'lakfs' }])).rejects.toThrow(SpecError);
    await expect(serve([{ file: petstore, api: 'lakfs' }])).rejects.toThrow(/no API is named "lakfs".*did you mean "lakefs"\?/);
  });

  it('loads a spec from an http URL, and refuses one that does not answer, naming the URL', async () => {
    const text = await readFile(petstore, 'utf8');
    const server = http.createServer((req, res) => {
      if (req.url === '/openapi.yaml') res.end(text);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const app = await serve([{ file: `${base}/openapi.yaml` }]);
      expect(app.mounts[0]!.api.name).toBe('openapi');
      await supertest(app.handler).get('/pets-api/pets').set('X-Pet-Key', 'k').expect(200, ['rex']);
      await app.close();
      await expect(serve([{ file: `${base}/missing.yaml` }])).rejects.toThrow(`${base}/missing.yaml: cannot fetch the spec (HTTP 404); check the URL`);
    } finally {
      server.close();
    }
  });
});

describe('--spec file[=prefix][@api]', () => {
  it.each([
    ['petstore.yaml', { file: 'petstore.yaml' }],
    ['petstore.yaml=/v2', { file: 'petstore.yaml', prefix: '/v2' }],
    ['swagger.yml=/api/v1@lakefs', { file: 'swagger.yml', prefix: '/api/v1', api: 'lakefs' }],
    ['swagger.yml@lakefs', { file: 'swagger.yml', api: 'lakefs' }],
    ['https://example.test/openapi.json@lakefs-authentication', { file: 'https://example.test/openapi.json', api: 'lakefs-authentication' }],
    ['specs/me@work/api.yaml', { file: 'specs/me@work/api.yaml' }],
  ])('%s', (text, mount) => {
    expect(parseSpecMount(text)).toEqual(mount);
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

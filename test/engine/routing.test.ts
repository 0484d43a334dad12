import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { defaultConfig } from '../../src/config.js';
import { RouteCollisionError } from '../../src/engine/router.js';
import { fixturePath } from '../support/test-app.js';
import { widgetsApi } from '../support/widgets-api.js';
import { ALICE, createWidgetsApp, WIDGETS } from '../support/widgets-app.js';

const t = await createWidgetsApp();
afterAll(() => t.close());

describe('routing', () => {
  it('routes a static path and a templated path to their operations', async () => {
    await t.http.get(`${WIDGETS}/widgets`).set(ALICE).expect(200);
    const res = await t.http.get(`${WIDGETS}/widgets/sprocket`).set(ALICE).expect(200);
    expect(res.body).toEqual({ name: 'sprocket', color: 'red' });
  });

  it('answers an unknown path under a mount with 404 in that API\'s error shape', async () => {
    const res = await t.http.get(`${WIDGETS}/nothing/here`).set(ALICE);
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: `no route for GET ${WIDGETS}/nothing/here` });
  });

  it('answers a known path with the wrong method with 405 and an Allow header', async () => {
    const res = await t.http.put(`${WIDGETS}/widgets`).set(ALICE).send({});
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, POST');
    expect(res.body.message).toBe('method not allowed');
  });

  it('answers a path outside every mount with 404', async () => {
    const res = await t.http.get('/elsewhere');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ message: 'no API is mounted at /elsewhere' });
  });

  it('answers HEAD with the GET operation', async () => {
    await t.http.head(`${WIDGETS}/widgets`).set(ALICE).expect(200);
  });

  it('keeps a percent-encoded slash inside one path parameter and decodes it for the handler', async () => {
    const res = await t.http.get(`${WIDGETS}/widgets/a%2Fb`).set(ALICE);
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('no widget a/b');
  });

  it('rejects a path parameter that is not valid percent-encoding with 400, not a crash', async () => {
    const res = await t.http.get(`${WIDGETS}/widgets/%E0%A4%A`).set(ALICE);
    expect(res.status).toBe(400);
    expect(res.body.issues[0]).toMatchObject({ in: 'path', path: ['name'] });
  });

  it('moves a spec to another prefix with --spec file=prefix', async () => {
    const moved = await createApp(
      { ...defaultConfig(), logLevel: 'silent', strict: true, scenario: fixturePath('engine', 'widgets-scenario.yaml'), specs: [{ file: fixturePath('engine', 'widgets.yaml'), prefix: '/elsewhere/' }] },
      { apis: [widgetsApi] },
    );
    const { default: supertest } = await import('supertest');
    await supertest(moved.handler).get('/elsewhere/widgets').set(ALICE).expect(200);
    await supertest(moved.handler).get(`${WIDGETS}/widgets`).set(ALICE).expect(404);
    await moved.close();
  });

  it('reports a route collision across specs at start-up, naming both specs and the path', async () => {
    const attempt = createApp(
      {
        ...defaultConfig(),
        logLevel: 'silent',
        scenario: fixturePath('engine', 'widgets-scenario.yaml'),
        specs: [{ file: fixturePath('engine', 'widgets.yaml') }, { file: fixturePath('engine', 'gizmos-colliding.yaml') }],
      },
      { apis: [widgetsApi] },
    );
    await expect(attempt).rejects.toThrow(RouteCollisionError);
    await expect(attempt).rejects.toThrow(/GET \/widgets-api\/widgets\/\{id\}.*widgets\.yaml.*gizmos-colliding\.yaml/);
  });

  it('never recorded a response that breaks the spec', () => {
    expect(t.violations()).toEqual([]);
  });
});

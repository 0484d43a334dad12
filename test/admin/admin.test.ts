import { afterAll, describe, expect, it } from 'vitest';
import { createAdminApi, type AdminServices } from '../../src/admin/admin-api.js';
import { bundledScenariosDir } from '../../src/config.js';
import type { MockError } from '../../src/engine/errors.js';
import { mountSpec } from '../../src/engine/mount.js';
import type { HandlerContext } from '../../src/engine/types.js';
import { knownOperationsOf } from '../../src/rules/references.js';
import { RuleEngine } from '../../src/rules/rules.js';
import { ScenarioLoader } from '../../src/scenario/load.js';
import { createTestApp, fixturePath } from '../support/test-app.js';
import { widgetsApi } from '../support/widgets-api.js';
import { ALICE, createWidgetsApp, WIDGETS } from '../support/widgets-app.js';

const t = await createWidgetsApp();
afterAll(() => t.close());

describe('admin API', () => {
  it('GET /__admin/health says ok and names the mounted APIs', async () => {
    const res = await t.http.get('/__admin/health').expect(200);
    expect(res.body).toMatchObject({ status: 'ok', scenario: 'widgets-basic', apis: ['widgets'] });
  });

  it('serves its own OpenAPI document', async () => {
    const res = await t.http.get('/__admin/openapi.json').expect(200);
    expect(res.body.info.title).toBe('mockgate admin API');
    expect(Object.keys(res.body.paths)).toContain('/coverage');
  });

  it('validates its own requests like any API', async () => {
    const res = await t.http.get('/__admin/requests?status=99');
    expect(res.status).toBe(400);
    expect(res.body.issues[0]).toMatchObject({ in: 'query', path: ['status'] });
  });

  it('lists the mounted specs and which operations are stateful', async () => {
    const res = await t.http.get('/__admin/specs').expect(200);
    const [spec] = res.body.specs;
    expect(spec).toMatchObject({ api: 'widgets', prefix: WIDGETS });
    expect(spec.operations).toContainEqual({ operationId: 'getGadget', method: 'GET', path: `${WIDGETS}/gadgets/{id}`, stateful: false });
    expect(spec.operations).toContainEqual({ operationId: 'getWidget', method: 'GET', path: `${WIDGETS}/widgets/{name}`, stateful: true });
  });

  it('serves with the specs what the dashboard hides: credential headers (the spec\'s apiKey one too) and secret field names', async () => {
    const { secrets } = (await t.http.get('/__admin/specs').expect(200)).body;
    expect(secrets.headers).toEqual(expect.arrayContaining(['authorization', 'cookie', 'x-widget-key']));
    expect(secrets.fieldWords).toEqual(expect.arrayContaining(['secret', 'password', 'token']));
  });

  it('filters the journal by session, operationId and status, newest first, with secrets redacted', async () => {
    await t.http.get(`${WIDGETS}/widgets/sprocket`).set(ALICE).set('X-Mock-Session', 'j').expect(200);
    await t.http.get(`${WIDGETS}/widgets/nope`).set(ALICE).set('X-Mock-Session', 'j').expect(404);
    await t.http.get(`${WIDGETS}/widgets`).set(ALICE).set('X-Mock-Session', 'j').expect(200);
    const all = (await t.http.get('/__admin/requests?session=j')).body.requests;
    expect(all.map((e: { operationId: string; status: number }) => [e.operationId, e.status])).toEqual([
      ['listWidgets', 200],
      ['getWidget', 404],
      ['getWidget', 200],
    ]);
    const notFound = (await t.http.get('/__admin/requests?session=j&operationId=getWidget&status=404')).body.requests;
    expect(notFound).toHaveLength(1);
    expect(notFound[0]).toMatchObject({ path: `${WIDGETS}/widgets/nope`, source: 'handler', requestValid: true, responseValid: true });
    // The spec's apiKey scheme names X-Widget-Key: a credential, redacted like Authorization.
    expect(notFound[0].request.headers['x-widget-key']).toBe('[redacted]');
    expect(notFound[0].request.headers['x-mock-session']).toBe('j');
    const withAuth = await t.http.get(`${WIDGETS}/widgets`).set('Authorization', `Basic ${Buffer.from('u:secret').toString('base64')}`).set('X-Mock-Session', 'j');
    expect(withAuth.status).toBe(200);
    const [latest] = (await t.http.get('/__admin/requests?session=j&limit=1')).body.requests;
    expect(latest.request.headers.authorization).toBe('[redacted]');
  });

  it('empties the journal of one session with DELETE /__admin/requests', async () => {
    await t.http.delete('/__admin/requests?session=j').expect(204);
    expect((await t.http.get('/__admin/requests?session=j')).body.requests).toEqual([]);
  });

  it('reports coverage: operation × status served, and what is still missing', async () => {
    await t.http.get(`${WIDGETS}/widgets/sprocket`).set(ALICE).set('X-Mock-Session', 'cov').expect(200);
    await t.http.get(`${WIDGETS}/widgets/nope`).set(ALICE).set('X-Mock-Session', 'cov').expect(404);
    const res = await t.http.get('/__admin/coverage?session=cov').expect(200);
    const row = res.body.operations.find((r: { operationId: string }) => r.operationId === 'getWidget');
    expect(row).toMatchObject({ served: { 200: 1, 404: 1 }, missing: ['400', '401'] });
    expect(res.body.summary).toMatchObject({ operations: 6, covered: 2 });
  });

  it('reports coverage as JUnit XML, failing the statuses never served', async () => {
    const res = await t.http.get('/__admin/coverage?session=cov&format=junit').expect(200);
    expect(res.headers['content-type']).toMatch(/application\/xml/);
    expect(res.text).toContain('<testcase classname="widgets.getWidget" name="getWidget 200"/>');
    expect(res.text).toMatch(/<testcase classname="widgets.getWidget" name="getWidget 401"><failure message="GET \/widgets-api\/widgets\/\{name\} never answered 401"\/>/);
  });

  it('switches the scenario for one session by inline body, leaving the others alone', async () => {
    const inline = { name: 'no-widgets', apis: { widgets: { keys: ['key-alice'], widgets: [] } } };
    const res = await t.http.put('/__admin/scenario?session=s').send({ scenario: inline }).expect(200);
    expect(res.body).toMatchObject({ name: 'no-widgets', session: 's' });
    await t.http.get(`${WIDGETS}/widgets/sprocket`).set(ALICE).set('X-Mock-Session', 's').expect(404);
    await t.http.get(`${WIDGETS}/widgets/sprocket`).set(ALICE).expect(200);
    expect((await t.http.get('/__admin/scenario?session=s')).body.name).toBe('no-widgets');
    expect((await t.http.get('/__admin/scenario')).body.name).toBe('widgets-basic');
  });

  it('switches the scenario by file path', async () => {
    const res = await t.http.put('/__admin/scenario?session=s2').send({ name: fixturePath('engine', 'widgets-scenario.yaml') }).expect(200);
    expect(res.body.name).toBe('widgets-basic');
  });

  it('refuses an invalid scenario with 400 and the reason, keeping the current one', async () => {
    const res = await t.http.put('/__admin/scenario?session=s').send({ scenario: { apis: { nosuchapi: {} } } });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/unknown key "nosuchapi"/);
    expect((await t.http.get('/__admin/scenario?session=s')).body.name).toBe('no-widgets');
    await t.http.put('/__admin/scenario').send({}).expect(400);
  });

  it('answers 404 for a scenario name that is neither a file nor a bundled scenario', async () => {
    const res = await t.http.put('/__admin/scenario').send({ name: 'nope-not-there' });
    expect(res.status).toBe(404);
    expect(res.body.message).toMatch(/^nope-not-there: scenario not found/);
  });

  it('resets every session with POST /__admin/reset', async () => {
    await t.http.delete(`${WIDGETS}/widgets/sprocket`).set(ALICE).set('X-Mock-Session', 'r1').expect(204);
    await t.http.post('/__admin/reset').expect(200, { reset: 'all' });
    await t.http.get(`${WIDGETS}/widgets/sprocket`).set(ALICE).set('X-Mock-Session', 'r1').expect(200);
  });

  it('never recorded a response that breaks the spec', () => {
    expect(t.violations()).toEqual([]);
  });
});

describe('admin token', () => {
  it('protects every admin operation but health and the document when set', async () => {
    const locked = await createTestApp({ scenario: fixturePath('engine', 'widgets-scenario.yaml'), adminToken: 's3cret' }, { apis: [widgetsApi] });
    const denied = await locked.http.get('/__admin/requests');
    expect(denied.status).toBe(401);
    expect(denied.headers['www-authenticate']).toBe('Bearer');
    await locked.http.get('/__admin/requests').set('Authorization', 'Bearer wrong').expect(401);
    await locked.http.get('/__admin/requests').set('Authorization', 'Bearer s3cret').expect(200);
    await locked.http.get('/__admin/health').expect(200);
    await locked.close();
  });
});

describe('CORS', () => {
  it('answers preflights for the mocked APIs with the echoed origin and credentials', async () => {
    const res = await t.http
      .options(`${WIDGETS}/widgets`)
      .set('Origin', 'http://localhost:5173')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type, x-widget-key');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(res.headers['access-control-allow-credentials']).toBe('true');
    expect(res.headers['access-control-allow-headers']).toBe('content-type, x-widget-key');
    expect(res.headers['access-control-max-age']).toBe('600');
  });

  it('adds CORS headers to real answers and exposes the rate-limit headers', async () => {
    const res = await t.http.get(`${WIDGETS}/widgets`).set(ALICE).set('Origin', 'http://localhost:5173').expect(200);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(res.headers['access-control-expose-headers']).toContain('Retry-After');
  });

  it('gives the admin API no CORS', async () => {
    const res = await t.http.get('/__admin/health').set('Origin', 'http://localhost:5173');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('marks every mocked answer Vary: Origin, and preflights Vary on what they echo', async () => {
    const plain = await t.http.get(`${WIDGETS}/widgets`).set(ALICE).expect(200);
    expect(plain.headers.vary).toBe('Origin');
    const preflight = await t.http.options(`${WIDGETS}/widgets`).set('Origin', 'http://localhost:5173').set('Access-Control-Request-Method', 'GET');
    expect(preflight.headers.vary).toBe('Origin, Access-Control-Request-Method, Access-Control-Request-Headers');
    expect(preflight.headers['access-control-allow-methods']).toBe('GET');
  });

  it('answers preflights at the edge: they are no operation, and stay out of the journal', async () => {
    await t.http.options(`${WIDGETS}/widgets`).set('Origin', 'http://localhost:5173').set('Access-Control-Request-Method', 'DELETE').set('X-Mock-Session', 'pre').expect(204);
    expect((await t.http.get('/__admin/requests?session=pre')).body.requests).toEqual([]);
  });

  it("allows Chromium's private-network preflight (a public page calling the mock on localhost)", async () => {
    const res = await t.http
      .options(`${WIDGETS}/widgets`)
      .set('Origin', 'https://preview.example.test')
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Private-Network', 'true');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-private-network']).toBe('true');
  });

  it('answers a refused preflight without any Access-Control-* header, and the call gets none either', async () => {
    const strict = await createWidgetsApp({ corsOrigins: ['http://localhost:3000'] });
    const res = await strict.http.options(`${WIDGETS}/widgets`).set('Origin', 'http://evil.test').set('Access-Control-Request-Method', 'GET');
    expect(res.status).toBe(204);
    expect(Object.keys(res.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    expect(res.headers.vary).toBe('Origin');
    await strict.close();
  });

  it.each([
    ['http://localhost:*', 'http://localhost:5173', true],
    ['http://localhost:*', 'http://localhost', false],
    ['http://localhost:*', 'https://localhost:5173', false],
    ['http://localhost:*', 'http://localhost.evil.test:80', false],
    ['https://*.example.test', 'https://app.example.test', true],
    ['https://*.example.test', 'https://a.b.example.test', true],
    ['https://*.example.test', 'https://example.test', false],
    ['https://*.example.test', 'https://evil.test/.example.test', false],
    ['http://LOCALHOST:3000', 'http://localhost:3000', true],
  ])('with --cors-origin %s, origin %s is allowed: %s', async (pattern, origin, allowed) => {
    const app = await createWidgetsApp({ corsOrigins: [pattern] });
    const res = await app.http.get(`${WIDGETS}/widgets`).set(ALICE).set('Origin', origin).expect(200);
    expect(res.headers['access-control-allow-origin']).toBe(allowed ? origin : undefined);
    await app.close();
  });

  it('only echoes configured origins when a list is given', async () => {
    const strict = await createWidgetsApp({ corsOrigins: ['http://localhost:3000'] });
    const other = await strict.http.get(`${WIDGETS}/widgets`).set(ALICE).set('Origin', 'http://evil.test');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
    const allowed = await strict.http.get(`${WIDGETS}/widgets`).set(ALICE).set('Origin', 'http://localhost:3000');
    expect(allowed.headers['access-control-allow-origin']).toBe('http://localhost:3000');
    await strict.close();
  });
});

// The app wires knownOperations from its mounts; here the admin API is built by hand, with what addFault uses.
describe('POST /__admin/faults, given the mounted operations', async () => {
  const widgetsMount = await mountSpec({ file: widgetsApi.specs[0]!, api: widgetsApi }, [widgetsApi]);
  // gizmos: registered, not mounted.
  const scenarios = new ScenarioLoader([widgetsApi, { ...widgetsApi, name: 'gizmos', specs: [] }], bundledScenariosDir);
  const adminWith = (services: Partial<AdminServices>) => {
    const rules = new RuleEngine(() => [], () => 0, { maxStallMs: 1000 });
    // addFault marks the fault's session in use; nothing else of the sessions is needed here.
    const sessions = { use: () => {} } as unknown as AdminServices['sessions'];
    const admin = createAdminApi({ rules, scenarios, sessions, ...services } as AdminServices);
    const addFault = async (body: object) => {
      try {
        return await admin.handlers.addFault!({ request: { query: {}, body } } as unknown as HandlerContext);
      } catch (err) {
        return admin.renderError(err as MockError, { requestId: 'test' });
      }
    };
    return { rules, addFault };
  };
  const { rules, addFault } = adminWith({ knownOperations: () => knownOperationsOf([widgetsMount]) });

  it('refuses a misspelt operationId with 400, naming the field and the closest operationId', async () => {
    expect(await addFault({ match: { api: 'widgets', operationId: 'getWidgt' }, status: 503 })).toMatchObject({
      status: 400,
      body: { message: 'body/match/operationId: unknown operationId "getWidgt" for api widgets; did you mean "getWidget"?' },
    });
    expect(await addFault({ match: { operationId: 'listWidget' }, status: 503 })).toMatchObject({ status: 400, body: { message: expect.stringContaining('did you mean "listWidgets"?') } });
  });

  it('refuses a misspelt API name with 400', async () => {
    expect(await addFault({ match: { api: 'gizmo' }, delay: '1s' })).toMatchObject({ status: 400, body: { message: 'body/match/api: unknown api "gizmo"; did you mean "gizmos"?' } });
  });

  it('queues faults for mounted operations, and for a registered API that is not mounted (they never fire)', async () => {
    expect(await addFault({ match: { api: 'widgets', operationId: 'getWidget' }, status: 503 })).toMatchObject({ status: 201 });
    expect(await addFault({ match: { api: 'gizmos', operationId: 'spinGizmo' }, status: 503 })).toMatchObject({ status: 201 });
    expect(rules.pendingFaults('default')).toHaveLength(2);
  });

  it('checks no names without knownOperations', async () => {
    expect(await adminWith({}).addFault({ match: { api: 'widgets', operationId: 'getWidgt' }, status: 503 })).toMatchObject({ status: 201 });
  });
});

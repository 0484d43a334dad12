/**
 * The admin operations behind the dashboard (sessions, bundled scenarios, the page itself) and how the
 * page is protected, through supertest. The page's behaviour in a browser is test/browser/dashboard.test.ts.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listBundledScenarios } from '../../src/admin/bundled-scenarios.js';
import { dashboardPage } from '../../src/admin/dashboard/page.js';
import { dashboardScript } from '../../src/admin/dashboard/script.js';
import { dashboardStyle } from '../../src/admin/dashboard/style.js';
import { ALICE, createWidgetsApp, WIDGETS } from '../support/widgets-app.js';

const t = await createWidgetsApp();
const locked = await createWidgetsApp({ adminToken: 's3cret' });
afterAll(async () => {
  await t.close();
  await locked.close();
});

describe('GET /__admin/sessions', () => {
  it('lists "default" first, then every session in use by name, with the scenario each runs', async () => {
    await t.http.get(`${WIDGETS}/widgets`).set(ALICE).set('X-Mock-Session', 'zeta').expect(200);
    await t.http.get(`${WIDGETS}/widgets`).set(ALICE).set('X-Mock-Session', 'alpha').expect(200);
    const inline = { name: 'no-widgets', apis: { widgets: { keys: ['key-alice'], widgets: [] } } };
    await t.http.put('/__admin/scenario?session=alpha').send({ scenario: inline }).expect(200);
    await t.http.get(`${WIDGETS}/widgets`).set(ALICE).set('X-Mock-Session', 'alpha').expect(200);
    const res = await t.http.get('/__admin/sessions').expect(200);
    expect(res.body.sessions).toEqual([
      { name: 'default', scenario: 'widgets-basic', stateBytes: 0 },
      { name: 'alpha', scenario: 'no-widgets', stateBytes: expect.any(Number), lastUsed: expect.any(String) },
      { name: 'zeta', scenario: 'widgets-basic', stateBytes: expect.any(Number), lastUsed: expect.any(String) },
    ]);
  });

  it('drops a session once reset, until it is used again', async () => {
    await t.http.post('/__admin/reset?session=zeta').expect(200);
    const names = (await t.http.get('/__admin/sessions')).body.sessions.map((s: { name: string }) => s.name);
    expect(names).toEqual(['default', 'alpha']);
  });
});

describe('GET /__admin/scenarios', () => {
  it('lists the bundled scenarios by the name PUT /__admin/scenario takes, with their descriptions', async () => {
    const res = await t.http.get('/__admin/scenarios').expect(200);
    const names = res.body.scenarios.map((s: { name: string }) => s.name);
    expect(names).toEqual(expect.arrayContaining(['default', 'conflicts', 'expired-token', 'rate-limited']));
    expect(names).toEqual([...names].sort());
    const conflicts = res.body.scenarios.find((s: { name: string }) => s.name === 'conflicts');
    expect(conflicts).toMatchObject({ description: expect.stringMatching(/409/), file: expect.stringMatching(/scenarios[/\\]conflicts\.yaml$/) });
  });

  it('reads only each file head: a broken file is still listed, a differing own name is its title', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'mockgate-scenarios-'));
    try {
      await writeFile(path.join(dir, 'ok.yaml'), 'name: Friendly name\ndescription: one line\nextends: default.yaml\n');
      await writeFile(path.join(dir, 'broken.yaml'), 'name: [unclosed\n');
      await writeFile(path.join(dir, 'schema.json'), '{}');
      expect(await listBundledScenarios(dir)).toEqual([
        { name: 'broken', file: path.join(dir, 'broken.yaml') },
        { name: 'ok', title: 'Friendly name', description: 'one line', extends: 'default.yaml', file: path.join(dir, 'ok.yaml') },
      ]);
      expect(await listBundledScenarios(path.join(dir, 'missing'))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('GET /__admin/ui', () => {
  it('serves one self-contained HTML page: no external resource, no request data in it', async () => {
    const res = await t.http.get('/__admin/ui?session=%3Cscript%3Ealert(1)%3C%2Fscript%3E').expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toBe(dashboardPage.html);
    expect(res.text).not.toContain('alert(1)');
    expect(res.text).not.toMatch(/\b(src|href)="(https?:)?\/\//);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('pins its inline script and stylesheet by hash in its Content-Security-Policy', async () => {
    const res = await t.http.get('/__admin/ui').expect(200);
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain(`script-src ${hash(dashboardScript)}`);
    expect(csp).toContain(`style-src ${hash(dashboardStyle)}`);
    expect(csp).toContain("connect-src 'self'");
    expect(res.text).toContain(`<script>${dashboardScript}</script>`);
    expect(res.text).toContain(`<style>${dashboardStyle}</style>`);
  });

  it('carries a script that is valid JavaScript and builds the DOM without innerHTML', () => {
    expect(() => new Function(dashboardScript)).not.toThrow();
    expect(dashboardScript).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(/);
    expect(dashboardScript).not.toContain('</script');
  });

  it('with --admin-token, is served for ?token= or the Authorization header, and refused otherwise', async () => {
    const missing = await locked.http.get('/__admin/ui');
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect(missing.body.message).toMatch(/\/__admin\/ui\?token=<token>/);
    const wrong = await locked.http.get('/__admin/ui?token=guess');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ message: 'invalid admin token' });
    await locked.http.get('/__admin/ui?token=s3cret').expect(200);
    await locked.http.get('/__admin/ui').set('Authorization', 'Bearer s3cret').expect(200);
    await locked.http.get('/__admin/ui?token=guess').set('Authorization', 'Bearer s3cret').expect(200);
  });

  it('does not let ?token= open any other admin operation', async () => {
    for (const op of ['/__admin/sessions', '/__admin/scenarios', '/__admin/state', '/__admin/requests', '/__admin/coverage']) {
      const res = await locked.http.get(`${op}?token=s3cret`);
      expect(res.status, op).toBe(401);
      await locked.http.get(op).set('Authorization', 'Bearer s3cret').expect(200);
    }
  });
});

it('never answered against its own spec', () => {
  expect(t.violations()).toEqual([]);
  expect(locked.violations()).toEqual([]);
});

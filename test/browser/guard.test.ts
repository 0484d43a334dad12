/**
 * The attacks of a web page the developer visits, in a real Chromium:
 * - a page on another origin submits a form (a simple cross-site POST, no preflight) to /__admin/reset of a
 *   mockgate started without an admin token: refused, nothing is reset;
 * - a DNS-rebinding page: its name now resolves to 127.0.0.1 (Chromium's --host-resolver-rules), so the mock
 *   would be same-origin to it; the mock refuses its Host.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startBrowserHarness, type BrowserHarness } from './support/harness.js';

const LAKEFS = { Authorization: `Basic ${Buffer.from('AKIAIOSFOLQUICKSTART:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY').toString('base64')}` };

const harnesses: BrowserHarness[] = [];
afterAll(async () => {
  for (const h of harnesses) await h.close();
});

async function userExists(h: BrowserHarness, id: string): Promise<boolean> {
  const res = await fetch(`${h.mockUrl}/api/v1/auth/users/${id}`, { headers: LAKEFS });
  return res.status === 200;
}

/** A page that POSTs a form to the mock's reset, as any site could. */
const attackPage = (mockUrl: string) => `<!doctype html><meta charset="utf-8"><title>innocent</title>
<form id="f" method="POST" action="${mockUrl}/__admin/reset"></form>
<script>document.getElementById('f').submit();</script>`;

describe('a cross-site form POST to the admin API', () => {
  it('is refused with 403, and every session keeps its state', async () => {
    const h = await startBrowserHarness();
    harnesses.push(h);
    await fetch(`${h.mockUrl}/api/v1/auth/users`, { method: 'POST', headers: { ...LAKEFS, 'Content-Type': 'application/json' }, body: '{"id":"victim"}' });
    const answer = h.page.waitForResponse((r) => r.url().endsWith('/__admin/reset'));
    await h.page.goto(h.appUrl(attackPage(h.mockUrl)));
    const res = await answer;
    expect(res.status()).toBe(403);
    expect((await res.json()).message).toMatch(/^cross-site request refused/);
    expect(await userExists(h, 'victim')).toBe(true);
  });

  it('is let through from an origin listed with --admin-origin', async () => {
    const h = await startBrowserHarness({ config: { adminOrigins: ['http://127.0.0.1:*'] } });
    harnesses.push(h);
    await fetch(`${h.mockUrl}/api/v1/auth/users`, { method: 'POST', headers: { ...LAKEFS, 'Content-Type': 'application/json' }, body: '{"id":"victim"}' });
    const answer = h.page.waitForResponse((r) => r.url().endsWith('/__admin/reset'));
    await h.page.goto(h.appUrl(attackPage(h.mockUrl)));
    expect((await answer).status()).toBe(200);
    expect(await userExists(h, 'victim')).toBe(false);
  });
});

describe('a DNS-rebinding page', () => {
  it('gets 403 for every request under its own name, and is served once that name is allowed', async () => {
    const rules = ['--host-resolver-rules=MAP rebind.test 127.0.0.1'];
    const refused = await startBrowserHarness({ browserArgs: rules });
    harnesses.push(refused);
    const port = new URL(refused.mockUrl).port;
    const res = await refused.page.goto(`http://rebind.test:${port}/__admin/state`);
    expect(res!.status()).toBe(403);
    expect(await res!.text()).toContain('host \\"rebind.test\\" is not allowed');

    const allowed = await startBrowserHarness({ browserArgs: rules, config: { allowedHosts: ['rebind.test'] } });
    harnesses.push(allowed);
    const ok = await allowed.page.goto(`http://rebind.test:${new URL(allowed.mockUrl).port}/__admin/health`);
    expect(ok!.status()).toBe(200);
  });
});

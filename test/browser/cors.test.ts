/**
 * CORS as a frontend developer meets it: a page served by another port calls a mocked API with
 * `credentials: 'include'` and custom headers, so the browser sends a real preflight, checks the echoed
 * origin and credentials flag, caches the preflight (Access-Control-Max-Age) and sends the mock's cookies.
 */
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserHarness, startMock, type BrowserHarness, type RunningMock } from './support/harness.js';

const ALICE_KEY = 'tdb-ws_9m4e2mr0ui3e8a215n4g-alicedemotoken00000001';

/** The "frontend": exposes one helper that calls any URL and reports what the page could read. */
const APP_PAGE = `<!doctype html><meta charset="utf-8"><title>frontend</title>
<script>
  window.callMock = async (url, init) => {
    try {
      const res = await fetch(url, init);
      return { status: res.status, requestId: res.headers.get('x-request-id'), body: await res.json() };
    } catch (err) {
      return { error: String(err) };
    }
  };
</script>`;

type Credentials = 'include' | 'omit' | 'same-origin';
/** The app page's global scope (the test compiles without the DOM library). */
interface AppWindow {
  callMock(url: string, init: RequestInit): Promise<CallResult>;
}

interface CallResult {
  status?: number;
  requestId?: string | null;
  body?: unknown;
  error?: string;
}

let h: BrowserHarness;
let appPage: string;
beforeAll(async () => {
  h = await startBrowserHarness(); // default --cors-origin: * (any origin, echoed)
  appPage = h.appUrl(APP_PAGE, '/index.html');
  await h.page.goto(appPage);
});
afterAll(async () => {
  await h?.close();
});

/** Calls the mock from the app page, with the TileDB key and a session header (so: a preflighted request). */
function callFromPage(url: string, session: string, credentials: Credentials = 'include'): Promise<CallResult> {
  return h.page.evaluate(
    ([target, s, mode, key]) =>
      (globalThis as unknown as AppWindow).callMock(target, {
        credentials: mode,
        headers: { 'X-TILEDB-REST-API-KEY': key, 'X-Mock-Session': s },
      }),
    [url, session, credentials, ALICE_KEY] as const,
  );
}

/** Records what reaches a mock's socket (preflights never reach its journal). */
function spy(server: http.Server) {
  const seen: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders }> = [];
  const listener = (req: http.IncomingMessage) => seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
  server.on('request', listener);
  return { seen, stop: () => server.off('request', listener) };
}

describe('CORS in a real browser', () => {
  it('lets a page on another port call a mocked API with credentials: preflight, echoed origin, exposed headers', async () => {
    expect(h.appOrigin).not.toBe(h.mockUrl);
    expect(h.appRequests.map((r) => `${r.method} ${r.url}`)).toContain('GET /index.html');
    const wire = spy(h.mockServer);
    const answer = h.page.waitForResponse((res) => res.url() === `${h.mockUrl}/v4/credentials/acme` && res.request().method() === 'GET');
    const result = await callFromPage(`${h.mockUrl}/v4/credentials/acme`, 'cors-1');
    wire.stop();

    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ data: expect.any(Array) });
    expect(result.requestId).toMatch(/\S/); // readable only because it is in Access-Control-Expose-Headers
    const headers = await (await answer).allHeaders();
    expect(headers['access-control-allow-origin']).toBe(h.appOrigin);
    expect(headers['access-control-allow-credentials']).toBe('true');

    const [preflight, call] = wire.seen;
    expect(wire.seen.map((r) => r.method)).toEqual(['OPTIONS', 'GET']);
    expect(preflight.headers.origin).toBe(h.appOrigin);
    expect(String(preflight.headers['access-control-request-headers']).split(',').sort()).toEqual(['x-mock-session', 'x-tiledb-rest-api-key']);
    expect(call.headers.origin).toBe(h.appOrigin);
    // The preflight is answered at the edge: only the real call is journaled.
    expect((await h.mock.journal.list({ session: 'cors-1' })).map((e) => e.method)).toEqual(['GET']);
  });

  it('caches the preflight as Access-Control-Max-Age allows: a second identical call goes straight out', async () => {
    const wire = spy(h.mockServer);
    const result = await callFromPage(`${h.mockUrl}/v4/credentials/acme`, 'cors-1');
    wire.stop();
    expect(result.status).toBe(200);
    expect(wire.seen.map((r) => r.method)).toEqual(['GET']);
  });

  it("sends the mock host's cookies with credentials: 'include', and none with 'omit'", async () => {
    await h.context.addCookies([{ name: 'internal_auth_session', value: 'cookie-from-login', url: h.mockUrl }]);
    const wire = spy(h.mockServer);
    expect((await callFromPage(`${h.mockUrl}/v4/credentials/acme`, 'cors-2', 'include')).status).toBe(200);
    expect((await callFromPage(`${h.mockUrl}/v4/credentials/acme`, 'cors-3', 'omit')).status).toBe(200);
    wire.stop();
    const calls = wire.seen.filter((r) => r.method === 'GET');
    expect(calls.map((r) => r.headers.cookie)).toEqual(['internal_auth_session=cookie-from-login', undefined]);
    await h.context.clearCookies();
  });

  it('answers errors with CORS headers too, so the page can read a 401', async () => {
    const result = await h.page.evaluate(
      (url) => (globalThis as unknown as AppWindow).callMock(url, {
        credentials: 'include',
        headers: { 'X-TILEDB-REST-API-KEY': 'tdb-nobody' },
      }),
      `${h.mockUrl}/v4/credentials/acme`,
    );
    expect(result.status).toBe(401);
    expect(result.body).toMatchObject({ message: expect.any(String) });
  });

  describe('with --cors-origin', () => {
    const others: RunningMock[] = [];
    afterAll(async () => {
      await Promise.all(others.map((m) => m.close()));
    });

    it('blocks an origin that is not listed: the preflight carries no Access-Control-* header and nothing is journaled', async () => {
      const strict = await startMock({ corsOrigins: ['http://localhost:5173'] });
      others.push(strict);
      const wire = spy(strict.server);
      const result = await callFromPage(`${strict.url}/v4/credentials/acme`, 'blocked');
      wire.stop();
      expect(result.error).toMatch(/Failed to fetch/);
      expect(wire.seen.map((r) => r.method)).toEqual(['OPTIONS']);
      expect(await strict.app.journal.list({ session: 'blocked' })).toEqual([]);
      // Chromium reports the blocked call on the console: expected here, not elsewhere.
      expect(h.pageErrors.join('\n')).toMatch(/CORS policy/);
      h.pageErrors.length = 0;
    });

    it('allows origins matching a pattern such as http://127.0.0.1:*', async () => {
      const patterned = await startMock({ corsOrigins: ['http://localhost:5173', 'http://127.0.0.1:*'] });
      others.push(patterned);
      const result = await callFromPage(`${patterned.url}/v4/credentials/acme`, 'patterned');
      expect(result.status).toBe(200);
    });
  });

  it('logged no unexpected console error and broke no contract', () => {
    expect(h.pageErrors).toEqual([]);
    expect(h.violations()).toEqual([]);
  });
});

/**
 * A real browser against a real mockgate socket, for flows only a browser shows: CORS with credentials,
 * cookies, redirects (OIDC), pages that poll (the dashboard).
 *
 *   const h = await startBrowserHarness();            // mockgate on 127.0.0.1:<port>, chromium, an "app" origin
 *   await h.page.goto(h.appUrl('<script>…fetch(MOCK + "/v4/…", {credentials: "include"})…</script>'));
 *   …
 *   await h.close();                                   // in afterAll: browser, app server, mockgate
 *
 * - mockgate runs in this process (`createApp(config).listen()` on port 0) with the test defaults (strict,
 *   seed 42, silent), so `h.mock` gives the journal, state and sessions directly and `h.violations()` works.
 * - The "app" is a tiny node:http server on ANOTHER port of the same host: the page and the mock are
 *   cross-origin but same-site, like a frontend dev server on localhost:5173 calling a mock on :4010, so
 *   preflights, `credentials: 'include'` and SameSite=Lax cookies behave as they do for a developer.
 *   (Cookies ignore ports: a cookie the mock sets on 127.0.0.1 is also the app's.)
 * - `appUrl(html, path?)` serves a page at a fixed path when asked (an OIDC redirect_uri such as /callback),
 *   `route(path, handler)` serves anything, and `appRequests` records every request the app received.
 * - Chromium is Debian's (/usr/bin/chromium, see scripts/ensure-test-tools.sh): browsers cannot be
 *   downloaded here. Console errors and uncaught exceptions of every page land in `pageErrors`.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { createApp, type AppDeps, type MockgateApp } from '../../../src/app.js';
import { defaultConfig, type AppConfig } from '../../../src/config.js';

export const CHROMIUM_PATH = process.env.MOCKGATE_CHROMIUM ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const HOST = '127.0.0.1';

export interface RunningMock {
  app: MockgateApp;
  /** http://127.0.0.1:<port> */
  url: string;
  /** The bound server: `server.on('request', …)` sees what reaches mockgate, preflights included. */
  server: http.Server;
  violations(): unknown[];
  close(): Promise<void>;
}

/** mockgate on a real socket (127.0.0.1, a free port), with the test suite's defaults. */
export async function startMock(config: Partial<AppConfig> = {}, deps: AppDeps = {}): Promise<RunningMock> {
  const app = await createApp({ ...defaultConfig(), strict: true, seed: 42, logLevel: 'silent', ...config, port: 0, host: HOST }, deps);
  try {
    const server = await app.listen();
    const { port } = server.address() as AddressInfo;
    return { app, url: `http://${HOST}:${port}`, server, violations: () => app.journal.violations(), close: () => app.close() };
  } catch (err) {
    await app.close();
    throw err;
  }
}

export interface AppRequest {
  method: string;
  /** Path and query, as received. */
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface BrowserHarnessOptions {
  /** mockgate configuration over the test defaults; port and host are always 0 and 127.0.0.1. */
  config?: Partial<AppConfig>;
  deps?: AppDeps;
  /** Options of the harness's browser context (default: a 1280×900 viewport). */
  context?: BrowserContextOptions;
  /** Chromium flags beside CHROMIUM_ARGS (e.g. --host-resolver-rules to point a name at 127.0.0.1). */
  browserArgs?: string[];
}

export interface BrowserHarness {
  mock: MockgateApp;
  /** The mock's origin, e.g. http://127.0.0.1:41234 */
  mockUrl: string;
  /** The mock's socket server: `mockServer.on('request', …)` sees preflights, which never reach the journal. */
  mockServer: http.Server;
  /** The app's origin (another port of the same host), e.g. http://127.0.0.1:41235 */
  appOrigin: string;
  /** Serves `html` on the app origin and returns its URL; `path` (e.g. "/callback") defaults to a fresh /page-N. */
  appUrl(html: string, path?: string): string;
  /** Serves anything at `path` (query ignored) on the app origin. */
  route(path: string, handler: http.RequestListener): void;
  /** Every request the app origin received, oldest first. */
  appRequests: AppRequest[];
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** A page in a fresh context: its own cookies and storage. Closed by close(). */
  newPage(options?: BrowserContextOptions): Promise<Page>;
  /** Console errors and uncaught exceptions of every page opened through the harness. */
  pageErrors: string[];
  /** Response-validation violations of the mock (should stay empty). */
  violations(): unknown[];
  close(): Promise<void>;
}

export async function startBrowserHarness(options: BrowserHarnessOptions = {}): Promise<BrowserHarness> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const close = async () => {
    // Newest first: pages and browser, then the app server, then mockgate. Each step runs even if one fails.
    const errors: unknown[] = [];
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((err) => errors.push(err));
    if (errors.length) throw errors[0];
  };
  try {
    const mock = await startMock(options.config, options.deps);
    cleanups.push(() => mock.close());

    const app = await startAppServer();
    cleanups.push(() => app.close());

    const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...(options.browserArgs ?? [])] });
    cleanups.push(() => browser.close());

    const pageErrors: string[] = [];
    const watch = (context: BrowserContext) => {
      const attach = (page: Page) => {
        page.on('console', (msg) => {
          // Chromium asks every origin for /favicon.ico on its own, and that 404 lands in the console late, at
          // random: it is not something the page did.
          if (msg.type() === 'error' && !msg.location().url.endsWith('/favicon.ico')) pageErrors.push(`console: ${msg.text()} (${page.url()})`);
        });
        page.on('pageerror', (err) => pageErrors.push(`uncaught: ${err.message} (${page.url()})`));
      };
      context.pages().forEach(attach);
      context.on('page', attach);
      return context;
    };
    const contextOptions = (extra?: BrowserContextOptions): BrowserContextOptions => ({
      viewport: { width: 1280, height: 900 },
      ...options.context,
      ...extra,
    });

    const context = watch(await browser.newContext(contextOptions()));
    const page = await context.newPage();

    return {
      mock: mock.app,
      mockUrl: mock.url,
      mockServer: mock.server,
      appOrigin: app.origin,
      appUrl: app.page,
      route: app.route,
      appRequests: app.requests,
      browser,
      context,
      page,
      async newPage(extra) {
        const fresh = watch(await browser.newContext(contextOptions(extra)));
        return fresh.newPage();
      },
      pageErrors,
      violations: mock.violations,
      close,
    };
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
}

interface AppServer {
  origin: string;
  page(html: string, path?: string): string;
  route(path: string, handler: http.RequestListener): void;
  requests: AppRequest[];
  close(): Promise<void>;
}

/** The "frontend" origin: serves registered pages and handlers, records what it received. */
async function startAppServer(): Promise<AppServer> {
  const routes = new Map<string, http.RequestListener>();
  const requests: AppRequest[] = [];
  let pages = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      const handler = routes.get((req.url ?? '/').split('?')[0]);
      if (handler) return handler(req, res);
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found on the app origin');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve());
  });
  const origin = `http://${HOST}:${(server.address() as AddressInfo).port}`;
  const route = (path: string, handler: http.RequestListener) => {
    if (!path.startsWith('/')) throw new Error(`app routes start with "/": ${path}`);
    routes.set(path, handler);
  };
  return {
    origin,
    route,
    page(html, path = `/page-${++pages}`) {
      route(path, (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(html);
      });
      return origin + path;
    },
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

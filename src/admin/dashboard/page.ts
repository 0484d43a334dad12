/**
 * The dashboard page (GET /__admin/ui), assembled once at start-up: a static HTML shell with its script
 * (client.js, read by script.ts) and stylesheet inlined, so it needs nothing but this server (no CDN; CI
 * machines have no network). Nothing from a request is ever written into it — the script reads the session
 * and token from the address and fetches the rest — so its Content-Security-Policy can pin the script and
 * style by hash, computed here from the text inlined.
 */
import { createHash } from 'node:crypto';
import { dashboardScript } from './script.js';
import { dashboardStyle } from './style.js';

const sourceHash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>mockgate dashboard</title>
<style>${dashboardStyle}</style>
</head>
<body>
<header>
  <h1>mockgate <small>dashboard</small></h1>
  <label>session <select id="session" aria-label="session"></select></label>
  <form id="open-session"><input type="text" id="session-input" placeholder="other session…" aria-label="other session" size="14"><button type="submit">open</button></form>
  <label>scenario <span id="scenario-name" class="pill">…</span></label>
  <label><select id="scenario-select" aria-label="bundled scenario"></select></label>
  <button type="button" id="switch-scenario">switch scenario</button>
  <button type="button" id="reset" class="danger">reset session</button>
  <label><input type="checkbox" id="show-secrets"> show secrets</label>
  <button type="button" id="pause">pause</button>
  <span id="status" data-state="loading">connecting…</span>
</header>
<div id="message" role="status" hidden></div>
<main>
  <section id="journal-section">
    <h2>Requests <small id="journal-count"></small></h2>
    <div id="journal" class="scroll"></div>
  </section>
  <section id="coverage-section">
    <h2>Coverage <small id="coverage-summary"></small></h2>
    <div class="tools">
      <input type="search" id="coverage-filter" placeholder="filter operations…" aria-label="filter operations">
      <label><input type="checkbox" id="coverage-called-only"> called only</label>
      <span class="legend"><span><i class="l-hit"></i>served</span><span><i class="l-missing"></i>declared, never served</span><span><i class="l-undeclared"></i>served, not declared</span></span>
    </div>
    <div id="coverage" class="scroll"></div>
  </section>
  <section id="state-section">
    <h2>State <small>as the handlers see it</small></h2>
    <div id="state" class="scroll"></div>
  </section>
  <section id="apis-section">
    <h2>APIs <small>mounted specs and their operations</small></h2>
    <div id="apis" class="scroll"></div>
  </section>
</main>
<script>${dashboardScript}</script>
</body>
</html>
`;

const contentSecurityPolicy = [
  "default-src 'none'",
  `script-src ${sourceHash(dashboardScript)}`,
  `style-src ${sourceHash(dashboardStyle)}`,
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const dashboardPage = Object.freeze({
  html,
  headers: Object.freeze({
    'Content-Security-Policy': contentSecurityPolicy,
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Cache-Control': 'no-store',
  }),
});

/**
 * The dashboard's script, as text: it runs in the browser, not in Node, so it is kept as a string (no
 * bundler, no framework; the page must work with no network). Rules it keeps:
 * - every value from the server reaches the page through text nodes (`append(string)`) or `setAttribute`
 *   on data-/title attributes, never through innerHTML: journal entries carry attacker-controlled paths;
 * - it polls about once a second, and rebuilds a panel only when that panel's JSON text changed;
 * - the admin token (if any) comes from the page's own `?token=` and is sent as `Authorization: Bearer`.
 * (No backticks and no dollar-brace in here: this text is itself a template literal.)
 */
export const dashboardScript = String.raw`
'use strict';
(() => {
  const params = new URLSearchParams(location.search);
  const token = params.get('token');
  const base = location.pathname.replace(/\/ui\/?$/, '');
  const POLL_MS = 1000;
  const SECRET = /secret|password|passwd|token|key_text|sas_token|account_key|private_key|client_secret/i;

  const ui = {
    session: params.get('session') || 'default',
    paused: false,
    showSecrets: false,
    coverageFilter: '',
    coverageCalledOnly: false,
    /** Last JSON text per panel, to skip rebuilding what did not change. */
    last: {},
    /** Last parsed data per panel, to re-render on a local toggle. */
    data: {},
    /** details elements the user opened or closed, by key. */
    open: new Map(),
    expanded: new Set(),
    scenarios: null,
    specs: null,
  };

  const $ = (id) => document.getElementById(id);

  /** Builds an element. Strings become text nodes; attributes are set one by one, never parsed as HTML. */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'style') for (const [prop, v] of Object.entries(value)) el.style.setProperty(prop, v);
      else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
      else el.setAttribute(key, value === true ? '' : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === undefined || child === null || child === false) continue;
      el.append(child instanceof Node ? child : String(child));
    }
    return el;
  }

  function fill(el, ...children) {
    el.replaceChildren(...children.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== false));
  }

  /** A details element whose open state survives re-renders. */
  function section(key, openByDefault, summary, ...body) {
    const d = h('details', { 'data-key': key }, h('summary', null, summary), body);
    d.open = ui.open.has(key) ? ui.open.get(key) : openByDefault;
    d.addEventListener('toggle', () => ui.open.set(key, d.open));
    return d;
  }

  class HttpError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  async function call(method, path, body) {
    const headers = {};
    if (token) headers.Authorization = 'Bearer ' + token;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(base + path, {
      method,
      headers,
      cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) {
      let message = res.status + ' ' + res.statusText;
      try {
        message = JSON.parse(text).message || message;
      } catch (e) {}
      throw new HttpError(res.status, message);
    }
    return text;
  }

  const q = () => '?session=' + encodeURIComponent(ui.session);

  // ---------------------------------------------------------------- status line and messages

  function setStatus(state, text) {
    const el = $('status');
    el.dataset.state = state;
    el.textContent = text;
  }

  let messageTimer;
  function say(text, isError) {
    const el = $('message');
    el.textContent = text;
    el.className = isError ? 'error' : '';
    el.hidden = false;
    clearTimeout(messageTimer);
    if (!isError) messageTimer = setTimeout(() => (el.hidden = true), 4000);
  }

  // ---------------------------------------------------------------- small renderers

  function statusBadge(status) {
    return h('span', { class: 'status s' + String(status).charAt(0) }, String(status));
  }

  function verdict(valid, issues) {
    if (valid === undefined) return h('span', { class: 'muted', title: 'not checked (answered before validation)' }, '–');
    if (valid) return h('span', { class: 'ok', title: 'valid' }, '✓');
    const list = (issues || []).map((i) => (i.in ? i.in + ' ' : '') + (i.path || []).join('.') + ': ' + i.message);
    return h('span', { class: 'bad', title: list.join('\n') }, '✗ ' + (issues ? issues.length : ''));
  }

  function masked(key, value) {
    if (!ui.showSecrets && typeof value === 'string' && value !== '' && SECRET.test(key)) {
      return h('span', { class: 'secret', title: 'hidden: tick "show secrets"' }, '••••••');
    }
    return null;
  }

  function jsonText(value) {
    return JSON.stringify(value, (key, v) => (!ui.showSecrets && key && typeof v === 'string' && v !== '' && SECRET.test(key) ? '••••••' : v));
  }

  const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  const isScalar = (v) => v === null || typeof v !== 'object';

  function cellValue(key, value) {
    const hidden = masked(key, value);
    if (hidden) return hidden;
    if (value === null || value === undefined) return h('span', { class: 'muted' }, '—');
    if (typeof value === 'boolean') return h('span', { class: value ? 'ok' : 'muted' }, String(value));
    if (typeof value !== 'object') return String(value);
    if (Array.isArray(value) && value.every(isScalar)) return value.length ? value.map(String).join(', ') : h('span', { class: 'muted' }, '[]');
    const text = jsonText(value);
    return h('code', { title: text.length > 160 ? text : null }, text.length > 160 ? text.slice(0, 157) + '…' : text);
  }

  function columnsOf(rows) {
    const cols = [];
    for (const row of rows) for (const key of Object.keys(row)) if (!cols.includes(key)) cols.push(key);
    return cols;
  }

  function recordTable(rows, keyColumn) {
    const cols = columnsOf(rows.map((r) => r[1]));
    return h('table', null,
      h('thead', null, h('tr', null, keyColumn ? h('th', null, keyColumn) : null, cols.map((c) => h('th', null, c)))),
      h('tbody', null, rows.map(([key, row]) => h('tr', null,
        keyColumn ? h('td', { class: 'mono' }, key) : null,
        cols.map((c) => h('td', null, cellValue(c, row[c])))))));
  }

  /** Any JSON value as tables: arrays of objects and maps of objects become tables, other objects sections. */
  function renderValue(key, value, path) {
    if (Array.isArray(value)) {
      if (value.length === 0) return h('div', { class: 'empty' }, 'empty');
      if (value.every(isPlainObject)) return recordTable(value.map((v, i) => [String(i), v]), null);
      return h('div', null, cellValue(key, value));
    }
    if (!isPlainObject(value)) return h('div', null, cellValue(key, value));
    const entries = Object.entries(value);
    if (entries.length === 0) return h('div', { class: 'empty' }, 'empty');
    if (entries.every(([, v]) => isPlainObject(v))) {
      // A map keyed by id: the key column is dropped when every record repeats its key in a field.
      const repeated = entries.every(([k, v]) => Object.values(v).some((f) => f === k));
      return recordTable(entries, repeated ? null : 'key');
    }
    if (entries.every(([, v]) => isScalar(v) || (Array.isArray(v) && v.every(isScalar)))) {
      return h('table', null, h('tbody', null, entries.map(([k, v]) => h('tr', null, h('th', { class: 'mono' }, k), h('td', null, cellValue(k, v))))));
    }
    return h('div', { class: 'block' }, entries.map(([k, v]) => stateBlock(k, v, path + '/' + k)));
  }

  function countOf(value) {
    if (Array.isArray(value)) return value.length;
    if (isPlainObject(value)) return Object.keys(value).length;
    return null;
  }

  function stateBlock(key, value, path) {
    const n = countOf(value);
    return section('state:' + path, n === null || n > 0, [key, ' ', h('span', { class: 'muted' }, n === null ? '' : '(' + n + ')')], h('div', { class: 'block', 'data-state-key': path }, renderValue(key, value, path)));
  }

  // ---------------------------------------------------------------- panels

  function renderSessions(data) {
    const select = $('session');
    const names = data.sessions.map((s) => s.name);
    if (!names.includes(ui.session)) names.push(ui.session);
    fill(select, names.map((name) => h('option', { value: name }, name)));
    select.value = ui.session;
  }

  function renderScenario(data) {
    const el = $('scenario-name');
    el.textContent = data.name;
    el.title = data.description || '';
    const select = $('scenario-select');
    if (select.dataset.touched !== 'yes' && [...select.options].some((o) => o.value === data.name)) select.value = data.name;
  }

  function renderScenarioChoices() {
    fill($('scenario-select'), (ui.scenarios || []).map((s) => h('option', { value: s.name, title: s.description || '' }, s.name)));
  }

  function renderJournal(data) {
    const rows = data.requests;
    $('journal-count').textContent = rows.length ? rows.length + (rows.length >= 200 ? '+' : '') + ' shown, newest first' : '';
    if (!rows.length) {
      fill($('journal'), h('div', { class: 'empty' }, 'No requests in session "' + ui.session + '" yet. Send one with the header X-Mock-Session: ' + ui.session + (ui.session === 'default' ? ' (or none)' : '') + '.'));
      return;
    }
    const body = [];
    for (const e of rows) {
      const query = new URLSearchParams();
      for (const [k, v] of Object.entries(e.query || {})) for (const one of [].concat(v)) query.append(k, one);
      const qs = query.toString();
      const tr = h('tr', { class: 'entry', 'data-id': e.id, 'data-status': e.status, 'data-operation': e.operationId || '', title: 'click for headers and bodies' },
        h('td', { class: 'mono muted' }, (e.time || '').slice(11, 23)),
        h('td', { class: 'method' }, e.method),
        h('td', { class: 'path mono' }, e.path + (qs ? '?' + qs : '')),
        h('td', null, e.operationId ? [h('span', { class: 'opname', title: e.operationId }, e.operationId), ' ', h('span', { class: 'muted' }, e.api || '')] : h('span', { class: 'muted' }, e.api || '—')),
        h('td', null, statusBadge(e.status)),
        h('td', null, h('span', { class: 'badge' + (e.source === 'mock' ? ' mock' : '') }, e.source)),
        h('td', { class: 'rules' }, e.rules && e.rules.length ? e.rules.join(', ') : h('span', { class: 'muted' }, '—')),
        h('td', { class: 'request-valid' }, verdict(e.requestValid, e.requestIssues)),
        h('td', { class: 'response-valid' }, verdict(e.responseValid, e.responseIssues)),
        h('td', { class: 'num muted' }, String(e.durationMs)));
      tr.addEventListener('click', () => {
        if (ui.expanded.has(e.id)) ui.expanded.delete(e.id);
        else ui.expanded.add(e.id);
        renderJournal(ui.data.journal);
      });
      body.push(tr);
      if (ui.expanded.has(e.id)) {
        const detail = { requestId: e.requestId, request: e.request, response: e.response };
        if (e.requestIssues) detail.requestIssues = e.requestIssues;
        if (e.responseIssues) detail.responseIssues = e.responseIssues;
        body.push(h('tr', { class: 'detail' }, h('td', { colspan: 10 }, h('pre', null, JSON.stringify(detail, null, 2)))));
      }
    }
    fill($('journal'), h('table', null,
      h('thead', null, h('tr', null, ['time (UTC)', 'method', 'path', 'operation', 'status', 'answered by', 'rules fired', 'request', 'response'].map((t) => h('th', null, t)), h('th', { class: 'num' }, 'ms'))),
      h('tbody', null, body)));
  }

  const isExact = (s) => /^\d{3}$/.test(s);
  function covers(declared, status) {
    if (declared === 'default') return status >= 400;
    if (/^\dxx$/i.test(declared)) return Math.floor(status / 100) === Number(declared.charAt(0));
    return Number(declared) === status;
  }
  function columnOrder(a, b) {
    const rank = (s) => (isExact(s) ? Number(s) : s === 'default' ? 2000 : 1000 + Number(s.charAt(0)));
    return rank(a) - rank(b);
  }

  function heatCell(row, col) {
    let count = 0;
    const exactlyDeclared = row.declared.includes(col);
    if (isExact(col)) count = row.served[col] || 0;
    else for (const [s, n] of Object.entries(row.served)) if (!row.declared.includes(s) && covers(col, Number(s))) count += n;
    const declared = exactlyDeclared || (isExact(col) && row.declared.some((d) => !isExact(d) && covers(d, Number(col))));
    const kind = count ? (declared ? 'hit' : 'undeclared') : row.missing.includes(col) ? 'missing' : exactlyDeclared ? 'hit' : 'none';
    const title = row.operationId + ' → ' + col + ': ' + (count ? 'served ' + count + '×' + (declared ? '' : ' (not declared by the spec)') : exactlyDeclared ? 'declared, never served' : 'not declared');
    const style = {};
    let dark = false;
    if (kind === 'hit' && count) {
      const lightness = Math.max(34, 86 - 13 * Math.log2(count + 1));
      style.background = 'hsl(145, 55%, ' + lightness + '%)';
      dark = lightness < 55;
    }
    return h('td', {
      class: 'cell' + (dark ? ' dark' : ''),
      'data-api': row.api,
      'data-operation': row.operationId,
      'data-status': col,
      'data-count': count,
      'data-kind': kind,
      title,
      style,
    }, count ? String(count) : kind === 'missing' ? '·' : '');
  }

  function renderCoverage(data) {
    const s = data.summary;
    const pct = s.declared ? Math.round((100 * s.covered) / s.declared) : 0;
    $('coverage-summary').textContent = s.covered + ' of ' + s.declared + ' declared responses served (' + pct + '%), ' + s.operations + ' operations';
    const filter = ui.coverageFilter.toLowerCase();
    const byApi = new Map();
    for (const row of data.operations) {
      const called = Object.keys(row.served).length > 0;
      if (ui.coverageCalledOnly && !called) continue;
      if (filter && !(row.operationId + ' ' + row.path + ' ' + row.method).toLowerCase().includes(filter)) continue;
      if (!byApi.has(row.api)) byApi.set(row.api, []);
      byApi.get(row.api).push(row);
    }
    if (!byApi.size) {
      fill($('coverage'), h('div', { class: 'empty' }, ui.coverageCalledOnly ? 'No operation was called in this session yet.' : 'No operation matches.'));
      return;
    }
    const blocks = [];
    for (const [api, rows] of byApi) {
      const cols = [...new Set(rows.flatMap((r) => [...r.declared, ...Object.keys(r.served)]))].sort(columnOrder);
      const declared = rows.reduce((n, r) => n + r.declared.length, 0);
      const missing = rows.reduce((n, r) => n + r.missing.length, 0);
      blocks.push(section('coverage:' + api, true,
        [api, ' ', h('span', { class: 'muted' }, (declared - missing) + '/' + declared + ' responses served')],
        h('table', { class: 'heat', 'data-api': api },
          h('thead', null, h('tr', null, h('th', null, 'operation'), cols.map((c) => h('th', { class: 'col' }, c)))),
          h('tbody', null, rows.map((row) => h('tr', { 'data-operation': row.operationId },
            h('td', { class: 'op', title: row.operationId + ': ' + row.method.toUpperCase() + ' ' + row.path }, h('span', { class: 'opname' }, row.operationId)),
            cols.map((c) => heatCell(row, c))))))));
    }
    fill($('coverage'), blocks);
  }

  function renderState(data) {
    const apis = Object.entries(data.apis || {});
    if (!apis.length) {
      fill($('state'), h('div', { class: 'empty' }, 'No state.'));
      return;
    }
    fill($('state'), apis.map(([api, value]) =>
      section('state-api:' + api, true, [api],
        h('div', { class: 'block', 'data-api': api },
          isPlainObject(value) && Object.keys(value).length
            ? Object.entries(value).map(([k, v]) => stateBlock(k, v, api + '/' + k))
            : renderValue(api, value, api)))));
  }

  function renderSpecs(data) {
    const blocks = data.specs.map((spec) => {
      const stateful = spec.operations.filter((o) => o.stateful).length;
      const rows = spec.operations.map((op) => h('tr', null,
        h('td', { class: 'method' }, op.method),
        h('td', { class: 'path mono' }, op.path),
        h('td', null, op.operationId),
        h('td', null, h('span', { class: 'badge' + (op.stateful ? '' : ' mock') }, op.stateful ? 'handler' : 'schema'))));
      const table = h('table', { 'data-api': spec.api },
        h('thead', null, h('tr', null, ['method', 'path', 'operationId', 'answered by'].map((t) => h('th', null, t)))),
        h('tbody', null, rows));
      const summary = [spec.api, ' ', h('span', { class: 'muted' }, spec.title + ' at ' + spec.prefix + ' — ' + spec.operations.length + ' operations, ' + stateful + ' stateful')];
      return section('spec:' + spec.api + ':' + spec.prefix, data.specs.length === 1, summary, h('div', { class: 'muted mono' }, spec.file), table);
    });
    fill($('apis'), blocks);
  }

  // ---------------------------------------------------------------- polling

  /** Re-renders a panel when its JSON text changed since the last poll. */
  function update(panel, text, render) {
    if (ui.last[panel] === text) return;
    ui.last[panel] = text;
    ui.data[panel] = JSON.parse(text);
    render(ui.data[panel]);
  }

  async function poll() {
    const session = ui.session;
    if (!ui.specs) {
      ui.specs = await call('GET', '/specs');
      renderSpecs(JSON.parse(ui.specs));
    }
    if (!ui.scenarios) {
      ui.scenarios = JSON.parse(await call('GET', '/scenarios')).scenarios;
      renderScenarioChoices();
    }
    const [sessions, scenario, journal, coverage, state] = await Promise.all([
      call('GET', '/sessions'),
      call('GET', '/scenario' + q()),
      call('GET', '/requests' + q() + '&limit=200'),
      call('GET', '/coverage' + q()),
      call('GET', '/state' + q()),
    ]);
    if (session !== ui.session) return; // the picker moved on while this poll was in flight
    update('sessions', sessions, renderSessions);
    update('scenario', scenario, renderScenario);
    update('journal', journal, renderJournal);
    update('coverage', coverage, renderCoverage);
    update('state', state, renderState);
  }

  let running = null;
  let stopped = false;
  /** One poll at a time; a refresh asked for during a poll runs right after it. */
  async function refresh() {
    while (running) await running;
    running = poll()
      .then(() => {
        if (!ui.paused) setStatus('live', 'live · ' + new Date().toLocaleTimeString());
        document.body.dataset.polls = String(Number(document.body.dataset.polls || 0) + 1);
      })
      .catch((err) => {
        if (err.status === 401) {
          stopped = true;
          setStatus('denied', 'admin token refused');
          say('The admin API refused this page: ' + err.message + '. Open the dashboard as ' + base + '/ui?token=<admin token>.', true);
        } else setStatus('error', 'cannot reach mockgate: ' + err.message);
      })
      .finally(() => (running = null));
    await running;
  }

  function tick() {
    if (!ui.paused && !stopped && !running) refresh();
  }

  function setSession(name) {
    name = name.trim();
    if (!name || name === ui.session) return;
    ui.session = name;
    ui.last = {};
    ui.data = {};
    ui.expanded.clear();
    const url = new URL(location.href);
    url.searchParams.set('session', name);
    history.replaceState(null, '', url);
    $('scenario-select').dataset.touched = '';
    $('message').hidden = true;
    refresh();
  }

  async function act(label, method, path, body) {
    try {
      await call(method, path, body);
      say(label);
    } catch (err) {
      say(label + ' failed: ' + err.message, true);
    }
    ui.last = {};
    await refresh();
  }

  // ---------------------------------------------------------------- wiring

  $('session').addEventListener('change', (e) => setSession(e.target.value));
  $('open-session').addEventListener('submit', (e) => {
    e.preventDefault();
    setSession($('session-input').value);
    $('session-input').value = '';
  });
  $('scenario-select').addEventListener('change', (e) => (e.target.dataset.touched = 'yes'));
  $('switch-scenario').addEventListener('click', () => {
    const name = $('scenario-select').value;
    if (!name) return;
    $('scenario-select').dataset.touched = '';
    act('Session "' + ui.session + '" now runs scenario "' + name + '" (state re-seeded).', 'PUT', '/scenario' + q(), { name });
  });
  $('reset').addEventListener('click', () =>
    act('Session "' + ui.session + '" reset: state re-seeded, journal, coverage and faults cleared.', 'POST', '/reset' + q()));
  $('pause').addEventListener('click', () => {
    ui.paused = !ui.paused;
    $('pause').textContent = ui.paused ? 'resume' : 'pause';
    if (ui.paused) setStatus('paused', 'paused');
    else refresh();
  });
  $('show-secrets').addEventListener('change', (e) => {
    ui.showSecrets = e.target.checked;
    if (ui.data.state) renderState(ui.data.state);
  });
  $('coverage-filter').addEventListener('input', (e) => {
    ui.coverageFilter = e.target.value;
    if (ui.data.coverage) renderCoverage(ui.data.coverage);
  });
  $('coverage-called-only').addEventListener('change', (e) => {
    ui.coverageCalledOnly = e.target.checked;
    if (ui.data.coverage) renderCoverage(ui.data.coverage);
  });

  refresh();
  setInterval(tick, POLL_MS);
})();
`;

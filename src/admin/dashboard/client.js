// @ts-check
/**
 * The dashboard's browser code (GET /__admin/ui). Not a module and not bundled: script.ts reads this file
 * once at start-up and page.ts inlines it into the page as a classic script, allowed by its hash in the
 * page's Content-Security-Policy (the page must work with no network: no CDN, no framework). It is
 * type-checked as strict JavaScript against the DOM (tsconfig.dashboard.json) and linted (eslint.config.js);
 * test/admin/dashboard-source.test.ts runs both. Rules it keeps:
 * - every value from the server reaches the page through text nodes (`append(string)`) or `setAttribute`
 *   on data-/title attributes, never parsed as HTML: journal entries carry attacker-controlled paths;
 * - it polls about once a second, and rebuilds a panel only when that panel's JSON text changed;
 * - the admin token (if any) comes from the page's own `?token=` and is sent as `Authorization: Bearer`;
 * - this text is inlined into a script element as it is, so it never contains a closing script tag or an
 *   HTML comment opener (script.ts refuses to inline it then); its comments are served too (a few kilobytes,
 *   and the script served stays the file that was checked).
 */
'use strict';

(() => {
  /**
   * What makes a state field secret (its value hidden until "show secrets" is ticked): the words any API's
   * secret fields contain, and the exact names the mounted APIs declare — served with GET /__admin/specs
   * (the same declarations the journal redacts by). Until that answer arrives, the shared words alone.
   * @type {{ fieldWords: string[], fields: string[] }}
   */
  const secrets = { fieldWords: ['secret', 'password', 'passwd', 'token'], fields: [] };

  // ---------------------------------------------------------------- what the admin API answers

  /**
   * GET /__admin/sessions.
   * @typedef {{ sessions: Array<{ name: string, scenario: string }> }} SessionList
   */
  /**
   * GET /__admin/scenario (the parts shown).
   * @typedef {{ name: string, description?: string }} ScenarioSummary
   */
  /**
   * One entry of GET /__admin/scenarios.
   * @typedef {{ name: string, description?: string }} ScenarioChoice
   */
  /**
   * A validation issue of a journal entry (src/engine/errors.ts, ValidationIssue; the parts shown).
   * @typedef {{ in?: string, path?: Array<string | number>, message: string }} Issue
   */
  /**
   * One entry of GET /__admin/requests (specs/admin.yaml, JournalEntry).
   * @typedef {object} JournalEntry
   * @property {number} id
   * @property {string} [time]
   * @property {string} [requestId]
   * @property {string} [api]
   * @property {string} [operationId]
   * @property {string} method
   * @property {string} path
   * @property {Record<string, string | string[]>} [query]
   * @property {number} status
   * @property {number} durationMs
   * @property {string} source
   * @property {string[]} [rules]
   * @property {{ action: string, ms?: number, bytes?: number, chunks?: number }} [fault] the transport fault the request got
   * @property {boolean} [requestValid]
   * @property {Issue[]} [requestIssues]
   * @property {boolean} [responseValid]
   * @property {Issue[]} [responseIssues]
   * @property {unknown} [request]
   * @property {unknown} [response]
   */
  /**
   * GET /__admin/requests.
   * @typedef {{ requests: JournalEntry[] }} JournalPage
   */
  /**
   * One operation of GET /__admin/coverage: the statuses it declares, how often each was served, the
   * declared ones never served.
   * @typedef {object} CoverageRow
   * @property {string} api
   * @property {string} operationId
   * @property {string} method
   * @property {string} path
   * @property {string[]} declared
   * @property {Record<string, number>} served
   * @property {string[]} missing
   */
  /**
   * GET /__admin/coverage.
   * @typedef {{ summary: { operations: number, declared: number, covered: number }, operations: CoverageRow[] }} Coverage
   */
  /**
   * GET /__admin/state.
   * @typedef {{ apis?: Record<string, unknown> }} StateSnapshot
   */
  /**
   * GET /__admin/specs.
   * @typedef {object} SpecList
   * @property {{ headers: string[], fieldWords: string[], fields: string[] }} secrets
   * @property {Array<{ api: string, title: string, file: string, prefix: string, operations: Array<{ operationId: string, method: string, path: string, stateful: boolean }> }>} specs
   */
  /**
   * The polled panels and the data each one renders.
   * @typedef {{ sessions: SessionList, scenario: ScenarioSummary, journal: JournalPage, coverage: Coverage, state: StateSnapshot }} PanelData
   */

  // ---------------------------------------------------------------- what the page builds

  /**
   * One child for `h` and `fill`: a node, or a value shown as text; undefined, null and false are skipped.
   * @typedef {Node | string | number | boolean | null | undefined} Leaf
   */
  /**
   * A leaf, or a list of leaves.
   * @typedef {Leaf | readonly Leaf[]} Children
   */
  /**
   * What `h` and `fill` take as children: lists are flattened. (Lists nest two deep at most: JSDoc has no
   * recursive type alias; a render that nests deeper flattens first.)
   * @typedef {Children | readonly Children[]} Child
   */
  /**
   * An attribute value for `h`: undefined, null and false leave the attribute out, true sets it empty;
   * `style` takes a map of CSS properties and `on…` a listener (neither is ever set as an attribute).
   * @typedef {string | number | boolean | null | undefined | Record<string, string> | EventListener} AttrValue
   */

  const params = new URLSearchParams(location.search);
  const token = params.get('token');
  // The admin API's base path: the page is served at <base>/ui.
  const base = location.pathname.replace(/\/ui\/?$/, '');
  const POLL_MS = 1000;

  /**
   * What the page remembers between polls and renders.
   * @type {{
   *   session: string, paused: boolean, showSecrets: boolean, coverageFilter: string, coverageCalledOnly: boolean,
   *   last: Partial<Record<keyof PanelData, string>>, data: Partial<PanelData>, open: Map<string, boolean>,
   *   expanded: Set<number>, scenarios: ScenarioChoice[] | null, specs: string | null,
   * }}
   */
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
    /** Journal entries the user opened, by id. */
    expanded: new Set(),
    /** The bundled scenarios, fetched once. */
    scenarios: null,
    /** GET /specs as text, fetched once (the mounted specs do not change while the server runs). */
    specs: null,
  };

  // ---------------------------------------------------------------- DOM helpers

  /**
   * The page's element with this id, checked to be of the type the page's HTML (page.ts) gives it: a
   * renamed id or a changed element fails here, by name, rather than as a TypeError further on.
   * @template {HTMLElement} T
   * @param {string} id
   * @param {{ new (): T, prototype: T }} type
   * @returns {T}
   */
  function byId(id, type) {
    const el = document.getElementById(id);
    if (!(el instanceof type)) throw new Error('dashboard: no ' + type.name + ' #' + id + ' in the page');
    return el;
  }

  /** @param {string} id */
  const $ = (id) => byId(id, HTMLElement);

  /**
   * The children as the DOM takes them: flattened, skipped values dropped, anything else not a node as text.
   * @param {readonly Child[]} children
   * @returns {Array<Node | string>}
   */
  function nodesOf(children) {
    /** @type {Array<Node | string>} */
    const nodes = [];
    for (const child of children.flat(Infinity)) {
      if (child === undefined || child === null || child === false) continue;
      nodes.push(child instanceof Node ? child : String(child));
    }
    return nodes;
  }

  /**
   * Builds an element. Strings become text nodes; attributes are set one by one, never parsed as HTML.
   * @template {keyof HTMLElementTagNameMap} K
   * @param {K} tag
   * @param {Record<string, AttrValue> | null} attrs
   * @param {...Child} children
   * @returns {HTMLElementTagNameMap[K]}
   */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'class') el.className = String(value);
      else if (key === 'style') setStyle(el, value);
      else if (key.startsWith('on')) listen(el, key.slice(2), value);
      else el.setAttribute(key, value === true ? '' : String(value));
    }
    el.append(...nodesOf(children));
    return el;
  }

  /**
   * Sets CSS properties one by one (the page's policy forbids a parsed style attribute).
   * @param {HTMLElement} el
   * @param {AttrValue} style
   */
  function setStyle(el, style) {
    if (typeof style !== 'object' || style === null) throw new TypeError('dashboard: style takes a map of CSS properties');
    for (const [prop, v] of Object.entries(style)) el.style.setProperty(prop, v);
  }

  /**
   * Adds an event listener: an on… attribute would be code parsed from a string (and the page's policy
   * refuses to run it anyway).
   * @param {HTMLElement} el
   * @param {string} type
   * @param {AttrValue} listener
   */
  function listen(el, type, listener) {
    if (typeof listener !== 'function') throw new TypeError('dashboard: on' + type + ' takes a function');
    el.addEventListener(type, listener);
  }

  /**
   * Replaces an element's children.
   * @param {Element} el
   * @param {...Child} children
   */
  function fill(el, ...children) {
    el.replaceChildren(...nodesOf(children));
  }

  /**
   * A details element whose open state survives re-renders.
   * @param {string} key
   * @param {boolean} openByDefault
   * @param {Child} summary
   * @param {...Children} body
   */
  function section(key, openByDefault, summary, ...body) {
    const d = h('details', { 'data-key': key }, h('summary', null, summary), body);
    d.open = ui.open.get(key) ?? openByDefault;
    d.addEventListener('toggle', () => ui.open.set(key, d.open));
    return d;
  }

  // ---------------------------------------------------------------- the admin API

  /** An answer of the admin API that is not 2xx; the message is the API's own when it sent one. */
  class HttpError extends Error {
    /**
     * @param {number} status
     * @param {string} message
     */
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  /**
   * Calls the admin API, with the page's token as a bearer, and returns the answer's text (panels compare
   * texts to skip re-rendering).
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   * @returns {Promise<string>}
   */
  async function call(method, path, body) {
    /** @type {Record<string, string>} */
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
      } catch {
        // Not JSON (a proxy's page, say): the status line says enough.
      }
      throw new HttpError(res.status, message);
    }
    return text;
  }

  /** The session query of the admin calls that take one. */
  const q = () => '?session=' + encodeURIComponent(ui.session);

  /**
   * An error's message, whatever was thrown.
   * @param {unknown} err
   */
  const messageOf = (err) => (err instanceof Error ? err.message : String(err));

  // ---------------------------------------------------------------- status line and messages

  /**
   * @param {string} state the dot's colour (the stylesheet keys it on data-state)
   * @param {string} text
   */
  function setStatus(state, text) {
    const el = $('status');
    el.dataset.state = state;
    el.textContent = text;
  }

  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let messageTimer;
  /**
   * Shows a message under the header; errors stay until the next message, the rest fade after 4 s.
   * @param {string} text
   * @param {boolean} [isError]
   */
  function say(text, isError) {
    const el = $('message');
    el.textContent = text;
    el.className = isError ? 'error' : '';
    el.hidden = false;
    clearTimeout(messageTimer);
    if (!isError) messageTimer = setTimeout(() => (el.hidden = true), 4000);
  }

  // ---------------------------------------------------------------- small renderers

  /** @param {number} status */
  function statusBadge(status) {
    return h('span', { class: 'status s' + String(status).charAt(0) }, String(status));
  }

  /**
   * ✓, ✗ with the issues as its title, or – when the entry was answered before validation.
   * @param {boolean | undefined} valid
   * @param {Issue[] | undefined} issues
   */
  function verdict(valid, issues) {
    if (valid === undefined) return h('span', { class: 'muted', title: 'not checked (answered before validation)' }, '–');
    if (valid) return h('span', { class: 'ok', title: 'valid' }, '✓');
    const list = (issues || []).map((i) => (i.in ? i.in + ' ' : '') + (i.path || []).join('.') + ': ' + i.message);
    return h('span', { class: 'bad', title: list.join('\n') }, '✗ ' + (issues ? issues.length : ''));
  }

  /**
   * Whether a field of that name holds a secret to hide.
   * @param {string} name
   */
  const isSecretName = (name) => {
    const lower = name.toLowerCase();
    return secrets.fields.includes(lower) || secrets.fieldWords.some((word) => lower.includes(word));
  };

  /**
   * A placeholder for a secret value while secrets are hidden; null when the value may be shown.
   * @param {string} key
   * @param {unknown} value
   */
  function masked(key, value) {
    if (!ui.showSecrets && typeof value === 'string' && value !== '' && isSecretName(key)) {
      return h('span', { class: 'secret', title: 'hidden: tick "show secrets"' }, '••••••');
    }
    return null;
  }

  /**
   * A value as JSON, its secret fields masked while secrets are hidden.
   * @param {unknown} value
   */
  function jsonText(value) {
    return JSON.stringify(value, (key, v) => (!ui.showSecrets && key && typeof v === 'string' && v !== '' && isSecretName(key) ? '••••••' : v));
  }

  /**
   * @param {unknown} v
   * @returns {v is Record<string, unknown>}
   */
  const isPlainObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  /** @param {unknown} v */
  const isScalar = (v) => v === null || typeof v !== 'object';
  /**
   * @param {[string, unknown]} entry
   * @returns {entry is [string, Record<string, unknown>]}
   */
  const isRecordEntry = (entry) => isPlainObject(entry[1]);

  /**
   * One table cell's content: scalars as text, lists of scalars joined, anything else as (shortened) JSON.
   * @param {string} key
   * @param {unknown} value
   * @returns {Child}
   */
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

  /**
   * Every field name of the rows, in order of first appearance.
   * @param {Array<Record<string, unknown>>} rows
   */
  function columnsOf(rows) {
    /** @type {string[]} */
    const cols = [];
    for (const row of rows) for (const key of Object.keys(row)) if (!cols.includes(key)) cols.push(key);
    return cols;
  }

  /**
   * Records as a table, one column per field, led by a column of their keys when keyColumn names it.
   * @param {Array<[string, Record<string, unknown>]>} rows
   * @param {string | null} keyColumn
   */
  function recordTable(rows, keyColumn) {
    const cols = columnsOf(rows.map((r) => r[1]));
    return h('table', null,
      h('thead', null, h('tr', null, keyColumn ? h('th', null, keyColumn) : null, cols.map((c) => h('th', null, c)))),
      h('tbody', null, rows.map(([key, row]) => h('tr', null,
        keyColumn ? h('td', { class: 'mono' }, key) : null,
        cols.map((c) => h('td', null, cellValue(c, row[c])))))));
  }

  /**
   * Any JSON value as tables: arrays of objects and maps of objects become tables, other objects sections.
   * @param {string} key
   * @param {unknown} value
   * @param {string} path
   * @returns {HTMLElement}
   */
  function renderValue(key, value, path) {
    if (Array.isArray(value)) {
      if (value.length === 0) return h('div', { class: 'empty' }, 'empty');
      if (value.every(isPlainObject)) return recordTable(value.map((v, i) => [String(i), v]), null);
      return h('div', null, cellValue(key, value));
    }
    if (!isPlainObject(value)) return h('div', null, cellValue(key, value));
    const entries = Object.entries(value);
    if (entries.length === 0) return h('div', { class: 'empty' }, 'empty');
    if (entries.every(isRecordEntry)) {
      // A map keyed by id: the key column is dropped when every record repeats its key in a field.
      const repeated = entries.every(([k, v]) => Object.values(v).some((f) => f === k));
      return recordTable(entries, repeated ? null : 'key');
    }
    if (entries.every(([, v]) => isScalar(v) || (Array.isArray(v) && v.every(isScalar)))) {
      return h('table', null, h('tbody', null, entries.map(([k, v]) => h('tr', null, h('th', { class: 'mono' }, k), h('td', null, cellValue(k, v))))));
    }
    return h('div', { class: 'block' }, entries.map(([k, v]) => stateBlock(k, v, path + '/' + k)));
  }

  /**
   * How many items or fields a value has; null for a scalar.
   * @param {unknown} value
   */
  function countOf(value) {
    if (Array.isArray(value)) return value.length;
    if (isPlainObject(value)) return Object.keys(value).length;
    return null;
  }

  /**
   * One named part of the state as a section, open unless empty; its path keys the open state and the tests.
   * @param {string} key
   * @param {unknown} value
   * @param {string} path
   */
  function stateBlock(key, value, path) {
    const n = countOf(value);
    return section('state:' + path, n === null || n > 0, [key, ' ', h('span', { class: 'muted' }, n === null ? '' : '(' + n + ')')], h('div', { class: 'block', 'data-state-key': path }, renderValue(key, value, path)));
  }

  // ---------------------------------------------------------------- panels

  /**
   * The session picker: every session in use, and the page's own even before it has been used.
   * @param {SessionList} data
   */
  function renderSessions(data) {
    const select = byId('session', HTMLSelectElement);
    const names = data.sessions.map((s) => s.name);
    if (!names.includes(ui.session)) names.push(ui.session);
    fill(select, names.map((name) => h('option', { value: name }, name)));
    select.value = ui.session;
  }

  /**
   * The scenario the session runs; the scenario picker follows it until the user picks another one.
   * @param {ScenarioSummary} data
   */
  function renderScenario(data) {
    const el = $('scenario-name');
    el.textContent = data.name;
    el.title = data.description || '';
    const select = byId('scenario-select', HTMLSelectElement);
    if (select.dataset.touched !== 'yes' && [...select.options].some((o) => o.value === data.name)) select.value = data.name;
  }

  /** The bundled scenarios the picker offers. */
  function renderScenarioChoices() {
    fill($('scenario-select'), (ui.scenarios || []).map((s) => h('option', { value: s.name, title: s.description || '' }, s.name)));
  }

  /**
   * A journal entry's query string, each value of a repeated parameter on its own.
   * @param {JournalEntry} e
   */
  function queryString(e) {
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(e.query || {})) for (const one of Array.isArray(v) ? v : [v]) query.append(k, one);
    return query.toString();
  }

  /**
   * The journal, newest first; a click on an entry opens or closes its headers and bodies.
   * @param {JournalPage} data
   */
  function renderJournal(data) {
    const rows = data.requests;
    $('journal-count').textContent = rows.length ? rows.length + (rows.length >= 200 ? '+' : '') + ' shown, newest first' : '';
    if (!rows.length) {
      fill($('journal'), h('div', { class: 'empty' }, 'No requests in session "' + ui.session + '" yet. Send one with the header X-Mock-Session: ' + ui.session + (ui.session === 'default' ? ' (or none)' : '') + '.'));
      return;
    }
    /** @type {HTMLTableRowElement[]} */
    const body = [];
    for (const e of rows) {
      const qs = queryString(e);
      const tr = h('tr', { class: 'entry', 'data-id': e.id, 'data-status': e.status, 'data-operation': e.operationId || '', 'data-fault': e.fault ? e.fault.action : '', title: 'click for headers and bodies' },
        h('td', { class: 'mono muted' }, (e.time || '').slice(11, 23)),
        h('td', { class: 'method' }, e.method),
        h('td', { class: 'path mono' }, e.path + (qs ? '?' + qs : '')),
        h('td', null, e.operationId ? [h('span', { class: 'opname', title: e.operationId }, e.operationId), ' ', h('span', { class: 'muted' }, e.api || '')] : h('span', { class: 'muted' }, e.api || '—')),
        h('td', null, answerBadges(e)),
        h('td', null, h('span', { class: 'badge' + (e.source === 'mock' ? ' mock' : '') }, e.source)),
        h('td', { class: 'rules' }, e.rules && e.rules.length ? e.rules.join(', ') : h('span', { class: 'muted' }, '—')),
        h('td', { class: 'request-valid' }, verdict(e.requestValid, e.requestIssues)),
        h('td', { class: 'response-valid' }, verdict(e.responseValid, e.responseIssues)),
        h('td', { class: 'num muted' }, String(e.durationMs)));
      tr.addEventListener('click', () => {
        if (ui.expanded.has(e.id)) ui.expanded.delete(e.id);
        else ui.expanded.add(e.id);
        // The journal shown is the last one loaded (none right after a session switch: the next poll shows it).
        if (ui.data.journal) renderJournal(ui.data.journal);
      });
      body.push(tr);
      if (ui.expanded.has(e.id)) body.push(h('tr', { class: 'detail' }, h('td', { colspan: 10 }, h('pre', null, JSON.stringify(entryDetail(e), null, 2)))));
    }
    fill($('journal'), h('table', null,
      h('thead', null, h('tr', null, ['time (UTC)', 'method', 'path', 'operation', 'status', 'answered by', 'rules fired', 'request', 'response'].map((t) => h('th', null, t)), h('th', { class: 'num' }, 'ms'))),
      h('tbody', null, body)));
  }

  /**
   * The status a request was answered, and the transport fault it got: a reset, empty, garbage or stall in place
   * of a status (the journal says 0), a truncated or dribbled answer next to its status.
   * @param {JournalEntry} e
   */
  function answerBadges(e) {
    if (!e.fault) return statusBadge(e.status);
    const f = e.fault;
    const settings = [f.ms !== undefined ? f.ms + ' ms' : '', f.bytes !== undefined ? f.bytes + ' bytes' : '', f.chunks !== undefined ? f.chunks + ' chunks' : ''].filter(Boolean).join(', ');
    const fault = h('span', { class: 'badge fault', title: 'transport fault' + (settings ? ': ' + settings : '') }, f.action);
    return e.status ? [statusBadge(e.status), ' ', fault] : fault;
  }

  /**
   * What an opened journal entry shows: its request id, headers and bodies (redacted by the server), issues.
   * @param {JournalEntry} e
   */
  function entryDetail(e) {
    /** @type {Record<string, unknown>} */
    const detail = { requestId: e.requestId, request: e.request, response: e.response };
    if (e.requestIssues) detail.requestIssues = e.requestIssues;
    if (e.responseIssues) detail.responseIssues = e.responseIssues;
    return detail;
  }

  /** @param {string} s a response key of a spec: "200", "4XX" or "default" */
  const isExact = (s) => /^\d{3}$/.test(s);
  /** @param {string} s a coverage column: a transport fault (reset, truncate, …) is neither a status nor a range */
  const isFault = (s) => /^[a-z]+$/.test(s) && s !== 'default';

  /**
   * Whether a declared response key covers a served status ("default" covers the errors).
   * @param {string} declared
   * @param {number} status
   */
  function covers(declared, status) {
    if (declared === 'default') return status >= 400;
    if (/^\dxx$/i.test(declared)) return Math.floor(status / 100) === Number(declared.charAt(0));
    return Number(declared) === status;
  }

  /**
   * Heat-map columns in order: exact statuses, then ranges, then "default", then transport faults.
   * @param {string} a
   * @param {string} b
   */
  function columnOrder(a, b) {
    /** @param {string} s */
    const rank = (s) => (isExact(s) ? Number(s) : s === 'default' ? 2000 : isFault(s) ? 3000 : 1000 + Number(s.charAt(0)));
    if (isFault(a) && isFault(b)) return a < b ? -1 : a > b ? 1 : 0;
    return rank(a) - rank(b);
  }

  /**
   * One heat-map cell: how often the operation answered that status (a range or "default" column counts
   * the statuses no exact column of the operation declares), shaded by count, kind in data-kind.
   * @param {CoverageRow} row
   * @param {string} col
   */
  function heatCell(row, col) {
    if (isFault(col)) {
      const met = row.served[col] || 0;
      return h('td', {
        class: 'cell fault',
        'data-api': row.api,
        'data-operation': row.operationId,
        'data-status': col,
        'data-count': met,
        'data-kind': met ? 'fault' : 'none',
        title: row.operationId + ' → ' + col + ': ' + (met ? met + '× (a transport fault instead of a whole answer)' : 'never'),
      }, met ? String(met) : '');
    }
    let count = 0;
    const exactlyDeclared = row.declared.includes(col);
    if (isExact(col)) count = row.served[col] || 0;
    else for (const [s, n] of Object.entries(row.served)) if (!row.declared.includes(s) && covers(col, Number(s))) count += n;
    const declared = exactlyDeclared || (isExact(col) && row.declared.some((d) => !isExact(d) && covers(d, Number(col))));
    const kind = count ? (declared ? 'hit' : 'undeclared') : row.missing.includes(col) ? 'missing' : exactlyDeclared ? 'hit' : 'none';
    const title = row.operationId + ' → ' + col + ': ' + (count ? 'served ' + count + '×' + (declared ? '' : ' (not declared by the spec)') : exactlyDeclared ? 'declared, never served' : 'not declared');
    /** @type {Record<string, string>} */
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

  /**
   * The coverage heat map, one section per API, filtered by the text box and "called only".
   * @param {Coverage} data
   */
  function renderCoverage(data) {
    const s = data.summary;
    const pct = s.declared ? Math.round((100 * s.covered) / s.declared) : 0;
    $('coverage-summary').textContent = s.covered + ' of ' + s.declared + ' declared responses served (' + pct + '%), ' + s.operations + ' operations';
    const filter = ui.coverageFilter.toLowerCase();
    /** @type {Map<string, CoverageRow[]>} */
    const byApi = new Map();
    for (const row of data.operations) {
      const called = Object.keys(row.served).length > 0;
      if (ui.coverageCalledOnly && !called) continue;
      if (filter && !(row.operationId + ' ' + row.path + ' ' + row.method).toLowerCase().includes(filter)) continue;
      let apiRows = byApi.get(row.api);
      if (!apiRows) byApi.set(row.api, (apiRows = []));
      apiRows.push(row);
    }
    if (!byApi.size) {
      fill($('coverage'), h('div', { class: 'empty' }, ui.coverageCalledOnly ? 'No operation was called in this session yet.' : 'No operation matches.'));
      return;
    }
    /** @type {HTMLDetailsElement[]} */
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

  /**
   * The session's state, one section per API, one per named part of its state.
   * @param {StateSnapshot} data
   */
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

  /**
   * The mounted APIs and their operations (open when there is only one).
   * @param {SpecList} data
   */
  function renderSpecs(data) {
    secrets.fieldWords = data.secrets.fieldWords;
    secrets.fields = data.secrets.fields;
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

  /**
   * Re-renders a panel when its JSON text changed since the last poll.
   * @template {keyof PanelData} P
   * @param {P} panel
   * @param {string} text
   * @param {(data: PanelData[P]) => void} render
   */
  function update(panel, text, render) {
    if (ui.last[panel] === text) return;
    ui.last[panel] = text;
    /** @type {PanelData[P]} */
    const data = JSON.parse(text);
    ui.data[panel] = data;
    render(data);
  }

  /** One round of admin calls for the session shown; the specs and bundled scenarios are fetched once. */
  async function poll() {
    const session = ui.session;
    if (!ui.specs) {
      ui.specs = await call('GET', '/specs');
      renderSpecs(JSON.parse(ui.specs));
    }
    if (!ui.scenarios) {
      ui.scenarios = /** @type {{ scenarios: ScenarioChoice[] }} */ (JSON.parse(await call('GET', '/scenarios'))).scenarios;
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

  /** @type {Promise<void> | null} */
  let running = null;
  /** Set once the admin API refused the token: polling again would only repeat the refusal. */
  let stopped = false;
  /** One poll at a time; a refresh asked for during a poll runs right after it. */
  async function refresh() {
    while (running) await running;
    running = poll()
      .then(() => {
        if (!ui.paused) setStatus('live', 'live · ' + new Date().toLocaleTimeString());
        // The browser tests wait on this count (test/browser/dashboard.test.ts, nextPoll).
        document.body.dataset.polls = String(Number(document.body.dataset.polls || 0) + 1);
      })
      .catch((err) => {
        if (err instanceof HttpError && err.status === 401) {
          stopped = true;
          setStatus('denied', 'admin token refused');
          say('The admin API refused this page: ' + err.message + '. Open the dashboard as ' + base + '/ui?token=<admin token>.', true);
        } else setStatus('error', 'cannot reach mockgate: ' + messageOf(err));
      })
      .finally(() => (running = null));
    await running;
  }

  /** The timer's poll: skipped while paused, refused, or still polling. */
  function tick() {
    if (!ui.paused && !stopped && !running) refresh();
  }

  /**
   * Shows another session: forgets what was shown, keeps it in the address (a reload stays on it).
   * @param {string} name
   */
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

  /**
   * Runs an admin action, says how it went, and re-renders every panel.
   * @param {string} label what the action did, as said when it succeeded
   * @param {string} method
   * @param {string} path
   * @param {unknown} [body]
   */
  async function act(label, method, path, body) {
    try {
      await call(method, path, body);
      say(label);
    } catch (err) {
      say(label + ' failed: ' + messageOf(err), true);
    }
    ui.last = {};
    await refresh();
  }

  // ---------------------------------------------------------------- wiring

  const sessionPicker = byId('session', HTMLSelectElement);
  sessionPicker.addEventListener('change', () => setSession(sessionPicker.value));
  const sessionInput = byId('session-input', HTMLInputElement);
  $('open-session').addEventListener('submit', (e) => {
    e.preventDefault();
    setSession(sessionInput.value);
    sessionInput.value = '';
  });
  const scenarioPicker = byId('scenario-select', HTMLSelectElement);
  // Once the user picked a scenario, polls stop moving the picker back to the one the session runs.
  scenarioPicker.addEventListener('change', () => (scenarioPicker.dataset.touched = 'yes'));
  $('switch-scenario').addEventListener('click', () => {
    const name = scenarioPicker.value;
    if (!name) return;
    scenarioPicker.dataset.touched = '';
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
  const showSecrets = byId('show-secrets', HTMLInputElement);
  showSecrets.addEventListener('change', () => {
    ui.showSecrets = showSecrets.checked;
    if (ui.data.state) renderState(ui.data.state);
  });
  const coverageFilter = byId('coverage-filter', HTMLInputElement);
  coverageFilter.addEventListener('input', () => {
    ui.coverageFilter = coverageFilter.value;
    if (ui.data.coverage) renderCoverage(ui.data.coverage);
  });
  const calledOnly = byId('coverage-called-only', HTMLInputElement);
  calledOnly.addEventListener('change', () => {
    ui.coverageCalledOnly = calledOnly.checked;
    if (ui.data.coverage) renderCoverage(ui.data.coverage);
  });

  refresh();
  setInterval(tick, POLL_MS);
})();

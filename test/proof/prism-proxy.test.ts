/**
 * Proof: Prism, an independent validator, sits in front of mockgate (`prism proxy <spec> <mockgate> --errors`)
 * while a scripted session plays every operation's success and main error paths; Prism reports no violation in
 * any answer. With --errors Prism replaces an answer that breaks the spec by its own 500 problem, and lists
 * what it found in the `sl-violations` header; both fail the step.
 *
 * Prism with --errors answers requests it finds invalid itself (its own 401 / 422) without forwarding them, so
 * the steps that break the spec on purpose go through a second Prism without --errors: it forwards them,
 * lists the request's violations (expected) and still checks mockgate's answer (which must have none).
 *
 * A session may play in another bundled scenario (switched through the admin API before its first step), carry
 * values from one answer into later steps (`save`, `{{name}}`), and do set-up straight against mockgate
 * (`direct` steps, which Prism does not see and which count for no operation).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Router } from '../../src/engine/router.js';
import { foldSpec, isPrismProblem, parseViolations, startPrism, type RunningPrism } from './support/conformance/prism.js';
import { sessionScripts, type Answer, type Step } from './support/conformance/prism-sessions.js';
import { freshSession, startMockgate, type RunningMockgate } from './support/conformance/server.js';
import { bundledTargets, credentialHeaders, type ConformanceTarget } from './support/conformance/targets.js';

const targets = await bundledTargets();
const scripts = await sessionScripts();
const scriptFor = (t: ConformanceTarget) => scripts.find((s) => s.api === t.api && s.spec === path.basename(t.file));
const scripted = targets.filter((t) => scriptFor(t));

let mockgate: RunningMockgate;
let scratch: string;
beforeAll(async () => {
  mockgate = await startMockgate();
  scratch = mkdtempSync(path.join(os.tmpdir(), 'mockgate-prism-'));
});
afterAll(async () => {
  await mockgate?.close();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

it('every scripted session addresses a mounted spec', () => {
  const mounted = targets.map((t) => `${t.api}/${path.basename(t.file)}`);
  expect(scripts.map((s) => `${s.api}/${s.spec}`).filter((key) => !mounted.includes(key))).toEqual([]);
});

it('has a scripted session for every bundled spec (add one in test/proof/support/conformance/prism-sessions.ts)', () => {
  expect(targets.filter((t) => !scriptFor(t)).map((t) => t.label)).toEqual([]);
});

describe.each(scripted.map((t) => [t.label, t] as const))('Prism proxy in front of mockgate: %s', (_label, target) => {
  const script = scriptFor(target)!;
  const session = freshSession(`prism-${target.api}`);
  let strict: RunningPrism;
  let lenient: RunningPrism;

  /** What earlier steps saved, for the `{{name}}` placeholders of later ones. */
  const saved: Record<string, string> = {};
  const fill = (text: string) =>
    text.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
      if (!(name in saved)) throw new Error(`{{${name}}} was not saved by an earlier step`);
      return saved[name]!;
    });
  const fillDeep = (value: unknown): unknown => {
    if (typeof value === 'string') return fill(value);
    if (Array.isArray(value)) return value.map(fillDeep);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillDeep(v)]));
    return value;
  };

  /** Plays the session in another bundled scenario; the switch clears its journal, so its violations are checked first. */
  const switchScenario = async (name: string) => {
    expect(mockgate.app.journal.violations()).toEqual([]);
    const res = await fetch(`${mockgate.origin}/__admin/scenario?session=${encodeURIComponent(session)}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ name }),
    });
    expect(res.status, await res.text()).toBe(200);
  };

  beforeAll(async () => {
    if (script.scenario) await switchScenario(script.scenario);
    const folded = foldSpec(target.file, target.prefix, scratch, `${target.api}-${path.basename(target.file)}`);
    // Both proxies validate requests and answers; only the first turns violations into errors.
    [strict, lenient] = await Promise.all([
      startPrism(['proxy', folded, mockgate.origin, '--errors', '-v', 'warn']),
      startPrism(['proxy', folded, mockgate.origin, '-v', 'warn']),
    ]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([strict?.stop(), lenient?.stop()]);
  });

  it('covers every operation of the spec with a successful call', () => {
    const router = new Router([{ mount: target, prefix: target.prefix, source: target.file, operations: target.spec.operations }]);
    const operationOf = (step: Step) => {
      const match = router.match(step.method, target.prefix + step.path.split('?')[0]);
      return match.kind === 'operation' ? match.operation.operationId : `(no operation: ${match.kind})`;
    };
    const checked = script.steps.filter((s) => !s.direct);
    const unrouted = checked.filter((s) => operationOf(s).startsWith('(')).map((s) => `${s.method} ${s.path}`);
    expect(unrouted).toEqual([]);
    const succeeded = new Set(checked.filter((s) => s.status < 300).map(operationOf));
    const exempt = script.successNotCheckable ?? {};
    expect(target.spec.operations.map((op) => op.operationId).filter((id) => !succeeded.has(id) && !(id in exempt))).toEqual([]);
    // An exemption must name an operation of the spec, and each one is called at least once (on an error path).
    const called = new Set(checked.map(operationOf));
    expect(Object.keys(exempt).filter((id) => !called.has(id))).toEqual([]);
  });

  it.each(script.steps.map((s) => [s.name, s] as const))('%s', async (_name, step) => {
    if (step.scenario) await switchScenario(step.scenario);
    if (step.fault) mockgate.app.rules.addFault(session, step.fault);
    const headers: Record<string, string> = { ...credentialHeaders(target.credentials), 'X-Mock-Session': session };
    for (const [name, value] of Object.entries(step.headers ?? {})) {
      for (const existing of Object.keys(headers)) if (existing.toLowerCase() === name.toLowerCase()) delete headers[existing];
      if (value !== null) headers[name] = fill(value);
    }
    const filled = fillDeep(step.body);
    const body = filled === undefined ? undefined : typeof filled === 'string' ? filled : JSON.stringify(filled);
    const stepPath = fill(step.path);
    const url = step.direct
      ? /^https?:\/\//.test(stepPath) ? stepPath : `${mockgate.origin}${stepPath}`
      : `${(step.invalidRequest ? lenient : strict).origin}${target.prefix}${stepPath}`;
    const res = await fetch(url, { method: step.method, headers, body, redirect: 'manual' });
    const text = await res.text();
    const save = () => {
      if (!step.save) return;
      let parsed: unknown = text === '' ? undefined : text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: the text
      }
      Object.assign(saved, step.save({ status: res.status, headers: res.headers, body: parsed } satisfies Answer));
    };
    if (step.direct) {
      expect(res.status, `set-up ${step.method} ${stepPath} (straight to mockgate): ${text.slice(0, 2000)}`).toBe(step.status);
      save();
      return;
    }
    const violations = parseViolations(res.headers.get('sl-violations'));
    const seen = {
      via: step.invalidRequest ? 'prism proxy (no --errors)' : 'prism proxy --errors',
      status: res.status,
      contentType: res.headers.get('content-type'),
      body: text.slice(0, 3000),
      violations,
    };
    const context = JSON.stringify(seen, null, 1);
    expect(violations.filter((v) => v.location[0] === 'response'), context).toEqual([]);
    expect(isPrismProblem(seen.contentType, text), context).toBe(false);
    expect(res.status, context).toBe(step.status);
    // A step meant to be valid must be valid for Prism too: otherwise the script (or mockgate's reading of the
    // spec) and Prism disagree, which is worth knowing.
    if (!step.invalidRequest) expect(violations, context).toEqual([]);
    save();
  });

  it('left mockgate with no contract violation of its own', () => {
    expect(mockgate.app.journal.violations()).toEqual([]);
  });
});

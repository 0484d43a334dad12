/**
 * A diff's result as a score and as reports: Markdown (a table for people and pull requests), JSON (for
 * programs) and JUnit XML (for CI). The score is the share of steps whose answers agree on all four of status,
 * error text, shape and Content-Type (an aspect a step does not compare counts as agreeing); headers are reported
 * per step and per aspect but left out of the score, since many servers differ in them harmlessly. Areas group
 * the steps by the first path segment after `base`, so a user sees where the drift is.
 */
import type { Verdict } from './compare.js';
import type { DiffResult, StepResult } from './run.js';
import { ASPECTS, type Aspect } from './script.js';

/** The aspects of the score. */
export const SCORED: readonly Aspect[] = ['status', 'text', 'shape', 'contentType'];

export interface Tally {
  steps: number;
  /** Steps agreeing on status, text, shape and Content-Type. */
  agreeing: number;
  /** Per aspect: steps that agree, and steps where it was compared. */
  aspects: Record<Aspect, { agree: number; compared: number }>;
}

export interface Summary extends Tally {
  /** agreeing / steps (1 for an empty run). */
  agreement: number;
  threshold: number;
  passed: boolean;
  areas: Array<{ area: string } & Tally>;
}

export const agreesOnScore = (step: StepResult) => SCORED.every((a) => step.aspects[a].agree !== false);

function tally(steps: StepResult[]): Tally {
  const aspects = Object.fromEntries(ASPECTS.map((a) => [a, { agree: 0, compared: 0 }])) as Tally['aspects'];
  for (const step of steps) {
    for (const a of ASPECTS) {
      const { agree } = step.aspects[a];
      if (agree === null) continue;
      aspects[a].compared += 1;
      if (agree) aspects[a].agree += 1;
    }
  }
  return { steps: steps.length, agreeing: steps.filter(agreesOnScore).length, aspects };
}

export function summarize(result: DiffResult, threshold: number): Summary {
  const all = tally(result.steps);
  const agreement = all.steps === 0 ? 1 : all.agreeing / all.steps;
  const byArea = new Map<string, StepResult[]>();
  for (const step of result.steps) byArea.set(step.area, [...(byArea.get(step.area) ?? []), step]);
  return {
    ...all,
    agreement,
    threshold,
    passed: agreement >= threshold,
    areas: [...byArea].map(([area, steps]) => ({ area, ...tally(steps) })),
  };
}

const percent = (n: number) => `${(Math.floor(n * 1000) / 10).toFixed(1)}%`;
const mark = (v: Verdict) => (v.agree === null ? '–' : v.agree ? '✓' : '✗');
const cell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\n/g, ' ');
const statusOf = (side: { status?: number; error?: string }) => (side.status !== undefined ? String(side.status) : 'none');

const ASPECT_TITLES: Record<Aspect, string> = { status: 'status', text: 'text', shape: 'shape', contentType: 'type', headers: 'headers' };

/** One line: `mockgate diff: 287 of 300 steps agree (95.6%), threshold 97.0%: below`. */
export function summaryLine(summary: Summary): string {
  return `${summary.agreeing} of ${summary.steps} steps agree on status, text, shape and Content-Type (${percent(summary.agreement)}); threshold ${percent(summary.threshold)}: ${summary.passed ? 'passed' : 'below'}`;
}

export function toMarkdown(result: DiffResult, summary: Summary): string {
  const lines = [
    `# mockgate diff: ${result.script}`,
    '',
    `Reference: ${result.reference}  `,
    `Mock: ${result.mock}  `,
    `**${summaryLine(summary)}**`,
    '',
    `| step | request | reference | mock | ${ASPECTS.map((a) => ASPECT_TITLES[a]).join(' | ')} | first difference |`,
    `|---|---|---|---|${ASPECTS.map(() => ':-:').join('|')}|---|`,
  ];
  for (const step of result.steps) {
    const difference = step.firstDifference ?? (step.warnings.length > 0 ? `(${step.warnings[0]})` : '');
    lines.push(
      `| ${cell(step.name)} | \`${cell(`${step.method} ${step.path}`)}\` | ${statusOf(step.reference)} | ${statusOf(step.mock)} | ${ASPECTS.map((a) => mark(step.aspects[a])).join(' | ')} | ${cell(difference)} |`,
    );
  }
  const row = (name: string, t: Tally) =>
    `| ${cell(name)} | ${t.agreeing}/${t.steps} | ${ASPECTS.map((a) => (t.aspects[a].compared === 0 ? '–' : `${t.aspects[a].agree}/${t.aspects[a].compared}`)).join(' | ')} |`;
  lines.push(
    '',
    '## Agreement',
    '',
    `| area | all four | ${ASPECTS.map((a) => ASPECT_TITLES[a]).join(' | ')} |`,
    `|---|--:|${ASPECTS.map(() => '--:').join('|')}|`,
    ...summary.areas.map((a) => row(a.area, a)),
    row('**total**', summary),
    '',
    '✓ agree, ✗ differ, – not compared. "All four": status, error text, shape and Content-Type.',
    '',
  );
  return lines.join('\n');
}

export function toJson(result: DiffResult, summary: Summary): string {
  // The transcript is --record's file, not part of the report.
  return `${JSON.stringify({ ...result, transcript: undefined, summary }, null, 2)}\n`;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * JUnit XML: one suite per area, one test case per step, failed when the step differs on status, text, shape or
 * Content-Type (the message lists each difference); a header difference alone is reported in system-out.
 */
export function toJUnit(result: DiffResult, summary: Summary): string {
  const suites = summary.areas.map((area) => {
    const steps = result.steps.filter((s) => s.area === area.area);
    const cases = steps.map((step) => {
      const open = `    <testcase classname="${esc(`${result.script}.${area.area}`)}" name="${esc(`${step.name} (${step.method} ${step.path})`)}"`;
      const differences = ASPECTS.map((a) => step.aspects[a]).filter((v) => v.agree === false).map((v) => v.detail ?? '');
      const notes = [...new Set(differences), ...step.warnings];
      const out = notes.length > 0 ? `<system-out>${esc(notes.join('\n'))}</system-out>` : '';
      if (!agreesOnScore(step)) return `${open}><failure message="${esc(step.firstDifference ?? 'differs')}">${esc(notes.join('\n'))}</failure>${out}</testcase>`;
      return out ? `${open}>${out}</testcase>` : `${open}/>`;
    });
    return `  <testsuite name="${esc(`mockgate diff ${result.script}: ${area.area}`)}" tests="${area.steps}" failures="${area.steps - area.agreeing}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${esc(`mockgate diff ${result.script}`)}" tests="${summary.steps}" failures="${summary.steps - summary.agreeing}">\n${suites.join('\n')}\n</testsuites>\n`;
}

/**
 * bench/REPORT.md holds three sections, each owned by one script: the benchmark (bench/run.ts), the benchmark
 * against the limit (bench/limit.ts) and the soak (bench/soak.ts). A script rewrites its own section and keeps
 * the others.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../test/proof/support/conformance/paths.js';

export const REPORT_FILE = path.join(repoRoot, 'bench', 'REPORT.md');

const HEADER = `# mockgate: benchmark and soak

Written by \`npm run bench\` (bench/run.ts) and \`npm run soak\` (bench/soak.ts); not part of the test run. Every
number in a section comes from one run on one machine: compare the ratios inside a run, not the absolute
figures across machines.
`;

export function replaceSection(name: 'bench' | 'limit' | 'soak' | 'state' | 'large-spec' | 'replicas', markdown: string, file = REPORT_FILE): void {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  let text = existsSync(file) ? readFileSync(file, 'utf8') : `${HEADER}\n<!-- bench:start -->\n_not run yet_\n<!-- bench:end -->\n\n<!-- soak:start -->\n_not run yet_\n<!-- soak:end -->\n`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  text = from >= 0 && to > from ? text.slice(0, from) + block + text.slice(to + end.length) : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, text);
}

/** One line describing the machine and the moment, for the top of a section. */
export function machineLine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model?.trim() ?? 'unknown CPU';
  return `${new Date().toISOString().replace(/\.\d+Z$/, 'Z')} · ${cpus.length} CPUs (${model}) · ${Math.round(os.totalmem() / 2 ** 30)} GiB · Node ${process.version} · ${os.platform()} ${os.release()}`;
}

export const fmt = {
  int: (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '—' : Math.round(n).toLocaleString('en-US')),
  ms: (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '—' : `${Math.round(n * 10) / 10}`),
  mb: (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '—' : `${Math.round(n)}`),
  ratio: (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '—' : `${n.toFixed(2)}×`),
};

/** A Markdown table; columns are right-aligned except the first `leftColumns`. */
export function table(head: string[], rows: string[][], leftColumns = 1): string {
  const rule = head.map((_, i) => (i < leftColumns ? '---' : '---:')).join(' | ');
  return [`| ${head.join(' | ')} |`, `| ${rule} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

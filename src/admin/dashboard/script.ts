/**
 * The dashboard's script, as text: client.js, the browser code, read once when this module loads (at
 * start-up) and inlined into the page by page.ts, which pins it by hash in the page's Content-Security-Policy.
 * The file is read as it is — no bundler, no transpiler at run time — so it runs the same from src/ (under
 * tsx, as the tests run it), from dist/ (`npm run build` copies it next to the compiled page.js) and from an
 * installed package (dist/ is packed). It is type-checked by tsconfig.dashboard.json and linted by
 * eslint.config.js, both run by test/admin/dashboard-source.test.ts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Where the script is: beside this module, in src/ as in dist/. */
export const dashboardScriptFile = fileURLToPath(new URL('./client.js', import.meta.url));

function readDashboardScript(file: string): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`the dashboard's script ${file} cannot be read (npm run build copies it into dist/): ${(err as Error).message}`, { cause: err });
  }
  // Inlined in a <script> element: a closing tag or a comment opener would end it, or change how it is parsed.
  if (/<\/script|<!--/i.test(text)) throw new Error(`the dashboard's script ${file} contains "</script" or "<!--": it cannot be inlined`);
  return text;
}

export const dashboardScript = readDashboardScript(dashboardScriptFile);

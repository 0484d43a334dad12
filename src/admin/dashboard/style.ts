/** The dashboard's stylesheet (inlined into the page; allowed by hash in its Content-Security-Policy). */
export const dashboardStyle = String.raw`
:root {
  --bg: #f6f7f9; --card: #fff; --ink: #1d2330; --muted: #6b7385; --line: #e3e6ec; --accent: #2f5bd3;
  --ok: #1f8a4c; --warn: #b7700a; --bad: #c23b32; --info: #2f6fb3;
  font: 13px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
header {
  position: sticky; top: 0; z-index: 5; display: flex; flex-wrap: wrap; align-items: center; gap: 8px 14px;
  padding: 10px 16px; background: #1d2330; color: #fff;
}
header h1 { font-size: 16px; margin: 0 8px 0 0; letter-spacing: .02em; }
header h1 small { font-weight: 400; color: #aab3c5; margin-left: 6px; }
header label { display: inline-flex; align-items: center; gap: 6px; color: #cfd6e4; }
header form { display: inline-flex; gap: 4px; margin: 0; }
select, input[type=text], input[type=search], button {
  font: inherit; border-radius: 5px; border: 1px solid #c7ccd6; padding: 3px 8px; background: #fff; color: var(--ink);
}
button { cursor: pointer; background: #eef1f7; }
button:hover { background: #e1e6f0; }
button.danger { background: #fbeceb; border-color: #e6b4b0; color: #8f2a23; }
.pill { display: inline-block; padding: 1px 8px; border-radius: 999px; background: #39425a; color: #fff; }
#status { margin-left: auto; display: inline-flex; align-items: center; gap: 6px; color: #cfd6e4; }
#status::before { content: ""; width: 9px; height: 9px; border-radius: 50%; background: #8a93a6; }
#status[data-state=live]::before { background: #3fd17f; }
#status[data-state=error]::before, #status[data-state=denied]::before { background: #ff6b5e; }
#status[data-state=paused]::before { background: #f1b541; }
#message { padding: 6px 16px; background: #fff6db; border-bottom: 1px solid #f0dfa5; }
#message[hidden] { display: none; }
#message.error { background: #fdeceb; border-color: #f1c1bd; }
main { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 14px; padding: 14px 16px; }
#journal-section, #apis-section { grid-column: 1 / -1; }
@media (max-width: 1100px) { main { grid-template-columns: minmax(0, 1fr); } }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; min-width: 0; }
section > h2 { font-size: 14px; margin: 0 0 8px; display: flex; align-items: baseline; gap: 10px; flex-wrap: wrap; }
section > h2 small { font-weight: 400; color: var(--muted); }
.scroll { max-height: 62vh; overflow: auto; }
#journal.scroll { max-height: 44vh; }
.tools { display: flex; gap: 10px; align-items: center; margin-bottom: 6px; color: var(--muted); flex-wrap: wrap; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { position: sticky; top: 0; background: #f0f2f6; font-weight: 600; z-index: 1; white-space: nowrap; }
td.num, th.num { text-align: right; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
pre { margin: 0; white-space: pre-wrap; word-break: break-all; background: #f7f8fb; padding: 6px; border-radius: 5px; }
.muted { color: var(--muted); }
.empty { color: var(--muted); font-style: italic; padding: 6px 0; }
.path { word-break: break-all; min-width: 16em; }
.opname { display: inline-block; max-width: 24em; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; vertical-align: bottom; }
.heat .opname { max-width: 18em; }
.method { font-weight: 600; }
.status { display: inline-block; min-width: 34px; text-align: center; border-radius: 4px; padding: 0 4px; color: #fff; font-weight: 600; }
.s2 { background: var(--ok); } .s3 { background: var(--info); } .s4 { background: var(--warn); } .s5 { background: var(--bad); }
.ok { color: var(--ok); } .bad { color: var(--bad); font-weight: 600; }
#journal tr.entry { cursor: pointer; }
#journal tr.entry:hover td { background: #f5f7fc; }
#journal tr.detail td { background: #fafbfd; }
details { margin: 4px 0; }
details > summary { cursor: pointer; padding: 3px 0; font-weight: 600; }
details > summary .muted { font-weight: 400; }
.block { margin: 4px 0 10px 14px; }
.block h4 { margin: 6px 0 4px; font-size: 12px; }
.heat td.cell { width: 44px; min-width: 44px; text-align: center; border: 1px solid #fff; font-variant-numeric: tabular-nums; }
.heat th.col { text-align: center; }
.heat td.cell[data-kind=none] { background: #f4f5f8; }
.heat td.cell[data-kind=missing] { background: #fdf0ef; outline: 1px dashed #e09a94; outline-offset: -3px; color: #c07b75; }
.heat td.cell[data-kind=undeclared] { background: #f39c34; color: #fff; font-weight: 600; }
.heat td.cell[data-kind=hit] { color: #0f3d22; font-weight: 600; }
.heat td.cell.dark { color: #fff; }
.heat td.cell[data-kind=fault] { background: #6b5bd2; color: #fff; font-weight: 600; }
.heat td.op { white-space: nowrap; }
.legend { display: inline-flex; gap: 10px; align-items: center; }
.legend i { display: inline-block; width: 12px; height: 12px; border-radius: 2px; vertical-align: -2px; margin-right: 3px; }
.legend i.l-hit { background: hsl(145, 55%, 60%); }
.legend i.l-missing { background: #fdf0ef; outline: 1px dashed #e09a94; outline-offset: -1px; }
.legend i.l-undeclared { background: #f39c34; }
.badge { display: inline-block; padding: 0 5px; border-radius: 4px; background: #eef1f7; color: #3a4358; font-size: 11px; }
.badge.mock { background: #fff1dc; color: #8a5a10; }
.badge.fault { background: #ebe7fb; color: #4a3aa8; font-weight: 600; }
.secret { color: var(--muted); letter-spacing: .1em; }
`;

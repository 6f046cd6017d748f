// One self-contained HTML file: styles, script and the report data inline (the data gzip-compressed,
// so a class of 200 with full evidence stays well under 1 MB), no network access needed to open it.
import { gzipSync } from 'node:zlib';
import type { Report } from '../../diagnose.js';
import type { GradeReport } from '../../grade/grade.js';
import { reportPage } from './client.js';
import { classModel, singleModel, type HtmlModel } from './model.js';

const STYLE = `
:root { --pass:#1b7a3a; --warn:#8a5a00; --fail:#b3261e; --error:#8e24aa; --skip:#5f6368; --line:#d0d4da; --bg:#fff; --fg:#1f2328; --muted:#57606a; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
#app { max-width: 1200px; margin: 0 auto; padding: 16px; }
h1 { font-size: 1.4rem; margin: 0 0 4px; } h2 { font-size: 1.2rem; margin: 16px 0 8px; } h3 { font-size: 1rem; margin: 0 0 4px; }
.meta, .target, figcaption, #shown { color: var(--muted); font-size: .9rem; }
.target { display: block; font-weight: normal; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.st { position: relative; font-weight: 700; display: inline-block; min-width: 1.2em; text-align: center; }
.st-pass { color: var(--pass); } .st-warn { color: var(--warn); } .st-fail { color: var(--fail); } .st-error { color: var(--error); } .st-skip { color: var(--skip); }
.controls { display: flex; flex-wrap: wrap; gap: 8px 20px; align-items: center; margin-bottom: 6px; }
.controls input[type=search], .controls select { font: inherit; padding: 4px 6px; }
.matrix-scroll { position: relative; overflow-x: auto; border: 1px solid var(--line); }
.matrix-scroll:focus { outline: 2px solid #0969da; }
table.matrix { border-collapse: collapse; width: 100%; }
.matrix caption { text-align: left; padding: 6px 8px; color: var(--muted); font-size: .85rem; }
.matrix th, .matrix td { border-top: 1px solid var(--line); padding: 4px 6px; text-align: center; white-space: nowrap; }
.matrix tbody th, .matrix tfoot th { text-align: left; position: sticky; left: 0; background: var(--bg); }
.matrix thead th.check-col button { writing-mode: vertical-rl; transform: rotate(180deg); }
.matrix td.problem { text-align: left; white-space: normal; color: var(--error); }
.matrix tr.row-failing th a { color: var(--fail); }
.matrix tfoot td.has-failures { color: var(--fail); font-weight: 700; }
button.sort { font: inherit; font-weight: 600; background: none; border: 0; padding: 2px; cursor: pointer; color: inherit; }
button.sort:focus-visible, a:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible { outline: 2px solid #0969da; outline-offset: 2px; }
figure { margin: 12px 0; } .chart { width: 100%; max-width: 420px; height: auto; display: block; }
.chart .bar { fill: #5b7db1; } .chart .count, .chart .axis { font-size: 9px; fill: var(--muted); }
.chart .mark { stroke: var(--fail); stroke-dasharray: 3 2; } .chart .mark-p50 { stroke: var(--pass); }
.check-card { border: 1px solid var(--line); border-left: 6px solid var(--skip); border-radius: 4px; padding: 8px 12px; margin: 8px 0; }
.card-pass { border-left-color: var(--pass); } .card-warn { border-left-color: var(--warn); } .card-fail { border-left-color: var(--fail); } .card-error { border-left-color: var(--error); }
.check-card .title { font-weight: normal; color: var(--muted); }
.check-card p { margin: 4px 0; overflow-wrap: anywhere; } .fix { background: #f6f8fa; padding: 4px 6px; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; font-size: .8rem; background: #f6f8fa; padding: 8px; }
.problem { color: var(--error); }
h2[tabindex="-1"]:focus { outline: none; }
@media (max-width: 600px) { #app { padding: 8px; } .controls { flex-direction: column; align-items: stretch; } .controls input[type=search] { width: 100%; } }
@media print { .controls, .back, #shown { display: none; } .matrix-scroll { overflow: visible; border: 0; } .check-card { break-inside: avoid; } a { color: inherit; text-decoration: none; } }
`;

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function renderHtmlModel(model: HtmlModel): string {
  const data = gzipSync(Buffer.from(JSON.stringify(model)), { level: 9 }).toString('base64');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(model.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<div id="app"><noscript>This report draws itself with JavaScript; the same data is in lampi-doctor's --format json output.</noscript></div>
<script type="application/octet-stream" id="report-data">${data}</script>
<script>(${reportPage.toString()})().catch(function (error) { document.getElementById('app').textContent = 'The report could not be drawn: ' + error; console.error(error); });</script>
</body>
</html>
`;
}

export const renderHtmlClass = (report: GradeReport): string => renderHtmlModel(classModel(report));
export const renderHtmlSingle = (report: Report): string => renderHtmlModel(singleModel(report));

// `/`: a small page listing the last probes, linking each to its debug report.
import type { ProbeRecord, ServeSettings } from './server.js';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function result(probe: ProbeRecord): string {
  if (probe.error) return 'error';
  if (!probe.report) return 'running';
  const { counts } = probe.report;
  const verdict = probe.report.exitCode === 0 ? 'success' : 'failure';
  return `${verdict} (${counts.pass} pass, ${counts.warn} warn, ${counts.fail} fail, ${counts.skip} skip, ${counts.error} error)${probe.timedOut ? ', outlived its scrape' : ''}`;
}

export function statusPage(view: ServeSettings & { inFlight: number; probes: readonly ProbeRecord[] }): string {
  const rows = view.probes
    .map((probe) => {
      const query = `target=${encodeURIComponent(probe.target)}&module=${encodeURIComponent(probe.module)}`;
      const duration = probe.report ? `${(probe.report.durationMs / 1000).toFixed(2)} s` : '';
      return `<tr><td>${probe.startedAt.toISOString()}</td><td>${escape(probe.module)}</td><td>${escape(probe.target)}</td><td class="${probe.report?.exitCode === 0 ? 'ok' : 'bad'}">${escape(result(probe))}</td><td>${duration}</td><td><a href="/debug?id=${probe.id}">report</a> · <a href="/probe?${escape(query)}">metrics</a></td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>lampi-doctor exporter</title>
<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left}.ok{color:#070}.bad{color:#b00}</style></head>
<body><h1>lampi-doctor exporter</h1>
<p>Config ${escape(view.config.path)}: modules ${[...view.config.modules.keys()].map(escape).join(', ')}. At most ${view.maxInFlight} probes at once (${view.inFlight} running); a target+module is probed at most every ${view.minIntervalMs / 1000} s. <a href="/metrics">Exporter metrics</a>.</p>
<h2>Last probes</h2>
${view.probes.length ? `<table><tr><th>started</th><th>module</th><th>target</th><th>result</th><th>duration</th><th></th></tr>\n${rows}\n</table>` : '<p>No probe yet: point Prometheus at /probe?target=HOST[:PORT]&amp;module=NAME.</p>'}
</body></html>
`;
}

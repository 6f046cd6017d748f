import type { Report } from '../diagnose.js';
import { renderExposition } from '../serve/exposition.js';
import { probeMetrics, type ProbeExtras } from '../serve/probe-metrics.js';

/** The metrics `serve` answers a probe with, as a file for node_exporter's textfile collector. */
export function renderPrometheus(report: Report, extras: ProbeExtras = {}): string {
  return renderExposition(probeMetrics(report, extras));
}

import type { Report } from '../diagnose.js';

/** The documented JSON contract: the report as it is, stable field names, two-space indent. */
export function renderJson(report: Report): string {
  return JSON.stringify(report, null, 2) + '\n';
}

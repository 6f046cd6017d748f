import type { Report } from '../diagnose.js';
import { renderHuman, type HumanOptions } from './human.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderHtmlSingle } from './html/page.js';
import { renderPrometheus } from './prometheus.js';

export const FORMATS = ['human', 'json', 'junit', 'html', 'prometheus'] as const;
export type Format = (typeof FORMATS)[number];

export function render(report: Report, format: Format, human: HumanOptions): string {
  if (format === 'json') return renderJson(report);
  if (format === 'junit') return renderJunit(report);
  if (format === 'html') return renderHtmlSingle(report);
  if (format === 'prometheus') return renderPrometheus(report);
  return renderHuman(report, human);
}

import type { Report } from '../diagnose.js';
import { renderGithub } from './github.js';
import { renderHtmlSingle } from './html/page.js';
import { renderHuman, type HumanOptions } from './human.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderPrometheus } from './prometheus.js';
import { renderSarif } from './sarif.js';

/** Formats of a live diagnosis; sarif holds its config findings (--config, --bridge-config). */
export const FORMATS = ['human', 'json', 'junit', 'html', 'prometheus', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];

/** Formats of `lint`. */
export const LINT_FORMATS = ['human', 'json', 'junit', 'sarif', 'github'] as const;

export function render(report: Report, format: Format, human: HumanOptions): string {
  switch (format) {
    case 'json':
      return renderJson(report);
    case 'junit':
      return renderJunit(report);
    case 'html':
      return renderHtmlSingle(report);
    case 'prometheus':
      return renderPrometheus(report);
    case 'sarif':
      return renderSarif(report);
    case 'github':
      return renderGithub(report);
    default:
      return renderHuman(report, human);
  }
}

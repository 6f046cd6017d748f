import type { Report } from '../diagnose.js';
import { renderGithub } from './github.js';
import { renderHtmlSingle } from './html/page.js';
import { renderHuman, type HumanOptions } from './human.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderPrometheus } from './prometheus.js';
import { renderSarif } from './sarif.js';
import type { Format } from './formats.js';

export { FORMATS, LINT_FORMATS, type Format } from './formats.js';

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

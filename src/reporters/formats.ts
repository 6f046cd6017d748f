// The report formats, and rendering one: each renderer is loaded only when its format is asked for,
// so a run that prints JSON never loads the HTML page or the JUnit writer.
import type { Report } from '../diagnose.js';
import type { HumanOptions } from './human.js';

/** Formats of a live diagnosis; sarif holds its config findings (--config, --bridge-config). */
export const FORMATS = ['human', 'json', 'junit', 'html', 'prometheus', 'sarif', 'github'] as const;
export type Format = (typeof FORMATS)[number];

/** Formats of `lint`. */
export const LINT_FORMATS = ['human', 'json', 'junit', 'sarif', 'github'] as const;

/** Formats of `grade` and `merge`. */
export const GRADE_FORMATS = ['human', 'json', 'csv', 'junit', 'html', 'gradescope'] as const;
export type GradeFormat = (typeof GRADE_FORMATS)[number];

/** The renderer of one format, loaded on demand. */
export async function rendererFor(format: Format): Promise<(report: Report, human: HumanOptions) => string> {
  switch (format) {
    case 'json': {
      const { renderJson } = await import('./json.js');
      return (report) => renderJson(report);
    }
    case 'junit': {
      const { renderJunit } = await import('./junit.js');
      return (report) => renderJunit(report);
    }
    case 'html': {
      const { renderHtmlSingle } = await import('./html/page.js');
      return (report) => renderHtmlSingle(report);
    }
    case 'prometheus': {
      const { renderPrometheus } = await import('./prometheus.js');
      return (report) => renderPrometheus(report);
    }
    case 'sarif': {
      const { renderSarif } = await import('./sarif.js');
      return (report) => renderSarif(report);
    }
    case 'github': {
      const { renderGithub } = await import('./github.js');
      return (report) => renderGithub(report);
    }
    default:
      return (await import('./human.js')).renderHuman;
  }
}

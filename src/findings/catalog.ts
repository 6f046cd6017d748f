// Every finding code a check or lint rule can emit, with its title: built from the checks' own
// declarations (`codes`), so the catalog cannot drift from the code. schema/finding-codes.json is
// this list, written by `npm run codes`.
import { diagnosisChecks } from '../../checks/index.js';
import { lintRules } from '../../checks/config/index.js';
import { RUNNER_CODES, type FindingCodes } from '../engine/types.js';

export interface CatalogEntry {
  /** `<check id>/<slug>` */
  code: string;
  check: string;
  slug: string;
  title: string;
}

/** What the runner (diagnosis) or the lint loop adds to every check's own codes. */
const LINT_LOOP_CODES = { 'internal-error': RUNNER_CODES['internal-error'] };

function entries(id: string, own: FindingCodes, added: FindingCodes): CatalogEntry[] {
  return Object.entries({ ...own, ...added }).map(([slug, title]) => ({ code: `${id}/${slug}`, check: id, slug, title }));
}

export function findingCatalog(): CatalogEntry[] {
  return [
    ...diagnosisChecks.flatMap((check) => entries(check.id, check.codes, RUNNER_CODES)),
    ...lintRules.flatMap((rule) => entries(rule.id, rule.codes, LINT_LOOP_CODES)),
  ];
}

/** The catalog as schema/finding-codes.json holds it. */
export function catalogDocument(): { $comment: string; codes: { code: string; title: string }[] } {
  return {
    $comment: 'Every finding code lampi-doctor can report, with its title. Generated from the checks\' declarations by `npm run codes`; `lampi-doctor explain CODE` explains one.',
    codes: findingCatalog().map(({ code, title }) => ({ code, title })),
  };
}

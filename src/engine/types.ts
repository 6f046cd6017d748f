// The contract between checks, the runner and the reporters.
// Statuses, ids and JSON field names here are public: CI jobs and graders key on them.

export const STATUSES = ['pass', 'warn', 'fail', 'skip', 'error'] as const;
export type Status = (typeof STATUSES)[number];

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json | undefined };
export type Evidence = { [key: string]: Json | undefined };

/**
 * Why a skip could not test. `prerequisite-failed`: a check it depends on did not pass;
 * `not-selected`: a check it depends on was left out (--skip); `nothing-to-test`: it had nothing to
 * work on (no bridge, no client certificate, no address); `inconclusive`: it looked but could not tell.
 */
export const SKIP_KINDS = ['prerequisite-failed', 'not-selected', 'nothing-to-test', 'inconclusive'] as const;
export type SkipKind = (typeof SKIP_KINDS)[number];

/** What a check decides. */
export interface Outcome {
  status: Status;
  /** One line a person reads first. */
  summary: string;
  /** For every non-pass: the fix, naming the config line or the openssl/x509 step to change. */
  hint?: string;
  evidence?: Evidence;
  /**
   * The finding's stable slug (kebab-case, e.g. `missing-intermediate`). The runner prefixes the check
   * id, so reports carry `tls.chain/missing-intermediate`. Without one, a default per status is used.
   */
  code?: string;
  /** For a skip: why it could not test (the check's own skips default to `nothing-to-test`). */
  skipKind?: SkipKind;
}

/** Slugs used when a check does not name its finding. */
export const DEFAULT_CODES: Record<Status, string> = { pass: 'ok', warn: 'warning', fail: 'failed', skip: 'not-tested', error: 'internal-error' };

/** Codes the runner itself gives any check: they are in every check's catalog entry. */
export const RUNNER_CODES = {
  'prerequisite-not-met': 'Not run: a check it depends on did not pass',
  'prerequisite-not-selected': 'Not run: a check it depends on was left out',
  'internal-error': 'The check itself failed (a lampi-doctor bug)',
  deadline: 'The check did not finish in time',
  cancelled: 'The run was cancelled before the check finished',
  overloaded: 'Could not test: this machine was overloaded (its own timeout, not the broker\'s)',
} as const satisfies Record<string, string>;

/** A check's declared findings: slug -> one-line title. The finding-code catalog is built from these. */
export type FindingCodes = Readonly<Record<string, string>>;

/** `tls.chain` + `missing-intermediate` -> `tls.chain/missing-intermediate`. */
export function findingCode(id: string, outcome: Pick<Outcome, 'status' | 'code'>): string {
  return `${id}/${slugOf(outcome)}`;
}

/** What the runner reports for one check. */
export interface CheckResult extends Omit<Outcome, 'code'> {
  id: string;
  /** Stable machine code of the finding: `<check id>/<slug>`; tests, CI jobs and graders key on it. */
  code: string;
  title: string;
  durationMs: number;
  /** The configuration line a result is about, or that explains it (config lint, joined runs). */
  file?: string;
  line?: number;
}

/**
 * One diagnosis step. `needs` names the facts it reads; the runner gathers them (probes do the I/O)
 * and hands them to `run`, which only decides. `dependsOn` names checks that must pass or warn first.
 */
export interface Check<F, S, K extends keyof F = keyof F> {
  id: string;
  title: string;
  dependsOn: string[];
  needs: K[];
  /**
   * Facts it also reads when the run gathers them for another check; never gathered for it alone (so
   * they add no probe to a run that leaves their checks out), and absent from `run`'s facts then.
   */
  reads?: (keyof F)[];
  /** Every slug `run` can return, with its title: the finding-code catalog is built from these. */
  codes: FindingCodes;
  run(facts: Pick<F, K> & Partial<F>, settings: S): Outcome;
}

/** The slug an outcome reports: its own, or the default for its status. */
export const slugOf = (outcome: Pick<Outcome, 'status' | 'code'>): string => outcome.code ?? DEFAULT_CODES[outcome.status];

/**
 * A check is held to the codes it declares: under the test runner an outcome with an undeclared
 * slug throws, so a code missing from the catalog (schema/finding-codes.json) fails the tests that
 * reach it. Users never lose a finding to this: outside tests the outcome passes through.
 */
export function defineCheck<F, S>() {
  return <K extends keyof F>(check: Check<F, S, K>): Check<F, S, K> => {
    if (!process.env.VITEST) return check;
    if (!check.codes || Object.keys(check.codes).length === 0) throw new Error(`${check.id} declares no \`codes\`: list every slug its run can return, with its title`);
    const slugs = check.codes;
    return {
      ...check,
      run(facts, settings) {
        const outcome = check.run(facts, settings);
        const slug = slugOf(outcome);
        if (!Object.hasOwn(slugs, slug) && !Object.hasOwn(RUNNER_CODES, slug)) {
          throw new Error(`${check.id} returned the finding code ${check.id}/${slug}, which its \`codes\` do not declare`);
        }
        return outcome;
      },
    };
  };
}

export type Counts = Record<Status, number>;

export function countStatuses(results: readonly { status: Status }[]): Counts {
  const counts: Counts = { pass: 0, warn: 0, fail: 0, skip: 0, error: 0 };
  for (const result of results) counts[result.status] += 1;
  return counts;
}

/** Bad input: reported as one line, exit code 2, before any network traffic. */
export class UsageError extends Error {
  override name = 'UsageError';
}

// The contract between checks, the runner and the reporters.
// Statuses, ids and JSON field names here are public: CI jobs and graders key on them.

export const STATUSES = ['pass', 'warn', 'fail', 'skip', 'error'] as const;
export type Status = (typeof STATUSES)[number];

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json | undefined };
export type Evidence = { [key: string]: Json | undefined };

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
}

/** Slugs used when a check does not name its finding. */
export const DEFAULT_CODES: Record<Status, string> = { pass: 'ok', warn: 'warning', fail: 'failed', skip: 'not-tested', error: 'internal-error' };

/** `tls.chain` + `missing-intermediate` -> `tls.chain/missing-intermediate`. */
export function findingCode(id: string, outcome: Pick<Outcome, 'status' | 'code'>): string {
  return `${id}/${outcome.code ?? DEFAULT_CODES[outcome.status]}`;
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
  run(facts: Pick<F, K>, settings: S): Outcome;
}

export function defineCheck<F, S>() {
  return <K extends keyof F>(check: Check<F, S, K>): Check<F, S, K> => check;
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

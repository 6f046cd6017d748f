// Runs checks as a dependency graph: every check starts as soon as its prerequisites are done,
// so independent checks run concurrently; results come back in registry order.
import { findingCode, type Check, type CheckResult, type Outcome, type SkipKind } from './types.js';

/** Where checks get their facts: memoized probes in real runs, plain objects in tests. */
export interface FactSource<F> {
  get<K extends keyof F>(key: K): Promise<F[K]>;
  /** Event-loop time lost while a step behind this fact timed out (ms), if it did: our starvation, not the peer's fault. */
  starved?(key: keyof F): number | undefined;
  /** Whether the run gathers this fact for one of its checks (a check's `reads` are read only then). */
  gathers?(key: keyof F): boolean;
}

export interface RunHooks {
  onStart?(check: { id: string; title: string }): void;
  onFinish?(result: CheckResult): void;
}

export interface RunOptions<F, S> {
  checks: readonly Check<F, S, keyof F>[];
  /**
   * Ids among `checks` run only as prerequisites of selected checks (--only): a dependent decides on
   * their outcome, and they are reported only when they failed or errored, so what blocked the
   * selection fails the run (exit code, probe_success) and is named. A prerequisite absent from
   * `checks` was left out (--skip).
   */
  hidden?: ReadonlySet<string>;
  facts: FactSource<F>;
  settings: S;
  /** A safety net over the probes' own timeouts: a check still running then is an `error`. */
  deadlineMs: number;
  hooks?: RunHooks;
  /** The run's cancellation: a check still running when it fires is an `error` at once. */
  signal?: AbortSignal;
  /** Event-loop time lost since a moment (performance.now()): the safety net stretches by our own starvation. */
  lagSince?(from: number): number;
}

const OK_FOR_DEPENDENTS = new Set(['pass', 'warn']);
/** A hidden prerequisite that ended so is reported: the run failed, whatever --only said. */
const FAILED = new Set(['fail', 'error']);

export async function runChecks<F, S>(options: RunOptions<F, S>): Promise<CheckResult[]> {
  const { checks, facts, settings, deadlineMs, hooks, signal } = options;
  const hidden = options.hidden ?? new Set<string>();
  const byId = new Map(checks.map((check) => [check.id, check]));
  const running = new Map<string, Promise<CheckResult>>();
  // Why a check was skipped, passed on to its dependents so every knock-on skip names the root cause.
  const rootCauses = new Map<string, Blocked>();
  const finish = (result: CheckResult): CheckResult => {
    if (!hidden.has(result.id)) hooks?.onFinish?.(result);
    return result;
  };

  const start = (check: Check<F, S, keyof F>): Promise<CheckResult> => {
    let pending = running.get(check.id);
    if (!pending) {
      pending = runOne(check);
      running.set(check.id, pending);
    }
    return pending;
  };

  const runOne = async (check: Check<F, S, keyof F>): Promise<CheckResult> => {
    const leftOut = check.dependsOn.find((id) => !byId.has(id));
    const prerequisites = await Promise.all(check.dependsOn.filter((id) => byId.has(id)).map((id) => start(byId.get(id)!)));
    const blocker = prerequisites.find((result) => !OK_FOR_DEPENDENTS.has(result.status));
    const blocked = blocker ? (rootCauses.get(blocker.id) ?? blockedBy(blocker, hidden.has(blocker.id))) : leftOut ? notSelected(leftOut) : undefined;
    if (blocked) {
      rootCauses.set(check.id, blocked);
      const slug = blocked.kind === 'not-selected' ? 'prerequisite-not-selected' : 'prerequisite-not-met';
      return finish({
        id: check.id,
        title: check.title,
        status: 'skip',
        skipKind: blocked.kind,
        code: `${check.id}/${slug}`,
        summary: blocked.summary,
        evidence: { prerequisite: blocked.code },
        durationMs: 0,
      });
    }
    if (!hidden.has(check.id)) hooks?.onStart?.(check);
    const began = performance.now();
    const decided = await withDeadline(decide(check, facts, settings), deadlineMs, check.id, signal, options.lagSince);
    const { code, skipKind, ...outcome } = blamesUs(decided, check.needs.map((key) => facts.starved?.(key) ?? 0));
    const result: CheckResult = {
      id: check.id,
      title: check.title,
      ...outcome,
      code: findingCode(check.id, { status: outcome.status, code }),
      durationMs: Math.round(performance.now() - began),
    };
    if (result.status === 'skip') result.skipKind = skipKind ?? 'nothing-to-test';
    return finish(result);
  };

  const results = await Promise.all(checks.map(start));
  return results.filter((result) => !hidden.has(result.id) || FAILED.has(result.status));
}

interface Blocked {
  kind: SkipKind;
  summary: string;
  /** The finding code of the root cause (`dns.resolve/does-not-resolve`), or the left-out check's id. */
  code: string;
}

function blockedBy(blocker: CheckResult, isHidden: boolean): Blocked {
  // A hidden prerequisite's result is shown only when it failed or errored: say what it found, so the
  // skip stands on its own (a grade's column, a metric).
  const what = blocker.status === 'skip' ? `was skipped (${blocker.summary})` : isHidden ? `did not pass (${blocker.status}: ${blocker.summary})` : `did not pass (${blocker.status})`;
  // A prerequisite that could not test passes its reason on: the dependent cannot test for the same one.
  const kind = blocker.status === 'skip' ? (blocker.skipKind ?? 'prerequisite-failed') : 'prerequisite-failed';
  return { kind, summary: `not run: ${blocker.id} ${what}`, code: blocker.code };
}

function notSelected(id: string): Blocked {
  return { kind: 'not-selected', summary: `not run: it needs ${id}, which was left out of this run`, code: id };
}

async function decide<F, S>(check: Check<F, S, keyof F>, facts: FactSource<F>, settings: S): Promise<Outcome> {
  try {
    const keys: (keyof F)[] = [...check.needs, ...(check.reads ?? []).filter((key) => !check.needs.includes(key) && facts.gathers?.(key))];
    const values = await Promise.all(keys.map((key) => facts.get(key)));
    const gathered = Object.fromEntries(keys.map((key, index) => [key, values[index]])) as Pick<F, keyof F>;
    return check.run(gathered, settings);
  } catch (error) {
    return {
      status: 'error',
      summary: `the check itself failed: ${error instanceof Error ? error.message : String(error)}`,
      code: 'internal-error',
      hint: 'This is a lampi-doctor bug, not a finding about your broker: please report it with the --format json output.',
    };
  }
}

const OVERLOADED_HINT = (lagMs: number) =>
  `lampi-doctor itself was starved of CPU for ${lagMs} ms while waiting for an answer, so a timeout says nothing about the broker: re-run on a less busy machine, with a longer --timeout, or (grade) a lower --concurrency.`;

/** Verdicts that rest on a wait: every timeout names itself ("no answer within N ms", "timed out"). */
const TIMEOUT_VERDICT = /within \d+ ms|timed out|no answer|never answered|sent no /i;

/**
 * A verdict against the peer that rests on a timeout we caused (our event loop was starved while a step
 * behind it waited) is no verdict. Verdicts on what did arrive (an expired certificate) stand.
 */
function blamesUs(outcome: Outcome, starvedMs: number[]): Outcome {
  const lagMs = Math.max(0, ...starvedMs);
  if (lagMs === 0 || (outcome.status !== 'fail' && outcome.status !== 'warn') || !TIMEOUT_VERDICT.test(outcome.summary)) return outcome;
  return {
    status: 'error',
    summary: 'could not test: this machine was overloaded',
    code: 'overloaded',
    hint: OVERLOADED_HINT(lagMs),
    evidence: { ...outcome.evidence, eventLoopLagMs: lagMs, wouldHaveBeen: outcome.status, wouldHaveSaid: outcome.summary },
  };
}

function withDeadline(work: Promise<Outcome>, deadlineMs: number, id: string, signal?: AbortSignal, lagSince?: (from: number) => number): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  let unlink = () => undefined as void;
  const deadline = new Promise<Outcome>((resolve) => {
    const cancelled = () =>
      resolve({
        status: 'error',
        summary: `${id} was cancelled before it finished: ${signal?.reason instanceof Error ? signal.reason.message : 'the run was cancelled'}`,
        code: 'cancelled',
        hint: 'The run had a deadline of its own (a grade student\'s, or a scrape\'s) and it passed: raise it, or --timeout if the network is slow.',
      });
    if (signal?.aborted) cancelled();
    signal?.addEventListener('abort', cancelled, { once: true });
    unlink = () => signal?.removeEventListener('abort', cancelled);
    const began = performance.now();
    let extensions = 0;
    const fire = () => {
      // Probes extend their own steps by the time this process was starved; the net does the same.
      const lagMs = lagSince?.(began) ?? 0;
      if (lagMs >= deadlineMs / 4 && extensions < 3) {
        extensions += 1;
        timer = setTimeout(fire, Math.min(lagMs, deadlineMs));
        return;
      }
      resolve(
        lagMs >= deadlineMs / 4
          ? { status: 'error', summary: 'could not test: this machine was overloaded', code: 'overloaded', hint: OVERLOADED_HINT(lagMs), evidence: { eventLoopLagMs: lagMs } }
          : {
              status: 'error',
              summary: `${id} did not finish within ${deadlineMs} ms`,
              code: 'deadline',
              hint: 'A probe outlived its own timeout: raise --timeout if the network is slow, or report it.',
            },
      );
    };
    timer = setTimeout(fire, deadlineMs);
  });
  return Promise.race([work, deadline]).finally(() => {
    clearTimeout(timer);
    unlink();
  });
}

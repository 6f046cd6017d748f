// Runs a fuzz target under fast-check, timing every case. A crash fails the run (with fast-check's
// shrunk counterexample); a case over the time limit is counted, with the size of its input.
import fc from 'fast-check';
import type { FuzzTarget } from './targets.js';

export interface FuzzOutcome {
  name: string;
  cases: number;
  /** fast-check's report of the first crash, shrunk; undefined when there was none. */
  crash?: string;
  slow: { ms: number; size: number }[];
  slowestMs: number;
  seed: number;
}

export const SLOW_CASE_MS = 2000;

const sizeOf = (input: unknown) => JSON.stringify(input)?.length ?? 0;

export function fuzz<T>(target: FuzzTarget<T>, options: { numRuns: number; seed: number }): FuzzOutcome {
  const outcome: FuzzOutcome = { name: target.name, cases: 0, slow: [], slowestMs: 0, seed: options.seed };
  const details = fc.check(
    fc.property(target.arbitrary, (input) => {
      const started = performance.now();
      try {
        target.run(input);
      } finally {
        const ms = performance.now() - started;
        outcome.cases += 1;
        outcome.slowestMs = Math.max(outcome.slowestMs, ms);
        if (ms > SLOW_CASE_MS) outcome.slow.push({ ms: Math.round(ms), size: sizeOf(input) });
      }
    }),
    { numRuns: options.numRuns, seed: options.seed },
  );
  if (details.failed) {
    const error = details.errorInstance instanceof Error ? details.errorInstance.stack ?? details.errorInstance.message : String(details.errorInstance);
    outcome.crash = `${(fc.defaultReportMessage(details) ?? 'failed').slice(0, 3000)}\n${error.split('\n').slice(0, 8).join('\n')}`;
  }
  return outcome;
}

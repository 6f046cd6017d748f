// The partial report of a long grade run, kept on disk without the writing dominating the run: a
// class of a thousand re-rendered and fsynced after every student spent more time writing than
// grading. Writes take at most SHARE of the time: after a write that took w ms the next waits
// (1/SHARE - 1)·w, and a timer writes the newest snapshot once that wait is over, so the file still
// catches up with every finished student while the run goes on; flush() writes whatever is newer at
// the end or on an interrupt, as the `final` version (the one worth an fsync).
import type { GradeReport } from './grade.js';

/** The most of a run's time that keeping --output current may take. */
export const WRITE_SHARE = 1 / 50;

export interface ReportWriter {
  /** A newer snapshot: written now, or once the writing budget allows. */
  offer(report: GradeReport): void;
  /** Writes the newest snapshot if the file does not hold it yet. */
  flush(): void;
  /** No more writes (an interrupt that keeps the file as it is). */
  stop(): void;
}

export function reportWriter(write: (report: GradeReport, final: boolean) => void, share = WRITE_SHARE, now = () => performance.now()): ReportWriter {
  let pending: GradeReport | undefined;
  let nextAt = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  // A write that failed on the timer surfaces at the next offer or flush (as a direct write would).
  let failed: unknown;
  const rethrow = () => {
    if (failed === undefined) return;
    const error = failed;
    failed = undefined;
    throw error;
  };
  const writeNow = (final = false) => {
    clearTimeout(timer);
    timer = undefined;
    if (!pending || stopped) return;
    const report = pending;
    pending = undefined;
    const began = now();
    write(report, final);
    const took = now() - began;
    nextAt = now() + took * (1 / share - 1);
  };
  return {
    offer(report) {
      rethrow();
      if (stopped) return;
      pending = report;
      const wait = nextAt - now();
      if (wait <= 0) writeNow();
      else if (!timer) {
        timer = setTimeout(() => {
          try {
            writeNow();
          } catch (error) {
            failed = error;
          }
        }, Math.ceil(wait));
        timer.unref();
      }
    },
    flush() {
      rethrow();
      writeNow(true);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

// Grading threads: a class's TLS handshakes and MQTT sessions are CPU work on one event loop, so on a
// machine with more cores the students are spread over worker threads, each diagnosing its share of
// --concurrency under its own admission. This thread hands out rows in roster order and collects the
// results. A thread that fails or stops answering is stopped (a broken thread cannot hang a class)
// and replaced; its students in flight are graded again, alone (see gradeInThreads).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { RosterRow } from './roster.js';
import { errorRow, type StudentPlan, type StudentResult } from './student.js';
import { parseThreadFault, type FromThread, type ThreadData, type ToThread } from './thread-protocol.js';

/** The built grading thread (dist/grade-worker.mjs) beside this bundle; none when running from source. */
export function gradingThreadScript(): URL | undefined {
  for (const relative of ['./grade-worker.mjs', '../grade-worker.mjs']) {
    const url = new URL(relative, import.meta.url);
    if (existsSync(url)) return url;
  }
  return undefined;
}

export interface ThreadedGrading {
  script: URL;
  /** The students to grade, in roster order. */
  rows: RosterRow[];
  plan: StudentPlan;
  threads: number;
  /** Students in flight at most, over all threads. */
  concurrency: number;
  signal?: AbortSignal;
  onResult(result: StudentResult): void;
}

/** Beyond its deadline a student's thread gets this long to answer before it is stopped as hung. */
const HUNG_GRACE_MS = 5000;
/** A thread that has not asked for its first student by then is stopped as failed to start. */
const START_LIMIT_MS = 30_000;

/**
 * Grades the rows on `threads` worker threads. Resolves with the rows no thread graded (none, unless
 * the threads failed without grading anyone): the caller grades those in its own thread. Rejects
 * only when `onResult` throws (the report could not be written), after stopping every thread.
 *
 * The students a thread had in flight when it failed are not judged by it: once the other threads
 * are done, each is graded again alone, on a thread of its own with one lane. Alone, a student whose
 * thread fails again is the one that makes threads fail, and only that student is named `not graded`.
 */
export function gradeInThreads(run: ThreadedGrading): Promise<RosterRow[]> {
  const { rows, plan, signal } = run;
  const threads = Math.max(1, Math.min(run.threads, run.concurrency, rows.length));
  const fault = parseThreadFault(process.env.LAMPI_GRADE_THREAD_FAULT);
  let taken = 0;
  // Students whose thread failed under them, to grade again one at a time (in roster order).
  const again: RosterRow[] = [];
  const live = new Set<Worker>();
  let fatal: unknown;

  return new Promise((resolve, reject) => {
    const onAbort = () => {
      for (const worker of live) worker.postMessage({ type: 'abort' } satisfies ToThread);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (left: RosterRow[]) => {
      signal?.removeEventListener('abort', onAbort);
      if (fatal !== undefined) reject(fatal);
      else resolve(signal?.aborted ? [] : left.sort((x, y) => x.line - y.line));
    };
    // The caller's handler writes the report: if that fails, the run stops as it would in one thread.
    const deliver = (result: StudentResult) => {
      if (fatal !== undefined) return;
      try {
        run.onResult(result);
      } catch (error) {
        fatal = error;
        for (const worker of live) void worker.terminate();
      }
    };
    // When the last thread is gone: the students left go back to the caller if the threads are
    // broken (some were never taken), else the ones to grade again get a thread of their own.
    const whenAllGone = (retryAlone: boolean) => {
      if (live.size > 0) return;
      if (fatal !== undefined || signal?.aborted) return finish([]);
      if (taken < rows.length) return finish([...again, ...rows.slice(taken)]);
      if (again.length === 0) return finish([]);
      if (!retryAlone) return finish(again.splice(0));
      start(0, true);
    };

    /** `alone`: one lane, fed only the students to grade again. */
    const start = (index: number, alone = false) => {
      const lanes = alone ? 1 : Math.max(1, Math.floor(run.concurrency / threads) + (index < run.concurrency % threads ? 1 : 0));
      const data: ThreadData = { plan, lanes, fault };
      const worker = new Worker(run.script, { workerData: data });
      live.add(worker);
      const began = performance.now();
      const inFlight = new Map<number, { row: RosterRow; since: number }>();
      let asked = false;
      let graded = 0;
      let ended = false;
      let failure: string | undefined;
      const fail = (why: string) => {
        failure ??= why;
        void worker.terminate();
      };
      const watchdog = setInterval(() => {
        const now = performance.now();
        if (!asked && now - began > START_LIMIT_MS) fail(`it did not start within ${START_LIMIT_MS} ms`);
        for (const { since } of inFlight.values()) {
          if (now - since > plan.deadlineMs + HUNG_GRACE_MS) fail(`it did not answer within ${plan.deadlineMs + HUNG_GRACE_MS} ms`);
        }
      }, 1000);
      watchdog.unref();
      worker.on('message', (message: FromThread) => {
        if (message.type === 'next') {
          asked = true;
          // A thread known to be failing gets no more students.
          const usable = failure === undefined && fatal === undefined && !signal?.aborted;
          const row = !usable ? null : alone ? (again.shift() ?? null) : taken < rows.length ? rows[taken++] : null;
          if (row) inFlight.set(row.line, { row, since: performance.now() });
          worker.postMessage({ type: 'row', ask: message.ask, row } satisfies ToThread);
        } else if (message.type === 'result') {
          inFlight.delete(message.result.line);
          graded += 1;
          deliver(message.result);
        } else {
          ended = true;
          void worker.terminate();
        }
      });
      worker.on('error', (error) => {
        failure ??= error instanceof Error ? error.message : String(error);
      });
      worker.on('exit', (code) => {
        clearInterval(watchdog);
        live.delete(worker);
        let progress = graded > 0;
        if (!ended && fatal === undefined) {
          const why = failure ?? `it exited with code ${code}`;
          for (const { row } of inFlight.values()) {
            if (!alone) again.push(row);
            else {
              // Alone on its thread, and it failed again: this student is what makes threads fail.
              deliver(errorRow(row, `line ${row.line}: not graded: the grading thread diagnosing this student failed (${why}); this is a lampi-doctor bug, please report it`, plan.maxScore));
              progress = true;
            }
          }
          again.sort((x, y) => x.line - y.line);
          // A thread that made progress is replaced (that cannot loop: each time, students are done);
          // one that made none is not (what is left goes back to the caller).
          const more = alone ? again.length > 0 : taken < rows.length;
          if (progress && more && !signal?.aborted) start(index, alone);
        }
        whenAllGone(alone ? progress : true);
      });
    };
    for (let index = 0; index < threads; index += 1) start(index);
  });
}

/** Most grading threads a run starts by default, and the students that make one worth its start-up. */
const MAX_THREADS = 8;
const STUDENTS_PER_THREAD = 16;

/** The default --threads: one per core, but no thread for fewer than 16 students (its start-up costs more). */
export function defaultThreads(students: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(cores, MAX_THREADS, Math.floor(students / STUDENTS_PER_THREAD)));
}

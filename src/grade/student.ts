// One student's grading: their diagnosis under a deadline of its own, scored by the rubric. The same
// in this thread and in a grading thread (threads.ts), so where a student runs never changes a verdict.
import { setMaxListeners } from 'node:events';
import { diagnose } from '../diagnose.js';
import { countStatuses, type CheckResult, type Counts } from '../engine/types.js';
import type { DiagnoseInput } from '../inputs.js';
import { studentClientIdPrefix } from '../probes/client-ids.js';
import type { LoadMonitor } from '../probes/load.js';
import type { RosterRow } from './roster.js';
import { score, type Rubric } from './rubric.js';

export interface StudentResult {
  student: string;
  line: number;
  target: { host: string; port: number } | null;
  score: number;
  maxScore: number;
  counts: Counts;
  checks: CheckResult[];
  /** The row could not be graded: a roster or input problem, with its line. */
  error?: string;
  durationMs: number;
}

/** What every student of a run shares: plain data, so a grading thread gets a copy of it. */
export interface StudentPlan {
  /** The command's flags: every student's defaults. */
  defaults: Omit<DiagnoseInput, 'target'>;
  rubric: Rubric;
  only?: string[];
  skip?: string[];
  maxScore: number;
  /** Bounds a whole student: probes bound themselves, this bounds any setup that would not end. */
  deadlineMs: number;
}

export function errorRow(row: RosterRow, message: string, max: number, durationMs = 0): StudentResult {
  const target = row.input.target ? { host: row.input.target, port: row.input.port ?? 8883 } : null;
  return { student: row.student, line: row.line, target, score: 0, maxScore: max, counts: countStatuses([]), checks: [], error: message, durationMs };
}

/** Diagnoses and scores one roster row; never throws (a failure is the row's error). */
export async function gradeStudent(row: RosterRow, plan: StudentPlan, monitor: LoadMonitor, signal?: AbortSignal): Promise<StudentResult> {
  const t0 = performance.now();
  const elapsed = () => Math.round(performance.now() - t0);
  if (row.error) return errorRow(row, row.error, plan.maxScore);
  try {
    // The student's deadline cancels their diagnosis: its sockets and sessions end with it.
    const student = new AbortController();
    setMaxListeners(0, student.signal);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        student.abort(new Error(`line ${row.line}: the diagnosis did not finish within ${plan.deadlineMs} ms`));
        reject(student.signal.reason);
      }, plan.deadlineMs);
    });
    const report = await Promise.race([
      diagnose({
        ...plan.defaults,
        ...row.input,
        target: row.input.target!,
        // Unique per student: students sharing a broker never take over each other's sessions.
        clientId: studentClientIdPrefix(row.input.clientId ?? plan.defaults.clientId, row.line),
        only: plan.only,
        skip: plan.skip,
        signal: signal ? AbortSignal.any([student.signal, signal]) : student.signal,
        monitor,
      }),
      deadline,
    ]).finally(() => clearTimeout(timer));
    return {
      student: row.student,
      line: row.line,
      target: { host: report.target.host, port: report.target.port },
      score: score(plan.rubric, report.checks),
      maxScore: plan.maxScore,
      counts: report.counts,
      checks: report.checks,
      durationMs: elapsed(),
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return errorRow(row, message.startsWith('line ') ? message : `line ${row.line}: ${message}`, plan.maxScore, elapsed());
  }
}

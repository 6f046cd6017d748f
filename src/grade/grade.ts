// Grading a class: every student's setup diagnosed concurrently, each under its own deadline, then
// scored by the rubric. Shards split a roster stably so CI matrix jobs can share a class.
import { diagnosisChecks } from '../../checks/index.js';
import { EXIT_FINDINGS, EXIT_OK, exitCodeFor, type FailOn } from '../engine/exit-code.js';
import { selectChecks } from '../engine/selection.js';
import { UsageError } from '../engine/types.js';
import { DEFAULT_TIMEOUT_MS, type DiagnoseInput } from '../inputs.js';
import { LoadMonitor } from '../probes/load.js';
import { TOOL } from '../version.js';
import { Admission } from './admission.js';
import { pool } from './pool.js';
import type { RosterRow } from './roster.js';
import { maxScore, score, type Rubric } from './rubric.js';
import { gradeStudent, type StudentPlan, type StudentResult } from './student.js';
import { gradeInThreads, gradingThreadScript } from './threads.js';

export type { StudentResult } from './student.js';

export interface GradeReport {
  tool: { name: string; version: string };
  roster: string;
  startedAt: string;
  durationMs: number;
  shard: { index: number; count: number } | null;
  rubric: Rubric;
  checkIds: string[];
  students: StudentResult[];
  /**
   * True while the run is still going (or was interrupted): students holds only those finished so
   * far. Written by every grade run; absent in reports of older versions (read as complete).
   */
  partial?: boolean;
}

export interface GradeOptions {
  roster: string;
  rows: RosterRow[];
  /** The command's flags: every student's defaults. */
  defaults: Omit<DiagnoseInput, 'target'>;
  rubric: Rubric;
  only?: string[];
  skip?: string[];
  concurrency: number;
  /**
   * Grading threads (worker threads, see threads.ts): 1 or unset grades every student in this
   * thread. More need the built CLI (dist/grade-worker.mjs); from source the run stays in this thread.
   */
  threads?: number;
  shard?: { index: number; count: number };
  /** A previous (partial) report of this roster: the students it holds are kept, not graded again. */
  previous?: GradeReport;
  onStudent?(result: StudentResult, done: number, total: number): void;
  /** The report so far (partial until the last student): at the start and after each student. */
  onProgress?(report: GradeReport): void;
  /** Ends the whole run (an interrupt): every student's diagnosis is cancelled. */
  signal?: AbortSignal;
  /** Something the user should know that is not a student's result (grading threads that failed, the rest graded here). */
  onNotice?(message: string): void;
}


/** "2/5" -> { index: 2, count: 5 }. */
export function parseShard(text: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count) throw new UsageError(`--shard ${text}: expected K/N with 1 <= K <= N, e.g. --shard 2/5`);
  return { index, count };
}

/** FNV-1a of the student's name: the same student lands in the same shard whatever the row order. */
export function shardOf(student: string, count: number): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(student, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash % count) + 1;
}

/** The previous report's students that belong to these rows, re-scored with this run's rubric. */
function keptStudents(previous: GradeReport | undefined, rows: RosterRow[], rubric: Rubric, max: number): Map<number, StudentResult> {
  const kept = new Map<number, StudentResult>();
  if (!previous) return kept;
  const byLine = new Map(rows.map((row) => [row.line, row]));
  for (const student of previous.students) {
    const row = byLine.get(student.line);
    if (!row) continue; // another shard's student, or a row no longer in the roster
    if (row.student !== student.student) {
      throw new UsageError(`--resume: line ${student.line} is ${student.student} in the report but ${row.student} in the roster: the roster changed, so grade it afresh`);
    }
    kept.set(student.line, { ...student, score: student.error ? 0 : score(rubric, student.checks), maxScore: max });
  }
  return kept;
}

export async function gradeRoster(options: GradeOptions): Promise<GradeReport> {
  const checkIds = selectChecks(diagnosisChecks, options.only, options.skip).map((check) => check.id);
  const max = maxScore(options.rubric, checkIds);
  const rows = options.shard ? options.rows.filter((row) => shardOf(row.student, options.shard!.count) === options.shard!.index) : options.rows;
  const timeoutMs = options.defaults.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Probes bound themselves; this bounds a whole student, so no setup can hold up the class.
  const deadlineMs = timeoutMs * 6 + 5000;
  const kept = keptStudents(options.previous, rows, options.rubric, max);
  const todo = rows.filter((row) => !kept.has(row.line));
  // In roster order at all times: each snapshot is a copy, not a sort of the whole class again.
  const finished = [...kept.values()].sort((a, b) => a.line - b.line);
  const record = (result: StudentResult) => {
    let at = finished.length;
    while (at > 0 && finished[at - 1].line > result.line) at -= 1;
    finished.splice(at, 0, result);
  };
  const started = options.previous ? new Date(options.previous.startedAt) : new Date();
  const earlierMs = options.previous?.durationMs ?? 0;
  const began = performance.now();
  const snapshot = (): GradeReport => ({
    tool: TOOL,
    roster: options.roster,
    startedAt: Number.isNaN(started.getTime()) ? new Date().toISOString() : started.toISOString(),
    durationMs: earlierMs + Math.round(performance.now() - began),
    shard: options.shard ?? null,
    rubric: options.rubric,
    checkIds,
    partial: finished.length < rows.length,
    students: finished.slice(),
  });
  options.onProgress?.(snapshot());

  const plan: StudentPlan = { defaults: options.defaults, rubric: options.rubric, only: options.only, skip: options.skip, maxScore: max, deadlineMs };
  const onResult = (result: StudentResult) => {
    record(result);
    options.onStudent?.(result, finished.length, rows.length);
    options.onProgress?.(snapshot());
  };
  let inThisThread = todo;
  const script = (options.threads ?? 1) > 1 ? gradingThreadScript() : undefined;
  if (script && todo.length > 1) {
    inThisThread = await gradeInThreads({ script, rows: todo, plan, threads: options.threads!, concurrency: options.concurrency, signal: options.signal, onResult });
    const count = inThisThread.length === 1 ? '1 student is' : `${inThisThread.length} students are`;
    if (inThisThread.length > 0) options.onNotice?.(`the grading threads failed, so ${count} graded in the main thread`);
  }
  if (inThisThread.length > 0) await gradeHere(inThisThread, plan, options, onResult);
  return snapshot();
}

/** Grades the rows in this thread, at most --concurrency at once, admitted by spare event-loop time. */
async function gradeHere(rows: RosterRow[], plan: StudentPlan, options: GradeOptions, onResult: (result: StudentResult) => void): Promise<void> {
  // One lag monitor for the class: every student's steps measure the same event loop.
  const monitor = new LoadMonitor().start();
  // Above a few students in flight, the next starts only while the event loop has spare time.
  const admission = new Admission().start();
  let next = 0;
  // Interrupted: the rows not started stay missing.
  const take = () => (options.signal?.aborted || next >= rows.length ? undefined : rows[next++]);
  try {
    await pool(take, Math.min(Math.max(1, options.concurrency), rows.length), admission, async (row) => onResult(await gradeStudent(row, plan, monitor, options.signal)));
  } finally {
    admission.stop();
    monitor.stop();
  }
}

/**
 * Exit code of a finished grade run: 0 whatever the students' statuses; under --fail-on LEVEL, 1
 * when any student has a check at that level or worse (a row that could not be graded counts as
 * an error).
 */
export function gradeExitCode(report: GradeReport, failOn: FailOn | undefined): number {
  if (!failOn) return EXIT_OK;
  return report.students.some((student) => student.error || exitCodeFor(student.checks, failOn) !== EXIT_OK) ? EXIT_FINDINGS : EXIT_OK;
}

/** Joins shard reports into one, as if the class had been graded in one run. */
export function mergeReports(reports: GradeReport[], sources: string[]): GradeReport {
  if (reports.length === 0) throw new UsageError('merge: give the shard reports to join (lampi-doctor merge results/*.json)');
  const [first] = reports;
  // Roster lines identify rows: a duplicated student name is one row's error, not a clash.
  const seen = new Map<number, string>();
  for (const [index, report] of reports.entries()) {
    if (!Array.isArray(report?.students) || !Array.isArray(report?.checkIds)) throw new UsageError(`merge: ${sources[index]} is not a lampi-doctor grade report (--format json)`);
    if (report.roster !== first.roster) throw new UsageError(`merge: ${sources[index]} grades roster ${report.roster}, not ${first.roster}`);
    if (report.checkIds.join() !== first.checkIds.join()) throw new UsageError(`merge: ${sources[index]} ran other checks than ${sources[0]} (--only/--skip differ)`);
    for (const student of report.students) {
      const other = seen.get(student.line);
      if (other) throw new UsageError(`merge: roster line ${student.line} (${student.student}) is in both ${other} and ${sources[index]} (the same shard twice?)`);
      seen.set(student.line, sources[index]);
    }
  }
  const shardNames = reports.filter((report) => report.shard).map((report) => `${report.shard!.index}/${report.shard!.count}`);
  const twice = shardNames.find((name, index) => shardNames.indexOf(name) !== index);
  if (twice) throw new UsageError(`merge: shard ${twice} is given twice`);
  const counts = new Set(reports.map((report) => report.shard?.count));
  const indexes = new Set(reports.map((report) => report.shard?.index));
  const complete = counts.size === 1 && first.shard && indexes.size === first.shard.count;
  return {
    ...first,
    startedAt: reports.map((report) => report.startedAt).sort()[0],
    durationMs: Math.max(...reports.map((report) => report.durationMs)),
    shard: complete ? null : first.shard,
    partial: reports.some((report) => report.partial === true),
    students: reports.flatMap((report) => report.students).sort((a, b) => a.line - b.line),
  };
}

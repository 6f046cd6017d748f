// Grading a class: every student's setup diagnosed concurrently, each under its own deadline, then
// scored by the rubric. Shards split a roster stably so CI matrix jobs can share a class.
import { diagnosisChecks } from '../../checks/index.js';
import { diagnose } from '../diagnose.js';
import { selectChecks } from '../engine/selection.js';
import { countStatuses, UsageError, type CheckResult, type Counts } from '../engine/types.js';
import { DEFAULT_TIMEOUT_MS, type DiagnoseInput } from '../inputs.js';
import { TOOL } from '../version.js';
import type { RosterRow } from './roster.js';
import { maxScore, score, type Rubric } from './rubric.js';

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

export interface GradeReport {
  tool: { name: string; version: string };
  roster: string;
  startedAt: string;
  durationMs: number;
  shard: { index: number; count: number } | null;
  rubric: Rubric;
  checkIds: string[];
  students: StudentResult[];
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
  shard?: { index: number; count: number };
  onStudent?(result: StudentResult, done: number, total: number): void;
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

async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index]);
    }
  });
  await Promise.all(workers);
  return results;
}

function errorRow(row: RosterRow, message: string, max: number, durationMs = 0): StudentResult {
  const target = row.input.target ? { host: row.input.target, port: row.input.port ?? 8883 } : null;
  return { student: row.student, line: row.line, target, score: 0, maxScore: max, counts: countStatuses([]), checks: [], error: message, durationMs };
}

export async function gradeRoster(options: GradeOptions): Promise<GradeReport> {
  const checkIds = selectChecks(diagnosisChecks, options.only, options.skip).map((check) => check.id);
  const max = maxScore(options.rubric, checkIds);
  const rows = options.shard ? options.rows.filter((row) => shardOf(row.student, options.shard!.count) === options.shard!.index) : options.rows;
  const timeoutMs = options.defaults.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Probes bound themselves; this bounds a whole student, so no setup can hold up the class.
  const deadlineMs = timeoutMs * 6 + 5000;
  const started = new Date();
  const began = performance.now();
  let done = 0;

  const students = await pool(rows, Math.max(1, options.concurrency), async (row): Promise<StudentResult> => {
    const t0 = performance.now();
    const elapsed = () => Math.round(performance.now() - t0);
    let result: StudentResult;
    if (row.error) {
      result = errorRow(row, row.error, max);
    } else {
      try {
        // The student's deadline cancels their diagnosis: its sockets and sessions end with it.
        const student = new AbortController();
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            student.abort(new Error(`line ${row.line}: the diagnosis did not finish within ${deadlineMs} ms`));
            reject(student.signal.reason);
          }, deadlineMs);
        });
        const report = await Promise.race([
          diagnose({ ...options.defaults, ...row.input, target: row.input.target!, only: options.only, skip: options.skip, signal: student.signal }),
          deadline,
        ]).finally(() => clearTimeout(timer));
        result = {
          student: row.student,
          line: row.line,
          target: { host: report.target.host, port: report.target.port },
          score: score(options.rubric, report.checks),
          maxScore: max,
          counts: report.counts,
          checks: report.checks,
          durationMs: elapsed(),
        };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        result = errorRow(row, message.startsWith('line ') ? message : `line ${row.line}: ${message}`, max, elapsed());
      }
    }
    done += 1;
    options.onStudent?.(result, done, rows.length);
    return result;
  });

  return {
    tool: TOOL,
    roster: options.roster,
    startedAt: started.toISOString(),
    durationMs: Math.round(performance.now() - began),
    shard: options.shard ?? null,
    rubric: options.rubric,
    checkIds,
    students,
  };
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
    students: reports.flatMap((report) => report.students).sort((a, b) => a.line - b.line),
  };
}

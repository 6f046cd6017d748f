// `lampi-doctor grade roster.csv` and `lampi-doctor merge shard-*.json`.
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { diagnosisChecks } from '../../checks/index.js';
import type { FailOn } from '../engine/exit-code.js';
import { selectChecks } from '../engine/selection.js';
import { UsageError } from '../engine/types.js';
import { describeFsError } from '../fs-errors.js';
import { writeFileAtomically } from '../grade/atomic-write.js';
import { gradeExitCode, gradeRoster, mergeReports, parseShard, shardOf, type GradeReport, type StudentResult } from '../grade/grade.js';
import { parseMergeInput, readMergeInput } from '../grade/merge-input.js';
import { readInputText } from '../read-input.js';
import { readRoster, type RosterRow } from '../grade/roster.js';
import { defaultThreads } from '../grade/threads.js';
import { reportWriter } from '../grade/report-writer.js';
import { GradeJsonRenderer } from '../reporters/grade-json.js';
import { defaultRubric, readRubric } from '../grade/rubric.js';
import { renderGrade, renderGradeTable, type GradeFormat } from '../reporters/grade.js';
import { gradescopeFileName, renderGradescope } from '../reporters/gradescope.js';
import { fitLine } from '../reporters/wrap.js';
import { colorWanted, interactive, toDiagnoseInput, type DiagnoseArgs } from './diagnose-command.js';
import { TOOL } from '../version.js';
import { deliver } from './output.js';

export interface GradeArgs extends Omit<DiagnoseArgs, 'format' | 'fqdn' | 'failOn'> {
  /** Unset by default: grade exits 0 whenever every student was graded. */
  failOn?: FailOn;
  roster: string;
  format: GradeFormat;
  rubric?: string;
  concurrency: number;
  /** Unset: one per CPU core for a class big enough (see defaultThreads). */
  threads?: number;
  shard?: string;
  resume?: string;
}

export interface MergeArgs {
  reports: string[];
  format: GradeFormat;
  output?: string;
  color?: boolean;
}

/** A bar that redraws one line on stderr; only on a terminal, so CI logs stay plain. */
function progressBar(): { onStudent(result: StudentResult, done: number, total: number): void; stop(): void } {
  if (!interactive()) return { onStudent: () => undefined, stop: () => undefined };
  let failing = 0;
  const draw = (done: number, total: number) => {
    const width = 24;
    const filled = Math.round((done / Math.max(1, total)) * width);
    const line = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${done}/${total} graded · ${failing} with failures`;
    process.stderr.write(`\r\u001b[2K${fitLine(line, (process.stderr.columns || 80) - 1)}`); // one line, or \r redraws only its end
  };
  return {
    onStudent(result, done, total) {
      if (result.error || result.counts.fail + result.counts.error > 0) failing += 1;
      draw(done, total);
    },
    stop: () => process.stderr.write('\r\u001b[2K'),
  };
}

/** --output names a folder (it exists as one, or ends with a slash): Gradescope gets a file per student there. */
function isFolder(output: string | undefined): boolean {
  if (!output) return false;
  if (/[\\/]$/.test(output)) return true;
  try {
    return statSync(output).isDirectory();
  } catch {
    return false;
  }
}

/** Before any work: Gradescope's results.json is one student's, so a class needs --output DIR. */
function checkGradescopeTarget(format: GradeFormat, output: string | undefined, students: number): void {
  if (format !== 'gradescope') return;
  if (isFolder(output)) {
    try {
      mkdirSync(output!, { recursive: true });
    } catch (error) {
      throw new UsageError(`cannot create the --output folder ${output}: ${describeFsError(error)}`);
    }
    return;
  }
  if (students !== 1) {
    throw new UsageError(
      `--format gradescope writes one student's results.json, and this run has ${students} students: give --output DIR/ to write one file per student (e.g. --output results/)`,
    );
  }
}

function emit(report: GradeReport, format: GradeFormat, output: string | undefined, color: boolean | undefined, sensitive = false): void {
  if (format === 'gradescope' && isFolder(output)) {
    for (const student of report.students) {
      const path = join(output!, gradescopeFileName(student));
      try {
        writeFileSync(path, renderGradescope(report, student), sensitive ? { mode: 0o600 } : {});
      } catch (error) {
        throw new UsageError(`cannot write ${path}: ${describeFsError(error)}`);
      }
    }
    process.stdout.write(renderGradeTable(report, colorWanted(color, process.stdout)));
    return;
  }
  deliver((f, c) => renderGrade(report, f, c), format, output, colorWanted(color, process.stdout), { sensitive });
}

function writeOutput(path: string, text: string | readonly (string | Uint8Array)[], sensitive = false, durable = true): void {
  try {
    writeFileAtomically(path, text, sensitive ? 0o600 : 0o644, durable);
  } catch (error) {
    throw new UsageError(`cannot write --output ${path}: ${describeFsError(error)}`);
  }
}

/**
 * A previous `grade --format json` report of the same checks, to finish with --resume: read and
 * checked as `merge` checks a shard report (regular file, size cap, schema, sense).
 */
function readResume(path: string, checkIds: string[]): GradeReport {
  let report: GradeReport;
  try {
    report = parseMergeInput(readInputText(path, 'report', '--resume'), path);
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(error.message.replace(/^merge: /, '--resume '));
    throw error;
  }
  if (report.checkIds.join() !== checkIds.join()) throw new UsageError(`--resume ${path}: that run ran other checks (--only/--skip differ)`);
  return report;
}

/** How many students this run grades: its shard's, less those a --resume report already has. */
function toGrade(rows: RosterRow[], shard: { index: number; count: number } | undefined, previous: GradeReport | undefined): number {
  const done = new Set(previous?.students.map((student) => student.line));
  return rows.filter((row) => (!shard || shardOf(row.student, shard.count) === shard.index) && !done.has(row.line)).length;
}

export async function runGradeCommand(args: GradeArgs): Promise<number> {
  if (!Number.isInteger(args.concurrency) || args.concurrency < 1 || args.concurrency > 256) {
    throw new UsageError(`--concurrency must be a whole number from 1 to 256, not ${args.concurrency}`);
  }
  if (args.threads !== undefined && (!Number.isInteger(args.threads) || args.threads < 1 || args.threads > 64)) {
    throw new UsageError(`--threads must be a whole number from 1 to 64, not ${args.threads}`);
  }
  const checkIds = selectChecks(diagnosisChecks, args.only, args.skip).map((check) => check.id);
  const rubric = args.rubric ? readRubric(args.rubric, checkIds) : defaultRubric(checkIds);
  const shard = args.shard ? parseShard(args.shard) : undefined;
  const rows = readRoster(args.roster);
  // The report names key files (the grader's, the students'): only this user may read it.
  const sensitive = Boolean(args.key) || rows.some((row) => row.input.key);
  checkGradescopeTarget(args.format, args.output, shard ? rows.filter((row) => shardOf(row.student, shard.count) === shard.index).length : rows.length);
  const previous = args.resume ? readResume(args.resume, checkIds) : undefined;
  const { target: _unused, ...defaults } = toDiagnoseInput({ ...args, fqdn: '' });
  const bar = progressBar();
  // With --output, the file holds every finished student at all times (a partial report until the
  // end), so an interrupted run loses only the students in flight. Gradescope's per-student files
  // are written at the end.
  const output = args.format === 'gradescope' ? undefined : args.output;
  let latest: GradeReport | undefined;
  // JSON is assembled from each student's bytes, rendered once; writes take at most WRITE_SHARE of the
  // run, and only the last one (the end, or an interrupt) waits for the disk (fsync).
  const json = new GradeJsonRenderer();
  const render = (report: GradeReport) => (args.format === 'json' ? json.chunks(report) : renderGrade(report, args.format, false));
  const writer = reportWriter((report, final) => writeOutput(output!, render(report), sensitive, final));
  // An interrupt cancels every diagnosis (sessions get a moment to DISCONNECT), keeps the file as it
  // was (students cut short are missing, not recorded as errors), and ends the process.
  const run = new AbortController();
  let interruptedBy: number | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = signal === 'SIGINT' ? 130 : 143;
    if (interruptedBy !== undefined) process.exit(code); // a second Ctrl-C: go now
    interruptedBy = code;
    process.exitCode = code;
    bar.stop();
    // The file gets every student finished so far (a write the budget had put off), then no more.
    if (output) {
      try {
        writer.flush();
      } catch {
        // the file keeps its previous whole version
      }
    }
    writer.stop();
    const done = latest ? `${latest.students.length} students graded` : 'no student graded';
    const kept = output ? `the partial report is in ${output}; finish it with --resume ${output}` : 'nothing was saved (--output FILE keeps finished students)';
    process.stderr.write(`${TOOL.name}: interrupted: ${done}; ${kept}\n`);
    run.abort(new Error('interrupted'));
    setTimeout(() => process.exit(code), 1000).unref();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let report: GradeReport;
  try {
    report = await gradeRoster({
      roster: args.roster,
      rows,
      defaults,
      rubric,
      only: args.only,
      skip: args.skip,
      concurrency: args.concurrency,
      threads: args.threads ?? defaultThreads(toGrade(rows, shard, previous)),
      shard,
      previous,
      onStudent: (result, done, total) => bar.onStudent(result, done, total),
      signal: run.signal,
      onNotice: (message) => process.stderr.write(`${TOOL.name}: ${message}\n`),
      onProgress: (snapshot) => {
        if (interruptedBy !== undefined) return;
        latest = snapshot;
        if (output) writer.offer(snapshot);
      },
    });
  } finally {
    bar.stop();
    writer.stop();
  }
  if (interruptedBy !== undefined) return interruptedBy;
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  if (output) {
    writeOutput(output, render(report), sensitive);
    process.stdout.write(renderGrade(report, 'human', colorWanted(args.color, process.stdout)));
  } else {
    emit(report, args.format, args.output, args.color, sensitive);
  }
  return gradeExitCode(report, args.failOn);
}

export async function runMergeCommand(args: MergeArgs): Promise<number> {
  const reports = args.reports.map(readMergeInput);
  const merged = mergeReports(reports, args.reports);
  checkGradescopeTarget(args.format, args.output, merged.students.length);
  emit(merged, args.format, args.output, args.color);
  return 0;
}

// `lampi-doctor grade roster.csv` and `lampi-doctor merge shard-*.json`.
import { readFileSync } from 'node:fs';
import { diagnosisChecks } from '../../checks/index.js';
import { selectChecks } from '../engine/selection.js';
import { UsageError } from '../engine/types.js';
import { describeFsError } from '../fs-errors.js';
import { gradeRoster, mergeReports, parseShard, type GradeReport, type StudentResult } from '../grade/grade.js';
import { readRoster } from '../grade/roster.js';
import { defaultRubric, readRubric } from '../grade/rubric.js';
import { renderGrade, type GradeFormat } from '../reporters/grade.js';
import { fitLine } from '../reporters/wrap.js';
import { colorWanted, interactive, toDiagnoseInput, type DiagnoseArgs } from './diagnose-command.js';
import { deliver } from './output.js';

export interface GradeArgs extends Omit<DiagnoseArgs, 'format' | 'fqdn'> {
  roster: string;
  format: GradeFormat;
  rubric?: string;
  concurrency: number;
  shard?: string;
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

function emit(report: GradeReport, format: GradeFormat, output: string | undefined, color: boolean | undefined, sensitive = false): void {
  deliver((f, c) => renderGrade(report, f, c), format, output, colorWanted(color, process.stdout), { sensitive });
}

export async function runGradeCommand(args: GradeArgs): Promise<number> {
  if (!Number.isInteger(args.concurrency) || args.concurrency < 1 || args.concurrency > 256) {
    throw new UsageError(`--concurrency must be a whole number from 1 to 256, not ${args.concurrency}`);
  }
  const checkIds = selectChecks(diagnosisChecks, args.only, args.skip).map((check) => check.id);
  const rubric = args.rubric ? readRubric(args.rubric, checkIds) : defaultRubric(checkIds);
  const shard = args.shard ? parseShard(args.shard) : undefined;
  const rows = readRoster(args.roster);
  const { target: _unused, ...defaults } = toDiagnoseInput({ ...args, fqdn: '' });
  const bar = progressBar();
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
      shard,
      onStudent: (result, done, total) => bar.onStudent(result, done, total),
    });
  } finally {
    bar.stop();
  }
  // The report names key files (the grader's, the students'): only this user may read it.
  emit(report, args.format, args.output, args.color, Boolean(args.key) || rows.some((row) => row.input.key));
  return 0;
}

export async function runMergeCommand(args: MergeArgs): Promise<number> {
  const reports = args.reports.map((path) => {
    try {
      return JSON.parse(readFileSync(path, 'utf8')) as GradeReport;
    } catch (error) {
      throw new UsageError(`merge: cannot read ${path}: ${error instanceof SyntaxError ? 'not JSON' : describeFsError(error)}`);
    }
  });
  emit(mergeReports(reports, args.reports), args.format, args.output, args.color);
  return 0;
}

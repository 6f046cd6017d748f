// Gradebook output: a table of students x check areas for people, CSV/JSON/JUnit for tools.
import { Chalk, type ChalkInstance } from 'chalk';
import type { GradeReport, StudentResult } from '../grade/grade.js';
import { areaOf } from '../engine/selection.js';
import type { Status } from '../engine/types.js';
import { renderJunitSuites } from './junit.js';
import { renderHtmlClass } from './html/page.js';
import { renderGradescope } from './gradescope.js';
import type { GradeFormat } from './formats.js';

export { GRADE_FORMATS, type GradeFormat } from './formats.js';

const SYMBOL: Record<Status, string> = { pass: '✓', warn: '!', fail: '✗', skip: '-', error: '‼' };
const RANK: Record<Status, number> = { skip: 0, pass: 1, warn: 2, error: 3, fail: 4 };

/** An area's status in the table: its worst check; all skipped shows as skipped. */
export function areaStatus(statuses: Status[]): Status {
  return statuses.reduce<Status>((worst, status) => (RANK[status] > RANK[worst] ? status : worst), 'skip');
}

function paint(chalk: ChalkInstance, status: Status, text: string): string {
  const colour = { pass: chalk.green, warn: chalk.yellow, fail: chalk.red.bold, error: chalk.magenta.bold, skip: chalk.gray }[status];
  return colour(text);
}

const formatScore = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0$/, ''));

export function renderGradeTable(report: GradeReport, color: boolean): string {
  const chalk = new Chalk({ level: color ? 1 : 0 });
  const areas = [...new Set(report.checkIds.map(areaOf))];
  const targetText = (s: StudentResult) => (s.target ? `${s.target.host}:${s.target.port}` : '-');
  const studentWidth = Math.max(7, ...report.students.map((s) => s.student.length));
  const targetWidth = Math.max(6, ...report.students.map((s) => targetText(s).length));
  const header = [
    'student'.padEnd(studentWidth),
    'target'.padEnd(targetWidth),
    ...areas.map((area) => area.padEnd(Math.max(area.length, 2))),
    'score',
  ].join('  ');
  const rows = report.students.map((student) => {
    const lead = `${student.student.padEnd(studentWidth)}  ${targetText(student).padEnd(targetWidth)}`;
    if (student.error) return `${lead}  ${paint(chalk, 'error', `‼ ${student.error}`)}`;
    const cells = areas.map((area) => {
      const status = areaStatus(student.checks.filter((check) => areaOf(check.id) === area).map((check) => check.status));
      return paint(chalk, status, SYMBOL[status]) + ' '.repeat(Math.max(area.length, 2) - 1);
    });
    const scoreText = `${formatScore(student.score)}/${formatScore(student.maxScore)}`;
    return `${lead}  ${cells.join('  ')}  ${paint(chalk, student.counts.fail + student.counts.error > 0 ? 'fail' : 'pass', scoreText)}`;
  });
  const failing = report.students.filter((s) => !s.error && s.counts.fail + s.counts.error > 0).length;
  const errors = report.students.filter((s) => s.error).length;
  const clean = report.students.length - failing - errors;
  const shard = report.shard ? `, shard ${report.shard.index}/${report.shard.count}` : '';
  return [
    chalk.bold(`${report.tool.name} ${report.tool.version} · grading ${report.roster}${shard}`),
    '',
    chalk.bold(header),
    ...rows,
    '',
    `${report.students.length} students in ${(report.durationMs / 1000).toFixed(1)} s: ${clean} without failures, ${failing} with failures, ${errors} not gradable`,
    ...(report.partial ? [chalk.bold(PARTIAL_NOTE)] : []),
    chalk.gray(`areas: ${SYMBOL.pass} pass  ${SYMBOL.warn} warn  ${SYMBOL.fail} fail  ${SYMBOL.skip} skip  ${SYMBOL.error} error (worst check of the area)`),
    '',
  ].join('\n');
}

function csvCell(value: string | number): string {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const PARTIAL_NOTE = 'PARTIAL: grading was still running or was interrupted; finish it with grade --resume (from a --format json report)';

/**
 * One row per student, one column per check id (its status). A partial report ends with a
 * `#` comment line after the rows (pandas: comment='#'; spreadsheets show it as a last row).
 */
export function renderGradeCsv(report: GradeReport): string {
  const head = ['student', 'line', 'target', 'score', 'max_score', 'pass', 'warn', 'fail', 'skip', 'error', ...report.checkIds, 'problem'];
  const rows = report.students.map((s) => {
    const status = new Map(s.checks.map((check) => [check.id, check.status]));
    return [
      s.student,
      s.line,
      s.target ? `${s.target.host}:${s.target.port}` : '',
      s.score,
      s.maxScore,
      s.counts.pass,
      s.counts.warn,
      s.counts.fail,
      s.counts.skip,
      s.counts.error,
      ...report.checkIds.map((id) => status.get(id) ?? (s.error ? 'error' : '')),
      s.error ?? '',
    ];
  });
  const lines = [head, ...rows].map((row) => row.map(csvCell).join(','));
  if (report.partial) lines.push(`# ${PARTIAL_NOTE}`);
  return lines.join('\n') + '\n';
}

export function renderGradeJunit(report: GradeReport): string {
  const suites = report.students.map((s) => ({
    name: `${s.student}${s.target ? ` (${s.target.host}:${s.target.port})` : ''}`,
    timestamp: report.startedAt,
    durationMs: s.durationMs,
    checks: s.checks,
    error: s.error,
    caseLabel: s.student,
  }));
  return renderJunitSuites(`${report.tool.name} grade ${report.roster}${report.partial ? ' (PARTIAL)' : ''}`, suites, report.durationMs);
}

export function renderGrade(report: GradeReport, format: GradeFormat, color: boolean): string {
  switch (format) {
    case 'json':
      return JSON.stringify(report, null, 2) + '\n';
    case 'csv':
      return renderGradeCsv(report);
    case 'junit':
      return renderGradeJunit(report);
    case 'html':
      return renderHtmlClass(report);
    case 'gradescope':
      // One student's results.json; a class goes to a folder of them (see the grade command).
      return renderGradescope(report, report.students[0]);
    default:
      return renderGradeTable(report, color);
  }
}

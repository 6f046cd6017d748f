// Gradescope's autograder results (results.json), one per student: the overall score, the human
// report as output, and one test per check scored by the rubric, with the rubric's visibility.
// Format: https://gradescope-autograders.readthedocs.io/en/latest/specs/ (schema/gradescope-results.schema.json).
import type { GradeReport, StudentResult } from '../grade/grade.js';
import { visibilityOf, type Rubric } from '../grade/rubric.js';
import { areaOf } from '../engine/selection.js';
import { countStatuses, type CheckResult } from '../engine/types.js';
import { renderHuman } from './human.js';

export interface GradescopeTest {
  name: string;
  number: string;
  score: number;
  max_score: number;
  status: 'passed' | 'failed';
  output: string;
  output_format: 'text';
  tags: string[];
  visibility: string;
  extra_data: { code: string; status: string };
}

export interface GradescopeResults {
  score: number;
  execution_time: number;
  output: string;
  output_format: 'text';
  test_output_format: 'text';
  stdout_visibility: 'hidden';
  extra_data: { tool: string; student: string; target: string | null; line: number };
  tests: GradescopeTest[];
}

const round = (n: number) => Math.round(n * 100) / 100;

function earned(rubric: Rubric, check: CheckResult): number {
  const points = rubric.points[check.id] ?? 0;
  if (check.status === 'pass') return points;
  if (check.status === 'warn') return round(points * rubric.warnCredit);
  return 0;
}

function testOutput(check: CheckResult): string {
  return [`${check.status}: ${check.summary}`, check.hint && check.status !== 'pass' ? `fix: ${check.hint}` : '', `code: ${check.code}`]
    .filter(Boolean)
    .join('\n');
}

/** The plain human report of one student, as the student would see it from the CLI. */
function studentReport(report: GradeReport, student: StudentResult): string {
  if (student.error) return `${report.tool.name} ${report.tool.version}: this submission could not be graded.\n${student.error}\n`;
  return renderHuman(
    {
      tool: report.tool,
      target: { host: student.target?.host ?? '-', port: student.target?.port ?? 0, address: null, addresses: [], resolvedBy: 'dns', ca: null, cert: null },
      startedAt: report.startedAt,
      durationMs: student.durationMs,
      checks: student.checks,
      counts: countStatuses(student.checks),
      exitCode: 0,
    },
    { color: false },
  );
}

export function toGradescope(report: GradeReport, student: StudentResult): GradescopeResults {
  const { rubric } = report;
  const tests: GradescopeTest[] = student.error
    ? report.checkIds.map((id, index) => ({
        name: id,
        number: String(index + 1),
        score: 0,
        max_score: rubric.points[id] ?? 0,
        status: 'failed',
        output: `not graded: ${student.error}`,
        output_format: 'text',
        tags: [areaOf(id)],
        visibility: visibilityOf(rubric, id),
        extra_data: { code: `${id}/not-graded`, status: 'error' },
      }))
    : student.checks.map((check, index) => ({
        name: `${check.id}: ${check.title}`,
        number: String(index + 1),
        score: earned(rubric, check),
        max_score: rubric.points[check.id] ?? 0,
        status: check.status === 'pass' || check.status === 'warn' ? 'passed' : 'failed',
        output: testOutput(check),
        output_format: 'text',
        tags: [areaOf(check.id)],
        visibility: visibilityOf(rubric, check.id),
        extra_data: { code: check.code, status: check.status },
      }));
  return {
    score: round(tests.reduce((sum, test) => sum + test.score, 0)),
    execution_time: Math.max(0, Math.round(student.durationMs / 1000)),
    output: studentReport(report, student),
    output_format: 'text',
    test_output_format: 'text',
    stdout_visibility: 'hidden',
    extra_data: { tool: `${report.tool.name} ${report.tool.version}`, student: student.student, target: student.target ? `${student.target.host}:${student.target.port}` : null, line: student.line },
    tests,
  };
}

/** A file name for a student's results: readable, unique per roster line, safe on every file system. */
export function gradescopeFileName(student: StudentResult): string {
  const safe = student.student.normalize('NFKD').replace(/[^\w.-]+/g, '_').replace(/^[._]+/, '').slice(0, 64) || 'student';
  return `${safe}-line${student.line}.json`;
}

export function renderGradescope(report: GradeReport, student: StudentResult): string {
  return JSON.stringify(toGradescope(report, student), null, 2) + '\n';
}

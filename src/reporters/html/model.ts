// What the HTML report shows, taken from a grade report (a class) or one diagnosis (a class of one).
// Plain data: the page's script draws both views from it.
import type { Report } from '../../diagnose.js';
import type { GradeReport } from '../../grade/grade.js';
import type { CheckResult, Evidence } from '../../engine/types.js';

export interface HtmlCheck {
  id: string;
  status: CheckResult['status'];
  code: string;
  summary: string;
  hint?: string;
  evidence?: Evidence;
}

export interface HtmlStudent {
  name: string;
  line: number | null;
  target: string | null;
  score: number | null;
  maxScore: number | null;
  error?: string;
  durationMs: number;
  checks: HtmlCheck[];
}

export interface HtmlModel {
  kind: 'class' | 'single';
  title: string;
  tool: string;
  generatedAt: string;
  checkIds: string[];
  titles: Record<string, string>;
  students: HtmlStudent[];
}

function checks(results: readonly CheckResult[]): HtmlCheck[] {
  return results.map(({ id, status, code, summary, hint, evidence }) => ({ id, status, code, summary, hint, evidence }));
}

function titles(results: readonly CheckResult[], into: Record<string, string> = {}): Record<string, string> {
  for (const result of results) into[result.id] ??= result.title;
  return into;
}

export function classModel(report: GradeReport): HtmlModel {
  const known: Record<string, string> = {};
  for (const student of report.students) titles(student.checks, known);
  const shard = report.shard ? ` (shard ${report.shard.index}/${report.shard.count})` : '';
  return {
    kind: 'class',
    title: `Grades for ${report.roster}${shard}`,
    tool: `${report.tool.name} ${report.tool.version}`,
    generatedAt: report.startedAt,
    checkIds: report.checkIds,
    titles: known,
    students: report.students.map((student) => ({
      name: student.student,
      line: student.line,
      target: student.target ? `${student.target.host}:${student.target.port}` : null,
      score: student.score,
      maxScore: student.maxScore,
      error: student.error,
      durationMs: student.durationMs,
      checks: checks(student.checks),
    })),
  };
}

export function singleModel(report: Report): HtmlModel {
  const target = `${report.target.host}:${report.target.port}`;
  return {
    kind: 'single',
    title: `Diagnosis of ${target}`,
    tool: `${report.tool.name} ${report.tool.version}`,
    generatedAt: report.startedAt,
    checkIds: report.checks.map((check) => check.id),
    titles: titles(report.checks),
    students: [{ name: report.target.host, line: null, target, score: null, maxScore: null, durationMs: report.durationMs, checks: checks(report.checks) }],
  };
}

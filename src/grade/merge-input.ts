// A shard report given to `merge`, checked before any of it is trusted: it must be a regular file
// under the size cap, JSON, conform to schema/grade.schema.json, and make sense as a shard (each
// roster line once, a shard index within its count, numbers a report can hold). Anything else is a
// UsageError naming the file and the first problem: exit 2, never a crash further down.
import { diagnosisChecks } from '../../checks/index.js';
import { prerequisitesOf } from '../engine/selection.js';
import { UsageError } from '../engine/types.js';
import { schemaProblem } from '../json-schema.js';
import { readInputText } from '../read-input.js';
import type { GradeReport } from './grade.js';

/** More students than any class; also keeps every later spread (Math.max(...)) within the stack. */
export const MAX_STUDENTS_PER_REPORT = 20_000;

export function readMergeInput(path: string): GradeReport {
  return parseMergeInput(readInputText(path, 'report', 'merge:'), path);
}

/** The text of a shard report to a GradeReport, or a UsageError naming `path` and what is wrong. */
export function parseMergeInput(text: string, path: string): GradeReport {
  const bad = (what: string) => new UsageError(`merge: ${path} is not a usable lampi-doctor grade report (--format json): ${what}`);
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw bad(`not valid JSON (${(error as Error).message})`);
  }
  // Cheap shape checks first, so a huge array never reaches the validator.
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw bad('expected a JSON object');
  const students = (document as { students?: unknown }).students;
  if (Array.isArray(students) && students.length > MAX_STUDENTS_PER_REPORT) {
    throw bad(`${students.length} students, more than the ${MAX_STUDENTS_PER_REPORT} a report may hold`);
  }
  const problem = schemaProblem('grade.schema.json', document);
  if (problem) throw bad(problem);
  const report = document as GradeReport;
  const semantic = semanticProblem(report);
  if (semantic) throw bad(semantic);
  return report;
}

function semanticProblem(report: GradeReport): string | undefined {
  // JSON turns 1e400 into Infinity, which the schema's "integer" and "number" do not all refuse.
  const finite = (value: number, where: string) => (Number.isSafeInteger(value) || (Number.isFinite(value) && !Number.isInteger(value)) ? undefined : `${where}: ${value} is out of range`);
  const whole = (value: number, where: string) => (Number.isSafeInteger(value) ? undefined : `${where}: ${value} is out of range`);
  if (report.shard && report.shard.index > report.shard.count) return `shard: index ${report.shard.index} is beyond its count ${report.shard.count}`;
  if (report.shard) {
    const range = whole(report.shard.index, 'shard.index') ?? whole(report.shard.count, 'shard.count');
    if (range) return range;
  }
  if (Number.isNaN(Date.parse(report.startedAt))) return `startedAt: "${report.startedAt}" is not a date`;
  const top = whole(report.durationMs, 'durationMs') ?? finite(report.rubric.warnCredit, 'rubric.warnCredit');
  if (top) return top;
  for (const [id, points] of Object.entries(report.rubric.points)) {
    const range = finite(points, `rubric.points["${id}"]`);
    if (range) return range;
  }
  const ids = new Set(report.checkIds);
  if (ids.size !== report.checkIds.length) return 'checkIds: a check id appears twice';
  const prerequisites = prerequisitesOf(diagnosisChecks, report.checkIds);
  const lines = new Map<number, number>();
  for (const [index, student] of report.students.entries()) {
    const where = `students[${index}]`;
    const range =
      whole(student.line, `${where}.line`) ??
      whole(student.durationMs, `${where}.durationMs`) ??
      finite(student.score, `${where}.score`) ??
      finite(student.maxScore, `${where}.maxScore`) ??
      Object.entries(student.counts).map(([status, n]) => whole(n, `${where}.counts.${status}`)).find(Boolean) ??
      student.checks.map((check, i) => whole(check.durationMs, `${where}.checks[${i}].durationMs`) ?? (check.line === undefined ? undefined : whole(check.line, `${where}.checks[${i}].line`))).find(Boolean);
    if (range) return range;
    const first = lines.get(student.line);
    if (first !== undefined) return `${where}: roster line ${student.line} appears twice (also students[${first}])`;
    lines.set(student.line, index);
    // A prerequisite of the selection that failed or errored is reported beside it (src/engine/runner.ts).
    const unknown = student.checks.find((check) => !ids.has(check.id) && !(prerequisites.has(check.id) && (check.status === 'fail' || check.status === 'error')));
    if (unknown) return `${where}: check ${unknown.id} is not among the report's checkIds`;
  }
  return undefined;
}

// How checks turn into points: a rubric file gives points per check id (or per area), and the share
// of them a warning earns. Without one, every check is worth 1 point and a warning half of it.
import { areaOf } from '../engine/selection.js';
import { UsageError, type CheckResult } from '../engine/types.js';
import { schemaProblem } from '../json-schema.js';
import { readInputText } from '../read-input.js';

export interface Rubric {
  /** Points per check id. */
  points: Record<string, number>;
  warnCredit: number;
}

export function defaultRubric(checkIds: readonly string[]): Rubric {
  return { points: Object.fromEntries(checkIds.map((id) => [id, 1])), warnCredit: 0.5 };
}

/** rubric.json: { "points": { "tls.chain": 3, "bridge": 2, ... }, "warnCredit": 0.5 }; areas spread to their checks. */
export function readRubric(path: string, checkIds: readonly string[]): Rubric {
  return parseRubric(readInputText(path, 'rubric', '--rubric'), path, checkIds);
}

/** A rubric's text to a Rubric, or a UsageError naming the file and what is wrong (schema/rubric.schema.json). */
export function parseRubric(text: string, path: string, checkIds: readonly string[]): Rubric {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--rubric ${path}: not valid JSON (${(error as Error).message})`);
  }
  const problem = schemaProblem('rubric.schema.json', raw);
  if (problem) {
    throw new UsageError(`--rubric ${path}: ${problem}; expected { "points": { "<check id or area>": <points of at least 0> }, "warnCredit": <0 to 1> }`);
  }
  const spec = raw as { points: Record<string, number>; warnCredit?: number };
  const warnCredit = spec.warnCredit ?? 0.5;
  // No prototype: a check id can never meet an inherited property.
  const points: Record<string, number> = Object.create(null);
  for (const [key, n] of Object.entries(spec.points)) {
    const ids = checkIds.filter((id) => id === key || areaOf(id) === key);
    if (ids.length === 0) throw new UsageError(`--rubric ${path}: "${key}" is no check id or area (${checkIds.join(', ')})`);
    // An id named on its own outranks its area's figure.
    for (const id of ids) if (id === key || !Object.hasOwn(points, id)) points[id] = n;
  }
  return { points: { ...points }, warnCredit };
}

export function maxScore(rubric: Rubric, checkIds: readonly string[]): number {
  return checkIds.reduce((sum, id) => sum + (Object.hasOwn(rubric.points, id) ? rubric.points[id] : 0), 0);
}

export function score(rubric: Rubric, checks: readonly CheckResult[]): number {
  const earned = checks.reduce((sum, check) => {
    const points = Object.hasOwn(rubric.points, check.id) ? rubric.points[check.id] : 0;
    if (check.status === 'pass') return sum + points;
    if (check.status === 'warn') return sum + points * rubric.warnCredit;
    return sum;
  }, 0);
  return Math.round(earned * 100) / 100;
}

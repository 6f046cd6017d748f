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
  /** Gradescope visibility per check id, where the rubric sets one (default: visible). */
  visibility?: Record<string, Visibility>;
}

/** Gradescope's test visibilities: a rubric may hide checks until after the due date. */
export const VISIBILITIES = ['visible', 'hidden', 'after_due_date', 'after_published'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export function visibilityOf(rubric: Rubric, id: string): Visibility {
  return rubric.visibility?.[id] ?? 'visible';
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
  const spec = raw as { points: Record<string, number>; warnCredit?: number; visibility?: unknown };
  const warnCredit = spec.warnCredit ?? 0.5;
  // No prototype: a check id can never meet an inherited property.
  const points: Record<string, number> = Object.create(null);
  for (const [key, n] of Object.entries(spec.points)) {
    const ids = checkIds.filter((id) => id === key || areaOf(id) === key);
    if (ids.length === 0) throw new UsageError(`--rubric ${path}: "${key}" is no check id or area (${checkIds.join(', ')})`);
    // An id named on its own outranks its area's figure.
    for (const id of ids) if (id === key || !Object.hasOwn(points, id)) points[id] = n;
  }
  const visibility = readVisibility(path, spec.visibility, checkIds);
  return visibility ? { points: { ...points }, warnCredit, visibility } : { points: { ...points }, warnCredit };
}

/** "visibility": { "<check id or area>": "after_due_date", ... }; an id outranks its area. */
function readVisibility(path: string, raw: unknown, checkIds: readonly string[]): Record<string, Visibility> | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new UsageError(`--rubric ${path}: "visibility" must map check ids or areas to one of ${VISIBILITIES.join(', ')}`);
  }
  const visibility: Record<string, Visibility> = {};
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'string' || !(VISIBILITIES as readonly string[]).includes(value)) {
      throw new UsageError(`--rubric ${path}: visibility of "${key}" must be one of ${VISIBILITIES.join(', ')}`);
    }
    const ids = checkIds.filter((id) => id === key || areaOf(id) === key);
    if (ids.length === 0) throw new UsageError(`--rubric ${path}: visibility names "${key}", which is no check id or area`);
    for (const id of ids) if (id === key || !Object.hasOwn(visibility, id)) visibility[id] = value as Visibility;
  }
  return visibility;
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

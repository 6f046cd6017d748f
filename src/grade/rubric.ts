// How checks turn into points: a rubric file gives points per check id (or per area), and the share
// of them a warning earns. Without one, every check is worth 1 point and a warning half of it.
import { readFileSync } from 'node:fs';
import { areaOf } from '../engine/selection.js';
import { UsageError, type CheckResult } from '../engine/types.js';
import { describeFsError } from '../fs-errors.js';

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
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const why = error instanceof SyntaxError ? `not valid JSON (${error.message})` : describeFsError(error);
    throw new UsageError(`--rubric ${path}: ${why}`);
  }
  const spec = raw as { points?: Record<string, unknown>; warnCredit?: unknown };
  if (typeof spec !== 'object' || spec === null || typeof spec.points !== 'object' || spec.points === null) {
    throw new UsageError(`--rubric ${path}: expected { "points": { "<check id or area>": <points> }, "warnCredit": 0.5 }`);
  }
  const warnCredit = spec.warnCredit === undefined ? 0.5 : Number(spec.warnCredit);
  if (!(warnCredit >= 0 && warnCredit <= 1)) throw new UsageError(`--rubric ${path}: warnCredit must be between 0 and 1`);
  const points: Record<string, number> = {};
  for (const [key, value] of Object.entries(spec.points)) {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new UsageError(`--rubric ${path}: points for "${key}" must be a number of at least 0`);
    const ids = checkIds.filter((id) => id === key || areaOf(id) === key);
    if (ids.length === 0) throw new UsageError(`--rubric ${path}: "${key}" is no check id or area (${checkIds.join(', ')})`);
    // An id named on its own outranks its area's figure.
    for (const id of ids) if (id === key || points[id] === undefined) points[id] = n;
  }
  return { points, warnCredit };
}

export function maxScore(rubric: Rubric, checkIds: readonly string[]): number {
  return checkIds.reduce((sum, id) => sum + (rubric.points[id] ?? 0), 0);
}

export function score(rubric: Rubric, checks: readonly CheckResult[]): number {
  const earned = checks.reduce((sum, check) => {
    const points = rubric.points[check.id] ?? 0;
    if (check.status === 'pass') return sum + points;
    if (check.status === 'warn') return sum + points * rubric.warnCredit;
    return sum;
  }, 0);
  return Math.round(earned * 100) / 100;
}

// --only / --skip: pick checks by id (tls.chain) or by area (tls). Unknown names are usage errors.
import { UsageError } from './types.js';

export const areaOf = (id: string): string => id.split('.')[0];

function expand<T extends { id: string }>(checks: readonly T[], names: readonly string[], flag: string): Set<string> {
  const ids = new Set<string>();
  const areas = [...new Set(checks.map((check) => areaOf(check.id)))];
  for (const raw of names.flatMap((name) => name.split(',')).map((name) => name.trim()).filter(Boolean)) {
    const matching = checks.filter((check) => check.id === raw || areaOf(check.id) === raw);
    if (matching.length === 0) {
      throw new UsageError(`${flag} ${raw}: no such check or area. Areas: ${areas.join(', ')}; checks: ${checks.map((c) => c.id).join(', ')}`);
    }
    for (const check of matching) ids.add(check.id);
  }
  return ids;
}

/** The checks to report, in registry order. Unknown names and an empty selection are usage errors. */
export function selectChecks<T extends { id: string }>(checks: readonly T[], only: readonly string[] = [], skip: readonly string[] = []): T[] {
  const wanted = only.length > 0 ? expand(checks, only, '--only') : new Set(checks.map((check) => check.id));
  const unwanted = expand(checks, skip, '--skip');
  const chosen = checks.filter((check) => wanted.has(check.id) && !unwanted.has(check.id));
  if (chosen.length === 0) throw new UsageError('--only and --skip leave no check to run');
  return chosen;
}

export interface RunPlan<T> {
  /** What the runner runs, in registry order: the selection plus its prerequisites. */
  checks: T[];
  /** Prerequisites that --only did not name: run so dependents decide on real outcomes, not reported. */
  hidden: Set<string>;
}

/**
 * The selection plus every prerequisite it needs, so `--only plain.exposure` still learns whether the
 * name resolves. A check left out with --skip stays out: its dependents skip as `not-selected`.
 */
export function planChecks<T extends { id: string; dependsOn: readonly string[] }>(checks: readonly T[], only: readonly string[] = [], skip: readonly string[] = []): RunPlan<T> {
  const chosen = selectChecks(checks, only, skip);
  const unwanted = expand(checks, skip, '--skip');
  const byId = new Map(checks.map((check) => [check.id, check]));
  const needed = new Set(chosen.map((check) => check.id));
  const hidden = new Set<string>();
  const pending = [...chosen];
  for (let check = pending.pop(); check; check = pending.pop()) {
    for (const id of check.dependsOn) {
      const prerequisite = byId.get(id);
      if (!prerequisite || needed.has(id) || unwanted.has(id)) continue;
      needed.add(id);
      hidden.add(id);
      pending.push(prerequisite);
    }
  }
  return { checks: checks.filter((check) => needed.has(check.id)), hidden };
}

/**
 * Every check the given ones need, transitively, that is not among them: the checks a run of `ids`
 * runs hidden, and reports when they fail or error (a grade report's students may carry them).
 */
export function prerequisitesOf<T extends { id: string; dependsOn: readonly string[] }>(checks: readonly T[], ids: readonly string[]): Set<string> {
  const byId = new Map(checks.map((check) => [check.id, check]));
  const selected = new Set(ids);
  const found = new Set<string>();
  const pending = [...ids];
  for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
    for (const prerequisite of byId.get(id)?.dependsOn ?? []) {
      if (selected.has(prerequisite) || found.has(prerequisite)) continue;
      found.add(prerequisite);
      pending.push(prerequisite);
    }
  }
  return found;
}

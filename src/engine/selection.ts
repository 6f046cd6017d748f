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

/**
 * The checks to run, in registry order. A selected check still runs when its prerequisites are not
 * selected: its facts tell it when something could not be tested.
 */
export function selectChecks<T extends { id: string }>(checks: readonly T[], only: readonly string[] = [], skip: readonly string[] = []): T[] {
  const wanted = only.length > 0 ? expand(checks, only, '--only') : new Set(checks.map((check) => check.id));
  const unwanted = expand(checks, skip, '--skip');
  const chosen = checks.filter((check) => wanted.has(check.id) && !unwanted.has(check.id));
  if (chosen.length === 0) throw new UsageError('--only and --skip leave no check to run');
  return chosen;
}

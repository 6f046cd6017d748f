import type { Status } from './types.js';

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;

export type FailOn = 'warn' | 'fail';

/** 0 when nothing failed, 1 when a check failed or errored (or warned, under --fail-on warn). */
export function exitCodeFor(results: readonly { status: Status }[], failOn: FailOn = 'fail'): number {
  const failing = new Set<Status>(failOn === 'warn' ? ['warn', 'fail', 'error'] : ['fail', 'error']);
  return results.some((result) => failing.has(result.status)) ? EXIT_FINDINGS : EXIT_OK;
}

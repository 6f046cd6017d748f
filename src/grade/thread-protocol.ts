// Messages between a grade run and its grading threads (threads.ts, grade-worker.ts). Plain data:
// they cross threads as structured clones.
import type { RosterRow } from './roster.js';
import type { StudentPlan, StudentResult } from './student.js';

export interface ThreadData {
  plan: StudentPlan;
  /** Students this thread diagnoses at once at most (its share of --concurrency). */
  lanes: number;
  /** Test hook (LAMPI_GRADE_THREAD_FAULT): how this thread fails, to test that a class survives it. */
  fault?: ThreadFault;
}

/** `start`: fails as it starts; `throw:LINE` / `hang:LINE`: throws / blocks its loop on that roster line's student. */
export type ThreadFault = { kind: 'start' } | { kind: 'throw' | 'hang'; line: number };

export function parseThreadFault(text: string | undefined): ThreadFault | undefined {
  if (text === 'start') return { kind: 'start' };
  const match = /^(throw|hang):(\d+)$/.exec(text ?? '');
  return match ? { kind: match[1] as 'throw' | 'hang', line: Number(match[2]) } : undefined;
}

export type ToThread =
  /** The answer to a `next`: a row to grade, or null when there is nothing more. */
  | { type: 'row'; ask: number; row: RosterRow | null }
  /** The run was interrupted: cancel every diagnosis in flight. */
  | { type: 'abort' };

export type FromThread =
  | { type: 'next'; ask: number }
  | { type: 'result'; result: StudentResult }
  /** Every lane has ended: the thread may be stopped. */
  | { type: 'done' };

// A grading thread: diagnoses the students the grade run hands it, a share of --concurrency at once
// under its own admission and load monitor (they measure this thread's event loop), and posts each
// result back. Built as dist/grade-worker.mjs.
import { setMaxListeners } from 'node:events';
import { parentPort, workerData } from 'node:worker_threads';
import { LoadMonitor } from '../probes/load.js';
import { Admission } from './admission.js';
import { pool } from './pool.js';
import type { RosterRow } from './roster.js';
import { gradeStudent } from './student.js';
import type { FromThread, ThreadData, ToThread } from './thread-protocol.js';

const port = parentPort!;
const { plan, lanes, fault } = workerData as ThreadData;
if (fault?.kind === 'start') throw new Error('LAMPI_GRADE_THREAD_FAULT=start');
const post = (message: FromThread) => port.postMessage(message);
const run = new AbortController();
setMaxListeners(0, run.signal);
const asked = new Map<number, (row: RosterRow | null) => void>();
let asks = 0;

port.on('message', (message: ToThread) => {
  if (message.type === 'abort') run.abort(new Error('interrupted'));
  else if (message.type === 'row') {
    asked.get(message.ask)?.(message.row);
    asked.delete(message.ask);
  }
});

function next(): Promise<RosterRow | undefined> {
  if (run.signal.aborted) return Promise.resolve(undefined);
  const ask = (asks += 1);
  return new Promise((resolve) => {
    asked.set(ask, (row) => resolve(row ?? undefined));
    post({ type: 'next', ask });
  });
}

/** The test hook's failures: an uncaught exception, or a loop that never yields again. */
function injectFault(kind: 'throw' | 'hang', line: number): void {
  setImmediate(() => {
    if (kind === 'throw') throw new Error(`LAMPI_GRADE_THREAD_FAULT=throw:${line}`);
    for (;;);
  });
}

const monitor = new LoadMonitor().start();
const admission = new Admission().start();
try {
  await pool(next, lanes, admission, async (row) => {
    if (fault && 'line' in fault && fault.line === row.line) injectFault(fault.kind, row.line);
    post({ type: 'result', result: await gradeStudent(row, plan, monitor, run.signal) });
  });
} finally {
  admission.stop();
  monitor.stop();
}
post({ type: 'done' });

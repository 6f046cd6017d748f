// Ends the run with one plain line ("Tests: N passed, N failed, N skipped") that any CI log reader
// understands, whatever Vitest's own summary looks like.
import type { Reporter, RunnerTask, RunnerTestFile } from 'vitest';

function walk(tasks: readonly RunnerTask[], counts: { passed: number; failed: number; skipped: number }): void {
  for (const task of tasks) {
    if (task.type === 'suite') walk(task.tasks, counts);
    else if (task.mode === 'skip' || task.mode === 'todo') counts.skipped += 1;
    else if (task.result?.state === 'fail') counts.failed += 1;
    else if (task.result?.state === 'pass') counts.passed += 1;
    else counts.skipped += 1;
  }
}

export default class PlainSummaryReporter implements Reporter {
  onFinished(files: RunnerTestFile[] = []): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    walk(files, counts);
    process.stdout.write(`\nTests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}

// The report a grader opens is the same whatever way it was assembled: `grade --format json` builds
// its text from each student's piece (rendered once), and keeps --output current within a share of
// the run's time. Neither may change a byte of what the file says.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GradeReport, StudentResult } from '../../src/grade/grade.js';
import { writeFileAtomically } from '../../src/grade/atomic-write.js';
import { reportWriter } from '../../src/grade/report-writer.js';
import { GradeJsonRenderer } from '../../src/reporters/grade-json.js';

const student = (name: string, line: number, message: string): StudentResult => ({
  student: name,
  line,
  target: { host: 'cloud.lampi.test', port: 8883 },
  score: 3,
  maxScore: 17,
  counts: { pass: 1, warn: 1, fail: 1, skip: 0, error: 0 } as StudentResult['counts'],
  checks: [{ id: 'tls.handshake', status: 'fail', title: 'TLS handshake', summary: message, code: 'tls.handshake/alert' } as unknown as StudentResult['checks'][number]],
  durationMs: 412,
});

const report = (students: StudentResult[], partial: boolean): GradeReport => ({
  tool: { name: 'lampi-doctor', version: '0.1.0' },
  roster: 'class.csv',
  startedAt: '2026-12-05T09:00:00.000Z',
  durationMs: 1234,
  shard: null,
  rubric: { default: 1 } as unknown as GradeReport['rubric'],
  checkIds: ['tls.handshake'],
  students,
  partial,
});

describe('grade --format json from per-student pieces', () => {
  it('is byte for byte what JSON.stringify of the whole report gives, as the class grows', () => {
    const renderer = new GradeJsonRenderer();
    const finished: StudentResult[] = [];
    expect(renderer.render(report([], true))).toBe(JSON.stringify(report([], true), null, 2) + '\n');
    for (const [index, message] of ['refused: "certificate required"\n(alert 116)', 'ünïcødé \u2028 and \\ backslash', ''].entries()) {
      finished.push(student(`s${index}`, index + 2, message));
      const snapshot = report([...finished].reverse(), index < 2);
      expect(renderer.render(snapshot)).toBe(JSON.stringify(snapshot, null, 2) + '\n');
    }
  });

  it('written a piece at a time, the file holds the same text', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lampi-chunks-'));
    try {
      // 700 students: more pieces than one vectored write takes (1024).
      const big = report(Array.from({ length: 700 }, (_, i) => student(`s${i}`, i + 2, 'x'.repeat(5000))), false);
      const path = join(dir, 'grades.json');
      writeFileAtomically(path, new GradeJsonRenderer().chunks(big));
      expect(readFileSync(path, 'utf8')).toBe(JSON.stringify(big, null, 2) + '\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('holds for any student names and messages', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string(), fc.string()), { maxLength: 6 }), fc.boolean(), (rows, partial) => {
        const snapshot = report(rows.map(([name, message], index) => student(name, index + 2, message)), partial);
        expect(new GradeJsonRenderer().render(snapshot)).toBe(JSON.stringify(snapshot, null, 2) + '\n');
        expect(new GradeJsonRenderer().chunks(snapshot).join('')).toBe(JSON.stringify(snapshot, null, 2) + '\n');
      }),
    );
  });
});

describe('keeping --output current', () => {
  it('writes at once when idle, defers within its budget, and flush() writes the newest snapshot only', () => {
    let clock = 0;
    const written: number[] = [];
    // Each write takes 10 ms on this clock: with a 1/20 budget the next may come 190 ms later.
    const writer = reportWriter((r) => {
      written.push(r.students.length);
      clock += 10;
    }, 1 / 20, () => clock);
    const snapshot = (n: number) => report(Array.from({ length: n }, (_, i) => student(`s${i}`, i + 2, '')), true);
    writer.offer(snapshot(0));
    expect(written).toEqual([0]);
    clock += 50;
    writer.offer(snapshot(1));
    writer.offer(snapshot(2));
    expect(written).toEqual([0]); // deferred: a write just happened
    writer.flush();
    expect(written).toEqual([0, 2]); // the newest, once
    writer.flush();
    expect(written).toEqual([0, 2]); // nothing newer
    clock += 1000;
    writer.offer(snapshot(3));
    expect(written).toEqual([0, 2, 3]); // the budget allows it again
    writer.stop();
    writer.offer(snapshot(4));
    writer.flush();
    expect(written).toEqual([0, 2, 3]);
  });

  it('marks the version flush() writes as the final one (the end or an interrupt: the one synced to disk)', () => {
    let clock = 0;
    const written: [number, boolean][] = [];
    const writer = reportWriter((r, final) => {
      written.push([r.students.length, final]);
      clock += 10;
    }, 1 / 50, () => clock);
    writer.offer(report([], true));
    writer.offer(report([student('a', 2, '')], true)); // deferred: within the budget's wait
    writer.flush();
    expect(written).toEqual([
      [0, false],
      [1, true],
    ]);
    writer.stop();
  });

  it('a deferred snapshot is written by itself once the wait is over', async () => {
    const written: number[] = [];
    const writer = reportWriter((r) => {
      written.push(r.students.length);
      const until = performance.now() + 2;
      while (performance.now() < until); // a write that takes a little time
    });
    writer.offer(report([], true));
    writer.offer(report([student('a', 2, '')], true));
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (written.length === 2) {
          clearInterval(poll);
          resolve();
        }
      }, 5);
    });
    expect(written).toEqual([0, 1]);
    writer.stop();
  });
});

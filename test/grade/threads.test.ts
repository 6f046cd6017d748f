// Grading threads: students spread over worker threads get the verdicts they get in one thread, and
// a thread that fails (throws, hangs, cannot start) costs only its students in flight, each named as
// not graded, never a verdict about them. Real lab brokers; the built CLI, as a user runs it.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GradeReport } from '../../src/grade/grade.js';
import { defaultThreads } from '../../src/grade/threads.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { describeWithBroker } from '../helpers/broker.js';
import { labRosterRow, ROSTER_HEADER } from '../helpers/roster.js';
import { CLI, runCli } from '../helpers/cli.js';
import { schemaErrors } from '../helpers/schema.js';

describe('the default number of grading threads', () => {
  it('is one per core, none for fewer than 16 students per thread, at most 8', () => {
    expect(defaultThreads(10, 8)).toBe(1);
    expect(defaultThreads(31, 2)).toBe(1);
    expect(defaultThreads(32, 2)).toBe(2);
    expect(defaultThreads(1000, 2)).toBe(2);
    expect(defaultThreads(1000, 1)).toBe(1);
    expect(defaultThreads(1000, 64)).toBe(8);
  });
});

describeWithBroker('grade --threads', { timeout: 120_000 }, () => {
  let healthy: Lab;
  let expired: Lab;
  let dir: string;
  let roster: string;
  const out = (name: string) => join(dir, name);
  const common = ['--samples', '2', '--format', 'json'];
  const timeout = ['--timeout', '1500'];
  // Roster lines: 2 alice, 3 bob, 4 carol, 5 dave, 6 erin (a row without a target), 7 frank.
  const students = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];

  beforeAll(async () => {
    [healthy, expired] = await Promise.all([startLab({ scenario: 'healthy' }), startLab({ scenario: 'expired' })]);
    dir = mkdtempSync(join(tmpdir(), 'lampi-grade-threads-'));
    const row = labRosterRow;
    roster = out('class.csv');
    writeFileSync(
      roster,
      [ROSTER_HEADER, row('alice', healthy), row('bob', expired), row('carol', healthy), row('dave', expired), 'erin,,8883,,,,,,,', row('frank', healthy), ''].join('\n'),
    );
  });
  afterAll(async () => {
    await Promise.all([healthy?.stop(), expired?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  const grade = async (name: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
    const run = await runCli(['grade', roster, ...common, ...(args.includes('--timeout') ? [] : timeout), '--output', out(name), ...args], env);
    const report = JSON.parse(readFileSync(out(name), 'utf8')) as GradeReport;
    expect(schemaErrors('grade.schema.json', report)).toEqual([]);
    return { ...run, report };
  };
  /** Each student's verdicts: their row error, or every check's status and finding code. */
  const verdicts = (report: GradeReport) =>
    Object.fromEntries(report.students.map((s) => [s.student, s.error ?? s.checks.map((c) => `${c.id} ${c.status} ${c.code ?? ''}`).join('; ')]));
  let oneThread: Record<string, string>;
  /** Everyone's verdicts but one student's. */
  const verdictsBut = (student: string, of: GradeReport | Record<string, string>) => {
    const all = 'students' in of && Array.isArray(of.students) ? verdicts(of as GradeReport) : { ...(of as Record<string, string>) };
    delete all[student];
    return all;
  };

  it('gives every student the verdicts one thread gives them, in roster order', async () => {
    const one = await grade('one.json', ['--threads', '1']);
    const two = await grade('two.json', ['--threads', '2']);
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    expect(two.stderr).toBe('');
    oneThread = verdicts(one.report);
    expect(two.report.students.map((s) => s.student)).toEqual(students);
    expect(two.report.partial).toBe(false);
    expect(verdicts(two.report)).toEqual(oneThread);
    // The setups differ, so the comparison compares something: a healthy and an expired student.
    expect(oneThread.alice).toContain('tls.handshake pass');
    expect(oneThread.bob).toContain('tls.validity fail tls.validity/expired');
    expect(oneThread.erin).toMatch(/^line 6: /);
  });

  it('warms the round trip up once per process: later students run on a warm JIT', async () => {
    const run = await grade('warm.json', ['--threads', '1', '--concurrency', '1']);
    const warmup = (student: string) => (run.report.students.find((s) => s.student === student)!.checks.find((c) => c.id === 'mqtt.roundtrip')!.evidence as { warmup?: unknown }).warmup;
    expect(warmup('alice')).toEqual({ sent: 20, received: 20 });
    expect(warmup('carol')).toBeUndefined();
    expect(warmup('frank')).toBeUndefined();
  });

  it('a thread that throws costs only the student it was diagnosing, named as not graded; the class finishes', async () => {
    // One student per thread at a time: the failing thread has only carol (line 4) in flight.
    const run = await grade('throw.json', ['--threads', '2', '--concurrency', '2'], { LAMPI_GRADE_THREAD_FAULT: 'throw:4' });
    expect(run.code).toBe(0);
    const carol = run.report.students.find((s) => s.student === 'carol')!;
    expect(carol.error).toBe('line 4: not graded: the grading thread diagnosing this student failed (LAMPI_GRADE_THREAD_FAULT=throw:4); this is a lampi-doctor bug, please report it');
    expect(carol.checks).toEqual([]);
    expect(run.report.partial).toBe(false);
    expect(verdictsBut('carol', run.report)).toEqual(verdictsBut('carol', oneThread));
  });

  it('the students in flight beside the one that makes a thread fail are graded again, not lost with it', async () => {
    // Up to 4 students at once per thread: carol's thread fails with others in flight.
    const run = await grade('throw-busy.json', ['--threads', '2', '--concurrency', '8'], { LAMPI_GRADE_THREAD_FAULT: 'throw:4' });
    expect(run.code).toBe(0);
    expect(run.report.students.find((s) => s.student === 'carol')!.error).toMatch(/^line 4: not graded: the grading thread diagnosing this student failed \(LAMPI_GRADE_THREAD_FAULT=throw:4\)/);
    expect(verdictsBut('carol', run.report)).toEqual(verdictsBut('carol', oneThread));
  });

  it('a thread that hangs is stopped after the student deadline and a grace, and the class finishes', async () => {
    // --timeout 300: the student deadline is 6 x 300 + 5000 ms, the grace 5000 ms more. alice (line 2)
    // hangs her thread; once the others are graded she is tried again alone, hangs that thread too,
    // and is named: the one student that makes threads fail.
    const run = await grade('hang.json', ['--threads', '2', '--concurrency', '2', '--timeout', '300'], { LAMPI_GRADE_THREAD_FAULT: 'hang:2' });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.report.students.map((s) => s.student)).toEqual(students);
    expect(run.report.students.find((s) => s.student === 'alice')!.error).toBe('line 2: not graded: the grading thread diagnosing this student failed (it did not answer within 11800 ms); this is a lampi-doctor bug, please report it');
    expect(run.report.students.filter((s) => s.error?.includes('grading thread'))).toHaveLength(1);
    expect(run.report.students.find((s) => s.student === 'frank')!.checks.find((c) => c.id === 'tls.handshake')?.status).toBe('pass');
  });

  it('threads that cannot start leave the class to the main thread, and say so', async () => {
    const run = await grade('start.json', ['--threads', '2'], { LAMPI_GRADE_THREAD_FAULT: 'start' });
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('lampi-doctor: the grading threads failed, so 6 students are graded in the main thread\n');
    expect(verdicts(run.report)).toEqual(oneThread);
  });

  it('an interrupt ends a threaded run, even with a thread hung: exit 130, a valid partial report', async () => {
    const output = out('interrupted.json');
    // frank's thread hangs, so the run is still going when the interrupt comes.
    const env = { ...process.env, CI: '1', LAMPI_GRADE_THREAD_FAULT: 'hang:7' };
    const child = spawn(process.execPath, [CLI, 'grade', roster, ...common, ...timeout, '--threads', '2', '--concurrency', '2', '--output', output], { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const poll = setInterval(() => {
      try {
        if ((JSON.parse(readFileSync(output, 'utf8')) as GradeReport).students.length >= 5) {
          clearInterval(poll);
          child.kill('SIGINT');
        }
      } catch {
        // not written yet, or being replaced
      }
    }, 5);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearInterval(poll);
    expect(code).toBe(130);
    expect(stderr).toContain(`lampi-doctor: interrupted: 5 students graded; the partial report is in ${output}`);
    const partial = JSON.parse(readFileSync(output, 'utf8')) as GradeReport;
    expect(schemaErrors('grade.schema.json', partial)).toEqual([]);
    expect(partial.partial).toBe(true);
    expect(partial.students.map((s) => s.student)).toEqual(students.slice(0, 5));
  });

  it('refuses a --threads that is not a whole number from 1 to 64', async () => {
    for (const value of ['0', '65', '1.5']) {
      const run = await runCli(['grade', roster, '--threads', value]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`--threads must be a whole number from 1 to 64, not ${value}`);
    }
  });
});

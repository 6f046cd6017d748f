// grade writes finished students as it goes: an interrupted run leaves a valid, clearly partial
// report in --output (never half a file), and --resume grades only the students it lacks.
// Real lab brokers; the built CLI, interrupted with real signals.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { GradeReport } from '../../src/grade/grade.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { describeWithBroker } from '../helpers/broker.js';
import { labRosterRow, ROSTER_HEADER } from '../helpers/roster.js';
import { CLI, runCli } from '../helpers/cli.js';
import { schemaErrors } from '../helpers/schema.js';

describeWithBroker('grade: partial reports, --resume, interrupts', { timeout: 120_000 }, () => {
  let healthy: Lab;
  let silent: Lab;
  let dir: string;
  let roster: string;
  const out = (name: string) => join(dir, name);
  // The silent setup costs seconds (its TLS port never answers), so an interrupt lands while it is graded.
  const common = ['--timeout', '2500', '--samples', '2', '--concurrency', '1'];

  beforeAll(async () => {
    [healthy, silent] = await Promise.all([startLab({ scenario: 'healthy' }), startLab({ scenario: 'silent-peer' })]);
    dir = mkdtempSync(join(tmpdir(), 'lampi-grade-progress-'));
    const row = labRosterRow;
    roster = out('class.csv');
    writeFileSync(roster, [ROSTER_HEADER, row('alice', healthy), row('bob', healthy), row('carol', silent), row('dave', healthy), row('erin', silent), ''].join('\n'));
  });
  afterAll(async () => {
    await Promise.all([healthy?.stop(), silent?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts `grade`, reads --output whenever it changes, and sends `signal` once `ready(text)` holds. */
  function gradeUntil(args: string[], output: string, ready: (text: string) => boolean, signal: NodeJS.Signals) {
    const child = spawn(process.execPath, [CLI, 'grade', roster, ...common, '--output', output, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const seen: string[] = [];
    const poll = setInterval(() => {
      let text: string;
      try {
        text = readFileSync(output, 'utf8');
      } catch {
        return; // not written yet
      }
      if (seen.at(-1) !== text) seen.push(text);
      if (ready(text)) {
        child.kill(signal);
        clearInterval(poll);
      }
    }, 5);
    return new Promise<{ code: number | null; stderr: string; seen: string[] }>((resolve) =>
      child.on('close', (code) => {
        clearInterval(poll);
        resolve({ code, stderr, seen });
      }),
    );
  }

  const graded = (text: string) => (JSON.parse(text) as GradeReport).students.map((s) => s.student);

  it('SIGINT mid-grade leaves a valid partial JSON report; --resume grades only the missing students', async () => {
    const output = out('grades.json');
    const run = await gradeUntil(['--format', 'json'], output, (text) => graded(text).length === 2, 'SIGINT');
    expect(run.code).toBe(130);
    expect(run.stderr).toContain(`lampi-doctor: interrupted: 2 students graded; the partial report is in ${output}; finish it with --resume ${output}\n`);

    // Every version a reader could see was a whole, valid report, partial while students were missing.
    expect(run.seen.length).toBeGreaterThanOrEqual(3); // the start (0 students), then 1, then 2
    for (const text of run.seen) {
      const report = JSON.parse(text) as GradeReport;
      expect(schemaErrors('grade.schema.json', report)).toEqual([]);
      expect(report.partial).toBe(true);
    }
    const partial = JSON.parse(readFileSync(output, 'utf8')) as GradeReport;
    expect(schemaErrors('grade.schema.json', partial)).toEqual([]);
    expect(partial.partial).toBe(true);
    expect(partial.students.map((s) => s.student)).toEqual(['alice', 'bob']);
    expect(partial.students[0]).toMatchObject({ student: 'alice', maxScore: 17 });
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);

    const resumed = await runCli(['grade', roster, ...common, '--resume', output, '--format', 'json', '--output', output]);
    expect(resumed.code).toBe(0);
    const full = JSON.parse(readFileSync(output, 'utf8')) as GradeReport;
    expect(schemaErrors('grade.schema.json', full)).toEqual([]);
    expect(full.partial).toBe(false);
    expect(full.students.map((s) => s.student)).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
    // alice and bob were kept as they were (same timings to the millisecond), not graded again.
    expect(full.students.slice(0, 2)).toEqual(partial.students);
    expect(full.startedAt).toBe(partial.startedAt);
    expect(full.students.find((s) => s.student === 'carol')!.checks.find((c) => c.id === 'tls.handshake')?.status).toBe('fail');
    expect(full.students.find((s) => s.student === 'dave')?.checks).toHaveLength(17);
    expect(resumed.stdout).toContain('5 students in');
    expect(resumed.stdout).not.toContain('PARTIAL');
  }, 180_000); // two grade runs with silent setups, on a shared machine

  it('SIGTERM mid-grade with --format csv leaves header, finished rows and a trailing # marker', async () => {
    const output = out('grades.csv');
    const run = await gradeUntil(['--format', 'csv'], output, (text) => text.split('\n').some((line) => line.startsWith('bob,')), 'SIGTERM');
    expect(run.code).toBe(143);
    const lines = readFileSync(output, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toMatch(/^student,line,target,score,max_score,/);
    expect(lines.slice(1, -1).map((line) => line.split(',')[0])).toEqual(['alice', 'bob']);
    expect(lines.at(-1)).toMatch(/^# PARTIAL: grading was still running or was interrupted; finish it with grade --resume/);
    for (const text of run.seen) expect(text.endsWith('\n') && text.startsWith('student,')).toBe(true);
  });

  it('a killed run (no chance to clean up) still leaves the last whole report', async () => {
    const output = out('killed.json');
    const run = await gradeUntil(['--format', 'json'], output, (text) => graded(text).length === 1, 'SIGKILL');
    expect(run.code).toBeNull();
    const report = JSON.parse(readFileSync(output, 'utf8')) as GradeReport;
    expect(schemaErrors('grade.schema.json', report)).toEqual([]);
    expect(report.partial).toBe(true);
    expect(report.students.map((s) => s.student)).toEqual(['alice']);
  });

  it('--resume refuses what it cannot finish (exit 2, in words)', async () => {
    const notJson = out('grades.txt');
    writeFileSync(notJson, 'student,line\n');
    const bad = await runCli(['grade', roster, '--resume', notJson]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`--resume ${notJson} is not a usable lampi-doctor grade report (--format json): not valid JSON`);

    const missing = await runCli(['grade', roster, '--resume', out('nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');

    const partial = JSON.parse(readFileSync(out('killed.json'), 'utf8')) as GradeReport;
    const other = await runCli(['grade', roster, '--only', 'tls', '--resume', out('killed.json')]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain('that run ran other checks (--only/--skip differ)');

    partial.students[0].student = 'mallory';
    writeFileSync(out('changed.json'), JSON.stringify(partial));
    const changed = await runCli(['grade', roster, '--resume', out('changed.json')]);
    expect(changed.code).toBe(2);
    expect(changed.stderr).toContain('line 2 is mallory in the report but alice in the roster: the roster changed');

    writeFileSync(out('foreign.json'), JSON.stringify({ students: [{ name: 'x' }], checkIds: [] }));
    const foreign = await runCli(['grade', roster, '--resume', out('foreign.json')]);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain(`--resume ${out('foreign.json')} is not a usable lampi-doctor grade report`);
    expect(existsSync(out('nope.json'))).toBe(false);
  });
});

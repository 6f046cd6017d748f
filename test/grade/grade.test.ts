// Grading a class of real (lab) setups: healthy, broken, silent and malformed rows.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkIds } from '../../checks/index.js';
import type { GradeReport } from '../../src/grade/grade.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { describeWithBroker } from '../helpers/broker.js';
import { labRosterRow, ROSTER_HEADER } from '../helpers/roster.js';
import { runCli } from '../helpers/cli.js';
import { expectValidJunit, parseJunit } from '../helpers/junit.js';
import { schemaErrors } from '../helpers/schema.js';

describeWithBroker('grade roster.csv', () => {
  let labs: Record<'healthy' | 'expired' | 'silent', Lab>;
  let dir: string;
  let roster: string;
  let healthyRoster: string;
  const out = (name: string) => join(dir, name);
  const common = ['--timeout', '800', '--samples', '2'];

  beforeAll(async () => {
    const [healthy, expired, silent] = await Promise.all([
      startLab({ scenario: 'healthy' }),
      startLab({ scenario: 'expired' }),
      startLab({ scenario: 'silent-peer' }),
    ]);
    labs = { healthy, expired, silent };
    dir = mkdtempSync(join(tmpdir(), 'lampi-grade-'));
    const row = labRosterRow;
    roster = out('class.csv');
    writeFileSync(
      roster,
      [
        ROSTER_HEADER,
        row('alice', healthy),
        row('bob', expired),
        row('carol', silent),
        'dave,,8883,,,,,,,',
        row('alice', healthy),
        `erin,cloud.lampi.test,${healthy.ports.tls},,missing/ca.crt,,,,,cloud.lampi.test:127.0.0.2`,
        row('frank', healthy),
        row('grace', expired),
        '',
      ].join('\n'),
    );
    healthyRoster = out('healthy.csv');
    writeFileSync(healthyRoster, [ROSTER_HEADER, row('alice', healthy), row('frank', healthy), ''].join('\n'));
  });
  afterAll(() => Promise.all(Object.values(labs).map((lab) => lab.stop())));

  const grade = async (...args: string[]) => {
    const run = await runCli(['grade', roster, ...common, ...args]);
    expect(run.code).toBe(0);
    return run;
  };

  it('grades every row: statuses and scores per student, bad rows named by line', async () => {
    await grade('--format', 'json', '--output', out('all.json'));
    const report = JSON.parse(readFileSync(out('all.json'), 'utf8')) as GradeReport;
    expect(schemaErrors('grade.schema.json', report)).toEqual([]);
    const by = (line: number) => report.students.find((s) => s.line === line)!;

    expect(by(2)).toMatchObject({ student: 'alice', score: 17, maxScore: 17, counts: { pass: 17, fail: 0 } });
    const bob = by(3);
    expect(bob.checks.find((c) => c.id === 'tls.validity')?.status).toBe('fail');
    expect(bob.score).toBe(bob.counts.pass);
    expect(bob.score).toBeLessThan(17);
    const carol = by(4);
    expect(carol.checks.find((c) => c.id === 'tls.handshake')?.summary).toContain('never answered');
    expect(carol.durationMs).toBeLessThan(5000); // a silent setup costs its own timeout, not the class's
    expect(by(5).error).toBe('line 5: no fqdn for dave');
    expect(by(6).error).toBe('line 6: student "alice" already appears on line 2');
    expect(by(7).error).toMatch(/^line 7: cannot read --ca .*missing\/ca\.crt: no such file/);
    expect(by(8)).toMatchObject({ student: 'frank', score: 17 });
    expect(by(9).score).toBe(bob.score);
  });

  it('applies a rubric: points per id or area, partial credit for warn', async () => {
    writeFileSync(out('rubric.json'), JSON.stringify({ points: { tls: 2, 'tls.validity': 10, mqtt: 1 }, warnCredit: 0.5 }));
    await grade('--rubric', out('rubric.json'), '--format', 'json', '--output', out('rubric-report.json'));
    const report = JSON.parse(readFileSync(out('rubric-report.json'), 'utf8')) as GradeReport;
    const alice = report.students.find((s) => s.student === 'alice' && !s.error)!;
    const bob = report.students.find((s) => s.student === 'bob')!;
    expect(alice.maxScore).toBe(6 * 2 + 10 + 2 * 1);
    expect(alice.score).toBe(alice.maxScore);
    // bob's expired certificate costs tls.validity (10) and the MQTT checks it blocks (2).
    expect(bob.score).toBe(alice.maxScore - 10 - 2);
  });

  it('writes a gradebook CSV: a row per student, a column per check id', async () => {
    const csv = (await grade('--format', 'csv')).stdout.trim().split('\n');
    const header = csv[0].split(',');
    expect(header.slice(0, 5)).toEqual(['student', 'line', 'target', 'score', 'max_score']);
    expect(header).toEqual(expect.arrayContaining(checkIds));
    expect(csv).toHaveLength(1 + 8);
    const bob = csv.find((line) => line.startsWith('bob,'))!.split(',');
    expect(bob[header.indexOf('tls.validity')]).toBe('fail');
  });

  it('writes JUnit with a suite per student', async () => {
    const suites = parseJunit((await grade('--format', 'junit')).stdout);
    expect(suites.testsuite).toHaveLength(8);
    const dave = suites.testsuite.find((s: { name: string }) => s.name.startsWith('dave'));
    expect(dave.testcase[0].error.message).toBe('line 5: no fqdn for dave');
  });

  it('JUnit: valid against junit-10.xsd, test names unique across the class (GitLab keeps only the first of duplicates)', async () => {
    const xml = (await grade('--format', 'junit')).stdout;
    expectValidJunit(xml);
    const names = parseJunit(xml).testsuite.flatMap((suite: { testcase: { name: string }[] }) => suite.testcase.map((c) => c.name));
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('alice: tls.chain');
  });

  it('sharded grading merged back equals the unsharded result', async () => {
    const whole = JSON.parse((await grade('--format', 'json')).stdout) as GradeReport;
    for (const k of [1, 2, 3]) await grade('--shard', `${k}/3`, '--format', 'json', '--output', out(`shard-${k}.json`));
    const parts = [1, 2, 3].map((k) => JSON.parse(readFileSync(out(`shard-${k}.json`), 'utf8')) as GradeReport);
    expect(parts.reduce((n, part) => n + part.students.length, 0)).toBe(whole.students.length);
    expect(parts.filter((part) => part.students.length > 0).length).toBeGreaterThan(1);

    const merged = await runCli(['merge', out('shard-1.json'), out('shard-2.json'), out('shard-3.json'), '--format', 'json']);
    expect(merged.code).toBe(0);
    const joined = JSON.parse(merged.stdout) as GradeReport;
    expect(schemaErrors('grade.schema.json', joined)).toEqual([]);
    expect(joined.shard).toBeNull();
    const essence = (report: GradeReport) =>
      report.students.map((s) => ({ student: s.student, line: s.line, score: s.score, error: s.error, statuses: s.checks.map((c) => `${c.id}:${c.status}`) }));
    expect(essence(joined)).toEqual(essence(whole));
  });

  it('shows a table, and no progress bar when not on a terminal', async () => {
    const run = await grade();
    expect(run.stdout).toMatch(/^student\s+target\s+dns\s+tcp\s+tls\s+mqtt\s+bridge\s+wss\s+plain\s+score$/m);
    expect(run.stdout).toMatch(/^alice\s+cloud\.lampi\.test:\d+\s+✓.*17\/17$/m);
    expect(run.stdout).toContain('8 students in');
    expect(run.stderr).toBe('');
    expect(run.stdout).not.toMatch(/\r|\u001b\[|graded ·/);
  });

  it('exit code: 0 once every student is graded; --fail-on LEVEL gives 1 when a student has a check at that level; 2 for bad input', async () => {
    // The class has failures and ungradable rows, yet every student got a row: 0 (asserted by every grade() above).
    const failOnFail = await runCli(['grade', roster, ...common, '--fail-on', 'fail', '--format', 'csv']);
    expect(failOnFail.code).toBe(1);
    expect(failOnFail.stdout.trim().split('\n')).toHaveLength(1 + 8); // still the whole report

    // Healthy setups under a generous timeout: a loaded machine must not turn them into failures here.
    const calm = ['--timeout', '5000', '--samples', '2'];
    expect((await runCli(['grade', healthyRoster, ...calm, '--fail-on', 'fail'])).code).toBe(0);
    expect((await runCli(['grade', healthyRoster, ...calm, '--fail-on', 'warn'])).code).toBe(0);
    // A real warning: the lab's certificates expire within 100000 days.
    const warned = await runCli(['grade', healthyRoster, ...calm, '--expiry-warn-days', '100000', '--format', 'json']);
    expect(warned.code).toBe(0);
    expect(JSON.parse(warned.stdout).students[0].checks.find((c: { id: string }) => c.id === 'tls.validity').status).toBe('warn');
    expect((await runCli(['grade', healthyRoster, ...calm, '--expiry-warn-days', '100000', '--fail-on', 'fail'])).code).toBe(0);
    expect((await runCli(['grade', healthyRoster, ...calm, '--expiry-warn-days', '100000', '--fail-on', 'warn'])).code).toBe(1);

    const missing = await runCli(['grade', out('no-such-roster.csv')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('no such file');
    const help = await runCli(['grade', '--help']);
    expect(help.stdout).toContain('--fail-on  Exit 1 when any student has a check at this level or worse (unset: exit 0 once every student is graded');
  }, 180_000); // eight grade runs, on a shared machine
});

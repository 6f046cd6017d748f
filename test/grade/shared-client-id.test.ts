// grade --client-id: two students on one broker must not share session ids, or the broker closes one
// student's session to let the other's in ("already connected, closing old connection") and a student
// loses points for the grader's own doing. A single diagnosis keeps the prefix as given.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkIds } from '../../checks/index.js';
import type { GradeReport } from '../../src/grade/grade.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { sessionClientId, studentClientIdPrefix } from '../../src/probes/client-ids.js';
import { describeWithBroker } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';
import { labRosterRow, ROSTER_HEADER } from '../helpers/roster.js';

describe('a grade student\'s client id prefix', () => {
  it('extends the grader\'s by the roster line, and leaves the random ids alone', () => {
    expect(sessionClientId(studentClientIdPrefix('shared-id', 2), 'connect')).toBe('shared-id-line2-connect');
    expect(studentClientIdPrefix('shared-id', 3)).not.toBe(studentClientIdPrefix('shared-id', 2));
    expect(studentClientIdPrefix(undefined, 2)).toBeUndefined();
  });
});

describeWithBroker('grade --client-id with two students on one broker', () => {
  let lab: Lab;
  let dir: string;
  beforeAll(async () => {
    lab = await startLab({ scenario: 'healthy' });
    dir = mkdtempSync(join(tmpdir(), 'lampi-shared-id-'));
  });
  afterAll(async () => {
    await lab?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('no session takes over another: no "already connected" in the broker log, both students full marks', async () => {
    const roster = join(dir, 'roster.csv');
    writeFileSync(roster, [ROSTER_HEADER, labRosterRow('alice', lab), labRosterRow('bob', lab), ''].join('\n'));
    const logBefore = readFileSync(lab.files.cloudLog, 'utf8').length;
    const run = await runCli(['grade', roster, '--client-id', 'shared-id', '--concurrency', '2', '--plain-port', String(lab.ports.plain), '--format', 'json']);
    expect(run.code).toBe(0);
    const log = readFileSync(lab.files.cloudLog, 'utf8').slice(logBefore);
    expect(log).not.toMatch(/already connected, closing old connection/);
    // The broker saw each student's own sessions, under the grader's prefix.
    expect(log).toMatch(/New client connected .* as shared-id-line2-connect /);
    expect(log).toMatch(/New client connected .* as shared-id-line3-connect /);
    const report = JSON.parse(run.stdout) as GradeReport;
    expect(report.students.map((s) => [s.student, s.score, s.maxScore])).toEqual([
      ['alice', checkIds.length, checkIds.length],
      ['bob', checkIds.length, checkIds.length],
    ]);
    const connectId = (line: number) => report.students.find((s) => s.line === line)!.checks.find((c) => c.id === 'mqtt.connect')!.evidence?.clientId;
    expect([connectId(2), connectId(3)]).toEqual(['shared-id-line2-connect', 'shared-id-line3-connect']);
  });

  it('a single diagnosis keeps the prefix as given', async () => {
    const logBefore = readFileSync(lab.files.cloudLog, 'utf8').length;
    const run = await runCli([...lab.diagnoseArgs(), '--client-id', 'shared-id', '--only', 'mqtt.connect', '--format', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).checks.find((c: { id: string }) => c.id === 'mqtt.connect').evidence.clientId).toBe('shared-id-connect');
    expect(readFileSync(lab.files.cloudLog, 'utf8').slice(logBefore)).toMatch(/ as shared-id-connect /);
  });
});

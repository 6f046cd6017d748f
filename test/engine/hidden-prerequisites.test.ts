// A check --only did not name but that ran as a prerequisite and failed fails the run, and is named:
// the cloud broker down under `--only bridge` must not gate green (CLI, grade, serve).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { stopPid } from '../../src/lab/mosquitto.js';
import { describeWithBroker } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';
import { parseJunit } from '../helpers/junit.js';
import { labRosterRow, ROSTER_HEADER } from '../helpers/roster.js';
import { schemaErrors } from '../helpers/schema.js';
import { labModule, labTarget, scrape, startExporter, value, writeConfig } from '../serve/helpers.js';

type Result = { id: string; status: string; code: string; skipKind?: string; summary: string };

describeWithBroker('the cloud broker down under --only bridge', () => {
  let lab: Lab;
  let dir: string;
  const bridge = ['bridge.status', 'bridge.inbound', 'bridge.outbound'];

  beforeAll(async () => {
    lab = await startLab({ scenario: 'healthy' });
    dir = mkdtempSync(join(tmpdir(), 'lampi-hidden-'));
    await stopPid(lab.processes.find((proc) => proc.name === 'cloud broker')!.pid, 'SIGKILL');
  });
  afterAll(async () => {
    await lab?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the reference client is refused: nothing listens on the TLS port', () => {
    const run = spawnSync('openssl', ['s_client', '-connect', `${lab.publicAddress}:${lab.ports.tls}`], { input: '', encoding: 'utf8', timeout: 10_000 });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toMatch(/Connection refused/);
  });

  it('diagnose exits 1 and reports the failed tcp.connect before the bridge checks it blocked', async () => {
    const run = await runCli([...lab.diagnoseArgs(), '--only', 'bridge', '--format', 'json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(schemaErrors('report.schema.json', report)).toEqual([]);
    expect(report.exitCode).toBe(1);
    const checks = report.checks as Result[];
    expect(checks.map((c) => `${c.id} ${c.status}`)).toEqual(['tcp.connect fail', ...bridge.map((id) => `${id} skip`)]);
    expect(checks[0].code).toBe('tcp.connect/refused');
    for (const check of checks.slice(1)) expect(check).toMatchObject({ code: `${check.id}/prerequisite-not-met`, skipKind: 'prerequisite-failed' });
    expect(report.counts).toMatchObject({ fail: 1, skip: 3 });

    const human = await runCli([...lab.diagnoseArgs(), '--only', 'bridge', '--no-color']);
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/✗ fail\s+tcp\.connect/);
    expect(human.stdout).toMatch(/1 failed, 3 skipped/);
  });

  it('junit shows the failure', async () => {
    const run = await runCli([...lab.diagnoseArgs(), '--only', 'bridge', '--format', 'junit']);
    expect(run.code).toBe(1);
    const suites = parseJunit(run.stdout);
    expect(Number(suites.tests)).toBe(4);
    expect(Number(suites.failures)).toBe(1);
    const tcp = suites.testsuite[0].testcase.find((c: { name: string }) => c.name === 'tcp.connect');
    expect(tcp.failure.message).toMatch(/refused/);
  });

  it('a prerequisite left out with --skip still only skips its dependents as not-selected: exit 0', async () => {
    const run = await runCli([...lab.diagnoseArgs(), '--only', 'bridge', '--skip', 'tcp', '--format', 'json']);
    expect(run.code).toBe(0);
    const checks = JSON.parse(run.stdout).checks as Result[];
    expect(checks.map((c) => `${c.code} ${c.skipKind}`)).toEqual(bridge.map((id) => `${id}/prerequisite-not-selected not-selected`));
  });

  it('grade: the student\'s report carries the failed tcp.connect (0 points), --fail-on fail exits 1, and the report merges', async () => {
    const roster = join(dir, 'roster.csv');
    writeFileSync(roster, [ROSTER_HEADER, labRosterRow('alice', lab), ''].join('\n'));
    const report = join(dir, 'grade.json');
    const graded = await runCli(['grade', roster, '--only', 'bridge', '--fail-on', 'fail', '--format', 'json', '--output', report]);
    expect(graded.code).toBe(1);
    const merged = await runCli(['merge', report, '--format', 'json']);
    expect(merged.code).toBe(0);
    const student = JSON.parse(merged.stdout).students[0];
    expect(student.checks.map((c: Result) => `${c.id} ${c.status}`)).toEqual(['tcp.connect fail', ...bridge.map((id) => `${id} skip`)]);
    expect(student).toMatchObject({ score: 0, maxScore: 3 });
    expect(student.counts).toMatchObject({ fail: 1, skip: 3 });
  });

  it('serve: a module with only [bridge] gives probe_success 0 and names tcp.connect', async () => {
    const config = writeConfig(dir, { lamp: labModule(lab, { device_id: lab.deviceId, local: `mqtt://127.0.0.1:${lab.ports.lampPlain}`, only: ['bridge'] }) });
    const exporter = await startExporter(config);
    try {
      const text = (await scrape(exporter, labTarget(lab), 'lamp')).text;
      expect(value(text, 'probe_success')).toBe(0);
      expect(value(text, 'lampi_check_status', { check: 'tcp.connect', status: 'fail' })).toBe(1);
      expect(value(text, 'lampi_check_status', { check: 'bridge.status', status: 'skip' })).toBe(1);
    } finally {
      await exporter.stop();
    }
  });
});

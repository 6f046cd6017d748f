import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkIds } from '../../checks/index.js';
import { isAlive } from '../../src/lab/mosquitto.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { describeWithBroker } from '../helpers/broker.js';
import { CLI, runCli } from '../helpers/cli.js';

const ANSI = /\u001b\[/;

describeWithBroker('the CLI against a running lab', () => {
  let lab: Lab;
  let keyBody: string;
  beforeAll(async () => {
    lab = await startLab({ scenario: 'healthy' });
    keyBody = readFileSync(lab.files.clientKey, 'utf8').split('\n')[1];
  });
  afterAll(() => lab.stop());

  it('prints one line per check, a summary line, and exits 0 on a healthy broker', async () => {
    const run = await runCli(lab.diagnoseArgs());
    expect(run.code).toBe(0);
    for (const id of checkIds) expect(run.stdout).toMatch(new RegExp(`✓ pass  ${id.replace('.', '\\.')}\\s`));
    expect(run.stdout).toMatch(/17 checks in \d+\.\d\d s: 17 passed, 0 warnings, 0 failed, 0 skipped, 0 errors/);
    expect(run.stdout).not.toMatch(ANSI); // not a terminal: no colour
    expect(run.stderr).toBe(''); // and no spinner
  });

  it('--format json prints the documented document; --output writes it too', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'lampi-json-')), 'report.json');
    const printed = await runCli([...lab.diagnoseArgs(), '--format', 'json']);
    const saved = await runCli([...lab.diagnoseArgs(), '--format', 'json', '--output', out]);
    const report = JSON.parse(printed.stdout);
    expect(Object.keys(report)).toEqual(['tool', 'target', 'startedAt', 'durationMs', 'checks', 'counts', 'exitCode']);
    expect(report.tool).toEqual({ name: 'lampi-doctor', version: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    expect(report.target).toMatchObject({ host: 'cloud.lampi.test', port: lab.ports.tls, address: '127.0.0.2' });
    expect(report.checks.map((check: { id: string }) => check.id)).toEqual(checkIds);
    for (const check of report.checks) {
      expect(Object.keys(check)).toEqual(expect.arrayContaining(['id', 'title', 'status', 'summary', 'durationMs']));
      expect(['pass', 'warn', 'fail', 'skip', 'error']).toContain(check.status);
    }
    expect(report.counts).toEqual({ pass: 17, warn: 0, fail: 0, skip: 0, error: 0 });
    expect(report.exitCode).toBe(0);
    expect(saved.code).toBe(0);
    expect(JSON.parse(readFileSync(out, 'utf8')).counts.pass).toBe(17);
    expect(saved.stdout).toContain('17 passed'); // the terminal still gets the human report
  });

  it('never prints private-key material, even with --verbose evidence', async () => {
    const verbose = await runCli([...lab.diagnoseArgs(), '--verbose']);
    const json = await runCli([...lab.diagnoseArgs(), '--format', 'json']);
    for (const text of [verbose.stdout, verbose.stderr, json.stdout]) {
      expect(text).not.toContain('PRIVATE KEY');
      expect(text).not.toContain(keyBody);
    }
    expect(verbose.stdout).toContain('"mqttUsername": "doctor_client"');
  });

  it('--color forces colour; --no-color and NO_COLOR remove it', async () => {
    expect((await runCli([...lab.diagnoseArgs(), '--color'])).stdout).toMatch(ANSI);
    expect((await runCli([...lab.diagnoseArgs(), '--no-color'], { FORCE_COLOR: '1' })).stdout).not.toMatch(ANSI);
    expect((await runCli(lab.diagnoseArgs(), { FORCE_COLOR: '1', NO_COLOR: '1' })).stdout).not.toMatch(ANSI);
    expect((await runCli(lab.diagnoseArgs(), { FORCE_COLOR: '1' })).stdout).toMatch(ANSI);
  });

  it('speaks MQTT 5 when asked', async () => {
    const run = await runCli([...lab.diagnoseArgs(), '--mqtt-version', '5', '--only', 'mqtt', '--verbose']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('MQTT 5 CONNECT accepted');
    expect(run.stdout).toContain('protocol=5');
  });

  it('connection refused exits 1 with the listener fix', async () => {
    const args = lab.diagnoseArgs();
    args[args.indexOf('--port') + 1] = String(lab.ports.plain); // 127.0.0.2 has nothing on the plain port
    const run = await runCli(args);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✗ fail  tcp.connect');
    expect(run.stdout).toContain(`fix: Add \`listener ${lab.ports.plain} 0.0.0.0\``);
    expect(run.stdout).toContain('- skip  tls.handshake    not run: tcp.connect did not pass (fail)');
  });
});

describeWithBroker('lab commands', () => {
  it('lab run diagnoses a broken scenario and exits 1', async () => {
    const run = await runCli(['lab', 'run', '--scenario', 'missing-intermediate']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('Diagnosing it as (the lab stops afterwards');
    expect(run.stdout).toContain('✗ fail  tls.chain');
    expect(run.stdout).toContain('certfile must hold the leaf followed by the intermediate');
  });

  it('lab up leaves a lab running that the printed command diagnoses; lab down stops it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lampi-labup-'));
    try {
      const up = await runCli(['lab', 'up', '--dir', dir, '--scenario', 'expiring-soon']);
      expect(up.code).toBe(0);
      // Printed as this user runs the tool: `node <path to the bundle> ...` from a checkout.
      const command = /^ {2}node \S+lampi-doctor\.js (.+)$/m.exec(up.stdout)![1].split(' ');
      expect(up.stdout).toContain(`lab down --dir ${dir}`);
      const state = JSON.parse(readFileSync(join(dir, 'lab.json'), 'utf8'));
      expect(state.pids.every(isAlive)).toBe(true);

      const status = await runCli(['lab', 'status', '--dir', dir]);
      expect(status.stdout).toContain('Lab "expiring-soon"');
      const diagnosis = await runCli(command);
      expect(diagnosis.code).toBe(0); // a warning does not fail the run
      expect(diagnosis.stdout).toContain('! warn  tls.validity');

      const again = await runCli(['lab', 'up', '--dir', dir]);
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('already running');

      const down = await runCli(['lab', 'down', '--dir', dir]);
      expect(down.stdout).toContain('Stopped lab "expiring-soon"');
      expect(state.pids.some(isAlive)).toBe(false);
      expect(existsSync(join(dir, 'lab.json'))).toBe(false);
    } finally {
      await runCli(['lab', 'down', '--dir', dir]);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Ctrl-C during lab run stops its brokers and removes its folder', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [CLI, 'lab', 'run', '--scenario', 'silent-peer', '--timeout', '5000'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, CI: '1' } });
    let stderr = '';
    const dir = await new Promise<string>((resolve) => {
      child.stderr.on('data', (chunk) => {
        stderr += chunk;
        const match = /^Lab "silent-peer" in (\S+)$/m.exec(stderr);
        if (match) resolve(match[1]);
      });
    });
    const state = JSON.parse(readFileSync(join(dir, 'lab.json'), 'utf8'));
    child.kill('SIGINT');
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(existsSync(dir)).toBe(false);
    expect(state.pids.some(isAlive)).toBe(false);
  });

  it('lab scenarios lists every scenario; an unknown one is refused', async () => {
    const list = await runCli(['lab', 'scenarios']);
    expect(list.stdout).toContain('missing-intermediate');
    const bad = await runCli(['lab', 'run', '--scenario', 'nope']);
    expect(bad.code).toBe(2); // a usage error (issue 11), before any broker starts
    expect(bad.stderr).toContain('unknown scenario "nope"');
  });
});

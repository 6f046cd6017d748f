// Configurations whose every line is right on its own, yet Mosquitto refuses to start: the order it
// reads them in. Each case is linted, and the same file handed to the real `mosquitto -c` (the
// oracle): lint fails exactly where Mosquitto exits, and passes where it keeps running.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { freePorts } from '../../src/lab/mosquitto.js';
import { lint } from '../../src/lint.js';
import { describeWithBroker, mosquittoPath } from '../helpers/broker.js';

const dir = mkdtempSync(join(tmpdir(), 'lampi-start-order-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function write(files: Record<string, string>): string {
  counter += 1;
  const root = join(dir, `case-${counter}`);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(root, name, '..'), { recursive: true });
    writeFileSync(join(root, name), text.replaceAll('ROOT', root));
  }
  return join(root, 'mosquitto.conf');
}

/** What `mosquitto -c` does with the file within a second: its exit code, or 'running'. */
function mosquittoVerdict(path: string): Promise<{ exit: number | 'running'; log: string }> {
  return new Promise((resolve) => {
    const child = spawn(mosquittoPath!, ['-c', path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (chunk) => (log += chunk));
    child.stderr.on('data', (chunk) => (log += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 1500);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ exit: signal === 'SIGKILL' ? 'running' : (code ?? -1), log });
    });
  });
}

const codesOf = (path: string) => lint({ paths: [path] }).checks.filter((check) => check.status !== 'pass').map((check) => check.code);

describeWithBroker('start-up order, judged by mosquitto -c', () => {
  it('per_listener_settings true after a security option read earlier (here from include_dir, in name order): exit 3, config.option/per-listener-settings-late', async () => {
    const [port] = await freePorts(['127.0.0.1']);
    const late = write({
      'mosquitto.conf': 'persistence false\ninclude_dir ROOT/conf.d\n',
      'conf.d/00-anon.conf': 'allow_anonymous false\n',
      'conf.d/port.conf': `per_listener_settings true\nlistener ${port} 127.0.0.1\nallow_anonymous true\n`,
    });
    const broker = await mosquittoVerdict(late);
    expect(broker.exit).toBe(3);
    expect(broker.log).toContain('per_listener_settings must be set before any other security settings');
    const report = lint({ paths: [late] });
    const finding = report.checks.find((check) => check.code === 'config.option/per-listener-settings-late')!;
    expect(finding).toMatchObject({ status: 'fail', line: 1 });
    expect(finding.file).toMatch(/port\.conf$/);
    expect(finding.summary).toContain('comes after `allow_anonymous` (00-anon.conf:1)');
    // The fix the hint gives: per_listener_settings first in the main file.
    const fixed = write({
      'mosquitto.conf': 'per_listener_settings true\npersistence false\ninclude_dir ROOT/conf.d\n',
      'conf.d/00-anon.conf': 'allow_anonymous false\n',
      'conf.d/port.conf': `listener ${port} 127.0.0.1\nallow_anonymous true\n`,
    });
    expect((await mosquittoVerdict(fixed)).exit).toBe('running');
    expect(codesOf(fixed)).not.toContain('config.option/per-listener-settings-late');
  });

  it('two listeners on one port whose addresses overlap: exit 1 (address already in use), config.option/listener-conflict; distinct addresses start', async () => {
    const [port] = await freePorts(['127.0.0.1']);
    for (const second of [`listener ${port} 127.0.0.1`, `listener ${port}`]) {
      const clash = write({ 'mosquitto.conf': `persistence false\nlistener ${port} 127.0.0.1\nallow_anonymous true\n${second}\n` });
      const broker = await mosquittoVerdict(clash);
      expect(broker.exit).toBe(1);
      expect(broker.log).toMatch(/Address already in use/);
      expect(codesOf(clash)).toContain('config.option/listener-conflict');
    }
    const apart = write({ 'mosquitto.conf': `persistence false\nlistener ${port} 127.0.0.1\nallow_anonymous true\nlistener ${port} 127.0.0.2\n` });
    expect((await mosquittoVerdict(apart)).exit).toBe('running');
    expect(codesOf(apart)).not.toContain('config.option/listener-conflict');
  });
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { parseJunit } from '../helpers/junit.js';
import { schemaErrors } from '../helpers/schema.js';

const dir = mkdtempSync(join(tmpdir(), 'lampi-lint-cli-'));
const conf = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('lampi-doctor lint', () => {
  it('exits 0 on a clean config, 1 on a failing one, naming file and line', async () => {
    const clean = await runCli(['lint', conf('ok.conf', 'listener 1883 127.0.0.1\n')]);
    expect(clean.code).toBe(0);
    const broken = await runCli(['lint', conf('bad.conf', 'listener 1883 0.0.0.0\nallow_anonymus true\n')]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('✗ fail  config.option');
    expect(broken.stdout).toContain('unknown option "allow_anonymus": did you mean allow_anonymous?');
    expect(broken.stdout).toContain(`at ${join(dir, 'bad.conf')}:2`);
  });

  it('--skip and --only select rules by id; an unknown one is a usage error', async () => {
    const path = conf('no-probe.conf', 'connection b\naddress cloud.example.com:8883\nbridge_cafile /nonexistent.crt\n');
    const all = JSON.parse((await runCli(['lint', path, '--format', 'json'])).stdout);
    expect(all.checks.map((c: { id: string }) => c.id)).toContain('config.topics');
    const skipped = JSON.parse((await runCli(['lint', path, '--skip', 'config.topics', '--format', 'json'])).stdout);
    expect(skipped.checks.map((c: { id: string }) => c.id)).not.toContain('config.topics');
    const only = JSON.parse((await runCli(['lint', path, '--only', 'config.files', '--format', 'json'])).stdout);
    expect(new Set(only.checks.map((c: { id: string }) => c.id))).toEqual(new Set(['config.files']));
    const bad = await runCli(['lint', path, '--only', 'config.nope']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--only config.nope: no such check or area');
  });

  it('reads /etc/mosquitto/mosquitto.conf by default, and says so when it is not there', async () => {
    const run = await runCli(['lint', '--format', 'json']);
    const report = JSON.parse(run.stdout);
    expect(report.config.paths).toEqual(['/etc/mosquitto/mosquitto.conf']);
    expect(schemaErrors('lint.schema.json', report)).toEqual([]);
  });

  it('writes JSON that matches schema/lint.schema.json and JUnit with locations in the test names', async () => {
    const path = conf('mixed.conf', 'listener 8883\ncertfile /nonexistent.crt\n');
    const json = JSON.parse((await runCli(['lint', path, '--format', 'json'])).stdout);
    expect(schemaErrors('lint.schema.json', json)).toEqual([]);
    const suites = parseJunit((await runCli(['lint', path, '--format', 'junit'])).stdout);
    const names = suites.testsuite[0].testcase.map((c: { name: string }) => c.name);
    expect(names).toContain(`config.files (${path}:2)`);
  });
});

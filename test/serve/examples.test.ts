// examples/prometheus: the config and rules as Prometheus's own tool reads them, and unit tests that
// make every alert fire.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { parse } from 'yaml';
import { describeWithPromtool, promtoolPath } from './helpers.js';

const DIR = 'examples/prometheus';

function promtool(...args: string[]): { code: number | null; output: string } {
  const run = spawnSync(promtoolPath!, args, { cwd: DIR, encoding: 'utf8' });
  return { code: run.status, output: `${run.stdout}${run.stderr}` };
}

describeWithPromtool('examples/prometheus', () => {
  it('promtool check config and check rules accept them', () => {
    const config = promtool('check', 'config', 'prometheus.yml');
    expect(config.code, config.output).toBe(0);
    const rules = promtool('check', 'rules', 'alerts.yml');
    expect(rules.code, rules.output).toBe(0);
    expect(rules.output).toContain('SUCCESS: 6 rules found');
  });

  it('promtool test rules passes, and the unit tests make every alert fire', () => {
    const tests = promtool('test', 'rules', 'alerts.test.yml');
    expect(tests.code, tests.output).toBe(0);
    const alerts = parse(readFileSync(`${DIR}/alerts.yml`, 'utf8')).groups.flatMap((group: { rules: { alert: string }[] }) => group.rules.map((rule) => rule.alert));
    const fired = new Set<string>();
    for (const test of parse(readFileSync(`${DIR}/alerts.test.yml`, 'utf8')).tests) {
      for (const check of test.alert_rule_test ?? []) if (check.exp_alerts?.length) fired.add(check.alertname);
    }
    expect([...fired].sort()).toEqual([...alerts].sort());
  });

  it('the rules use only metrics the exporter writes', () => {
    const source = readFileSync('src/serve/probe-metrics.ts', 'utf8');
    const rules = readFileSync(`${DIR}/alerts.yml`, 'utf8');
    const used = new Set([...rules.matchAll(/expr: .*/g)].flatMap((line) => line[0].match(/\b(?:lampi|probe)_[a-z_]+/g) ?? []));
    expect(used.size).toBeGreaterThanOrEqual(6);
    for (const name of used) expect(source, name).toContain(`'${name}'`);
  });
});

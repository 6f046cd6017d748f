// The formats code hosting reads natively: SARIF 2.1.0 (code scanning) validated against the OASIS
// schema, and GitHub workflow-command annotations checked line by line. Lint runs in a repository
// of broker configs, as a CI job would: paths come out relative to the checkout.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Report } from '../../src/diagnose.js';
import type { CheckResult } from '../../src/engine/types.js';
import { annotation, escapeData, escapeProperty, renderGithub } from '../../src/reporters/github.js';
import { renderSarif } from '../../src/reporters/sarif.js';
import { CLI } from '../helpers/cli.js';
import { makeTree } from '../helpers/config-tree.js';
import { sarifErrors } from '../helpers/sarif.js';

const CLOUD = ['listener 1883', 'allow_anonymous true', '', 'listener 8883', 'certfile /nonexistent/server.crt', 'keyfile /nonexistent/server.key', ''].join('\n');

function repository() {
  const tree = makeTree();
  tree.write('brokers/cloud/mosquitto.conf', CLOUD);
  return tree;
}

function lintIn(root: string, ...args: string[]) {
  const run = spawnSync(process.execPath, [CLI, 'lint', 'brokers/cloud/mosquitto.conf', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, CI: '1', NO_COLOR: '1', GITHUB_WORKSPACE: '' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

interface SarifLog {
  runs: {
    tool: { driver: { rules: { id: string; shortDescription: { text: string }; help: { text: string } }[] } };
    results: { ruleId: string; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[]; properties: { code: string } }[];
  }[];
}

describe('--format sarif', () => {
  const tree = repository();
  const run = lintIn(tree.root, '--format', 'sarif');
  const log = JSON.parse(run.stdout) as SarifLog;
  const json = JSON.parse(lintIn(tree.root, '--format', 'json').stdout) as { checks: CheckResult[] };

  it('is valid SARIF 2.1.0 (the OASIS schema), and the exit code is lint\'s', () => {
    expect(sarifErrors(log)).toEqual([]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
  });

  it('the schema check can fail', () => {
    const broken = structuredClone(log);
    (broken.runs[0].results[0] as { level: string }).level = 'fatal';
    expect(sarifErrors(broken).join('\n')).toMatch(/level/);
  });

  it('has a result per non-passing finding: ruleId the finding id, level from the status, file relative to the repository, its line', () => {
    const findings = json.checks.filter((check) => check.status !== 'pass');
    expect(log.runs[0].results).toHaveLength(findings.length);
    const plain = log.runs[0].results.find((result) => result.ruleId === 'config.plain-listener')!;
    expect(plain.level).toBe('error');
    expect(plain.locations[0].physicalLocation).toEqual({ artifactLocation: { uri: 'brokers/cloud/mosquitto.conf' }, region: { startLine: 1 } });
    expect(plain.message.text).toContain('listener 1883 speaks plain MQTT on every interface');
    expect(plain.message.text).toContain('fix: Bind it to the broker host');
    expect(plain.properties.code).toMatch(/^config\.plain-listener\//);
    const lines = log.runs[0].results.map((result) => `${result.ruleId}:${result.locations[0].physicalLocation.region?.startLine}`);
    expect(lines).toEqual(findings.map((finding) => `${finding.id}:${finding.line}`));
  });

  it('lists each rule once, with its explanation', () => {
    const rules = log.runs[0].tool.driver.rules;
    expect(rules.map((rule) => rule.id)).toEqual([...new Set(log.runs[0].results.map((result) => result.ruleId))].sort());
    expect(rules.find((rule) => rule.id === 'config.plain-listener')!.shortDescription.text).toBe('Plain MQTT listens on loopback only');
    for (const rule of rules) expect(rule.help.text.length).toBeGreaterThan(20);
  });

  it('is the same file from one run to the next (code scanning matches alerts across runs)', () => {
    expect(lintIn(tree.root, '--format', 'sarif').stdout).toBe(run.stdout);
  });

  it('a live run\'s SARIF holds its config findings (file and line), not the network checks', () => {
    const report = JSON.parse(readFileSync('fixtures/reports/mixed.json', 'utf8')) as Report;
    const config: CheckResult = { ...json.checks.find((check) => check.id === 'config.plain-listener')!, file: tree.path('brokers/cloud/mosquitto.conf') };
    const sarif = JSON.parse(renderSarif({ ...report, checks: [...report.checks, config] }, tree.root)) as SarifLog;
    expect(sarifErrors(sarif)).toEqual([]);
    expect(sarif.runs[0].results.map((result) => result.ruleId)).toEqual(['config.plain-listener']);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('brokers/cloud/mosquitto.conf');
  });
});

describe('--format github', () => {
  const tree = repository();
  const run = lintIn(tree.root, '--format', 'github');
  const lines = run.stdout.trimEnd().split('\n');
  const json = JSON.parse(lintIn(tree.root, '--format', 'json').stdout) as { checks: CheckResult[] };

  it('writes one workflow command per non-passing finding, at its file and line, then a summary', () => {
    const findings = json.checks.filter((check) => check.status !== 'pass');
    expect(lines).toHaveLength(findings.length + 1);
    findings.forEach((finding, i) => {
      const command = { fail: 'error', error: 'error', warn: 'warning', skip: 'notice' }[finding.status as 'fail'];
      const message = escapeData(`${finding.summary}${finding.hint ? `\nfix: ${finding.hint}` : ''}`);
      expect(lines[i]).toBe(`::${command} file=brokers/cloud/mosquitto.conf,line=${finding.line},title=${finding.id}::${message}`);
    });
    expect(lines[0]).toMatch(/^::error file=brokers\/cloud\/mosquitto\.conf,line=\d+,title=config\.[a-z-]+::/);
    expect(lines.at(-1)).toMatch(/^lampi-doctor: \d+ checks: \d+ passed/);
    expect(run.code).toBe(1);
  });

  it('every annotation is one line: newlines in a message are %0A', () => {
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^::(error|warning|notice) [^:]*(%3A[^:]*)*::.*%0Afix: /);
  });

  it('escapes as GitHub reads it: % \\r \\n in data; also : and , in properties', () => {
    expect(escapeData('50% done\r\nnext: a,b')).toBe('50%25 done%0D%0Anext: a,b');
    expect(escapeProperty('C:\\conf,d 100%')).toBe('C%3A\\conf%2Cd 100%25');
    const tricky: CheckResult = { id: 'config.files', code: 'config.files/missing', title: 't', status: 'warn', summary: 'a: b, 100%', hint: 'x\ny', durationMs: 0, file: 'dir,1/odd:name.conf', line: 3 };
    expect(annotation(tricky, '/')).toBe('::warning file=dir%2C1/odd%3Aname.conf,line=3,title=config.files::a: b, 100%25%0Afix: x%0Ay');
  });

  it('live checks get title-only annotations; passes none', () => {
    const report = JSON.parse(readFileSync('fixtures/reports/mixed.json', 'utf8')) as Report;
    const out = renderGithub(report).trimEnd().split('\n');
    const failing = report.checks.filter((check) => check.status !== 'pass');
    expect(out).toHaveLength(failing.length + 1);
    const chain = out.find((line) => line.includes('title=tls.chain'))!;
    expect(chain).toMatch(/^::error title=tls\.chain::missing intermediate/);
    expect(out.find((line) => line.includes('title=tls.version'))).toMatch(/^::warning title=tls\.version::/);
    expect(out.find((line) => line.includes('title=tls.hostname'))).toMatch(/^::notice title=tls\.hostname::/);
    expect(out.some((line) => line.includes('title=dns.resolve'))).toBe(false);
  });
});

// What a CI job keys on: exit codes per --fail-on, selection, and formats that cannot drift.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { checkIds } from '../../checks/index.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { describeWithBroker } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';
import { parseJunit } from '../helpers/junit.js';
import { schemaErrors } from '../helpers/schema.js';

describeWithBroker('gating a deployment', () => {
  let healthy: Lab;
  let warning: Lab;
  let broken: Lab;
  beforeAll(async () => {
    [healthy, warning, broken] = await Promise.all([
      startLab({ scenario: 'healthy' }),
      startLab({ scenario: 'expiring-soon' }),
      startLab({ scenario: 'missing-intermediate' }),
    ]);
  });
  afterAll(() => Promise.all([healthy, warning, broken].map((lab) => lab.stop())));

  it.each([
    ['healthy', 'fail', 0],
    ['healthy', 'warn', 0],
    ['warning', 'fail', 0],
    ['warning', 'warn', 1],
    ['broken', 'fail', 1],
    ['broken', 'warn', 1],
  ] as const)('%s lab with --fail-on %s exits %i', async (which, failOn, code) => {
    const lab = { healthy, warning, broken }[which];
    const run = await runCli([...lab.diagnoseArgs(), '--fail-on', failOn, '--format', 'json']);
    expect(run.code).toBe(code);
    expect(JSON.parse(run.stdout).exitCode).toBe(code);
  });

  it('real JSON output validates against schema/report.schema.json, healthy and broken', async () => {
    for (const lab of [healthy, broken]) {
      const report = JSON.parse((await runCli([...lab.diagnoseArgs(), '--format', 'json'])).stdout);
      expect(schemaErrors('report.schema.json', report)).toEqual([]);
    }
    // The schema is not a rubber stamp: it rejects a drifted document.
    const report = JSON.parse((await runCli([...healthy.diagnoseArgs(), '--format', 'json'])).stdout);
    expect(schemaErrors('report.schema.json', { ...report, checks: [{ ...report.checks[0], status: 'ok' }] })).not.toEqual([]);
  });

  it('--format junit of a broken lab parses back with its failures', async () => {
    const run = await runCli([...broken.diagnoseArgs(), '--format', 'junit']);
    expect(run.code).toBe(1);
    const suites = parseJunit(run.stdout);
    expect(Number(suites.tests)).toBe(17);
    const cases = suites.testsuite[0].testcase;
    const chain = cases.find((c: { name: string }) => c.name === 'tls.chain');
    expect(chain.classname).toBe('tls');
    expect(chain.failure.message).toContain('missing intermediate');
    expect(Number(suites.failures)).toBe(cases.filter((c: { failure?: unknown }) => c.failure).length);
  });

  it('--only and --skip select by id and area', async () => {
    const only = JSON.parse((await runCli([...healthy.diagnoseArgs(), '--only', 'tls', 'plain.exposure', '--skip', 'tls.version', '--format', 'json'])).stdout);
    expect(only.checks.map((c: { id: string }) => c.id)).toEqual(['tls.handshake', 'tls.chain', 'tls.hostname', 'tls.validity', 'tls.key', 'tls.client-auth', 'plain.exposure']);
    const skipped = JSON.parse((await runCli([...healthy.diagnoseArgs(), '--skip', 'wss', 'bridge', '--format', 'json'])).stdout);
    expect(skipped.checks.map((c: { id: string }) => c.id)).toEqual(checkIds.filter((id) => !/^(wss|bridge)\./.test(id)));
  });

  it('an unknown id in --only or --skip is a usage error', async () => {
    for (const flag of ['--only', '--skip']) {
      const run = await runCli([...healthy.diagnoseArgs(), flag, 'tls.nope']);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(`${flag} tls.nope: no such check or area`);
    }
  });
});

import { afterEach, expect, it } from 'vitest';
import { checkIds } from '../../checks/index.js';
import { diagnose, type Report } from '../../src/diagnose.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { SCENARIOS } from '../../src/lab/scenarios.js';
import { describeWithBroker } from '../helpers/broker.js';
import { schemaErrors } from '../helpers/schema.js';

const labs: Lab[] = [];
afterEach(async () => {
  await Promise.all(labs.splice(0).map((lab) => lab.stop()));
});

async function diagnoseLab(scenario: string, timeoutMs = 1500, byAddress = false): Promise<Report> {
  const lab = await startLab({ scenario });
  labs.push(lab);
  const input = lab.diagnoseInput();
  return diagnose({ ...input, target: byAddress ? lab.publicAddress : input.target, timeoutMs });
}

describeWithBroker('diagnosing each lab scenario against real Mosquitto', () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: ${scenario.description}`, async () => {
      const report = await diagnoseLab(scenario.name);
      const statuses = Object.fromEntries(report.checks.map((check) => [check.id, check.status]));
      const expected = Object.fromEntries(checkIds.map((id) => [id, scenario.expect[id] ?? 'pass']));
      expect(statuses).toEqual(expected);

      // The scenario's own finding: the first non-pass that is not a prerequisite's knock-on skip.
      const finding = report.checks.find((check) => check.status !== 'pass' && !check.summary.startsWith('not run:'));
      if (scenario.says) expect(finding?.summary).toMatch(scenario.says);
      for (const check of report.checks) {
        if (check.status === 'fail' || check.status === 'warn') expect(check.hint, `${check.id} has a fix`).toBeTruthy();
        if (check.status === 'skip') expect(check.summary.length).toBeGreaterThan(10);
      }
      expect(report.exitCode).toBe(Object.values(expected).some((s) => s === 'fail') ? 1 : 0);
      expect(schemaErrors('report.schema.json', JSON.parse(JSON.stringify(report)))).toEqual([]);
    });
  }
});

describeWithBroker('bounds and hygiene', () => {
  it('a silent peer costs the timeout plus at most a second', async () => {
    const report = await diagnoseLab('silent-peer', 1000);
    expect(report.checks.find((check) => check.id === 'tls.handshake')?.summary).toContain('never answered the TLS hello within 1000 ms');
    expect(report.durationMs).toBeLessThan(2000);
  });

  it('a peer that is silent on every port still costs the timeout plus at most a second', async () => {
    const lab = await startLab({ scenario: 'silent-peer' });
    labs.push(lab);
    const tarpit = lab.ports.tls;
    const report = await diagnose({ ...lab.diagnoseInput(), wssPort: tarpit, plainPort: tarpit, local: `mqtt://127.0.0.2:${tarpit}`, timeoutMs: 1000 });
    expect(report.checks.find((c) => c.id === 'wss.handshake')?.status).toBe('fail');
    expect(report.checks.find((c) => c.id === 'plain.exposure')?.summary).toContain('no answer to an MQTT CONNECT');
    expect(report.durationMs).toBeLessThan(2000);
  });

  it('an IP-literal target warns unless the certificate names that IP', async () => {
    const named = await diagnoseLab('healthy', 1500, true);
    expect(named.checks[0]).toMatchObject({ id: 'dns.resolve', status: 'pass' });
    const unnamed = await diagnoseLab('wrong-san', 1500, true);
    expect(unnamed.checks[0]).toMatchObject({ id: 'dns.resolve', status: 'warn' });
    expect(unnamed.checks[0].hint).toContain('--resolve wrong.lampi.test:127.0.0.2');
  });

  it('a bridge without the diagnostic mapping is skipped with the exact line to add', async () => {
    const report = await diagnoseLab('no-probe-mapping');
    for (const id of ['bridge.inbound', 'bridge.outbound']) {
      const check = report.checks.find((c) => c.id === id)!;
      expect(check.status).toBe('skip');
      expect(check.hint).toContain('topic lampi-doctor/# both 1 "" devices/b827eb74663e/');
    }
  });

  it('a healthy lab reports the certificate chain, negotiated version and MQTT username', async () => {
    const report = await diagnoseLab('healthy');
    const byId = Object.fromEntries(report.checks.map((check) => [check.id, check]));
    expect(byId['tls.chain'].evidence?.depth).toBe(2);
    expect(byId['tls.version'].evidence?.negotiated).toBe('TLSv1.3');
    expect((byId['tls.client-auth'].evidence?.clientCertificate as { mqttUsername: string }).mqttUsername).toBe('doctor_client');
    expect(report.target).toMatchObject({ host: 'cloud.lampi.test', address: '127.0.0.2', resolvedBy: '--resolve' });
  });
});

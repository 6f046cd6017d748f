// A live diagnosis joined with the setup's own files: results cite the config line that explains them.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnose.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { describeWithBroker } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';
import { schemaErrors } from '../helpers/schema.js';

const labs: Lab[] = [];
afterEach(async () => {
  await Promise.all(labs.splice(0).map((lab) => lab.stop()));
});

async function joined(scenario: string) {
  const lab = await startLab({ scenario });
  labs.push(lab);
  const report = await diagnose({ ...lab.diagnoseInput(), timeoutMs: 1000, samples: 2, config: lab.files.cloudConfig, bridgeConfig: lab.files.lampConfig });
  return { lab, report, check: (id: string) => report.checks.find((c) => c.id === id)! };
}

describeWithBroker('live diagnosis joined with --config and --bridge-config', () => {
  it('points a bridge that is down at the bridge_certfile whose key does not match', async () => {
    const { lab, report, check } = await joined('bridge-key-mismatch');
    const status = check('bridge.status');
    expect(status.status).toBe('warn');
    expect(status.file).toBe(lab.files.lampConfig);
    expect(status.line).toBe(13); // bridge_certfile
    expect(status.hint).toContain('are not a pair: their public keys differ');
    expect(check('config.keypair')).toMatchObject({ status: 'fail', file: lab.files.lampConfig, line: 13 });
    expect(schemaErrors('report.schema.json', report)).toEqual([]);
  });

  it('points a hostname failure at the bridge\'s address line', async () => {
    const { lab, check } = await joined('wrong-san');
    expect(check('tls.hostname')).toMatchObject({ status: 'fail', file: lab.files.lampConfig, line: 10 });
  });

  it('points a missing require_certificate at the listener, and exposure at the plain listener', async () => {
    const optional = await joined('client-cert-optional');
    expect(optional.check('tls.client-auth')).toMatchObject({ status: 'fail', file: optional.lab.files.cloudConfig, line: 9 });
    expect(optional.check('config.listener-tls')).toMatchObject({ status: 'fail', line: 9 });
    const exposed = await joined('plain-exposed');
    expect(exposed.check('plain.exposure')).toMatchObject({ status: 'fail', file: exposed.lab.files.cloudConfig });
    expect(exposed.check('config.plain-listener')).toMatchObject({ status: 'fail', summary: expect.stringContaining('127.0.0.2') });
  });

  it('shows the location in the terminal report', async () => {
    const lab = await startLab({ scenario: 'bridge-key-mismatch' });
    labs.push(lab);
    const run = await runCli([...lab.diagnoseArgs(), '--timeout', '1000', '--config', lab.files.cloudConfig, '--bridge-config', lab.files.lampConfig]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`at ${lab.files.lampConfig}:13`);
    expect(run.stdout).toContain('✗ fail  config.keypair');
  });
  // Hunt findings 3 and 8: the lamp's config as given (a copy beside the running lab's) is judged with
  // the cloud's config, or with the run's own --wss-port when the cloud's config is not given.
  it('judges bridge_cafile on the broker\'s certificate, and names the TLS port for a bridge on the websockets port', async () => {
    const lab = await startLab({ scenario: 'healthy' });
    labs.push(lab);
    const lamp = readFileSync(lab.files.lampConfig, 'utf8');
    const wrongCa = `${lab.dir}/lamp-wrong-ca.conf`;
    writeFileSync(wrongCa, lamp.replace(/^bridge_cafile .*$/m, `bridge_cafile ${lab.files.clientCert}`));
    const cafile = await diagnose({ ...lab.diagnoseInput(), timeoutMs: 1000, samples: 2, config: lab.files.cloudConfig, bridgeConfig: wrongCa });
    const chain = cafile.checks.find((c) => c.id === 'config.chain' && c.status !== 'pass')!;
    expect(chain).toMatchObject({ code: 'config.chain/remote-untrusted', file: wrongCa, line: 12 });
    expect(chain.hint).toContain(`Point bridge_cafile at`);
    const onWss = `${lab.dir}/lamp-wss.conf`;
    writeFileSync(onWss, lamp.replace(/^address .*$/m, `address ${lab.fqdn}:${lab.ports.wss}`));
    const wss = await diagnose({ ...lab.diagnoseInput(), timeoutMs: 1000, samples: 2, bridgeConfig: onWss });
    const address = wss.checks.find((c) => c.id === 'config.bridge-address')!;
    expect(address).toMatchObject({ status: 'fail', code: 'config.bridge-address/websockets-port', file: onWss });
    expect(address.hint).toContain(`address ${lab.fqdn}:${lab.ports.tls}`);
  });
});

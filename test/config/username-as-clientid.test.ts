// use_username_as_clientid under use_identity_as_username (hunt 3, H1): every session made with one
// certificate has the certificate's name as its client id, so a second connection takes the first
// over. Mosquitto 2.0.11's log is the reference; lint names the line, a broken-off round trip cites it,
// and one check at a time (one session) shows the broker itself works.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnose.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { describeWithBroker, mosquittoPath } from '../helpers/broker.js';

let lab: Lab;
let cloud: ReturnType<typeof spawn> | undefined;
let line = 0;

describeWithBroker('use_username_as_clientid true on the TLS listener (Mosquitto 2.0.11)', () => {
  beforeAll(async () => {
    lab = await startLab({ scenario: 'healthy' });
    const conf = readFileSync(lab.files.cloudConfig, 'utf8').replace(/^use_identity_as_username true$/m, 'use_identity_as_username true\nuse_username_as_clientid true');
    writeFileSync(lab.files.cloudConfig, conf);
    line = conf.split('\n').indexOf('use_username_as_clientid true') + 1;
    process.kill(lab.pids[0], 'SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    const since = readFileSync(lab.files.cloudLog, 'utf8').length;
    cloud = spawn(mosquittoPath!, ['-c', lab.files.cloudConfig], { stdio: 'ignore' });
    for (let i = 0; i < 100 && !readFileSync(lab.files.cloudLog, 'utf8').slice(since).includes(' running'); i += 1) await new Promise((resolve) => setTimeout(resolve, 50));
  });
  afterAll(async () => {
    if (cloud && cloud.exitCode === null) {
      cloud.kill('SIGTERM');
      await new Promise((resolve) => cloud!.once('close', resolve));
    }
    await lab?.stop();
  });

  it('the reference: a second session with the same certificate (another -i) takes the first over', () => {
    const tls = ['-h', lab.publicAddress, '-p', String(lab.ports.tls), '--cafile', lab.files.ca, '--cert', lab.files.clientCert, '--key', lab.files.clientKey];
    const run = spawnSync('sh', ['-c', `mosquitto_sub ${tls.join(' ')} -i lampi-test-one -t x/one -W 3 & sleep 1; mosquitto_sub ${tls.join(' ')} -i lampi-test-two -t x/two -W 1; wait`], { encoding: 'utf8', timeout: 20_000 });
    expect(run.status).not.toBeNull();
    expect(readFileSync(lab.files.cloudLog, 'utf8')).toContain('Client doctor_client already connected, closing old connection');
  });

  it('lint warns at the line; one check at a time passes; a round trip broken off by our own sessions cites the line', async () => {
    const alone = await diagnose({ ...lab.diagnoseInput(), only: ['mqtt.roundtrip'] });
    expect(alone.checks.find((check) => check.id === 'mqtt.roundtrip')?.status).toBe('pass');

    const report = await diagnose({ ...lab.diagnoseInput(), config: lab.files.cloudConfig });
    const lint = report.checks.find((check) => check.id === 'config.client-ids')!;
    expect(lint).toMatchObject({ status: 'warn', code: 'config.client-ids/username-as-clientid', file: lab.files.cloudConfig, line });
    expect(lint.summary).toContain('a second connection with the same certificate takes the first one over');
    const roundtrip = report.checks.find((check) => check.id === 'mqtt.roundtrip')!;
    if (roundtrip.status !== 'pass') {
      expect(roundtrip).toMatchObject({ code: 'mqtt.roundtrip/no-answer', file: lab.files.cloudConfig, line });
      expect(roundtrip.hint).toMatch(/^`use_username_as_clientid true` gives every session made with one certificate the same client id/);
      expect(roundtrip.hint).toContain('--only mqtt.roundtrip');
    }
  });
});

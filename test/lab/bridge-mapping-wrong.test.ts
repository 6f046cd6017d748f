// A lamp whose diagnostic line is there but subtly wrong (hunt 3, H6): the remote prefix without its
// trailing slash. The reference clients show where the probes land; the bridge checks with
// --bridge-config name the line's defect instead of "add this line … (else the state is stale)".
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { diagnose } from '../../src/diagnose.js';
import { bridgeSettled, startLab, type Lab } from '../../src/lab/lab.js';
import { describeWithBroker, mosquittoPath } from '../helpers/broker.js';
import { cloudTls, referenceClients, stopAfterEach } from '../helpers/lab-harness.js';

const { labs, brokers } = stopAfterEach();

describeWithBroker('a diagnostic line that is there but wrong, against real Mosquitto (hunt 3)', () => {
  it.runIf(referenceClients)('remote prefix without its trailing slash: the probes land on devices/<id>lampi-doctor/…, and the checks say so', async () => {
    const lab = await startLab({ scenario: 'healthy' });
    labs.push(lab);
    const id = lab.deviceId;
    writeFileSync(lab.files.lampConfig, readFileSync(lab.files.lampConfig, 'utf8').replaceAll(`devices/${id}/\n`, `devices/${id}\n`));
    const probeLine = readFileSync(lab.files.lampConfig, 'utf8').split('\n').indexOf(`topic lampi-doctor/# both 1 "" devices/${id}`) + 1;
    expect(probeLine).toBeGreaterThan(0);
    await lab.stopLamp();
    const since = readFileSync(lab.files.lampLog, 'utf8').length;
    brokers.push(spawn(mosquittoPath!, ['-c', lab.files.lampConfig], { stdio: 'ignore' }));
    for (let i = 0; i < 150 && !bridgeSettled(readFileSync(lab.files.lampLog, 'utf8').slice(since)); i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    // The reference: Mosquitto glues prefix and topic; a message published on the lamp arrives there.
    expect(readFileSync(lab.files.lampLog, 'utf8').slice(since)).toContain(`Topic: devices/${id}lampi-doctor/#`);
    const cross = spawnSync('sh', ['-c', `mosquitto_sub ${cloudTls(lab).join(' ')} -i lampi-test-cross -t 'devices/#' -R -v -C 1 -W 4 & sleep 1; mosquitto_pub -h 127.0.0.1 -p ${lab.ports.lampPlain} -t lampi-doctor/hand/out -m crossed -q 1; wait`], { encoding: 'utf8' });
    expect(cross.stdout.trim()).toBe(`devices/${id}lampi-doctor/hand/out crossed`);

    const report = await diagnose({ ...lab.diagnoseInput(), only: ['bridge'], samples: 2, bridgeConfig: lab.files.lampConfig });
    for (const check of ['bridge.inbound', 'bridge.outbound']) {
      const flow = report.checks.find((c) => c.id === check)!;
      expect([flow.status, flow.code]).toEqual(['fail', `${check}/mapping-wrong`]);
      expect(flow.summary).toContain(`lampi_bridge.conf's diagnostic line (${lab.files.lampConfig}:${probeLine}) is there, but its remote prefix devices/${id} has no trailing /, so the probes land on devices/${id}lampi-doctor/hello on the cloud`);
      expect(flow.hint).toBe(`Correct that line in lampi_bridge.conf to \`topic lampi-doctor/# both 1 "" devices/${id}/\` and restart mosquitto on the lamp.`);
      expect(flow.hint).not.toMatch(/Add this line|stale/);
    }
  });
});

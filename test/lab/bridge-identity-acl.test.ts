// A bridge whose certificate CN differs from its remote_clientid (hunt 3, H9), against real Mosquitto:
// without an acl_file on the cloud it works (lint warns); with an acl_file that names the client id it
// is denied (lint fails, naming the acl_file). The reference clients decide both.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { lint } from '../../src/lint.js';
import { bridgeSettled, startLab, type Lab } from '../../src/lab/lab.js';
import { describeWithBroker, mosquittoPath } from '../helpers/broker.js';
import { cloudTls, referenceClients, stopAfterEach } from '../helpers/lab-harness.js';

const { labs, brokers } = stopAfterEach();
const until = async (ready: () => boolean) => {
  for (let i = 0; i < 150 && !ready(); i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
};

describeWithBroker('bridge certificate CN other than remote_clientid, against real Mosquitto (hunt 3)', () => {
  it.runIf(referenceClients)('works without an acl_file (warn); denied by an acl_file that names the client id (fail, naming it)', async () => {
    const lab = await startLab({ scenario: 'healthy' });
    labs.push(lab);
    const clientId = `lamp-${lab.deviceId}`;
    writeFileSync(lab.files.lampConfig, readFileSync(lab.files.lampConfig, 'utf8').replace(/^remote_clientid .*$/m, `remote_clientid ${clientId}`));
    await lab.stopLamp();
    const lampSince = readFileSync(lab.files.lampLog, 'utf8').length;
    brokers.push(spawn(mosquittoPath!, ['-c', lab.files.lampConfig], { stdio: 'ignore' }));
    await until(() => bridgeSettled(readFileSync(lab.files.lampLog, 'utf8').slice(lampSince)));
    expect(readFileSync(lab.files.cloudLog, 'utf8')).toContain(`as ${clientId} (p2, c0, k60, u'${lab.bridgeClientId}')`);
    const crosses = (message: string) =>
      spawnSync('sh', ['-c', `mosquitto_sub ${cloudTls(lab).join(' ')} -i lampi-test-cross -t devices/${lab.deviceId}/lamp/changed -R -C 1 -W 3 & sleep 1; mosquitto_pub -h 127.0.0.1 -p ${lab.ports.lampPlain} -t lamp/changed -m ${message} -q 1; wait`], { encoding: 'utf8' }).stdout.includes(message);
    const identity = () => lint({ paths: [lab.files.cloudConfig, lab.files.lampConfig], mosquittoVersion: '2.0.11' }).checks.filter((check) => check.id === 'config.bridge-identity');

    // No acl_file: the reference message crosses, and lint only warns.
    expect(crosses('no-acl')).toBe(true);
    expect(identity().map((f) => `${f.status} ${f.code}`)).toEqual(['warn config.bridge-identity/cn-differs-convention']);

    // An acl_file written for the client id: the cloud denies the bridge's username (its CN).
    const acl = `${lab.dir}/cloud.acl`;
    writeFileSync(acl, ['user doctor_client', 'topic readwrite #', '', `user ${clientId}`, `topic readwrite devices/${lab.deviceId}/#`, 'topic readwrite lamp/#', ''].join('\n'));
    writeFileSync(lab.files.cloudConfig, readFileSync(lab.files.cloudConfig, 'utf8').replace(/^allow_anonymous false$/m, `allow_anonymous false\nacl_file ${acl}`));
    process.kill(lab.pids[0], 'SIGHUP');
    await until(() => readFileSync(lab.files.cloudLog, 'utf8').includes('Reloading config'));
    expect(crosses('with-acl')).toBe(false);
    expect(readFileSync(lab.files.cloudLog, 'utf8')).toContain(`Denied PUBLISH from ${clientId}`);
    const [finding] = identity();
    expect([finding.status, finding.code]).toEqual(['fail', 'config.bridge-identity/cn-differs']);
    expect(finding.summary).toContain(`the cloud's acl_file ${acl}`);
    expect(finding.summary).toContain(`denies "${lab.bridgeClientId}" publishing to devices/${lab.deviceId}/lamp/changed`);
    expect(finding.summary).toContain(`It grants "${clientId}" (line 4)`);
  });
});

// bridge.status with --local: what crossed the bridge in this run outweighs the retained state on the
// cloud (hunt 2, findings 2 and 12), judged by the reference clients against real Mosquitto.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { diagnose } from '../../src/diagnose.js';
import { bridgeSettled, startLab, type Lab } from '../../src/lab/lab.js';
import { describeWithBroker, mosquittoPath } from '../helpers/broker.js';
import { cloudTls, referenceClients, stopAfterEach } from '../helpers/lab-harness.js';

const { labs } = stopAfterEach();

describeWithBroker('the bridge checks against real Mosquitto and the reference clients (hunt 2)', () => {
  it.runIf(referenceClients)('a stale retained 0 (notifications off, an old clean shutdown) on a bridge that carries messages is stale, not "disconnected"', async () => {
    const lab = await startLab({ scenario: 'healthy' });
    labs.push(lab);
    const raw = `lamp/connection/${lab.bridgeClientId}/state`;
    // What a lamp with `notifications false` leaves: the 0 of an old clean shutdown, never overwritten.
    expect(spawnSync('mosquitto_pub', [...cloudTls(lab), '-i', 'lampi-test-stale', '-t', raw, '-m', '0', '-r', '-q', '1']).status).toBe(0);
    const seen = spawnSync('mosquitto_sub', [...cloudTls(lab), '-i', 'lampi-test-read', '-t', raw, '-v', '-W', '2'], { encoding: 'utf8' }).stdout;
    expect(seen).toContain(`${raw} 0`);
    // The reference: a message published on the lamp crosses to the cloud.
    const remote = `devices/${lab.deviceId}/lampi-doctor/hand/out`;
    const sub = spawnSync('sh', ['-c', `mosquitto_sub ${cloudTls(lab).join(' ')} -i lampi-test-cross -t ${remote} -C 1 -W 4 & sleep 1; mosquitto_pub -h 127.0.0.1 -p ${lab.ports.lampPlain} -t lampi-doctor/hand/out -m crossed -q 1; wait`], { encoding: 'utf8' });
    expect(sub.stdout).toContain('crossed');

    const report = await diagnose({ ...lab.diagnoseInput(), only: ['bridge'] });
    const byId = Object.fromEntries(report.checks.map((check) => [check.id, check]));
    expect(byId['bridge.inbound'].status).toBe('pass');
    expect(byId['bridge.outbound'].status).toBe('pass');
    expect(byId['bridge.status']).toMatchObject({ status: 'warn', code: 'bridge.status/state-stale' });
    expect(byId['bridge.status'].summary).toContain(`but its retained state ${raw} = 0 is stale`);
    expect(byId['bridge.status'].hint).toContain(`-r -n -t ${raw}`);
    expect(byId['bridge.status'].hint).not.toContain('bridge_certfile');
  });

  it.runIf(referenceClients)('a killed lamp broker is named as such, not blamed on certificates', async () => {
    const lab = await startLab({ scenario: 'healthy' });
    labs.push(lab);
    await lab.stopLamp();
    // The reference: nothing answers at the lamp's port.
    const lamp = spawnSync('mosquitto_sub', ['-h', '127.0.0.1', '-p', String(lab.ports.lampPlain), '-t', 'x', '-C', '1', '-W', '2'], { encoding: 'utf8' });
    expect(lamp.status).not.toBe(0);
    expect(lamp.stderr).toMatch(/Connection refused/i);

    const report = await diagnose({ ...lab.diagnoseInput(), only: ['bridge'] });
    const status = report.checks.find((check) => check.id === 'bridge.status')!;
    expect([status.status, status.code]).toEqual(['fail', 'bridge.status/lamp-not-answering']);
    expect(status.summary).toMatch(/nothing answers at --local mqtt:\/\/127\.0\.0\.1:\d+ \(connect ECONNREFUSED [\d.:]+\): the lamp's mosquitto is not running/);
    expect(status.hint).not.toContain('bridge_certfile');
  });

  it.runIf(referenceClients)('an acl_file that denies the bridge\'s user: nothing crossed though --bridge-config maps the probes, and --config cites the acl_file', async () => {
    const lab = await startLab({ scenario: 'healthy' });
    labs.push(lab);
    // Hunt 2 finding 3: doctor_client may do everything, the bridge gets `pattern … devices/%u/#`
    // (its CN, not the device id). Mosquitto reloads acl_file on SIGHUP; the bridge stays connected.
    const acl = `${lab.dir}/acl`;
    writeFileSync(acl, ['user doctor_client', 'topic readwrite lampi-doctor/#', 'topic readwrite devices/#', 'topic readwrite lamp/#', 'topic read $SYS/#', '', 'pattern readwrite devices/%u/#', ''].join('\n'));
    const conf = readFileSync(lab.files.cloudConfig, 'utf8');
    writeFileSync(lab.files.cloudConfig, conf.replace(/^allow_anonymous false$/m, `allow_anonymous false\nacl_file ${acl}`));
    const aclLine = readFileSync(lab.files.cloudConfig, 'utf8').split('\n').indexOf(`acl_file ${acl}`) + 1;
    process.kill(lab.pids[0], 'SIGHUP');
    // The reference: a message published on the lamp never reaches the cloud, and the cloud says why.
    const remote = `devices/${lab.deviceId}/lampi-doctor/hand/out`;
    const cross = spawnSync('sh', ['-c', `mosquitto_sub ${cloudTls(lab).join(' ')} -i lampi-test-cross -t ${remote} -C 1 -W 3 & sleep 1; mosquitto_pub -h 127.0.0.1 -p ${lab.ports.lampPlain} -t lampi-doctor/hand/out -m crossed -q 1; wait`], { encoding: 'utf8' });
    expect(cross.stdout).not.toContain('crossed');
    expect(readFileSync(lab.files.cloudLog, 'utf8')).toContain(`Denied PUBLISH from ${lab.bridgeClientId}`);

    const report = await diagnose({ ...lab.diagnoseInput(), only: ['bridge'], samples: 2, config: lab.files.cloudConfig, bridgeConfig: lab.files.lampConfig });
    const outbound = report.checks.find((check) => check.id === 'bridge.outbound')!;
    expect([outbound.status, outbound.code]).toEqual(['fail', 'bridge.outbound/mapping-blocked']);
    expect(outbound.summary).toContain(`lampi_bridge.conf maps the probes (${lab.files.lampConfig}:`);
    expect(outbound.hint).not.toContain('Add this line');
    expect(outbound).toMatchObject({ file: lab.files.cloudConfig, line: aclLine });
    expect(outbound.hint).toContain(`the cloud's acl_file ${acl} must let the bridge's user read and write devices/${lab.deviceId}/#`);
  });

  it.runIf(referenceClients)('reads the notification_topic that --bridge-config names (hunt 2 finding 15)', async () => {
    const lab = await startLab({ scenario: 'healthy' });
    labs.push(lab);
    // A lamp whose bridge says `notification_topic lampi/bridge/status`: its state is retained there.
    const lamp = `${lab.dir}/lamp-own-topic.conf`;
    writeFileSync(lamp, readFileSync(lab.files.lampConfig, 'utf8').replace(/^notification_topic .*$/m, 'notification_topic lampi/bridge/status'));
    // ...and nothing on the seed's topics (this lab's bridge reported there: cleared by hand).
    for (const topic of [`lamp/connection/${lab.bridgeClientId}/state`, `devices/${lab.deviceId}/lamp/connection/${lab.bridgeClientId}/state`]) {
      expect(spawnSync('mosquitto_pub', [...cloudTls(lab), '-i', 'lampi-test-clear', '-t', topic, '-r', '-n', '-q', '1']).status).toBe(0);
    }
    expect(spawnSync('mosquitto_pub', [...cloudTls(lab), '-i', 'lampi-test-own', '-t', 'lampi/bridge/status', '-m', '1', '-r', '-q', '1']).status).toBe(0);
    const seen = spawnSync('mosquitto_sub', [...cloudTls(lab), '-i', 'lampi-test-read', '-t', 'lampi/bridge/status', '-t', 'lamp/connection/+/state', '-t', 'devices/+/lamp/connection/+/state', '-v', '-W', '2'], { encoding: 'utf8' }).stdout;
    expect(seen.trim()).toBe('lampi/bridge/status 1');

    const report = await diagnose({ ...lab.diagnoseInput(), local: undefined, only: ['bridge.status'], bridgeConfig: lamp });
    const status = report.checks.find((check) => check.id === 'bridge.status')!;
    expect([status.status, status.summary]).toEqual(['pass', 'connected: lampi/bridge/status = 1 (retained by the bridge, read without publishing)']);
    expect(status.evidence?.retainedStates).toContainEqual({ topic: 'lampi/bridge/status', value: '1' });
  });

  it.runIf(referenceClients)('an acl_file that hides $SYS and the state from the client: --config cites it (hunt 2 finding 14)', async () => {
    const lab = await startLab({ scenario: 'healthy' });
    labs.push(lab);
    const acl = `${lab.dir}/acl`;
    writeFileSync(acl, ['user doctor_client', 'topic write lampi-doctor/#', '', `user ${lab.bridgeClientId}`, `topic readwrite devices/${lab.deviceId}/#`, 'topic readwrite lamp/#', ''].join('\n'));
    writeFileSync(lab.files.cloudConfig, readFileSync(lab.files.cloudConfig, 'utf8').replace(/^allow_anonymous false$/m, `allow_anonymous false\nacl_file ${acl}`));
    const aclLine = readFileSync(lab.files.cloudConfig, 'utf8').split('\n').indexOf(`acl_file ${acl}`) + 1;
    process.kill(lab.pids[0], 'SIGHUP');
    // The reference: the client reads neither $SYS nor the retained state the bridge left.
    const seen = spawnSync('mosquitto_sub', [...cloudTls(lab), '-i', 'lampi-test-read', '-t', '$SYS/broker/version', '-t', 'lamp/connection/+/state', '-v', '-W', '2'], { encoding: 'utf8' });
    expect(seen.stdout).toBe('');

    const report = await diagnose({ ...lab.diagnoseInput(), local: undefined, only: ['bridge.status'], config: lab.files.cloudConfig });
    const status = report.checks.find((check) => check.id === 'bridge.status')!;
    expect(status).toMatchObject({ status: 'skip', code: 'bridge.status/not-mosquitto', file: lab.files.cloudConfig, line: aclLine });
    expect(status.hint).toContain(`the cloud's acl_file ${acl} may hide $SYS and the bridge's state from this client`);
  });

  it.runIf(referenceClients)('clientid_prefixes on the cloud refuses the bridge too: lint and --config name the line, not the topic lines', async () => {
    const lab = await startLab({ scenario: 'healthy' });
    labs.push(lab);
    writeFileSync(lab.files.cloudConfig, readFileSync(lab.files.cloudConfig, 'utf8').replace(/^per_listener_settings true$/m, 'per_listener_settings true\nclientid_prefixes lamp-'));
    const prefixLine = readFileSync(lab.files.cloudConfig, 'utf8').split('\n').indexOf('clientid_prefixes lamp-') + 1;
    // Both brokers restarted on the edited configs for each stage: a restarted cloud (persistence off)
    // holds no retained state, and a fresh lamp dials at once instead of after its back-off.
    process.kill(lab.pids[0], 'SIGTERM');
    await lab.stopLamp();
    const logFrom = (path: string) => {
      const since = readFileSync(path, 'utf8').length;
      return () => readFileSync(path, 'utf8').slice(since);
    };
    const until = async (ready: () => boolean) => {
      for (let i = 0; i < 150 && !ready(); i += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    };
    const run = async (ready: (lampLog: string) => boolean) => {
      const cloudLog = logFrom(lab.files.cloudLog);
      const lampLog = logFrom(lab.files.lampLog);
      const brokers = [spawn(mosquittoPath!, ['-c', lab.files.cloudConfig], { stdio: 'ignore' })];
      try {
        await until(() => cloudLog().includes(' running'));
        brokers.push(spawn(mosquittoPath!, ['-c', lab.files.lampConfig], { stdio: 'ignore' }));
        await until(() => ready(lampLog()));
        const report = await diagnose({ ...lab.diagnoseInput(), clientId: 'lamp-doctor', only: ['bridge.status'], config: lab.files.cloudConfig, bridgeConfig: lab.files.lampConfig });
        return { lampLog: lampLog(), report };
      } finally {
        for (const broker of brokers.reverse()) {
          broker.kill('SIGTERM');
          await new Promise((resolve) => broker.once('close', resolve));
        }
      }
    };
    const refused = await run((log) => log.includes('Connection Refused: not authorised'));
    // The reference: the lamp's log says the cloud refused its bridge.
    expect(refused.lampLog).toContain('Connection Refused: not authorised');
    const status = refused.report.checks.find((check) => check.id === 'bridge.status')!;
    expect(status).toMatchObject({ status: 'warn', code: 'bridge.status/unknown', file: lab.files.cloudConfig, line: prefixLine });
    expect(status.hint).toMatch(/^`clientid_prefixes lamp-` refuses every client whose id does not start with lamp-, the lamp's bridge too: its remote_clientid b827eb74663e_broker does not/);
    expect(status.hint).not.toContain('topic lamp/connection');
    const lint = refused.report.checks.find((check) => check.code === 'config.bridge-identity/clientid-prefix')!;
    expect(lint).toMatchObject({ status: 'fail', file: lab.files.lampConfig });
    expect(lint.summary).toContain(`the cloud's \`clientid_prefixes lamp-\` (${lab.files.cloudConfig}:${prefixLine})`);

    // The fix followed: without the line the bridge connects and reports.
    writeFileSync(lab.files.cloudConfig, readFileSync(lab.files.cloudConfig, 'utf8').replace('clientid_prefixes lamp-\n', ''));
    const fixed = await run(bridgeSettled);
    expect(fixed.report.checks.find((check) => check.id === 'bridge.status')).toMatchObject({ status: 'pass', code: 'bridge.status/connected' });
    expect(fixed.report.checks.some((check) => check.code === 'config.bridge-identity/clientid-prefix')).toBe(false);
  });
});

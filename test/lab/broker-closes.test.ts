// A broker that closes the session mid round trip, for real: Mosquitto with `max_packet_size 64`
// disconnects a client whose PUBLISH is larger ("disconnected due to oversize packet"). The round trip
// must say the broker closed the session, not that it waited for an answer that could not come.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { afterAll, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnose.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { describeWithBroker, mosquittoPath } from '../helpers/broker.js';

let lab: Lab | undefined;
let cloud: ChildProcess | undefined;
afterAll(async () => {
  cloud?.kill('SIGKILL');
  await lab?.stop();
});

const listening = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host, port }, () => (socket.destroy(), resolve(true)));
    socket.on('error', () => resolve(false));
  });

describeWithBroker('a broker that closes the session', () => {
  it('max_packet_size below the probe\'s PUBLISH: "the broker closed the session (connection closed)", the broker log agreeing', { timeout: 60_000 }, async () => {
    lab = await startLab({ scenario: 'healthy' });
    const { cloudConfig, cloudLog } = lab.files;
    const running = lab.processes.find((process) => process.argv.includes(cloudConfig))!;
    process.kill(running.pid, 'SIGTERM');
    while (await listening(lab.publicAddress, lab.ports.tls)) await new Promise((resolve) => setTimeout(resolve, 50));
    writeFileSync(cloudConfig, readFileSync(cloudConfig, 'utf8').replace(/^listener /m, 'max_packet_size 64\nlistener '));
    cloud = spawn(mosquittoPath!, ['-c', cloudConfig], { stdio: 'ignore' });
    while (!(await listening(lab.publicAddress, lab.ports.tls))) await new Promise((resolve) => setTimeout(resolve, 50));

    const report = await diagnose({ ...lab.diagnoseInput(), only: ['mqtt.roundtrip'] });
    const roundtrip = report.checks.find((check) => check.id === 'mqtt.roundtrip')!;
    expect(roundtrip).toMatchObject({ status: 'fail', code: 'mqtt.roundtrip/no-answer', summary: 'the round trip broke off: the broker closed the session (connection closed)' });
    expect(roundtrip.hint).toContain('a longer --timeout will not help');
    expect(readFileSync(cloudLog, 'utf8')).toMatch(/disconnected due to oversize packet/);
  });
});

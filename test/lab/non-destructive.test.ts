// The tool must leave a production broker as it found it: nothing retained, the bridge never
// kicked off, every session closed with DISCONNECT.
import { readFileSync } from 'node:fs';
import { afterEach, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnose.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { MqttSession } from '../../src/probes/mqtt-session.js';
import { describeWithBroker } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';

const labs: Lab[] = [];
afterEach(async () => {
  await Promise.all(labs.splice(0).map((lab) => lab.stop()));
});

async function watcher(url: string, clientId: string) {
  const { session } = await MqttSession.open({ url, clientId, protocolVersion: 4, timeoutMs: 2000 });
  return session!;
}

/** Every retained message a fresh subscriber to # receives on this broker. */
async function retainedTopics(url: string): Promise<string[]> {
  const session = await watcher(url, `retained-check-${Math.random().toString(16).slice(2)}`);
  const topics: string[] = [];
  session.client.on('message', (topic, _payload, packet) => packet.retain && topics.push(topic));
  await session.subscribe('#', 0);
  await session.subscribe('sync/after/retained', 0); // its SUBACK follows the retained messages of #
  await session.close();
  return topics.sort();
}

describeWithBroker('non-destructive diagnosis', () => {
  it('leaves no retained message, never drops the bridge, and ends every session with DISCONNECT', async () => {
    const lab = await startLab({ scenario: 'healthy' });
    labs.push(lab);
    const cloudPlain = `mqtt://127.0.0.1:${lab.ports.plain}`;
    const lampPlain = `mqtt://127.0.0.1:${lab.ports.lampPlain}`;
    const retainedBefore = { cloud: await retainedTopics(cloudPlain), lamp: await retainedTopics(lampPlain) };

    // Watch the bridge's own state for the whole run.
    const stateWatch = await watcher(cloudPlain, 'bridge-state-watch');
    const states: string[] = [];
    stateWatch.client.on('message', (_topic, payload) => states.push(payload.toString()));
    await stateWatch.subscribe(`devices/${lab.deviceId}/lamp/connection/+/state`, 1);

    const report = await diagnose(lab.diagnoseInput());
    expect(report.counts.fail + report.counts.error).toBe(0);

    await new Promise((resolve) => setTimeout(resolve, 200));
    await stateWatch.close();
    expect(states.length).toBeGreaterThan(0); // the retained "1" at subscription
    expect(states).not.toContain('0');

    expect(await retainedTopics(cloudPlain)).toEqual(retainedBefore.cloud);
    expect(await retainedTopics(lampPlain)).toEqual(retainedBefore.lamp);
    expect(retainedBefore.cloud.every((topic) => !topic.includes('lampi-doctor'))).toBe(true);

    // Mosquitto logs "Client X disconnected." for a DISCONNECT, "closed its connection" otherwise.
    for (const log of [lab.files.cloudLog, lab.files.lampLog]) {
      const lines = readFileSync(log, 'utf8').split('\n').filter((line) => /Client lampi-doctor-\w+ /.test(line) && /disconnect|closed/.test(line));
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(line).toMatch(/Client lampi-doctor-\w+ disconnected\.$/);
    }
    // The bridge was never kicked off by a client id clash.
    expect(readFileSync(lab.files.lampLog, 'utf8')).not.toMatch(/already connected|Client .*_broker disconnected/);
  });

  it('reports a lamp that went away as a disconnected bridge', async () => {
    const lab = await startLab({ scenario: 'healthy' });
    labs.push(lab);
    await lab.stopLamp();
    // The cloud publishes the bridge's last will ("0") once it notices the lamp is gone.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const report = await diagnose({ ...lab.diagnoseInput(), local: undefined, timeoutMs: 1000 });
    const status = report.checks.find((check) => check.id === 'bridge.status')!;
    expect(status.status).toBe('fail');
    expect(status.summary).toContain('disconnected');
    expect(status.hint).toContain('bridge_certfile');
  });

  it('refuses a --client-id equal to the bridge\'s, before sending anything', async () => {
    const lab = await startLab({ scenario: 'healthy' });
    labs.push(lab);
    const logBefore = readFileSync(lab.files.cloudLog, 'utf8');
    const run = await runCli([...lab.diagnoseArgs(), '--client-id', `${lab.deviceId}_broker`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`--client-id ${lab.deviceId}_broker is the bridge's remote_clientid`);
    expect(run.stdout).toBe('');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(readFileSync(lab.files.cloudLog, 'utf8')).toBe(logBefore); // no connection reached the broker
  });
});

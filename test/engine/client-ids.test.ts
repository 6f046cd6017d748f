// Client ids: never a bridge's (ignoring case, with or without --device-id), and a --client-id is a
// prefix each of the tool's sessions extends, so they never evict each other.
import { mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { BridgeIdentities, sessionClientId } from '../../src/probes/client-ids.js';
import { describeWithBroker } from '../helpers/broker.js';
import { runCli } from '../helpers/cli.js';

describe('bridge identities', () => {
  it('knows the <device-id>_broker convention and the state topics the cloud publishes', () => {
    const known = new BridgeIdentities().add('Lamp-Bridge');
    expect(known.clashes('lamp-bridge')).toBe(true);
    expect(known.clashes('B827EB74663E_BROKER')).toBe(true);
    expect(known.clashes('lampi-doctor-1a2b')).toBe(false);
    known.learnFromStateTopic('$SYS/broker/connection/kitchen/state');
    expect(known.clashes('raspberrypi.kitchen')).toBe(true);
    expect(known.clashes('KITCHEN')).toBe(true);
    known.learnFromStateTopic('devices/abc123/lamp/connection/abc123_broker/state');
    expect(known.clashes('ABC123_broker')).toBe(true);
  });

  it('extends a prefix per session and draws a fresh random id without one', () => {
    expect(sessionClientId('ci', 'connect')).toBe('ci-connect');
    expect(sessionClientId('ci', 'rt')).toBe('ci-rt');
    expect(sessionClientId(undefined, 'rt')).not.toBe(sessionClientId(undefined, 'rt'));
  });
});

describe('a --client-id that is a bridge\'s is a usage error, before any traffic', () => {
  let server: net.Server;
  let port: number;
  let connections = 0;
  let dir: string;
  beforeAll(async () => {
    server = net.createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    server.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as net.AddressInfo).port;
    dir = mkdtempSync(join(tmpdir(), 'lampi-ids-'));
    writeFileSync(join(dir, 'bridge.conf'), 'connection kitchen\naddress cloud.example.com:8883\nremote_clientid Lamp-Bridge\ntopic lampi-doctor/# both 1 "" devices/abc/\n');
  });
  afterAll(() => server.close());

  const target = () => ['cloud.example.com', '--resolve', 'cloud.example.com:127.0.0.1', '--port', String(port), '--wss-port', String(port), '--plain-port', String(port), '--timeout', '500'];

  it.each([
    ['the convention, without --device-id', ['--client-id', 'b827eb74663e_broker'], 'is a bridge\'s client id by the <device-id>_broker convention'],
    ['the convention in upper case, with --device-id', ['--client-id', 'B827EB74663E_BROKER', '--device-id', 'b827eb74663e'], 'is the bridge\'s remote_clientid'],
    ['remote_clientid from --bridge-config, in another case', ['--client-id', 'LAMP-BRIDGE', '--bridge-config', 'BRIDGE'], 'is the bridge\'s remote_clientid'],
  ])('%s', async (_name, flags, message) => {
    const args = flags.map((flag) => (flag === 'BRIDGE' ? join(dir, 'bridge.conf') : flag));
    const run = await runCli([...target(), ...args]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr.split('\n').filter(Boolean)).toHaveLength(2);
    expect(connections).toBe(0);
  });
});

describeWithBroker('a --client-id prefix on a healthy broker', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ scenario: 'healthy' });
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it('gives every session its own id, so the round trip and the bridge tests pass', async () => {
    const run = await runCli([...lab.diagnoseArgs(), '--client-id', 'ci-probe', '--samples', '2', '--only', 'mqtt', 'bridge', '--format', 'json']);
    const report = JSON.parse(run.stdout) as { checks: { id: string; status: string; evidence?: { clientId?: string; transcript?: string[] } }[] };
    const byId = Object.fromEntries(report.checks.map((result) => [result.id, result]));
    expect(byId['mqtt.connect'].status).toBe('pass');
    expect(byId['mqtt.roundtrip'].status).toBe('pass');
    expect(byId['bridge.inbound'].status).toBe('pass');
    expect(byId['bridge.outbound'].status).toBe('pass');
    expect(byId['mqtt.connect'].evidence?.clientId).toBe('ci-probe-connect');
    // The round trip continues on mqtt.connect's session, and bridge.status after it: each transcript
    // opens with that CONNECT, and no second one; the last user says DISCONNECT.
    const roundtrip = byId['mqtt.roundtrip'].evidence?.transcript ?? [];
    const state = byId['bridge.status'].evidence?.transcript ?? [];
    for (const transcript of [roundtrip, state]) {
      expect(transcript[0]).toMatch(/^→ CONNECT clientId=ci-probe-connect /);
      expect(transcript.filter((line) => line.includes('CONNECT clientId='))).toHaveLength(1);
    }
    expect(roundtrip.at(-1)).toMatch(/^← UNSUBACK/);
    expect(state.at(-1)).toBe('→ DISCONNECT');
    expect(byId['mqtt.connect'].evidence?.transcript).toEqual([expect.stringMatching(/^→ CONNECT clientId=ci-probe-connect /), '← CONNACK rc=0 sessionPresent=false']);
    expect(run.code).toBe(0);
  });

  it('dials the broker directly even when MQTTJS_SOCKS_PROXY is set, as every other probe does', async () => {
    // mqtt.js reads that variable itself; the bundle carries no SOCKS code, and one diagnosis takes one path.
    const run = await runCli([...lab.diagnoseArgs(), '--only', 'mqtt.connect', '--format', 'json'], { MQTTJS_SOCKS_PROXY: 'socks5://127.0.0.1:9' });
    const report = JSON.parse(run.stdout) as { checks: { id: string; status: string }[] };
    expect(report.checks.find((check) => check.id === 'mqtt.connect')?.status).toBe('pass');
    expect(run.code).toBe(0);
  });
});

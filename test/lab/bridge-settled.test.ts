import { describe, expect, it } from 'vitest';
import { bridgeSettled } from '../../src/lab/lab.js';

// A lamp's log as Mosquitto 2.0.11 writes it when its bridge comes up (trimmed to the bridge lines).
const CONNECTED = `1: Bridge b827eb74663e_broker sending CONNECT
1: Received CONNACK on connection local.b827eb74663e_broker.
1: Bridge local.b827eb74663e_broker sending SUBSCRIBE (Mid: 2, Topic: devices/b827eb74663e/lamp/set_config, QoS: 1, Options: 0x00)
1: Bridge local.b827eb74663e_broker sending UNSUBSCRIBE (Mid: 3, Topic: devices/b827eb74663e/lamp/changed)
1: Sending PUBLISH to local.b827eb74663e_broker (d0, q1, r1, m7, 'devices/b827eb74663e/lamp/connection/b827eb74663e_broker/state', ... (1 bytes))
`;
const SUBACK = '1: Received SUBACK from local.b827eb74663e_broker\n';
const UNSUBACK = '1: Received UNSUBACK from local.b827eb74663e_broker\n';
const PUBACK = '1: Received PUBACK from local.b827eb74663e_broker (Mid: 7, RC:0)\n';

describe('the lab hands over a bridge once it has settled', () => {
  it('is not settled before the CONNACK', () => {
    expect(bridgeSettled('1: Bridge b827eb74663e_broker sending CONNECT\n')).toBe(false);
  });

  it('waits for every (un)subscription and the state notification to be acknowledged', () => {
    expect(bridgeSettled(CONNECTED)).toBe(false);
    expect(bridgeSettled(CONNECTED + SUBACK + UNSUBACK)).toBe(false);
    expect(bridgeSettled(CONNECTED + SUBACK + PUBACK)).toBe(false);
    expect(bridgeSettled(CONNECTED + SUBACK + UNSUBACK + PUBACK)).toBe(true);
  });

  it('is not settled when read between the CONNACK line and the first SUBSCRIBE line', () => {
    expect(bridgeSettled(CONNECTED.split('\n').slice(0, 2).join('\n') + '\n')).toBe(false);
  });

  it('counts only what follows the latest CONNACK (a reconnect starts over)', () => {
    const settled = CONNECTED + SUBACK + UNSUBACK + PUBACK;
    expect(bridgeSettled(settled + settled.replace('m7,', 'm9,'))).toBe(false);
  });
});

// A session carried from one check to the next (mqtt.connect's, through the round trip, to
// bridge.status) is passed on only when the check before it ended cleanly: a round trip whose broker
// went dead mid-session must not decide bridge.status's verdict.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnose.js';
import { HOSTILE_FQDN, makePki, mqttPeer, type Peer, type Pki } from './peers.js';

let pki: Pki;
let peer: Peer;
beforeAll(async () => {
  pki = await makePki();
  // Answers CONNECT and SUBSCRIBE; after a connection's first PUBLISH that connection answers nothing.
  peer = await mqttPeer({ connect: 'connack', subscribe: 'suback', publish: 'wedge' }, { tls: pki });
});
afterAll(() => peer?.close());

it('a round trip that broke off does not hand its wedged session to bridge.status', async () => {
  const report = await diagnose({
    target: HOSTILE_FQDN,
    resolve: [`${HOSTILE_FQDN}:127.0.0.1`],
    port: peer.port,
    ca: pki.caFile,
    deviceId: 'b827eb74663e',
    timeoutMs: 800,
    samples: 2,
    clientId: 'ci-wedge',
    only: ['mqtt.roundtrip', 'bridge.status'],
  });
  const byId = Object.fromEntries(report.checks.map((check) => [check.id, check]));
  expect(byId['mqtt.roundtrip'].code).toBe('mqtt.roundtrip/no-answer');
  // On a session of its own, bridge.status reads what this broker has: no $SYS tree, no states.
  expect(byId['bridge.status'].status).toBe('skip');
  expect(byId['bridge.status'].code).toBe('bridge.status/not-mosquitto');
  const transcript = (byId['bridge.status'].evidence as { transcript?: string[] }).transcript ?? [];
  expect(transcript[0]).toMatch(/CONNECT clientId=ci-wedge-state /);
});

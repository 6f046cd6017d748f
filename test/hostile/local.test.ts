// The lamp's broker (--local) misbehaving, with a healthy cloud (a real Mosquitto lab): the bridge
// checks name the lamp as the culprit and the process still ends within its bound.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { describeWithBroker } from '../helpers/broker.js';
import { RAW, mqttPeer, tcpPeer, type Peer } from './peers.js';
import { TIMEOUT_MS, check, expectEnded, expectVerdict, runTimed, spawnAllowance } from './run.js';

interface Case {
  name: string;
  peer: () => Promise<Peer>;
  code: string;
  waits: number;
}

const plain = 'plain' as const;
const cases: Case[] = [
  { name: 'accepts and stays silent', peer: () => tcpPeer('silent'), code: 'bridge.inbound/lamp-connect-failed', waits: 1 },
  { name: 'resets right after accept', peer: () => tcpPeer('rst'), code: 'bridge.inbound/lamp-connect-failed', waits: 0 },
  { name: 'answers garbage', peer: () => tcpPeer('garbage'), code: 'bridge.inbound/lamp-connect-failed', waits: 0 },
  { name: 'sends no CONNACK', peer: () => mqttPeer({ connect: 'silent' }, plain), code: 'bridge.inbound/lamp-connect-failed', waits: 1 },
  { name: 'sends a garbage CONNACK', peer: () => mqttPeer({ connect: RAW.garbageConnack }, plain), code: 'bridge.inbound/lamp-connect-failed', waits: 0 },
  { name: 'sends an unknown CONNACK code', peer: () => mqttPeer({ connect: RAW.unknownConnackCode }, plain), code: 'bridge.inbound/lamp-connect-failed', waits: 0 },
  { name: 'sends a malformed remaining length', peer: () => mqttPeer({ connect: RAW.malformedRemainingLength }, plain), code: 'bridge.inbound/lamp-connect-failed', waits: 0 },
  { name: 'sends no SUBACK', peer: () => mqttPeer({ connect: 'connack', subscribe: 'silent' }, plain), code: 'bridge.inbound/lamp-no-answer', waits: 1 },
  {
    name: 'is deaf after CONNACK',
    peer: () => mqttPeer({ connect: 'connack', subscribe: 'silent', publish: 'silent', ping: 'silent' }, plain),
    code: 'bridge.inbound/lamp-no-answer',
    waits: 1,
  },
  { name: 'drips at 1 byte/s', peer: () => mqttPeer({ connect: 'drip' }, plain), code: 'bridge.inbound/lamp-connect-failed', waits: 1 },
  { name: 'announces a 200 MB packet', peer: () => mqttPeer({ connect: RAW.hugeAnnounced }, plain), code: 'bridge.inbound/lamp-connect-failed', waits: 1 },
];

describeWithBroker('hostile peers as --local (the lamp broker)', { timeout: 90_000 }, () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ scenario: 'healthy' });
  });
  afterAll(async () => {
    await lab?.stop();
  });

  it.each(cases)('$name: $code, and the process ends in time', async ({ peer: start, code, waits }) => {
    const peer = await start();
    try {
      const args = lab.diagnoseArgs();
      args[args.indexOf('--local') + 1] = `mqtt://127.0.0.1:${peer.port}`;
      const allowance = await spawnAllowance();
      const run = await runTimed([...args, '--only', 'bridge.inbound', '--samples', '1', '--timeout', String(TIMEOUT_MS), '--format', 'json']);
      const result = check(run, 'bridge.inbound');
      await expectVerdict(result, 'fail', code);
      if (result.code === code) expect(result.summary).toContain('--local mqtt://127.0.0.1:');
      // Both sessions open at once, so the chain is the lamp's wait (+ the cloud's fast steps).
      await expectEnded(run, waits + 1, allowance);
    } finally {
      await peer.close();
    }
  });
});

// A session opened ahead for a later fact (the bridge directions' sessions open while the round trip
// runs) is that fact's: when its CONNECT times out while this process is starved, the starvation is
// noted against the bridge fact (whose check then says "could not test"), not the round trip.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DiagnosisFacts } from '../../src/facts.js';
import { prepareProbeContext } from '../../src/inputs.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { createFactSource } from '../../src/probes/fact-source.js';
import { LoadMonitor } from '../../src/probes/load.js';
import { describeWithBroker } from '../helpers/broker.js';
import { tcpPeer, type Peer } from '../hostile/peers.js';

let lab: Lab;
let deafLamp: Peer;
beforeAll(async () => {
  lab = await startLab({ scenario: 'healthy' });
  deafLamp = await tcpPeer('silent');
});
afterAll(async () => {
  await lab?.stop();
  await deafLamp?.close();
});

describeWithBroker('starvation while a bridge session opened ahead waits for its CONNACK', () => {
  it('is noted against the bridge direction, not the round trip that opened it', async () => {
    const context = prepareProbeContext({ ...lab.diagnoseInput(), local: `mqtt://127.0.0.1:${deafLamp.port}`, timeoutMs: 600 });
    const monitor = new LoadMonitor().start();
    const wanted = new Set<keyof DiagnosisFacts>(['mqttConnect', 'roundtrip', 'bridgeInbound']);
    const facts = createFactSource({ ...context, monitor, wanted });
    let hog: NodeJS.Timeout | undefined;
    try {
      expect((await facts.get('mqttConnect')).outcome).toBe('connected');
      expect((await facts.get('roundtrip')).lost).toBe(0);
      // The deaf lamp's CONNECT (opened ahead by the round trip) is still waiting: starve the loop now.
      hog = setInterval(() => {
        const until = performance.now() + 300;
        while (performance.now() < until);
      }, 5);
      const inbound = await facts.get('bridgeInbound');
      clearInterval(hog);
      expect(inbound.failure).toMatchObject({ broker: 'lamp', stage: 'connect', outcome: 'timeout' });
      expect(facts.starved('bridgeInbound')).toBeGreaterThan(100);
      expect(facts.starved('roundtrip')).toBeUndefined();
    } finally {
      clearInterval(hog);
      await facts.dispose();
      monitor.stop();
    }
  });
});

// A broker whose TLS 1.3 verdict on our certificate comes late (a loaded machine, a slow link) must
// get the same verdict as a quick one: the refusal of a client without a certificate is seen as the
// alert it is, however long after the handshake it arrives within the step's time. Real Mosquitto
// (the healthy lab, require_certificate true), real TLS; a TCP relay in front of it holds back what
// the broker sends after the client's second flight (its Finished), as a slow broker would.
import { createServer, connect as connectTcp, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnose.js';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { describeWithBroker } from '../helpers/broker.js';

const HOLD_MS = 1200; // longer than the fixed 750 ms grace the verdict used to get

describeWithBroker('a TLS 1.3 refusal that arrives late', { timeout: 120_000 }, () => {
  let lab: Lab;
  let relay: Server;
  let port: number;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    lab = await startLab({ scenario: 'healthy' });
    relay = createServer((client) => {
      const broker = connectTcp(lab.ports.tls, lab.publicAddress);
      sockets.add(client).add(broker);
      let clientFlights = 0;
      client.on('data', (chunk) => {
        clientFlights += 1;
        broker.write(chunk);
      });
      broker.on('data', (chunk) => {
        // The handshake passes at once; whatever follows the client's Finished is held back.
        if (clientFlights < 2) client.write(chunk);
        else setTimeout(() => client.writable && client.write(chunk), HOLD_MS);
      });
      const end = () => {
        setTimeout(() => {
          client.destroy();
          broker.destroy();
        }, HOLD_MS + 100);
      };
      client.on('close', () => broker.destroy());
      broker.on('close', end);
      client.on('error', () => broker.destroy());
      broker.on('error', end);
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    port = (relay.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => relay?.close(resolve));
    await lab?.stop();
  });

  it('tls.client-auth passes and names the broker\'s alert for the client without a certificate', async () => {
    const report = await diagnose({ ...lab.diagnoseInput(), port, resolve: [`${lab.fqdn}:127.0.0.1`], only: ['tls.client-auth'] });
    const check = report.checks.find((c) => c.id === 'tls.client-auth')!;
    expect(check.status).toBe('pass');
    const evidence = check.evidence as { withoutCertificate: { outcome: string; accepted: boolean; alert?: string; refusedAfterHandshake?: boolean } };
    expect(evidence.withoutCertificate).toMatchObject({ outcome: 'alert', accepted: false, alert: expect.stringMatching(/certificate required/) });
    expect(evidence.withoutCertificate.refusedAfterHandshake).toBeUndefined();
  });
});

// Connections whose chain nobody reads hand Node's name check the leaf alone (src/probes/leaf-identity.ts).
// Real Mosquitto, real TLS: the check must still pass the right name and refuse a wrong one, exactly
// as it does with the whole chain, and a websockets session must dial as ws itself would.
import { readFileSync } from 'node:fs';
import tls, { type PeerCertificate, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startLab, type Lab } from '../../src/lab/lab.js';
import { readLeafOnly, wsTlsConnect } from '../../src/probes/leaf-identity.js';
import { describeWithBroker } from '../helpers/broker.js';

describeWithBroker('reading the leaf alone for the name check', { timeout: 60_000 }, () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ scenario: 'healthy' });
  });
  afterAll(async () => {
    await lab?.stop();
  });

  /** A verified handshake to the lab's cloud; what Node handed checkServerIdentity, or the error. */
  const handshake = (servername: string, leafOnly: boolean) =>
    new Promise<{ seen?: PeerCertificate; error?: string; authorized?: boolean }>((resolve) => {
      let seen: PeerCertificate | undefined;
      const socket: TLSSocket = tls.connect({
        host: lab.publicAddress,
        port: lab.ports.tls,
        servername,
        ca: readFileSync(lab.files.ca),
        cert: readFileSync(lab.files.clientCert),
        key: readFileSync(lab.files.clientKey),
        rejectUnauthorized: true,
        checkServerIdentity: (name, cert) => {
          seen = cert;
          return tls.checkServerIdentity(name, cert);
        },
      });
      if (leafOnly) readLeafOnly(socket);
      socket.once('secureConnect', () => {
        resolve({ seen, authorized: socket.authorized });
        socket.destroy();
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve({ seen, error: error.code }));
    });

  it('passes the broker\'s own name, with the leaf alone where Node read the chain', async () => {
    const whole = await handshake(lab.fqdn, false);
    const leaf = await handshake(lab.fqdn, true);
    expect([whole.error, whole.authorized]).toEqual([undefined, true]);
    expect([leaf.error, leaf.authorized]).toEqual([undefined, true]);
    expect((whole.seen as { issuerCertificate?: unknown }).issuerCertificate).toBeDefined();
    expect((leaf.seen as { issuerCertificate?: unknown }).issuerCertificate).toBeUndefined();
    expect([leaf.seen?.subject, leaf.seen?.subjectaltname]).toEqual([whole.seen?.subject, whole.seen?.subjectaltname]);
  });

  it('refuses a name the certificate does not carry, as the whole chain does', async () => {
    const whole = await handshake('not-the-broker.example.com', false);
    const leaf = await handshake('not-the-broker.example.com', true);
    expect(whole.error).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
    expect(leaf.error).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('dials websockets as ws does: SNI from the host name, none for an address', async () => {
    const dial = (options: tls.ConnectionOptions) =>
      new Promise<string | false>((resolve) => {
        const socket = wsTlsConnect({ ...options, port: lab.ports.wss, ca: readFileSync(lab.files.ca), rejectUnauthorized: false });
        socket.once('secureConnect', () => {
          resolve((socket as TLSSocket & { servername?: string | false }).servername ?? false);
          socket.destroy();
        });
        socket.once('error', () => resolve(false));
      });
    expect(await dial({ host: lab.publicAddress, servername: lab.fqdn })).toBe(lab.fqdn);
    expect(await dial({ host: lab.publicAddress })).toBe(false);
  });
});

// The carry gate against its oracle, on real TLS: mqtt.connect may ride on the main handshake's
// connection only where an ordinary client (Node's defaults, as mqtt.js dials) connects too. The peer
// is a real TLS server in the harness; its chain is made here. The case that once slipped through:
// --ca holds a SHA-1 re-signed copy of the intermediate (same name, same key) that OpenSSL verifies
// through, while the chain as Node reads it shows the SHA-256 one the server sent.
import { X509Certificate } from 'node:crypto';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issue, type Issued } from '../../src/lab/pki.js';
import { ordinaryClientWouldConnect } from '../../src/probes/carry-main.js';
import { attemptTls, type CarriedConnection } from '../../src/probes/tls-attempt.js';

describe('the carry gate agrees with an ordinary client', () => {
  let server: tls.Server;
  let port: number;
  let root: Issued;
  let intermediate: Issued;
  let resignedWithSha1: Issued;
  beforeAll(async () => {
    root = await issue({ commonName: 'Root', isCa: true });
    intermediate = await issue({ commonName: 'Signing CA', issuer: root, isCa: true });
    resignedWithSha1 = await issue({ commonName: 'Signing CA', issuer: root, isCa: true, keys: intermediate.keys, hash: 'SHA-1' });
    const leaf = await issue({ commonName: 'cloud.example.com', issuer: intermediate, dnsNames: ['cloud.example.com'] });
    server = tls.createServer({ key: leaf.keyPem, cert: leaf.certPem + intermediate.certPem, minVersion: 'TLSv1.3' }, (socket) => socket.on('error', () => undefined));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  /** What the gate says about the main attempt's connection with this --ca. */
  const gate = async (caPem: string) => {
    let offered: CarriedConnection | undefined;
    const attempt = await attemptTls({
      address: '127.0.0.1',
      port,
      servername: 'cloud.example.com',
      ca: caPem,
      timeoutMs: 3000,
      carry: (connection) => {
        offered = connection;
        return false;
      },
    });
    expect(attempt.outcome).toBe('accepted');
    const caFile = caPem.split(/(?<=-----END CERTIFICATE-----\n)/).filter(Boolean).map((pem) => new X509Certificate(pem));
    return ordinaryClientWouldConnect(offered!, { caFile });
  };

  /** An ordinary client: Node's defaults, verification enforced, as mqtt.js connects. */
  const ordinary = (caPem: string) =>
    new Promise<string>((resolve) => {
      const socket = tls.connect({ host: '127.0.0.1', port, servername: 'cloud.example.com', ca: caPem });
      socket.once('secureConnect', () => {
        resolve('connected');
        socket.destroy();
      });
      socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    });

  it('carries where the ordinary client connects (--ca: the root and the SHA-256 intermediate)', async () => {
    const ca = root.certPem + intermediate.certPem;
    expect(await ordinary(ca)).toBe('connected');
    expect(await gate(ca)).toBe(true);
  });

  it('does not carry where the ordinary client refuses (--ca: the root and the SHA-1 copy)', async () => {
    const ca = root.certPem + resignedWithSha1.certPem;
    // (OpenSSL's error 68, "CA signature digest algorithm too weak", which Node reports as UNSPECIFIED)
    expect(await ordinary(ca)).not.toBe('connected');
    expect(await gate(ca)).toBe(false);
  });
});

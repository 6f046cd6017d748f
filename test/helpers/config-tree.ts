// Config trees for lint tests: a PKI written as the seed lays it out, and config texts beside it.
import { createPrivateKey } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { days, issue } from '../../src/lab/pki.js';

export const FQDN = 'ec2-52-20-29-213.compute-1.amazonaws.com';

export interface Tree {
  root: string;
  /** Writes a file under the tree (mode 0644, folders 0755, so the mosquitto user can read it). */
  write(relative: string, text: string, mode?: number): string;
  path(relative: string): string;
}

export function makeTree(): Tree {
  const root = mkdtempSync(join(tmpdir(), 'lampi-conf-'));
  chmodSync(root, 0o755);
  const path = (relative: string) => join(root, relative);
  return {
    root,
    path,
    write(relative, text, mode = 0o644) {
      const target = path(relative);
      mkdirSync(dirname(target), { recursive: true, mode: 0o755 });
      writeFileSync(target, text, { mode });
      chmodSync(target, mode);
      return target;
    },
  };
}

/** The seed's files under <tree>/etc/mosquitto, plus spares for broken variants. */
export async function seedPki(tree: Tree) {
  const ca = await issue({ commonName: 'lampi', isCa: true, key: { kind: 'rsa', bits: 2048 } });
  const server = await issue({ commonName: FQDN, issuer: ca, dnsNames: [FQDN], usage: 'server' });
  const bridge = await issue({ commonName: 'b827eb74663e_broker', issuer: ca, usage: 'client' });
  const other = await issue({ commonName: 'Other CA', isCa: true });
  const foreign = await issue({ commonName: 'b827eb74663e_broker', issuer: other, usage: 'client' });
  const expired = await issue({ commonName: FQDN, issuer: ca, dnsNames: [FQDN], notBefore: new Date(Date.now() - days(400)), notAfter: new Date(Date.now() - days(35)) });
  const weak = await issue({ commonName: FQDN, issuer: ca, dnsNames: [FQDN], key: { kind: 'rsa', bits: 1024 } });
  const wrongUse = await issue({ commonName: FQDN, issuer: ca, dnsNames: [FQDN], usage: 'client' });
  const caKeyUsage = await issue({ commonName: FQDN, issuer: ca, dnsNames: [FQDN], keyUsage: ['keyCertSign'] });
  const pathlenZero = await issue({ commonName: 'LAMPI pathlen0', issuer: ca, isCa: true, pathLength: 0 });
  const subIntermediate = await issue({ commonName: 'LAMPI Sub', issuer: pathlenZero, isCa: true });
  const tooDeep = await issue({ commonName: FQDN, issuer: subIntermediate, dnsNames: [FQDN] });
  const criticalExtension = await issue({ commonName: FQDN, issuer: ca, dnsNames: [FQDN], unhandledCriticalOid: '1.2.3.4.5' });
  const intermediate = await issue({ commonName: 'LAMPI Intermediate', issuer: ca, isCa: true });
  const viaIntermediate = await issue({ commonName: FQDN, issuer: intermediate, dnsNames: [FQDN] });
  const files = {
    ca: tree.write('etc/mosquitto/ca_certificates/lampi_ca.crt', ca.certPem),
    serverCert: tree.write('etc/mosquitto/certs/lampi_server.crt', server.certPem),
    serverKey: tree.write('etc/mosquitto/certs/lampi_server.key', server.keyPem),
    bridgeCert: tree.write('etc/mosquitto/certs/b827eb74663e_broker.crt', bridge.certPem),
    bridgeKey: tree.write('etc/mosquitto/certs/b827eb74663e_broker.key', bridge.keyPem),
    foreignCert: tree.write('spare/foreign.crt', foreign.certPem),
    expiredCert: tree.write('spare/expired.crt', expired.certPem),
    expiredKey: tree.write('spare/expired.key', expired.keyPem),
    weakCert: tree.write('spare/weak.crt', weak.certPem),
    weakKey: tree.write('spare/weak.key', weak.keyPem),
    wrongUseCert: tree.write('spare/client-only.crt', wrongUse.certPem),
    wrongUseKey: tree.write('spare/client-only.key', wrongUse.keyPem),
    keyUsageCert: tree.write('spare/ca-key-usage.crt', caKeyUsage.certPem),
    keyUsageKey: tree.write('spare/ca-key-usage.key', caKeyUsage.keyPem),
    pathCert: tree.write('spare/too-deep-chain.crt', tooDeep.certPem + subIntermediate.certPem + pathlenZero.certPem),
    pathKey: tree.write('spare/too-deep.key', tooDeep.keyPem),
    criticalCert: tree.write('spare/critical.crt', criticalExtension.certPem),
    criticalKey: tree.write('spare/critical.key', criticalExtension.keyPem),
    chainCert: tree.write('spare/with-intermediate.crt', viaIntermediate.certPem + intermediate.certPem),
    leafOnlyCert: tree.write('spare/leaf-only.crt', viaIntermediate.certPem),
    chainKey: tree.write('spare/with-intermediate.key', viaIntermediate.keyPem),
    encryptedKey: tree.write(
      'spare/encrypted.key',
      createPrivateKey(server.keyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'secret' }).toString(),
    ),
    garbage: tree.write('spare/garbage.crt', 'not a certificate\n'),
  };
  return { files, keyBodies: [server.keyPem, bridge.keyPem].map((pem) => pem.split('\n')[1]) };
}

/** The cloud's config as the seed writes it (TLS 8883 with client certificates, wss, plain on loopback), on seedPki's files. */
export function seedCloudConf(pki: Awaited<ReturnType<typeof seedPki>>['files'], { cafile = pki.ca, wssPort = 50002 } = {}): string {
  return `listener 8883 0.0.0.0
cafile ${cafile}
certfile ${pki.serverCert}
keyfile ${pki.serverKey}
tls_version tlsv1.2
require_certificate true
use_identity_as_username true

listener ${wssPort} 0.0.0.0
protocol websockets
cafile ${pki.ca}
certfile ${pki.serverCert}
keyfile ${pki.serverKey}
per_listener_settings true
allow_anonymous true

listener 1883 127.0.0.1
`;
}

// Lab scenarios: how the cloud broker deviates from the seed's healthy setup, and what a diagnosis
// of it must show. Tests walk this table; `lampi-doctor lab scenarios` prints it.
import type { Status } from '../engine/types.js';
import { days, issue, type Issued } from './pki.js';

export const LAB_FQDN = 'cloud.lampi.test';
/** Stands for the broker's public interface; plain MQTT stays on 127.0.0.1 as in the seed. */
export const LAB_PUBLIC_ADDRESS = '127.0.0.2';
export const LAB_DEVICE_ID = 'b827eb74663e';

export interface LabIdentities {
  ca: Issued;
  /** The user's own client certificate (what --cert/--key get). */
  client: Issued;
  /** The lamp's bridge certificate; its CN is the bridge's remote_clientid. */
  bridge: Issued;
}

export interface CloudSetup {
  /** certfile content: leaf, then any intermediates. */
  certfilePem: string;
  keyfilePem: string;
  /** cafile content: the CA(s) the listener trusts for client certificates. */
  cafilePem: string;
  tlsVersion: 'tlsv1.1' | 'tlsv1.2' | 'tlsv1.3';
  requireCertificate: boolean;
  /** Listener `ciphers` line; '@SECLEVEL=0' lets OpenSSL 3 serve weak keys and old protocols. */
  ciphers?: string;
  /** What holds the TLS port instead of a TLS listener. */
  tlsPort: 'tls' | 'plain-mqtt' | 'silent-peer' | 'closing-peer' | 'nothing';
}

export interface Scenario {
  name: string;
  description: string;
  /** Statuses a diagnosis must show; checks not named must pass. */
  expect: Record<string, Status>;
  /** A phrase the failing check's summary contains (tests assert it). */
  says?: RegExp;
  build(ids: LabIdentities): Promise<CloudSetup>;
}

const serverCert = (ca: Issued, extra: Partial<Parameters<typeof issue>[0]> = {}) =>
  issue({ commonName: LAB_FQDN, issuer: ca, dnsNames: [LAB_FQDN], ipAddresses: [LAB_PUBLIC_ADDRESS], usage: 'server', ...extra });

const healthy = async (ids: LabIdentities, server?: Issued): Promise<CloudSetup> => {
  const leaf = server ?? (await serverCert(ids.ca));
  return { certfilePem: leaf.certPem, keyfilePem: leaf.keyPem, cafilePem: ids.ca.certPem, tlsVersion: 'tlsv1.2', requireCertificate: true, tlsPort: 'tls' };
};

const NOTHING_AFTER_TCP = { 'tls.version': 'skip', 'tls.chain': 'skip', 'tls.hostname': 'skip', 'tls.validity': 'skip', 'tls.key': 'skip', 'tls.client-auth': 'skip' } as const;

export const SCENARIOS: Scenario[] = [
  {
    name: 'healthy',
    description: 'the seed\'s setup done right: CA-issued server certificate with SAN, client certificates required, TLS 1.2+',
    expect: {},
    build: (ids) => healthy(ids),
  },
  {
    name: 'wrong-san',
    description: 'the server certificate names another host (wrong.lampi.test)',
    expect: { 'tls.hostname': 'fail' },
    says: /not cloud\.lampi\.test/,
    build: async (ids) => healthy(ids, await serverCert(ids.ca, { commonName: 'wrong.lampi.test', dnsNames: ['wrong.lampi.test'], ipAddresses: [] })),
  },
  {
    name: 'cn-only',
    description: 'the server certificate names the host in its CN only, with no subjectAltName',
    expect: { 'tls.hostname': 'warn' },
    says: /only in its CN/,
    build: async (ids) => healthy(ids, await serverCert(ids.ca, { dnsNames: [], ipAddresses: [] })),
  },
  {
    name: 'expired',
    description: 'the server certificate expired ten days ago',
    expect: { 'tls.validity': 'fail' },
    says: /expired on/,
    build: async (ids) => healthy(ids, await serverCert(ids.ca, { notBefore: new Date(Date.now() - days(375)), notAfter: new Date(Date.now() - days(10)) })),
  },
  {
    name: 'not-yet-valid',
    description: 'the server certificate only becomes valid in five days (an issuing clock ahead)',
    expect: { 'tls.validity': 'fail' },
    says: /not valid until/,
    build: async (ids) => healthy(ids, await serverCert(ids.ca, { notBefore: new Date(Date.now() + days(5)), notAfter: new Date(Date.now() + days(370)) })),
  },
  {
    name: 'expiring-soon',
    description: 'the server certificate expires in twelve days',
    expect: { 'tls.validity': 'warn' },
    says: /expires on/,
    build: async (ids) => healthy(ids, await serverCert(ids.ca, { notAfter: new Date(Date.now() + days(12) + 3_600_000) })),
  },
  {
    name: 'unknown-ca',
    description: 'the server certificate was issued by another CA, whose root the server sends along',
    expect: { 'tls.chain': 'fail' },
    says: /unknown CA/,
    build: async (ids) => {
      const other = await issue({ commonName: 'Some Other CA', isCa: true, organization: 'Elsewhere' });
      const leaf = await serverCert(other);
      return { ...(await healthy(ids, leaf)), certfilePem: leaf.certPem + other.certPem };
    },
  },
  {
    name: 'self-signed',
    description: 'the server certificate is self-signed',
    expect: { 'tls.chain': 'fail' },
    says: /self-signed/,
    build: async (ids) => healthy(ids, await issue({ commonName: LAB_FQDN, dnsNames: [LAB_FQDN], ipAddresses: [LAB_PUBLIC_ADDRESS], usage: 'server' })),
  },
  {
    name: 'missing-intermediate',
    description: 'the server certificate comes from an intermediate CA, and certfile holds the leaf without it',
    expect: { 'tls.chain': 'fail' },
    says: /missing intermediate/,
    build: async (ids) => {
      const intermediate = await issue({ commonName: 'LAMPI Intermediate CA', issuer: ids.ca, isCa: true });
      return healthy(ids, await serverCert(intermediate));
    },
  },
  {
    name: 'client-cert-optional',
    description: 'the listener lacks `require_certificate true`: clients without a certificate get in',
    expect: { 'tls.client-auth': 'fail' },
    says: /no certificate/,
    build: async (ids) => ({ ...(await healthy(ids)), requireCertificate: false }),
  },
  {
    name: 'client-ca-mismatch',
    description: 'the listener\'s cafile names another CA, so it refuses your client certificate (after a TLS 1.3 handshake)',
    expect: { 'tls.handshake': 'fail' },
    says: /does not trust the client certificate/,
    build: async (ids) => {
      const other = await issue({ commonName: 'Some Other CA', isCa: true, organization: 'Elsewhere' });
      return { ...(await healthy(ids)), cafilePem: other.certPem };
    },
  },
  {
    name: 'weak-key',
    description: 'the server key is RSA 1024 and its certificate is signed with SHA-1',
    expect: { 'tls.key': 'fail' },
    says: /1024 bits/,
    build: async (ids) => ({
      ...(await healthy(ids, await serverCert(ids.ca, { key: { kind: 'rsa', bits: 1024 }, hash: 'SHA-1' }))),
      ciphers: 'DEFAULT:@SECLEVEL=0',
    }),
  },
  {
    name: 'legacy-tls',
    description: 'the listener still accepts TLS 1.1 (`tls_version tlsv1.1` and a @SECLEVEL=0 cipher list)',
    expect: { 'tls.version': 'warn' },
    says: /legacy TLS 1\.1/,
    build: async (ids) => ({ ...(await healthy(ids)), tlsVersion: 'tlsv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' }),
  },
  {
    name: 'tls13-only',
    description: 'the listener requires TLS 1.3, which the bridge\'s `bridge_tls_version tlsv1.2` cannot speak',
    expect: { 'tls.version': 'fail' },
    says: /refuses TLS 1\.2/,
    build: async (ids) => ({ ...(await healthy(ids)), tlsVersion: 'tlsv1.3' }),
  },
  {
    name: 'plain-on-tls-port',
    description: 'the TLS port speaks plain MQTT: the listener lost its cafile/certfile/keyfile lines',
    expect: { 'tls.handshake': 'fail', ...NOTHING_AFTER_TCP },
    says: /speaks plain MQTT/,
    build: async (ids) => ({ ...(await healthy(ids)), tlsPort: 'plain-mqtt' }),
  },
  {
    name: 'silent-peer',
    description: 'something accepts TCP on the TLS port and never answers',
    expect: { 'tls.handshake': 'fail', ...NOTHING_AFTER_TCP },
    says: /never answered/,
    build: async (ids) => ({ ...(await healthy(ids)), tlsPort: 'silent-peer' }),
  },
  {
    name: 'closing-peer',
    description: 'something accepts TCP on the TLS port and hangs up at once',
    expect: { 'tls.handshake': 'fail', ...NOTHING_AFTER_TCP },
    says: /closed the connection/,
    build: async (ids) => ({ ...(await healthy(ids)), tlsPort: 'closing-peer' }),
  },
  {
    name: 'no-listener',
    description: 'nothing listens on the TLS port (the listener line is missing)',
    expect: { 'tcp.connect': 'fail', 'tls.handshake': 'skip', ...NOTHING_AFTER_TCP },
    says: /refused the connection/,
    build: async (ids) => ({ ...(await healthy(ids)), tlsPort: 'nothing' }),
  },
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.name === name);
}

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
  /** `use_identity_as_username true` on the TLS listener (the seed has it). */
  useIdentityAsUsername: boolean;
  /** An acl_file for every listener, when set. */
  acl?: string;
  /** The websockets listener: as the seed, with another certificate, or missing. */
  wss: 'same' | 'other-cert' | 'none';
  wssIdentity?: Issued;
  /** Address of the plain listener: 127.0.0.1 as the seed, or the public address (exposed). */
  plainBind: string;
  /** The lamp: carries `topic lampi-doctor/# both 1 "" devices/<id>/`. */
  probeMapping: boolean;
  /** The lamp maps its topics under devices/<this>/ instead of the lab's device id. */
  lampDeviceId?: string;
  /** The lamp's bridge certificate, when not the good one. */
  bridgeIdentity?: Issued;
  /** A bridge_keyfile that does not belong to the bridge certificate. */
  bridgeKeyPem?: string;
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
  return {
    certfilePem: leaf.certPem,
    keyfilePem: leaf.keyPem,
    cafilePem: ids.ca.certPem,
    tlsVersion: 'tlsv1.2',
    requireCertificate: true,
    useIdentityAsUsername: true,
    tlsPort: 'tls',
    wss: 'same',
    plainBind: '127.0.0.1',
    probeMapping: true,
  };
};

const MQTT_AFTER_CONNECT = { 'mqtt.roundtrip': 'skip', 'bridge.status': 'skip', 'bridge.inbound': 'skip', 'bridge.outbound': 'skip' } as const;
/** tls.chain or tls.hostname failed: MQTT clients would refuse the certificate, so nothing MQTT is tried. */
const MQTT_NOT_TRIED = { 'mqtt.connect': 'skip', ...MQTT_AFTER_CONNECT } as const;
/** MQTT clients refuse the certificate (dates, weak key): they are tried, and fail. */
const MQTT_REFUSED = { 'mqtt.connect': 'fail', ...MQTT_AFTER_CONNECT } as const;
const WSS_FAILED = { 'wss.handshake': 'fail', 'wss.connect': 'skip' } as const;

const NOTHING_AFTER_TCP = { 'tls.version': 'skip', 'tls.chain': 'skip', 'tls.hostname': 'skip', 'tls.validity': 'skip', 'tls.key': 'skip', 'tls.client-auth': 'skip', ...MQTT_NOT_TRIED } as const;

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
    expect: { 'tls.hostname': 'fail', ...MQTT_NOT_TRIED, ...WSS_FAILED },
    says: /not cloud\.lampi\.test/,
    build: async (ids) => healthy(ids, await serverCert(ids.ca, { commonName: 'wrong.lampi.test', dnsNames: ['wrong.lampi.test'], ipAddresses: [] })),
  },
  {
    name: 'cn-only',
    description: 'the server certificate names the host in its CN only, with no subjectAltName (the lab\'s bridge, which dials the IP address, cannot verify it)',
    expect: { 'tls.hostname': 'warn', 'bridge.status': 'warn', 'bridge.inbound': 'fail', 'bridge.outbound': 'fail', 'wss.handshake': 'warn' },
    says: /only in its CN/,
    build: async (ids) => healthy(ids, await serverCert(ids.ca, { dnsNames: [], ipAddresses: [] })),
  },
  {
    name: 'expired',
    description: 'the server certificate expired ten days ago',
    expect: { 'tls.validity': 'fail', ...MQTT_REFUSED, ...WSS_FAILED },
    says: /expired on/,
    build: async (ids) => healthy(ids, await serverCert(ids.ca, { notBefore: new Date(Date.now() - days(375)), notAfter: new Date(Date.now() - days(10)) })),
  },
  {
    name: 'not-yet-valid',
    description: 'the server certificate only becomes valid in five days (an issuing clock ahead)',
    expect: { 'tls.validity': 'fail', ...MQTT_REFUSED, ...WSS_FAILED },
    says: /not valid until/,
    build: async (ids) => healthy(ids, await serverCert(ids.ca, { notBefore: new Date(Date.now() + days(5)), notAfter: new Date(Date.now() + days(370)) })),
  },
  {
    name: 'expiring-soon',
    description: 'the server certificate expires in twelve days',
    expect: { 'tls.validity': 'warn', 'wss.handshake': 'warn' },
    says: /expires on/,
    build: async (ids) => healthy(ids, await serverCert(ids.ca, { notAfter: new Date(Date.now() + days(12) + 3_600_000) })),
  },
  {
    name: 'unknown-ca',
    description: 'the server certificate was issued by another CA, whose root the server sends along',
    expect: { 'tls.chain': 'fail', ...MQTT_NOT_TRIED, ...WSS_FAILED },
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
    expect: { 'tls.chain': 'fail', ...MQTT_NOT_TRIED, ...WSS_FAILED },
    says: /self-signed/,
    build: async (ids) => healthy(ids, await issue({ commonName: LAB_FQDN, dnsNames: [LAB_FQDN], ipAddresses: [LAB_PUBLIC_ADDRESS], usage: 'server' })),
  },
  {
    name: 'missing-intermediate',
    description: 'the server certificate comes from an intermediate CA, and certfile holds the leaf without it',
    expect: { 'tls.chain': 'fail', ...MQTT_NOT_TRIED, ...WSS_FAILED },
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
    expect: { 'tls.handshake': 'fail', ...MQTT_REFUSED },
    says: /does not trust the client certificate/,
    build: async (ids) => {
      const other = await issue({ commonName: 'Some Other CA', isCa: true, organization: 'Elsewhere' });
      return { ...(await healthy(ids)), cafilePem: other.certPem };
    },
  },
  {
    name: 'weak-key',
    description: 'the server key is RSA 1024 and its certificate is signed with SHA-1',
    expect: { 'tls.key': 'fail', ...MQTT_REFUSED, ...WSS_FAILED },
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
    description: 'the listener requires TLS 1.3, which TLS-1.2-only clients cannot speak (Mosquitto 1.x bridges pinned by `bridge_tls_version tlsv1.2`, many devices)',
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
  {
    name: 'identity-not-username',
    description: 'the TLS listener lacks `use_identity_as_username true`, so a certificate alone is no login under allow_anonymous false',
    expect: MQTT_REFUSED,
    says: /not authorised/,
    build: async (ids) => ({ ...(await healthy(ids)), useIdentityAsUsername: false }),
  },
  {
    name: 'acl-denies-client',
    description: 'an acl_file lets your certificate\'s user read but not publish, so the broker drops its messages silently',
    expect: { 'mqtt.roundtrip': 'fail', 'bridge.inbound': 'skip', 'bridge.outbound': 'skip' },
    says: /acknowledged the PUBLISH .* but never delivered/,
    build: async (ids) => ({
      ...(await healthy(ids)),
      acl: ['user doctor_client', 'topic read #', '', `user ${LAB_DEVICE_ID}_broker`, 'topic readwrite #', ''].join('\n'),
    }),
  },
  {
    name: 'no-probe-mapping',
    description: 'the lamp\'s bridge lacks the diagnostic line `topic lampi-doctor/# both 1 "" devices/<id>/`',
    expect: { 'bridge.inbound': 'skip', 'bridge.outbound': 'skip' },
    says: /does not carry the diagnostic mapping/,
    build: async (ids) => ({ ...(await healthy(ids)), probeMapping: false }),
  },
  {
    name: 'wrong-prefix',
    description: 'the lamp\'s bridge maps its topics under devices/0000deadbeef/, not the lamp\'s id',
    expect: { 'bridge.status': 'fail', 'bridge.inbound': 'fail', 'bridge.outbound': 'fail' },
    says: /another prefix/,
    build: async (ids) => ({ ...(await healthy(ids)), lampDeviceId: '0000deadbeef' }),
  },
  {
    name: 'bridge-cert-wrong',
    description: 'the lamp\'s bridge certificate comes from another CA, so its bridge never connects',
    expect: { 'bridge.status': 'warn', 'bridge.inbound': 'fail', 'bridge.outbound': 'fail' },
    says: /unknown: no retained bridge state/,
    build: async (ids) => {
      const other = await issue({ commonName: 'Some Other CA', isCa: true, organization: 'Elsewhere' });
      return { ...(await healthy(ids)), bridgeIdentity: await issue({ commonName: `${LAB_DEVICE_ID}_broker`, issuer: other, usage: 'client' }) };
    },
  },
  {
    name: 'bridge-key-mismatch',
    description: 'the lamp\'s bridge_keyfile belongs to another certificate, so its bridge never connects',
    expect: { 'bridge.status': 'warn', 'bridge.inbound': 'fail', 'bridge.outbound': 'fail' },
    says: /unknown: no retained bridge state/,
    build: async (ids) => ({ ...(await healthy(ids)), bridgeKeyPem: (await issue({ commonName: 'someone-else', issuer: ids.ca, usage: 'client' })).keyPem }),
  },
  {
    name: 'no-wss',
    description: 'the cloud has no websockets listener',
    expect: { 'wss.handshake': 'fail', 'wss.connect': 'skip' },
    says: /nothing listens on websockets port/,
    build: async (ids) => ({ ...(await healthy(ids)), wss: 'none' }),
  },
  {
    name: 'wss-other-cert',
    description: 'the websockets listener serves a different certificate than the MQTT port',
    expect: { 'wss.handshake': 'warn' },
    says: /different certificate/,
    build: async (ids) => ({ ...(await healthy(ids)), wss: 'other-cert', wssIdentity: await serverCert(ids.ca) }),
  },
  {
    name: 'plain-exposed',
    description: 'plain MQTT listens on the public address with anonymous access',
    expect: { 'plain.exposure': 'fail' },
    says: /accepts anonymous plain-text MQTT from outside/,
    build: async (ids) => ({ ...(await healthy(ids)), plainBind: LAB_PUBLIC_ADDRESS }),
  },
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.name === name);
}

// Lab scenarios: how the cloud broker deviates from the seed's healthy setup, and what a diagnosis
// of it must show. Tests walk this table; `lampi-doctor lab scenarios` prints it.
import type { Status } from '../engine/types.js';
import type { ReferenceOutcome } from './oracle.js';
import { days, issue, issueCrl, issueV1Root, type Issued } from './pki.js';

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
  wss: 'same' | 'other-cert' | 'none' | 'http-404';
  wssIdentity?: Issued;
  /** Address of the plain listener: 127.0.0.1 as the seed, or the public address (exposed). */
  plainBind: string;
  /** The lamp: carries `topic lampi-doctor/# both 1 "" devices/<id>/`. */
  probeMapping: boolean;
  /** The lamp maps its topics under devices/<this>/ instead of the lab's device id. */
  lampDeviceId?: string;
  /** The lamp's bridge certificate, when not the good one. */
  bridgeIdentity?: Issued;
  /** The lamp's bridge_cafile content, when not the lab CA (a scenario whose server chain leads elsewhere). */
  bridgeCaPem?: string;
  /** A bridge_keyfile that does not belong to the bridge certificate. */
  bridgeKeyPem?: string;
  /** The TLS listener's `crlfile` content. */
  crlPem?: string;
  /** The TLS listener trusts client CAs through `capath` (a folder) instead of `cafile`; hashed = after `openssl rehash`. */
  capath?: { hashed: boolean };
  /** Leave `allow_anonymous` out of the TLS listener, as seed 001's step 2 does (Mosquitto 2: defaults to false). */
  anonymousUnset?: boolean;
  /** `use_identity_as_username true` even without `require_certificate true`. */
  identityWithoutRequire?: boolean;
  /** What holds the TLS port when not Mosquitto: aedes (npm) behind node:tls, client certificates required. */
  broker?: 'mosquitto' | 'aedes';
  /** The user's side (what --ca/--cert/--key and the reference clients get), when not the lab's defaults. */
  user?: UserSide;
}

export interface UserSide {
  /** --ca content (default: the lab CA). */
  caPem?: string;
  /** --ca is a folder holding the CA, hashed (after `openssl rehash`) or not. */
  caDir?: { hashed: boolean };
  /** --cert/--key: another client identity; certPem may carry intermediates after the leaf. */
  client?: { certPem: string; keyPem: string };
  /** How the target is named: the FQDN (default), the public IP address, or the FQDN with a trailing dot. */
  target?: 'fqdn' | 'ip' | 'trailing-dot';
}

export interface Scenario {
  name: string;
  description: string;
  /** Statuses a diagnosis must show; checks not named must pass. */
  expect: Record<string, Status>;
  /** A phrase the failing check's summary contains (tests assert it). */
  says?: RegExp;
  /** The scenario's own finding code, `<check id>/<slug>` (tests assert it). */
  code?: string;
  /** What the reference clients do against this setup (src/lab/oracle.ts); the suite checks both it and the tool's agreement. */
  reference: ReferenceOutcome;
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

const otherCa = () => issue({ commonName: 'Some Other CA', isCa: true, organization: 'Elsewhere' });
const clientOf = (ca: Issued, extra: Partial<Parameters<typeof issue>[0]> = {}) => issue({ commonName: 'doctor_client', issuer: ca, usage: 'client', ...extra });
const userClient = (client: Issued, chainPem = '') => ({ certPem: client.certPem + chainPem, keyPem: client.keyPem });
const expiredDates = () => ({ notBefore: new Date(Date.now() - days(375)), notAfter: new Date(Date.now() - days(10)) });
/** tls.chain fails and tls.validity fails too: each fault on its own. */
const CHAIN_AND_DATES = { 'tls.chain': 'fail', 'tls.validity': 'fail', ...MQTT_NOT_TRIED, ...WSS_FAILED } as const;
/** The broker refuses the client certificate during the handshake: tls.handshake and MQTT fail. */
const CLIENT_REFUSED = { 'tls.handshake': 'fail', ...MQTT_REFUSED } as const;

/** Issue 9's scenarios: revocation lists, trust anchors, key usages, names, Mosquitto's auth rules, another broker. */
export const ORACLE_SCENARIOS: Scenario[] = [
  {
    name: 'crl-valid',
    description: 'the listener has a current `crlfile` from its CA that does not list your certificate',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered' },
    expect: {},
    build: async (ids) => ({ ...(await healthy(ids)), crlPem: await issueCrl({ issuer: ids.ca }) }),
  },
  {
    name: 'crl-expired',
    description: 'the listener\'s `crlfile` is past its nextUpdate: OpenSSL refuses every client certificate (alert 45) though yours is in date',
    reference: { sClient: 'alert 45', brokerView: 'error 12', mqtt: 'closed' },
    expect: { ...CLIENT_REFUSED },
    code: 'tls.handshake/crl-expired',
    says: /revocation list/,
    build: async (ids) => ({
      ...(await healthy(ids)),
      crlPem: await issueCrl({ issuer: ids.ca, thisUpdate: new Date(Date.now() - days(40)), nextUpdate: new Date(Date.now() - days(10)) }),
    }),
  },
  {
    name: 'crl-other-ca',
    description: 'the listener\'s `crlfile` comes from another CA: none for your certificate\'s issuer, so OpenSSL refuses it (alert 48)',
    reference: { sClient: 'alert 48', brokerView: 'error 3', mqtt: 'closed' },
    expect: { ...CLIENT_REFUSED },
    code: 'tls.handshake/broker-lacks-client-issuer',
    says: /revocation list/,
    build: async (ids) => ({ ...(await healthy(ids)), crlPem: await issueCrl({ issuer: await otherCa() }) }),
  },
  {
    name: 'client-revoked',
    description: 'the listener\'s `crlfile` lists your client certificate as revoked (alert 44)',
    reference: { sClient: 'alert 44', brokerView: 'error 23', mqtt: 'closed' },
    expect: { ...CLIENT_REFUSED },
    code: 'tls.handshake/client-revoked',
    says: /revoked/,
    build: async (ids) => ({ ...(await healthy(ids)), crlPem: await issueCrl({ issuer: ids.ca, revoked: [ids.client] }) }),
  },
  {
    name: 'client-expired',
    description: 'your client certificate expired ten days ago (alert 45, and the tool sees it locally)',
    reference: { sClient: 'alert 45', brokerView: 'error 10', mqtt: 'closed' },
    expect: { ...CLIENT_REFUSED, 'tls.client-auth': 'fail' },
    code: 'tls.handshake/client-expired',
    says: /client certificate .*expired/,
    build: async (ids) => ({ ...(await healthy(ids)), user: { client: userClient(await clientOf(ids.ca, expiredDates())) } }),
  },
  {
    name: 'client-without-cn',
    description: 'your client certificate has no CN, so under `use_identity_as_username` Mosquitto has no username to take from it',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'connack 4' },
    expect: { ...MQTT_REFUSED },
    code: 'mqtt.connect/no-certificate-identity',
    says: /has no CN/,
    build: async (ids) => ({ ...(await healthy(ids)), user: { client: userClient(await clientOf(ids.ca, { commonName: '' })) } }),
  },
  {
    name: 'capath-hashed',
    description: 'the listener trusts client CAs through `capath`, after `openssl rehash`',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered' },
    expect: {},
    build: async (ids) => ({ ...(await healthy(ids)), capath: { hashed: true } }),
  },
  {
    name: 'capath-unhashed',
    description: 'the listener\'s `capath` folder holds the CA but `openssl rehash` was forgotten: OpenSSL finds no issuer (alert 48)',
    reference: { sClient: 'alert 48', brokerView: 'error 20', mqtt: 'closed' },
    expect: { ...CLIENT_REFUSED },
    code: 'tls.handshake/broker-lacks-client-issuer',
    says: /capath|rehash/,
    build: async (ids) => ({ ...(await healthy(ids)), capath: { hashed: false } }),
  },
  {
    name: 'ca-folder-hashed',
    description: '--ca is a folder holding the CA with its hash link (after `openssl rehash`), as `mosquitto_pub --capath` takes it',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered' },
    expect: {},
    build: async (ids) => ({ ...(await healthy(ids)), user: { caDir: { hashed: true } } }),
  },
  {
    name: 'ca-folder-unhashed',
    description: '--ca is a folder holding the CA but `openssl rehash` was forgotten: OpenSSL (and mosquitto_pub --capath) find no CA there',
    reference: { sClient: 'verify 19', brokerView: 'ok', mqtt: 'tls-error' },
    expect: { 'tls.chain': 'fail', 'tls.client-auth': 'warn', ...MQTT_NOT_TRIED, ...WSS_FAILED },
    code: 'tls.chain/capath-unhashed',
    says: /no hash links/,
    build: async (ids) => ({ ...(await healthy(ids)), user: { caDir: { hashed: false } } }),
  },
  {
    name: 'root-only-ca-intermediate-chain',
    description: 'server and client certificates come from an intermediate; certfile sends leaf + intermediate, --ca holds only the root (as Mosquitto\'s own TLS tests)',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered' },
    expect: {},
    build: async (ids) => {
      const intermediate = await issue({ commonName: 'LAMPI Signing CA', issuer: ids.ca, isCa: true });
      const leaf = await serverCert(intermediate);
      const client = await clientOf(intermediate);
      return {
        ...(await healthy(ids, leaf)),
        certfilePem: leaf.certPem + intermediate.certPem,
        cafilePem: ids.ca.certPem + intermediate.certPem,
        user: { client: userClient(client) },
      };
    },
  },
  {
    name: 'intermediate-only-ca',
    description: '--ca holds only the intermediate while the server sends leaf + intermediate: the trust file lacks the root',
    reference: { sClient: 'verify 2', brokerView: 'ok', mqtt: 'tls-error' },
    expect: { 'tls.chain': 'fail', 'tls.client-auth': 'warn', ...MQTT_NOT_TRIED, ...WSS_FAILED },
    code: 'tls.chain/ca-lacks-root',
    says: /lacks the root/,
    build: async (ids) => {
      const intermediate = await issue({ commonName: 'LAMPI Signing CA', issuer: ids.ca, isCa: true });
      const leaf = await serverCert(intermediate);
      return { ...(await healthy(ids, leaf)), certfilePem: leaf.certPem + intermediate.certPem, user: { caPem: intermediate.certPem } };
    },
  },
  {
    name: 'client-server-eku',
    description: 'your client certificate was signed with the server\'s extension file: extendedKeyUsage serverAuth only',
    reference: { sClient: 'alert 43', brokerView: 'error 26', mqtt: 'closed' },
    expect: { ...CLIENT_REFUSED, 'tls.client-auth': 'fail' },
    code: 'tls.handshake/client-certificate-purpose',
    says: /extendedKeyUsage|clientAuth/,
    build: async (ids) => ({ ...(await healthy(ids)), user: { client: userClient(await clientOf(ids.ca, { usage: 'server' })) } }),
  },
  {
    name: 'client-key-usage',
    description: 'your client certificate\'s keyUsage is keyEncipherment only: extendedKeyUsage clientAuth is there, but OpenSSL\'s sslclient purpose wants digitalSignature (or keyAgreement)',
    reference: { sClient: 'alert 43', brokerView: 'error 26', mqtt: 'closed' },
    expect: { ...CLIENT_REFUSED, 'tls.client-auth': 'fail' },
    code: 'tls.client-auth/client-certificate-purpose',
    says: /keyUsage is keyEncipherment/,
    build: async (ids) => ({ ...(await healthy(ids)), user: { client: userClient(await clientOf(ids.ca, { usage: 'client', keyUsage: ['keyEncipherment'] })) } }),
  },
  {
    name: 'client-any-eku',
    description: 'your client certificate\'s only extendedKeyUsage is anyExtendedKeyUsage, which OpenSSL refuses for client use',
    reference: { sClient: 'alert 43', brokerView: 'error 26', mqtt: 'closed' },
    expect: { ...CLIENT_REFUSED, 'tls.client-auth': 'fail' },
    code: 'tls.handshake/client-certificate-purpose',
    says: /extendedKeyUsage|clientAuth/,
    build: async (ids) => ({ ...(await healthy(ids)), user: { client: userClient(await clientOf(ids.ca, { usage: 'any' })) } }),
  },
  {
    name: 'ip-only-san',
    description: 'the server certificate names only the IP address (subjectAltName IP:127.0.0.2) and clients dial that address',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered' },
    expect: { 'dns.resolve': 'warn', 'wss.handshake': 'pass' },
    code: 'dns.resolve/ip-literal',
    says: /IP address/,
    build: async (ids) => ({ ...(await healthy(ids, await serverCert(ids.ca, { dnsNames: [] }))), user: { target: 'ip' } }),
  },
  {
    name: 'trailing-dot',
    description: 'the target is written with a trailing dot (cloud.lampi.test.), which OpenSSL does not match against the certificate\'s name',
    reference: { sClient: 'verify 62', brokerView: 'ok', mqtt: 'delivered' },
    expect: { 'tls.hostname': 'fail', ...MQTT_NOT_TRIED, ...WSS_FAILED },
    code: 'tls.hostname/trailing-dot',
    says: /trailing dot/,
    build: async (ids) => ({ ...(await healthy(ids)), user: { target: 'trailing-dot' } }),
  },
  {
    name: 'expired-unknown-ca',
    description: 'the server certificate expired and comes from another CA: two faults, each reported',
    reference: { sClient: 'verify 19', brokerView: 'ok', mqtt: 'tls-error' },
    expect: CHAIN_AND_DATES,
    code: 'tls.chain/unknown-ca',
    says: /unknown CA/,
    build: async (ids) => {
      const other = await otherCa();
      const leaf = await serverCert(other, expiredDates());
      return { ...(await healthy(ids, leaf)), certfilePem: leaf.certPem + other.certPem };
    },
  },
  {
    name: 'expired-self-signed',
    description: 'the server certificate is self-signed and expired',
    reference: { sClient: 'verify 18', brokerView: 'ok', mqtt: 'tls-error' },
    expect: CHAIN_AND_DATES,
    code: 'tls.chain/self-signed',
    says: /self-signed/,
    build: async (ids) => healthy(ids, await issue({ commonName: LAB_FQDN, dnsNames: [LAB_FQDN], ipAddresses: [LAB_PUBLIC_ADDRESS], usage: 'server', ...expiredDates() })),
  },
  {
    name: 'expired-rogue-ca',
    description: 'the server certificate expired and comes from a CA named like yours but with another key (the CA was regenerated)',
    reference: { sClient: 'verify 20', brokerView: 'ok', mqtt: 'tls-error' },
    expect: CHAIN_AND_DATES,
    code: 'tls.chain/unknown-ca',
    says: /named like yours/,
    build: async (ids) => {
      const rogue = await issue({ commonName: 'LAMPI lab CA', isCa: true });
      return healthy(ids, await serverCert(rogue, expiredDates()));
    },
  },
  {
    name: 'non-ca-intermediate',
    description: 'the server certificate was signed by a certificate that is not a CA (basicConstraints CA:FALSE), sent along',
    reference: { sClient: 'verify 79', brokerView: 'ok', mqtt: 'tls-error' },
    expect: { 'tls.chain': 'fail', ...MQTT_NOT_TRIED, ...WSS_FAILED },
    code: 'tls.chain/invalid-ca',
    says: /not a CA/,
    build: async (ids) => {
      const notCa = await issue({ commonName: 'LAMPI Not A CA', issuer: ids.ca, usage: 'both' });
      const leaf = await serverCert(notCa);
      return { ...(await healthy(ids, leaf)), certfilePem: leaf.certPem + notCa.certPem };
    },
  },
  {
    name: 'server-without-serverauth',
    description: 'the server certificate was signed with the client extension file: extendedKeyUsage clientAuth only',
    reference: { sClient: 'verify 26', brokerView: 'ok', mqtt: 'tls-error' },
    expect: { 'tls.chain': 'fail', ...MQTT_NOT_TRIED, ...WSS_FAILED },
    code: 'tls.chain/server-purpose',
    says: /serverAuth/,
    build: async (ids) => healthy(ids, await serverCert(ids.ca, { usage: 'client' })),
  },
  {
    name: 'sha1-signed',
    description: 'the server certificate (EC P-256) is signed with SHA-1, which OpenSSL 3 refuses at its default security level',
    reference: { sClient: 'verify 68', brokerView: 'ok', mqtt: 'tls-error' },
    expect: { 'tls.chain': 'fail', 'tls.key': 'fail', ...MQTT_NOT_TRIED, ...WSS_FAILED },
    code: 'tls.chain/weak-signature',
    says: /SHA-1/,
    build: async (ids) => ({ ...(await healthy(ids, await serverCert(ids.ca, { hash: 'SHA-1' }))), ciphers: 'DEFAULT:@SECLEVEL=0' }),
  },
  {
    name: 'ca-weak-intermediate-copy',
    description: '--ca holds the root and a copy of the intermediate (same name, same key) re-signed with SHA-1; the broker sends the SHA-256 one. OpenSSL looks in --ca first, verifies through the SHA-1 copy and refuses it at its default security level',
    reference: { sClient: 'verify 68', brokerView: 'ok', mqtt: 'tls-error' },
    expect: { 'tls.chain': 'fail', 'tls.key': 'fail', ...MQTT_NOT_TRIED, ...WSS_FAILED },
    code: 'tls.chain/weak-signature',
    says: /SHA-1/,
    build: async (ids) => {
      const intermediate = await issue({ commonName: 'LAMPI Signing CA', issuer: ids.ca, isCa: true });
      const resigned = await issue({ commonName: 'LAMPI Signing CA', issuer: ids.ca, isCa: true, keys: intermediate.keys, hash: 'SHA-1' });
      const leaf = await serverCert(intermediate);
      return { ...(await healthy(ids, leaf)), certfilePem: leaf.certPem + intermediate.certPem, user: { caPem: ids.ca.certPem + resigned.certPem } };
    },
  },
  {
    name: 'renewed-intermediate',
    description: 'the intermediate CA was renewed (same name, same key) and --ca holds the renewal, but the broker\'s certfile still sends the expired one. OpenSSL looks in --ca first and verifies; a client whose CA file holds only the root (the lamp\'s bridge_cafile) refuses the broker',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered' },
    expect: { 'tls.validity': 'warn', 'bridge.status': 'warn', 'bridge.inbound': 'fail', 'bridge.outbound': 'fail', 'wss.handshake': 'warn' },
    code: 'tls.validity/served-out-of-date',
    says: /expired on .* holds a copy with the same name and key/,
    build: async (ids) => {
      const expired = await issue({ commonName: 'LAMPI Signing CA', issuer: ids.ca, isCa: true, ...expiredDates() });
      const renewed = await issue({ commonName: 'LAMPI Signing CA', issuer: ids.ca, isCa: true, keys: expired.keys });
      const leaf = await serverCert(expired);
      return { ...(await healthy(ids, leaf)), certfilePem: leaf.certPem + expired.certPem, user: { caPem: ids.ca.certPem + renewed.certPem } };
    },
  },
  {
    name: 'ca-expired-intermediate-copy',
    description: '--ca holds the root and an old, expired copy of the intermediate (same name, same key); the broker sends the renewed one. OpenSSL looks in --ca first and verifies through the expired copy: error 10, while the root alone verifies',
    reference: { sClient: 'verify 10', brokerView: 'ok', mqtt: 'tls-error' },
    expect: { 'tls.validity': 'fail', ...MQTT_REFUSED, ...WSS_FAILED },
    code: 'tls.validity/expired',
    says: /\(the copy in --ca .*; the server sends one valid until/,
    build: async (ids) => {
      const old = await issue({ commonName: 'LAMPI Signing CA', issuer: ids.ca, isCa: true, ...expiredDates() });
      const renewed = await issue({ commonName: 'LAMPI Signing CA', issuer: ids.ca, isCa: true, keys: old.keys });
      const leaf = await serverCert(renewed);
      return { ...(await healthy(ids, leaf)), certfilePem: leaf.certPem + renewed.certPem, user: { caPem: ids.ca.certPem + old.certPem } };
    },
  },
  {
    name: 'v1-root',
    description: 'the CA that issued the server certificate is a version 1 certificate with no extensions (`openssl x509 -req -signkey`, as old guides make one): OpenSSL accepts a self-signed v1 certificate as a trust anchor, though not as an intermediate',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered' },
    expect: {},
    build: async (ids) => {
      // One CA for everything, as a class would have it: server, your client, the lamp's bridge.
      const root = await issueV1Root('LAMPI v1 Root');
      return {
        ...(await healthy(ids, await serverCert(root))),
        cafilePem: root.certPem,
        bridgeCaPem: root.certPem,
        bridgeIdentity: await issue({ commonName: `${LAB_DEVICE_ID}_broker`, issuer: root, usage: 'client' }),
        user: { caPem: root.certPem, client: userClient(await clientOf(root)) },
      };
    },
  },
  {
    name: 'server-from-other-ca',
    description: 'the server certificate comes from another CA than the client certificates (a public CA for the server, the private one for clients): the listener\'s cafile names the client CA, while --ca and the lamp\'s bridge_cafile name the server\'s',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered' },
    expect: {},
    build: async (ids) => {
      const serverRoot = await issue({ commonName: 'Public Server Root', isCa: true });
      return { ...(await healthy(ids, await serverCert(serverRoot))), bridgeCaPem: serverRoot.certPem, user: { caPem: serverRoot.certPem } };
    },
  },
  {
    name: 'anonymous-default',
    description: 'seed 001\'s step 2 on Mosquitto 2: no `use_identity_as_username`, no `allow_anonymous` line (default false), an acl_file: every client "not authorised"',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'connack 5' },
    expect: MQTT_REFUSED,
    code: 'mqtt.connect/not-authorised',
    says: /not authorised/,
    build: async (ids) => ({
      ...(await healthy(ids)),
      useIdentityAsUsername: false,
      anonymousUnset: true,
      acl: ['user doctor_client', 'topic readwrite #', ''].join('\n'),
    }),
  },
  {
    name: 'identity-without-require',
    description: '`use_identity_as_username true` without `require_certificate true`: the broker never asks for a certificate, so every client is refused',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'connack 4' },
    expect: { 'tls.client-auth': 'fail', ...MQTT_REFUSED },
    code: 'mqtt.connect/no-certificate-identity',
    says: /no certificate|bad user name/,
    build: async (ids) => ({ ...(await healthy(ids)), requireCertificate: false, identityWithoutRequire: true }),
  },
  {
    name: 'wss-http-404',
    description: 'the websockets port is held by an HTTPS server (a proxy) that answers 404 at /mqtt: it speaks HTTP, so `protocol websockets` is not what is missing',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered' },
    expect: { 'wss.handshake': 'fail', 'wss.connect': 'skip' },
    code: 'wss.handshake/upgrade-refused',
    says: /HTTP 404/,
    build: async (ids) => ({ ...(await healthy(ids)), wss: 'http-404' }),
  },
  {
    name: 'aedes-broker',
    description: 'the TLS port is held by aedes (a non-Mosquitto broker) behind node:tls with client certificates required; the lamp bridges to it',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered' },
    expect: {},
    build: async (ids) => ({ ...(await healthy(ids)), tlsPort: 'nothing', broker: 'aedes' }),
  },
  {
    name: 'aedes-bridge-down',
    description: 'aedes holds the TLS port and the lamp\'s bridge certificate comes from another CA: no bridge state, and no $SYS tree to ask',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered' },
    expect: { 'bridge.status': 'skip', 'bridge.inbound': 'fail', 'bridge.outbound': 'fail' },
    code: 'bridge.status/not-mosquitto',
    says: /no Mosquitto \$SYS tree/,
    build: async (ids) => {
      const other = await otherCa();
      return { ...(await healthy(ids)), tlsPort: 'nothing', broker: 'aedes', bridgeIdentity: await issue({ commonName: `${LAB_DEVICE_ID}_broker`, issuer: other, usage: 'client' }) };
    },
  },
  {
    name: 'crl-not-yet-valid',
    description: 'the listener\'s `crlfile` has its lastUpdate two days ahead (a CA clock ahead): OpenSSL refuses every client certificate (alert 42) though yours verifies',
    reference: { sClient: 'alert 42', brokerView: 'error 11', mqtt: 'closed' },
    expect: { ...CLIENT_REFUSED },
    code: 'tls.handshake/client-certificate-rejected',
    says: /although it chains to --ca here/,
    build: async (ids) => ({
      ...(await healthy(ids)),
      crlPem: await issueCrl({ issuer: ids.ca, thisUpdate: new Date(Date.now() + days(2)), nextUpdate: new Date(Date.now() + days(30)) }),
    }),
  },
  {
    name: 'client-intermediate-not-sent',
    description: 'your client certificate comes from an intermediate CA, and --cert holds the leaf without it; the listener\'s cafile and --ca hold only the root (alert 48)',
    reference: { sClient: 'alert 48', brokerView: 'error 20', mqtt: 'closed' },
    expect: { ...CLIENT_REFUSED, 'tls.client-auth': 'fail' },
    code: 'tls.handshake/client-ca-mismatch',
    says: /an intermediate CA that the client must send/,
    build: async (ids) => {
      const intermediate = await issue({ commonName: 'LAMPI Client CA', issuer: ids.ca, isCa: true });
      return { ...(await healthy(ids)), user: { client: userClient(await clientOf(intermediate)) } };
    },
  },
];

export const SCENARIOS: Scenario[] = [
  {
    name: 'healthy',
    description: 'the seed\'s setup done right: CA-issued server certificate with SAN, client certificates required, TLS 1.2+',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered' },
    expect: {},
    build: (ids) => healthy(ids),
  },
  {
    name: 'wrong-san',
    description: 'the server certificate names another host (wrong.lampi.test)',
    reference: { sClient: 'verify 62', brokerView: 'ok', mqtt: 'delivered' },
    expect: { 'tls.hostname': 'fail', ...MQTT_NOT_TRIED, ...WSS_FAILED },
    says: /not cloud\.lampi\.test/,
    build: async (ids) => healthy(ids, await serverCert(ids.ca, { commonName: 'wrong.lampi.test', dnsNames: ['wrong.lampi.test'], ipAddresses: [] })),
  },
  {
    name: 'cn-only',
    description: 'the server certificate names the host in its CN only, with no subjectAltName (the lab\'s bridge, which dials the IP address, cannot verify it)',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered' },
    expect: { 'tls.hostname': 'warn', 'bridge.status': 'warn', 'bridge.inbound': 'fail', 'bridge.outbound': 'fail', 'wss.handshake': 'warn' },
    says: /only in its CN/,
    code: 'bridge.status/never-connected-certificate',
    build: async (ids) => healthy(ids, await serverCert(ids.ca, { dnsNames: [], ipAddresses: [] })),
  },
  {
    name: 'cn-ip-san-only',
    description: 'the server certificate names the host in its CN, and its subjectAltName lists only the IP address: OpenSSL falls back to the CN (no DNS entry), browsers do not',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered' },
    expect: { 'tls.hostname': 'warn', 'wss.handshake': 'warn' },
    says: /only in its CN; its subjectAltName has no DNS entry/,
    code: 'tls.hostname/cn-without-dns-san',
    build: async (ids) => healthy(ids, await serverCert(ids.ca, { dnsNames: [], ipAddresses: [LAB_PUBLIC_ADDRESS] })),
  },
  {
    name: 'partial-wildcard',
    description: 'the server certificate names the host with a partial wildcard (DNS:cl*.lampi.test), which OpenSSL accepts by default and browsers refuse',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered' },
    expect: { 'tls.hostname': 'warn', 'wss.handshake': 'warn' },
    says: /partial wildcard DNS:cl\*\.lampi\.test/,
    code: 'tls.hostname/partial-wildcard',
    build: async (ids) => healthy(ids, await serverCert(ids.ca, { dnsNames: ['cl*.lampi.test'], ipAddresses: [LAB_PUBLIC_ADDRESS] })),
  },
  {
    name: 'server-key-usage',
    description: 'the server certificate\'s keyUsage is keyCertSign only (a CA\'s usage): OpenSSL\'s sslserver purpose refuses it, and its EC key cannot sign a TLS 1.2 handshake',
    reference: { sClient: 'verify 26', brokerView: 'ok', mqtt: 'tls-error' },
    expect: { 'tls.chain': 'fail', 'tls.version': 'fail', ...MQTT_NOT_TRIED, ...WSS_FAILED },
    says: /keyUsage/,
    code: 'tls.chain/server-key-usage',
    build: async (ids) => healthy(ids, await serverCert(ids.ca, { keyUsage: ['keyCertSign'] })),
  },
  {
    name: 'critical-extension',
    description: 'the server certificate carries a critical extension OpenSSL does not handle (1.2.3.4.5): error 34, which Node reports as UNSPECIFIED',
    reference: { sClient: 'verify 34', brokerView: 'ok', mqtt: 'tls-error' },
    expect: { 'tls.chain': 'fail', ...MQTT_NOT_TRIED, ...WSS_FAILED },
    says: /critical extension/,
    code: 'tls.chain/unhandled-critical-extension',
    build: async (ids) => healthy(ids, await serverCert(ids.ca, { unhandledCriticalOid: '1.2.3.4.5' })),
  },
  {
    name: 'expired',
    description: 'the server certificate expired ten days ago',
    reference: { sClient: 'verify 10', brokerView: 'ok', mqtt: 'tls-error' },
    expect: { 'tls.validity': 'fail', ...MQTT_REFUSED, ...WSS_FAILED },
    says: /expired on/,
    build: async (ids) => healthy(ids, await serverCert(ids.ca, { notBefore: new Date(Date.now() - days(375)), notAfter: new Date(Date.now() - days(10)) })),
  },
  {
    name: 'not-yet-valid',
    description: 'the server certificate only becomes valid in five days (an issuing clock ahead)',
    reference: { sClient: 'verify 9', brokerView: 'ok', mqtt: 'tls-error' },
    expect: { 'tls.validity': 'fail', ...MQTT_REFUSED, ...WSS_FAILED },
    says: /not valid until/,
    build: async (ids) => healthy(ids, await serverCert(ids.ca, { notBefore: new Date(Date.now() + days(5)), notAfter: new Date(Date.now() + days(370)) })),
  },
  {
    name: 'expiring-soon',
    description: 'the server certificate expires in twelve days',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered' },
    expect: { 'tls.validity': 'warn', 'wss.handshake': 'warn' },
    says: /expires on/,
    build: async (ids) => healthy(ids, await serverCert(ids.ca, { notAfter: new Date(Date.now() + days(12) + 3_600_000) })),
  },
  {
    name: 'unknown-ca',
    description: 'the server certificate was issued by another CA, whose root the server sends along',
    reference: { sClient: 'verify 19', brokerView: 'ok', mqtt: 'tls-error' },
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
    reference: { sClient: 'verify 18', brokerView: 'ok', mqtt: 'tls-error' },
    expect: { 'tls.chain': 'fail', ...MQTT_NOT_TRIED, ...WSS_FAILED },
    says: /self-signed/,
    build: async (ids) => healthy(ids, await issue({ commonName: LAB_FQDN, dnsNames: [LAB_FQDN], ipAddresses: [LAB_PUBLIC_ADDRESS], usage: 'server' })),
  },
  {
    name: 'missing-intermediate',
    description: 'the server certificate comes from an intermediate CA, and certfile holds the leaf without it',
    reference: { sClient: 'verify 20', brokerView: 'ok', mqtt: 'tls-error' },
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
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered' },
    expect: { 'tls.client-auth': 'fail' },
    says: /no certificate/,
    build: async (ids) => ({ ...(await healthy(ids)), requireCertificate: false }),
  },
  {
    name: 'client-ca-mismatch',
    description: 'the listener\'s cafile names another CA, so it refuses your client certificate (after a TLS 1.3 handshake)',
    reference: { sClient: 'alert 48', brokerView: 'error 20', mqtt: 'closed' },
    expect: { 'tls.handshake': 'fail', ...MQTT_REFUSED },
    code: 'tls.handshake/broker-lacks-client-issuer',
    says: /no trusted issuer for your client certificate/,
    build: async (ids) => {
      const other = await issue({ commonName: 'Some Other CA', isCa: true, organization: 'Elsewhere' });
      return { ...(await healthy(ids)), cafilePem: other.certPem };
    },
  },
  {
    name: 'weak-key',
    description: 'the server key is RSA 1024 and its certificate is signed with SHA-1',
    reference: { sClient: 'verify 66', brokerView: 'ok', mqtt: 'tls-error' },
    expect: { 'tls.chain': 'fail', 'tls.key': 'fail', ...MQTT_NOT_TRIED, ...WSS_FAILED },
    code: 'tls.chain/weak-signature',
    says: /SHA-1/,
    build: async (ids) => ({
      ...(await healthy(ids, await serverCert(ids.ca, { key: { kind: 'rsa', bits: 1024 }, hash: 'SHA-1' }))),
      ciphers: 'DEFAULT:@SECLEVEL=0',
    }),
  },
  {
    name: 'legacy-tls',
    description: 'the listener still accepts TLS 1.1 (`tls_version tlsv1.1` and a @SECLEVEL=0 cipher list)',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered' },
    expect: { 'tls.version': 'warn' },
    says: /legacy TLS 1\.1/,
    build: async (ids) => ({ ...(await healthy(ids)), tlsVersion: 'tlsv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' }),
  },
  {
    name: 'tls13-only',
    description: 'the listener requires TLS 1.3, which TLS-1.2-only clients cannot speak (Mosquitto 1.x bridges pinned by `bridge_tls_version tlsv1.2`, many devices)',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered' },
    expect: { 'tls.version': 'fail' },
    says: /refuses TLS 1\.2/,
    build: async (ids) => ({ ...(await healthy(ids)), tlsVersion: 'tlsv1.3' }),
  },
  {
    name: 'plain-on-tls-port',
    description: 'the TLS port speaks plain MQTT: the listener lost its cafile/certfile/keyfile lines',
    reference: { sClient: 'no-tls', brokerView: 'ok', mqtt: 'tls-error' },
    expect: { 'tls.handshake': 'fail', ...NOTHING_AFTER_TCP },
    says: /speaks plain MQTT/,
    build: async (ids) => ({ ...(await healthy(ids)), tlsPort: 'plain-mqtt' }),
  },
  {
    name: 'silent-peer',
    description: 'something accepts TCP on the TLS port and never answers',
    reference: { sClient: 'no-tls', brokerView: 'ok', mqtt: 'closed' },
    expect: { 'tls.handshake': 'fail', ...NOTHING_AFTER_TCP },
    says: /never answered/,
    build: async (ids) => ({ ...(await healthy(ids)), tlsPort: 'silent-peer' }),
  },
  {
    name: 'closing-peer',
    description: 'something accepts TCP on the TLS port and hangs up at once',
    reference: { sClient: 'no-tls', brokerView: 'ok', mqtt: 'tls-error' },
    expect: { 'tls.handshake': 'fail', ...NOTHING_AFTER_TCP },
    says: /closed the connection/,
    build: async (ids) => ({ ...(await healthy(ids)), tlsPort: 'closing-peer' }),
  },
  {
    name: 'no-listener',
    description: 'nothing listens on the TLS port (the listener line is missing)',
    reference: { sClient: 'no-tls', brokerView: 'ok', mqtt: 'no-connection' },
    expect: { 'tcp.connect': 'fail', 'tls.handshake': 'skip', ...NOTHING_AFTER_TCP },
    says: /refused the connection/,
    build: async (ids) => ({ ...(await healthy(ids)), tlsPort: 'nothing' }),
  },
  {
    name: 'identity-not-username',
    description: 'the TLS listener lacks `use_identity_as_username true`, so a certificate alone is no login under allow_anonymous false',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'connack 5' },
    expect: MQTT_REFUSED,
    says: /not authorised/,
    build: async (ids) => ({ ...(await healthy(ids)), useIdentityAsUsername: false }),
  },
  {
    name: 'acl-denies-client',
    description: 'an acl_file lets your certificate\'s user read but not publish, so the broker drops its messages silently',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'not-delivered' },
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
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered' },
    expect: { 'bridge.inbound': 'skip', 'bridge.outbound': 'skip' },
    says: /does not carry the diagnostic mapping/,
    build: async (ids) => ({ ...(await healthy(ids)), probeMapping: false }),
  },
  {
    name: 'wrong-prefix',
    description: 'the lamp\'s bridge maps its topics under devices/0000deadbeef/, not the lamp\'s id',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered' },
    expect: { 'bridge.status': 'fail', 'bridge.inbound': 'fail', 'bridge.outbound': 'fail' },
    says: /another prefix/,
    build: async (ids) => ({ ...(await healthy(ids)), lampDeviceId: '0000deadbeef' }),
  },
  {
    name: 'bridge-cert-wrong',
    description: 'the lamp\'s bridge certificate comes from another CA, so its bridge never connects',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered' },
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
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered' },
    expect: { 'bridge.status': 'warn', 'bridge.inbound': 'fail', 'bridge.outbound': 'fail' },
    says: /unknown: no retained bridge state/,
    build: async (ids) => ({ ...(await healthy(ids)), bridgeKeyPem: (await issue({ commonName: 'someone-else', issuer: ids.ca, usage: 'client' })).keyPem }),
  },
  {
    name: 'no-wss',
    description: 'the cloud has no websockets listener',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered' },
    expect: { 'wss.handshake': 'fail', 'wss.connect': 'skip' },
    says: /nothing listens on websockets port/,
    build: async (ids) => ({ ...(await healthy(ids)), wss: 'none' }),
  },
  {
    name: 'wss-other-cert',
    description: 'the websockets listener serves a different certificate than the MQTT port',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered' },
    expect: { 'wss.handshake': 'warn' },
    says: /different certificate/,
    build: async (ids) => ({ ...(await healthy(ids)), wss: 'other-cert', wssIdentity: await serverCert(ids.ca) }),
  },
  {
    name: 'plain-exposed',
    description: 'plain MQTT listens on the public address with anonymous access',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered' },
    expect: { 'plain.exposure': 'fail' },
    says: /accepts anonymous plain-text MQTT from outside/,
    build: async (ids) => ({ ...(await healthy(ids)), plainBind: LAB_PUBLIC_ADDRESS }),
  },
  ...ORACLE_SCENARIOS,
  {
    name: 'wss-ignores-tls-options',
    description: 'both listeners say `tls_version tlsv1.3`; Mosquitto 2.0\'s websockets listener ignores it (as its crlfile and capath) and still accepts TLS 1.2, so wss verdicts do not inherit tls.version\'s',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered', wssTls12: 'ok' },
    expect: { 'tls.version': 'fail' },
    says: /refuses TLS 1\.2/,
    code: 'tls.version/tls12-refused',
    // The lab's websockets listener repeats the TLS listener's lines, tls_version included, as the seed's port.conf does.
    build: async (ids) => ({ ...(await healthy(ids)), tlsVersion: 'tlsv1.3' }),
  },
  {
    name: 'crl-bad-signature',
    description: 'the listener\'s `crlfile` names its CA but another key signed it (a root regenerated under the same name): OpenSSL refuses every client certificate with alert 51 after choosing the TLS version, so tls.version still passes',
    reference: { sClient: 'alert 51', brokerView: 'error 8', mqtt: 'closed' },
    expect: { ...CLIENT_REFUSED },
    build: async (ids) => ({ ...(await healthy(ids)), crlPem: await issueCrl({ issuer: ids.ca, signer: await otherCa() }) }),
  },
  {
    name: 'tls12-no-shared-cipher',
    description: 'the listener\'s `ciphers` line allows only a TLS 1.2 suite standard clients do not offer: TLS 1.2 ends in alert 40 before the server\'s hello, TLS 1.3 works',
    reference: { sClient: 'ok', brokerView: 'ok', mqtt: 'delivered' },
    expect: { 'tls.version': 'fail' },
    code: 'tls.version/tls12-no-shared-cipher',
    says: /before choosing a cipher/,
    build: async (ids) => ({ ...(await healthy(ids)), ciphers: 'ECDHE-ECDSA-CAMELLIA256-SHA384' }),
  },
];

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.name === name);
}

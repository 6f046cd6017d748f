// Hand-written facts of a healthy setup, for checks tested without any network.
import type { BridgeFlowFacts, ChainEntry, DiagnosisFacts, DiagnosisSettings, MqttConnectFacts } from '../../src/facts.js';

export const NOW = new Date('2026-06-01T12:00:00Z');

export function cert(overrides: Partial<ChainEntry> = {}): ChainEntry {
  return {
    depth: 0,
    inCaFile: false,
    subject: 'CN=cloud.example.com, O=LAMPI',
    issuer: 'CN=LAMPI CA, O=LAMPI',
    commonName: 'cloud.example.com',
    notBefore: '2026-01-01T00:00:00.000Z',
    notAfter: '2027-01-01T00:00:00.000Z',
    dnsNames: ['cloud.example.com'],
    ipAddresses: [],
    publicKey: { algorithm: 'RSA', bits: 2048 },
    signature: { algorithm: 'sha256WithRSAEncryption', hash: 'SHA-256' },
    isCa: false,
    selfIssued: false,
    extendedKeyUsage: ['serverAuth'],
    fingerprint256: 'AA:BB',
    ...overrides,
  };
}

export const caCert = (overrides: Partial<ChainEntry> = {}): ChainEntry =>
  cert({
    depth: 1,
    inCaFile: true,
    subject: 'CN=LAMPI CA, O=LAMPI',
    issuer: 'CN=LAMPI CA, O=LAMPI',
    commonName: 'LAMPI CA',
    dnsNames: [],
    notAfter: '2036-01-01T00:00:00.000Z',
    isCa: true,
    selfIssued: true,
    extendedKeyUsage: [],
    fingerprint256: 'CC:DD',
    ...overrides,
  });

export function connected(overrides: Partial<MqttConnectFacts> = {}): MqttConnectFacts {
  return { outcome: 'connected', clientId: 'lampi-doctor-0123456789ab', protocolVersion: 4, returnCode: 0, elapsedMs: 12, transcript: [], ...overrides };
}

export function flow(direction: 'inbound' | 'outbound', overrides: Partial<BridgeFlowFacts> = {}): BridgeFlowFacts {
  const local = `lampi-doctor/abcd/${direction === 'inbound' ? 'in' : 'out'}`;
  const remote = `devices/b827eb74663e/${local}`;
  return {
    direction,
    configured: true,
    from: direction === 'inbound' ? `cloud ${remote}` : `lamp ${local}`,
    to: direction === 'inbound' ? `lamp ${local}` : `cloud ${remote}`,
    samplesMs: [12, 10, 11, 10, 13, 10, 11, 12, 10, 30],
    sent: 10,
    lost: 0,
    mappingLine: 'topic lampi-doctor/# both 1 "" devices/b827eb74663e/',
    transcript: [],
    ...overrides,
  };
}

export function healthyFacts(): DiagnosisFacts {
  return {
    resolution: { host: 'cloud.example.com', isIpLiteral: false, source: 'dns', addresses: ['203.0.113.7'], elapsedMs: 3 },
    literalTarget: { coveredBySan: null, certificateNames: [] },
    tcp: { address: '203.0.113.7', port: 8883, outcome: 'connected', elapsedMs: 2 },
    handshake: {
      address: '203.0.113.7',
      port: 8883,
      clientCertificateSent: true,
      outcome: 'accepted',
      handshakeCompleted: true,
      protocol: 'TLSv1.3',
      cipher: 'TLS_AES_256_GCM_SHA384',
      elapsedMs: 9,
    },
    serverChain: {
      available: true,
      certificates: [cert(), caCert()],
      trustStore: 'ca-file',
      caFile: { path: 'lampi_ca.crt', certificates: [caCert()] },
    },
    protocolSupport: {
      tested: true,
      negotiated: 'TLSv1.3',
      versions: [
        { version: 'TLSv1', result: 'refused', outcome: 'alert', handshakeCompleted: false, alert: 'tlsv1 alert protocol version' },
        { version: 'TLSv1.1', result: 'refused', outcome: 'alert', handshakeCompleted: false, alert: 'tlsv1 alert protocol version' },
        { version: 'TLSv1.2', result: 'accepted', outcome: 'accepted', handshakeCompleted: true, cipher: 'TLS_AES_256_GCM_SHA384' },
        { version: 'TLSv1.3', result: 'accepted', outcome: 'accepted', handshakeCompleted: true, cipher: 'TLS_AES_256_GCM_SHA384' },
      ],
    },
    clientAuth: {
      tested: true,
      withoutCertificate: { accepted: false, outcome: 'alert', alert: 'tlsv13 alert certificate required' },
      withUntrustedCertificate: { accepted: false, outcome: 'alert', alert: 'tlsv1 alert unknown ca' },
    },
    mqttConnect: connected(),
    roundtrip: {
      connect: connected(),
      topic: 'lampi-doctor/roundtrip/lampi-doctor-0123456789ab',
      qos: 1,
      granted: 1,
      samplesMs: [3, 1, 2, 2, 4, 2, 2, 3, 2, 9],
      sent: 10,
      lost: 0,
      acknowledgedButLost: false,
      transcript: [],
    },
    bridgeState: {
      configured: true,
      deviceId: 'b827eb74663e',
      bridgeClientId: 'b827eb74663e_broker',
      expectedFilter: 'devices/b827eb74663e/lamp/connection/+/state',
      states: [
        { topic: 'devices/b827eb74663e/lamp/connection/b827eb74663e_broker/state', value: '1' },
        { topic: 'lamp/connection/b827eb74663e_broker/state', value: '1' },
      ],
      transcript: [],
    },
    bridgeInbound: flow('inbound'),
    bridgeOutbound: flow('outbound'),
    wss: {
      port: 50002,
      tcp: { address: '203.0.113.7', port: 50002, outcome: 'connected', elapsedMs: 2 },
      chain: {
        available: true,
        certificates: [cert(), caCert()],
        trustStore: 'ca-file',
        caFile: { path: 'lampi_ca.crt', certificates: [caCert()] },
      },
      mqttLeafFingerprint: 'AA:BB',
      handshakeOutcome: 'accepted',
      handshakeDetail: 'TLSv1.3',
      upgradeStatus: 101,
      upgrade: { outcome: 'switched', subprotocol: 'mqtt' },
    },
    wssConnect: { tried: true, connect: connected() },
    plainExposure: {
      address: '203.0.113.7',
      port: 1883,
      indistinguishable: false,
      tcp: { address: '203.0.113.7', port: 1883, outcome: 'refused', elapsedMs: 1 },
    },
    clientCertificate: {
      given: true,
      path: 'client.crt',
      intermediates: 0,
      certificate: cert({ subject: 'CN=b827eb74663e_broker, O=LAMPI', commonName: 'b827eb74663e_broker', dnsNames: [], extendedKeyUsage: ['clientAuth'] }),
      chain: { verified: true, path: ['CN=b827eb74663e_broker, O=LAMPI', 'CN=LAMPI CA, O=LAMPI'] },
    },
  };
}

export const settings: DiagnosisSettings = {
  host: 'cloud.example.com',
  port: 8883,
  now: NOW,
  expiryWarnDays: 30,
  timeoutMs: 3000,
  caPath: 'lampi_ca.crt',
  certPath: 'client.crt',
  samples: 10,
  qos: 1,
  wssPort: 50002,
  plainPort: 1883,
  hasLocal: true,
};

/** Healthy facts with one change: what most check tests start from. */
export function withFacts(patch: (facts: DiagnosisFacts) => void): DiagnosisFacts {
  const facts = healthyFacts();
  patch(facts);
  return facts;
}

/** The facts of a run without --local: the bridge flows were not tested, so only the retained state speaks. */
export function withoutLocal<F extends Pick<DiagnosisFacts, 'bridgeInbound' | 'bridgeOutbound'>>(facts: F): F {
  for (const direction of ['inbound', 'outbound'] as const) {
    const key = direction === 'inbound' ? 'bridgeInbound' : 'bridgeOutbound';
    facts[key] = flow(direction, { configured: false, missing: 'local', from: undefined, to: undefined, samplesMs: [], sent: 0 });
  }
  return facts;
}

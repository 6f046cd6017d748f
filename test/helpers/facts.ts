// Hand-written facts of a healthy setup, for checks tested without any network.
import type { ChainEntry, DiagnosisFacts, DiagnosisSettings } from '../../src/facts.js';

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
        { version: 'TLSv1', result: 'refused', detail: 'tlsv1 alert protocol version' },
        { version: 'TLSv1.1', result: 'refused', detail: 'tlsv1 alert protocol version' },
        { version: 'TLSv1.2', result: 'accepted', detail: 'handshake completed' },
        { version: 'TLSv1.3', result: 'accepted', detail: 'handshake completed' },
      ],
    },
    clientAuth: {
      tested: true,
      withoutCertificate: { accepted: false, outcome: 'alert', detail: 'refused: tlsv13 alert certificate required' },
      withUntrustedCertificate: { accepted: false, outcome: 'alert', detail: 'refused: tlsv1 alert unknown ca' },
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
};

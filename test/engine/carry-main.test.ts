// When the main handshake's connection may carry mqtt.connect's session: only when an ordinary client
// would have made that very connection (src/probes/carry-main.ts). Certificates generated here.
import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { issue, type Issued } from '../../src/lab/pki.js';
import { ordinaryClientWouldConnect } from '../../src/probes/carry-main.js';

const x509 = (issued: Issued) => new X509Certificate(issued.certPem);

describe('ordinaryClientWouldConnect', () => {
  let ca: Issued;
  let server: Issued;
  let client: Issued;
  beforeAll(async () => {
    ca = await issue({ commonName: 'CA', isCa: true });
    server = await issue({ commonName: 'cloud.example.com', issuer: ca, dnsNames: ['cloud.example.com'] });
    client = await issue({ commonName: 'client', issuer: ca, usage: 'client' });
  });
  const connection = (extra: Partial<Parameters<typeof ordinaryClientWouldConnect>[0]> = {}) => ({
    protocol: 'TLSv1.3',
    verified: true,
    peerChain: [x509(server), x509(ca)],
    ...extra,
  });
  const trust = (extra: Parameters<typeof ordinaryClientWouldConnect>[1] = {}) => ({ caFile: [x509(ca)], ...extra });

  it('carries a verified TLS 1.3 connection whose certificates are all strong', async () => {
    expect(ordinaryClientWouldConnect(connection(), trust({ ours: [x509(client)] }))).toBe(true);
    expect(ordinaryClientWouldConnect(connection(), trust())).toBe(true);
    const strongRsa = await issue({ commonName: 'cloud.example.com', issuer: ca, key: { kind: 'rsa', bits: 2048 } });
    expect(ordinaryClientWouldConnect(connection({ peerChain: [x509(strongRsa), x509(ca)] }), trust())).toBe(true);
  });

  it('does not carry TLS 1.2 or older, an unverified chain or name, or a connection without a chain', () => {
    expect(ordinaryClientWouldConnect(connection({ protocol: 'TLSv1.2' }), trust())).toBe(false);
    expect(ordinaryClientWouldConnect(connection({ protocol: undefined }), trust())).toBe(false);
    expect(ordinaryClientWouldConnect(connection({ verified: false }), trust())).toBe(false);
    expect(ordinaryClientWouldConnect(connection({ peerChain: [] }), trust())).toBe(false);
    expect(ordinaryClientWouldConnect(connection({ peerChain: undefined }), trust())).toBe(false);
  });

  it('does not carry without --ca: the system store is not ours to vet', () => {
    expect(ordinaryClientWouldConnect(connection(), {})).toBe(false);
    expect(ordinaryClientWouldConnect(connection(), { caFile: [] })).toBe(false);
  });

  it('does not carry a chain with a key or signature an OpenSSL security level could refuse', async () => {
    const rsa1024 = await issue({ commonName: 'cloud.example.com', issuer: ca, key: { kind: 'rsa', bits: 1024 } });
    const sha1 = await issue({ commonName: 'cloud.example.com', issuer: await issue({ commonName: 'Old CA', isCa: true, hash: 'SHA-1' }), hash: 'SHA-1' });
    expect(ordinaryClientWouldConnect(connection({ peerChain: [x509(rsa1024), x509(ca)] }), trust())).toBe(false);
    expect(ordinaryClientWouldConnect(connection({ peerChain: [x509(sha1)] }), trust())).toBe(false);
  });

  it('does not carry when --ca holds a weak certificate OpenSSL may verify through, though the chain as read is strong', async () => {
    const strongIntermediate = await issue({ commonName: 'Intermediate', issuer: ca, isCa: true });
    const resignedWithSha1 = await issue({ commonName: 'Intermediate', issuer: ca, isCa: true, keys: strongIntermediate.keys, hash: 'SHA-1' });
    const leaf = await issue({ commonName: 'cloud.example.com', issuer: strongIntermediate, dnsNames: ['cloud.example.com'] });
    const read = connection({ peerChain: [x509(leaf), x509(strongIntermediate), x509(ca)] });
    expect(ordinaryClientWouldConnect(read, trust({ caFile: [x509(ca), x509(strongIntermediate)] }))).toBe(true);
    expect(ordinaryClientWouldConnect(read, trust({ caFile: [x509(ca), x509(resignedWithSha1)] }))).toBe(false);
  });

  it('does not carry a chain as read with a certificate out of its dates (OpenSSL may have taken another copy)', async () => {
    const expired = await issue({ commonName: 'cloud.example.com', issuer: ca, notBefore: new Date(Date.now() - 10 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
    expect(ordinaryClientWouldConnect(connection({ peerChain: [x509(expired), x509(ca)] }), trust())).toBe(false);
    expect(ordinaryClientWouldConnect(connection(), trust({ now: new Date(Date.now() + 400 * 86_400_000) }))).toBe(false);
  });

  it('does not carry when our own certificate is weak (an ordinary client could not even load it)', async () => {
    const weakClient = await issue({ commonName: 'client', issuer: ca, usage: 'client', key: { kind: 'rsa', bits: 1024 } });
    expect(ordinaryClientWouldConnect(connection(), trust({ ours: [x509(weakClient)] }))).toBe(false);
    expect(ordinaryClientWouldConnect(connection(), trust({ ours: [x509(client), x509(weakClient)] }))).toBe(false);
  });
});

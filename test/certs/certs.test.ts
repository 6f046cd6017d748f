import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildLocalChain, preferTrusted } from '../../src/certs/chain.js';
import { verifiedChainEntries } from '../../src/certs/chain-entries.js';
import { describeCertificate } from '../../src/certs/describe.js';
import { dnsNameMatches } from '../../src/certs/names.js';
import { keyMatchesCertificate } from '../../src/certs/pem.js';
import { issue, issueV1Root } from '../../src/lab/pki.js';
import { createPrivateKey } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const x509 = (pem: string) => new X509Certificate(pem);

/** A self-signed certificate made by the openssl command itself with these extension lines (the certificate library writes none without basicConstraints). */
function opensslSelfSigned(keyPem: string, commonName: string, extensions: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'lampi-openssl-'));
  try {
    writeFileSync(join(dir, 'k.pem'), keyPem, { mode: 0o600 });
    writeFileSync(join(dir, 'x.ext'), `${extensions}\n`);
    const request = execFileSync('openssl', ['req', '-new', '-key', join(dir, 'k.pem'), '-subj', `/CN=${commonName}`]);
    return execFileSync('openssl', ['x509', '-req', '-signkey', join(dir, 'k.pem'), '-days', '30', '-extfile', join(dir, 'x.ext')], { input: request }).toString();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('describeCertificate on generated certificates', () => {
  it('reads names, usages, key and signature', async () => {
    const ca = await issue({ commonName: 'Test CA', isCa: true });
    const leaf = await issue({ commonName: 'cloud.example.com', issuer: ca, dnsNames: ['cloud.example.com'], ipAddresses: ['203.0.113.7'] });
    const info = describeCertificate(x509(leaf.certPem));
    expect(info).toMatchObject({
      subject: 'CN=cloud.example.com, O=LAMPI lab',
      issuer: 'CN=Test CA, O=LAMPI lab',
      commonName: 'cloud.example.com',
      dnsNames: ['cloud.example.com'],
      ipAddresses: ['203.0.113.7'],
      publicKey: { algorithm: 'EC', bits: 256, curve: 'P-256' },
      signature: { algorithm: 'ecdsa-with-SHA256', hash: 'SHA-256' },
      isCa: false,
      selfIssued: false,
      extendedKeyUsage: ['serverAuth'],
    });
    expect(describeCertificate(x509(ca.certPem))).toMatchObject({ isCa: true, selfIssued: true });
  });

  it('describes a certificate object once: each caller gets its own record, the shared lists cannot be changed', async () => {
    const leaf = await issue({ commonName: 'cloud.example.com', dnsNames: ['cloud.example.com'] });
    const cert = x509(leaf.certPem);
    const first = describeCertificate(cert) as { dnsNames: string[]; depth?: number };
    const second = describeCertificate(cert) as { dnsNames: string[]; depth?: number };
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
    first.depth = 0;
    expect(describeCertificate(cert)).not.toHaveProperty('depth');
    expect(() => first.dnsNames.push('other.example.com')).toThrow(TypeError);
    expect(describeCertificate(cert).dnsNames).toEqual(['cloud.example.com']);
  });

  it('tells the CAs OpenSSL takes only as a trust anchor: a self-signed v1 root, a keyUsage-only one', async () => {
    const v1 = await issueV1Root('Old Root');
    expect(describeCertificate(x509(v1.certPem))).toMatchObject({ isCa: false, anchorOnlyCa: 'v1-root', selfIssued: true });
    const ca = await issue({ commonName: 'Root', isCa: true });
    expect(describeCertificate(x509(ca.certPem)).anchorOnlyCa).toBeUndefined();
    // basicConstraints CA:FALSE says no, whatever else the certificate carries.
    expect(describeCertificate(x509((await issue({ commonName: 'leaf', issuer: ca, keyUsage: ['keyCertSign'] })).certPem)).anchorOnlyCa).toBeUndefined();
    // No basicConstraints, keyUsage keyCertSign: what `openssl x509 -req -extfile` makes from a keyUsage-only file.
    expect(describeCertificate(x509(opensslSelfSigned(v1.keyPem, 'KU Root', 'keyUsage=critical,keyCertSign,cRLSign')))).toMatchObject({ isCa: false, anchorOnlyCa: 'key-usage-only' });
    // keyUsage without keyCertSign: no CA at all.
    expect(describeCertificate(x509(opensslSelfSigned(v1.keyPem, 'Signing', 'keyUsage=critical,digitalSignature'))).anchorOnlyCa).toBeUndefined();
  });

  it('reads a CA\'s name constraints as OpenSSL prints them', async () => {
    const v1 = await issueV1Root('NC Root');
    const pem = opensslSelfSigned(v1.keyPem, 'NC Root', 'basicConstraints=critical,CA:TRUE\nnameConstraints=critical,permitted;DNS:.example.com,permitted;IP:10.0.0.0/255.0.0.0,excluded;DNS:bad.example.com');
    expect(describeCertificate(x509(pem)).nameConstraints).toEqual({ permitted: ['DNS:.example.com', 'IP:10.0.0.0/255.0.0.0'], excluded: ['DNS:bad.example.com'] });
    expect(describeCertificate(x509(v1.certPem)).nameConstraints).toBeUndefined();
  });

  it('sees an RSA 1024 key signed with SHA-1', async () => {
    const weak = await issue({ commonName: 'weak', key: { kind: 'rsa', bits: 1024 }, hash: 'SHA-1', usage: 'client' });
    expect(describeCertificate(x509(weak.certPem))).toMatchObject({
      publicKey: { algorithm: 'RSA', bits: 1024 },
      signature: { algorithm: 'sha1WithRSAEncryption', hash: 'SHA-1' },
      extendedKeyUsage: ['clientAuth'],
    });
  });
});

describe('local chain building', () => {
  it('follows intermediates to the CA, and tells a missing issuer from a regenerated CA', async () => {
    const ca = await issue({ commonName: 'Root', isCa: true });
    const intermediate = await issue({ commonName: 'Intermediate', issuer: ca, isCa: true });
    const leaf = await issue({ commonName: 'client', issuer: intermediate, usage: 'client' });
    const regenerated = await issue({ commonName: 'Root', isCa: true });

    const ok = buildLocalChain(x509(leaf.certPem), [x509(intermediate.certPem)], [x509(ca.certPem)]);
    expect(ok.ok).toBe(true);
    expect(ok.path.map((c) => describeCertificate(c).commonName)).toEqual(['client', 'Intermediate', 'Root']);
    expect(buildLocalChain(x509(leaf.certPem), [], [x509(ca.certPem)])).toMatchObject({ ok: false, problem: 'no-issuer' });
    const direct = await issue({ commonName: 'direct', issuer: ca, usage: 'client' });
    expect(buildLocalChain(x509(direct.certPem), [], [x509(regenerated.certPem)])).toMatchObject({ ok: false, problem: 'bad-signature' });
  });

  it('shows the chain as OpenSSL verifies it: --ca\'s copy of an intermediate (same name, issuer and key) stands in for the one sent', async () => {
    const ca = await issue({ commonName: 'Root', isCa: true });
    const sent = await issue({ commonName: 'Intermediate', issuer: ca, isCa: true, notAfter: new Date(Date.now() + 86_400_000) });
    const renewed = await issue({ commonName: 'Intermediate', issuer: ca, isCa: true, keys: sent.keys });
    const otherKey = await issue({ commonName: 'Intermediate', issuer: ca, isCa: true });
    const leaf = x509((await issue({ commonName: 'cloud.example.com', issuer: sent })).certPem);
    const read = [leaf, x509(sent.certPem), x509(ca.certPem)];
    const swapped = preferTrusted(read, [x509(ca.certPem), x509(renewed.certPem)]);
    expect(swapped.replaced).toEqual([1]);
    expect(swapped.chain.map((c) => c.fingerprint256)).toEqual([read[0].fingerprint256, x509(renewed.certPem).fingerprint256, read[2].fingerprint256]);
    // The very certificate sent, or a same-name CA whose key did not sign the leaf: nothing changes.
    expect(preferTrusted(read, [x509(ca.certPem), x509(sent.certPem)]).replaced).toEqual([]);
    expect(preferTrusted(read, [x509(ca.certPem), x509(otherKey.certPem)]).replaced).toEqual([]);
  });

  it('among several copies in --ca takes one within its dates, else the one that expired last, as OpenSSL\'s issuer lookup does', async () => {
    const ca = await issue({ commonName: 'Root', isCa: true });
    const day = 86_400_000;
    const sent = await issue({ commonName: 'Intermediate', issuer: ca, isCa: true });
    const older = await issue({ commonName: 'Intermediate', issuer: ca, isCa: true, keys: sent.keys, notBefore: new Date(Date.now() - 400 * day), notAfter: new Date(Date.now() - 30 * day) });
    const old = await issue({ commonName: 'Intermediate', issuer: ca, isCa: true, keys: sent.keys, notBefore: new Date(Date.now() - 300 * day), notAfter: new Date(Date.now() - 5 * day) });
    const current = await issue({ commonName: 'Intermediate', issuer: ca, isCa: true, keys: sent.keys, notAfter: new Date(Date.now() + 100 * day) });
    const read = [x509((await issue({ commonName: 'cloud.example.com', issuer: sent })).certPem), x509(sent.certPem)];
    const chosen = (trusted: string[]) => preferTrusted(read, [x509(ca.certPem), ...trusted.map(x509)]).chain[1].fingerprint256;
    expect(chosen([older.certPem, current.certPem, old.certPem])).toBe(x509(current.certPem).fingerprint256);
    expect(chosen([older.certPem, old.certPem])).toBe(x509(old.certPem).fingerprint256);
    expect(chosen([old.certPem, older.certPem])).toBe(x509(old.certPem).fingerprint256);
  });

  it('keeps the served certificate\'s fingerprint and dates in the chain facts where --ca\'s copy stands in for it', async () => {
    const ca = await issue({ commonName: 'Root', isCa: true });
    const expired = await issue({ commonName: 'Intermediate', issuer: ca, isCa: true, notBefore: new Date('2025-01-01T00:00:00Z'), notAfter: new Date('2025-12-01T00:00:00Z') });
    const renewed = await issue({ commonName: 'Intermediate', issuer: ca, isCa: true, keys: expired.keys });
    const leaf = x509((await issue({ commonName: 'cloud.example.com', issuer: expired })).certPem);
    const served = [leaf, x509(expired.certPem)];
    const entries = verifiedChainEntries(served, [x509(ca.certPem), x509(renewed.certPem)]);
    expect(entries.map((entry) => [entry.depth, entry.inCaFile, entry.servedInstead])).toEqual([
      [0, false, undefined],
      [1, true, served[1].fingerprint256],
    ]);
    expect(entries[1].notAfter).toBe(describeCertificate(x509(renewed.certPem)).notAfter);
    expect(entries[1].servedDates).toEqual({ notBefore: '2025-01-01T00:00:00.000Z', notAfter: '2025-12-01T00:00:00.000Z' });
    // Without --ca (system roots) the chain is the one served.
    expect(verifiedChainEntries(served).map((entry) => [entry.fingerprint256, entry.servedDates])).toEqual([
      [leaf.fingerprint256, undefined],
      [served[1].fingerprint256, undefined],
    ]);
  });

  it('gives the same answers when the same certificate objects are walked again (verdicts are kept per pair)', async () => {
    const ca = await issue({ commonName: 'Root', isCa: true });
    const regenerated = await issue({ commonName: 'Root', isCa: true });
    const leaf = x509((await issue({ commonName: 'client', issuer: ca, usage: 'client' })).certPem);
    const [real, impostor] = [x509(ca.certPem), x509(regenerated.certPem)];
    for (let round = 0; round < 2; round += 1) {
      expect(buildLocalChain(leaf, [], [impostor])).toMatchObject({ ok: false, problem: 'bad-signature' });
      expect(buildLocalChain(leaf, [], [real]).ok).toBe(true);
    }
  });

  it('matches a key to its own certificate only', async () => {
    const a = await issue({ commonName: 'a', usage: 'client' });
    const b = await issue({ commonName: 'b', usage: 'client' });
    expect(keyMatchesCertificate(createPrivateKey(a.keyPem), x509(a.certPem))).toBe(true);
    expect(keyMatchesCertificate(createPrivateKey(a.keyPem), x509(b.certPem))).toBe(false);
    const rsa = await issue({ commonName: 'rsa', key: { kind: 'rsa', bits: 2048 }, usage: 'client' });
    expect(keyMatchesCertificate(createPrivateKey(rsa.keyPem), x509(rsa.certPem))).toBe(true);
    expect(keyMatchesCertificate(createPrivateKey(rsa.keyPem), x509(a.certPem))).toBe(false);
    expect(keyMatchesCertificate(createPrivateKey(a.keyPem), x509(rsa.certPem))).toBe(false);
  });
});

describe('host name matching', () => {
  it.each([
    ['cloud.example.com', 'CLOUD.example.com.', true],
    ['*.example.com', 'cloud.example.com', true],
    ['*.example.com', 'a.b.example.com', false],
    ['*.example.com', 'example.com', false],
    ['other.example.com', 'cloud.example.com', false],
    // OpenSSL's X509_check_host default flags (s_client -verify_hostname, Mosquitto): partial wildcards match.
    ['cl*.review.test', 'cloud.review.test', true],
    ['*oud.review.test', 'cloud.review.test', true],
    ['cl*.review.test', 'other.review.test', false],
    ['c*d.review.test', 'cloud.review.test', false],
    ['*.test', 'review.test', false],
    ['a.*.review.test', 'a.b.review.test', false],
  ])('%s vs %s -> %s', (pattern, host, expected) => {
    expect(dnsNameMatches(pattern, host)).toBe(expected);
  });
});

// tls.version and tls.key from hand-written facts: each version's answer in words, the EC keyUsage
// that rules out TLS 1.2, what tls_version means on the broker's Mosquitto; key sizes and signatures.
import { describe, expect, it } from 'vitest';
import { tlsKey } from '../../checks/tls-key.js';
import { tlsVersion } from '../../checks/tls-version.js';
import { parseMosquittoVersion } from '../../src/config/mosquitto-versions.js';
import type { ChainEntry, DiagnosisFacts, VersionProbe } from '../../src/facts.js';
import { caCert, cert, settings, withFacts } from '../helpers/facts.js';

const version = (patch: (f: DiagnosisFacts) => void, mosquitto?: string) =>
  tlsVersion.run(withFacts(patch), { ...settings, mosquitto: mosquitto ? parseMosquittoVersion(mosquitto) : undefined });
const refuse12 = (f: DiagnosisFacts) => (f.protocolSupport.versions[2] = { version: 'TLSv1.2', result: 'refused', outcome: 'alert', handshakeCompleted: false, alert: 'sslv3 alert handshake failure' });
const ecLeaf = (keyUsage?: string[]) => (f: DiagnosisFacts) => (f.serverChain.certificates[0] = cert({ publicKey: { algorithm: 'EC', bits: 256, curve: 'prime256v1' }, keyUsage }));

describe('tls.version', () => {
  it('words each version\'s answer in the evidence', () => {
    const probes: VersionProbe[] = [
      { version: 'TLSv1', result: 'refused', outcome: 'unsupported', handshakeCompleted: false },
      { version: 'TLSv1.1', result: 'refused', outcome: 'closed', handshakeCompleted: false, message: 'socket hang up' },
      { version: 'TLSv1.2', result: 'accepted', outcome: 'alert', handshakeCompleted: false, alert: 'certificate required' },
      { version: 'TLSv1.3', result: 'untested', outcome: 'timeout', handshakeCompleted: false },
    ];
    const out = version((f) => (f.protocolSupport.versions = probes));
    expect(out.evidence?.versions).toEqual([
      { version: 'TLSv1', result: 'refused', detail: "this machine's TLS library cannot offer it" },
      { version: 'TLSv1.1', result: 'refused', detail: 'socket hang up' },
      { version: 'TLSv1.2', result: 'accepted', detail: 'version accepted (then: certificate required)' },
      { version: 'TLSv1.3', result: 'untested', detail: 'timeout' },
    ]);
    expect(out.evidence?.negotiated).toBe('TLSv1.3');
    const more = version(
      (f) =>
        (f.protocolSupport.versions = [
          { version: 'TLSv1', result: 'refused', outcome: 'closed', handshakeCompleted: false },
          { version: 'TLSv1.1', result: 'untested', outcome: 'error', handshakeCompleted: false, message: 'EPIPE' },
          { version: 'TLSv1.2', result: 'accepted', outcome: 'accepted', handshakeCompleted: true, cipher: 'ECDHE-RSA-AES128-GCM-SHA256' },
        ]),
    );
    // A server that picks another version than the one offered is not this machine's limit (checked
    // against a real server: OpenSSL answers alert 70 instead, so only other stacks do this).
    const otherVersion = version((f) => (f.protocolSupport.versions[3] = { version: 'TLSv1.3', result: 'untested', outcome: 'unsupported', handshakeCompleted: false, errorCode: 'ERR_SSL_UNSUPPORTED_PROTOCOL' }));
    expect((otherVersion.evidence?.versions as { detail: string }[])[3].detail).toBe('the server answered with another TLS version than the one offered');
    const noneOffered = version((f) => (f.protocolSupport.versions[0] = { version: 'TLSv1', result: 'untested', outcome: 'unsupported', handshakeCompleted: false, errorCode: 'ERR_SSL_NO_PROTOCOLS_AVAILABLE' }));
    expect((noneOffered.evidence?.versions as { detail: string }[])[0].detail).toBe("this machine's TLS library cannot offer it");
    expect((more.evidence?.versions as { detail: string }[]).map((v) => v.detail)).toEqual(['the peer closed the connection', 'EPIPE', 'handshake completed (ECDHE-RSA-AES128-GCM-SHA256)']);
  });

  it('blames an EC leaf without digitalSignature for a refused TLS 1.2, showing its keyUsage', () => {
    const out = version((f) => {
      refuse12(f);
      ecLeaf(['keyAgreement'])(f);
    });
    expect(out.code).toBe('leaf-key-usage');
    expect(out.summary).toBe(
      "the server refuses TLS 1.2 (accepts TLS 1.3; refuses TLS 1.0, TLS 1.1, TLS 1.2) because its certificate's keyUsage (keyAgreement) lacks digitalSignature: OpenSSL will not sign a TLS 1.2 ECDHE-ECDSA handshake with that EC key (alert 40, handshake failure), not because of `tls_version`",
    );
    expect(out.evidence?.leafKeyUsage).toEqual(['keyAgreement']);
  });

  it('blames tls_version when the leaf may sign, is RSA, or was not seen', () => {
    expect(version((f) => (refuse12(f), ecLeaf(['digitalSignature'])(f))).code).toBe('tls12-refused');
    expect(version((f) => (refuse12(f), ecLeaf()(f))).code).toBe('tls12-refused');
    expect(version((f) => (refuse12(f), (f.serverChain.certificates[0] = cert({ keyUsage: ['keyEncipherment'] })))).code).toBe('tls12-refused');
    expect(version((f) => (refuse12(f), (f.serverChain = { available: false, certificates: [], trustStore: 'ca-file' }))).code).toBe('tls12-refused');
    expect(version(ecLeaf(['keyAgreement'])).code).toBe('ok');
  });

  it('blames the ciphers line, not tls_version, for alert 40 before the server\'s hello', () => {
    const noCipher = (f: DiagnosisFacts) => (f.protocolSupport.versions[2] = { version: 'TLSv1.2', result: 'refused', outcome: 'alert', handshakeCompleted: false, alert: 'sslv3 alert handshake failure', alertNumber: 40, serverHello: false });
    const out = version((f) => (noCipher(f), ecLeaf(['digitalSignature'])(f)));
    expect(out.code).toBe('tls12-no-shared-cipher');
    expect(out.summary).toBe(
      'the server refuses TLS 1.2 (accepts TLS 1.3; refuses TLS 1.0, TLS 1.1, TLS 1.2) with alert 40 (handshake failure) before choosing a cipher: it allows no TLS 1.2 suite that standard clients offer for its EC key, which the listener\'s `ciphers` line decides (`tls_version` is not the cause; `ciphers` does not set TLS 1.3 suites, so TLS 1.3 works)',
    );
    expect(out.hint).toContain('e.g. `ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384`');
    expect(out.hint).not.toContain('Set `tls_version');
    expect(version((f) => (noCipher(f), (f.serverChain.certificates[0] = cert({ keyUsage: ['digitalSignature'] })))).hint).toContain('`ciphers ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384`');
    // The EC key that may not sign gives alert 40 before the hello too: its own finding comes first.
    expect(version((f) => (noCipher(f), ecLeaf(['keyAgreement'])(f))).code).toBe('leaf-key-usage');
    // Alert 70 (protocol version) is the version itself; alert 40 with no watch on the hello stays as it was.
    expect(version((f) => (f.protocolSupport.versions[2] = { version: 'TLSv1.2', result: 'refused', outcome: 'alert', handshakeCompleted: false, alert: 'tlsv1 alert protocol version', alertNumber: 70, serverHello: false })).code).toBe('tls12-refused');
    expect(version((f) => (refuse12(f), (f.protocolSupport.versions[2].alertNumber = 40))).code).toBe('tls12-refused');
  });

  it('passes a version the server chose and then ended over the client certificate, saying so', () => {
    const out = version((f) => (f.protocolSupport.versions[2] = { version: 'TLSv1.2', result: 'accepted', outcome: 'alert', handshakeCompleted: false, alert: 'tlsv1 alert decrypt error', alertNumber: 51, serverHello: true }));
    expect(out.status).toBe('pass');
    expect(out.summary).toBe('negotiated TLS 1.3; accepts TLS 1.2, TLS 1.3; refuses TLS 1.0, TLS 1.1 (TLS 1.2: negotiated, then the server ended the handshake with "tlsv1 alert decrypt error")');
    expect((out.evidence?.versions as { detail: string }[])[2].detail).toBe('version accepted (then: tlsv1 alert decrypt error)');
  });

  it('says what tls_version means on the broker\'s Mosquitto', () => {
    expect(version(refuse12).hint).toContain('(in Mosquitto 2.0.9+ the minimum version)');
    expect(version(refuse12, '2.0.11').hint).toContain('(Mosquitto 2.0.11 treats tls_version / bridge_tls_version as the minimum (since 2.0.9))');
    expect(version(refuse12, '1.6.9').hint).toContain('(Mosquitto 1.6.9 speaks exactly the tls_version');
  });

  it('names one legacy version alone', () => {
    const out = version((f) => (f.protocolSupport.versions[1] = { ...f.protocolSupport.versions[1], result: 'accepted' }));
    expect(out.summary).toBe('the server still accepts legacy TLS 1.1 (accepts TLS 1.1, TLS 1.2, TLS 1.3; refuses TLS 1.0)');
  });
});

describe('tls.key', () => {
  const key = (certificates: ChainEntry[]) => tlsKey.run(withFacts((f) => (f.serverChain.certificates = certificates)), settings);
  const sha1 = { algorithm: 'sha1WithRSAEncryption', hash: 'SHA-1' };

  it('labels RSA, EC by curve (or size) and a key of unknown size', () => {
    const out = key([cert({ publicKey: { algorithm: 'EC', bits: 384, curve: 'secp384r1' } }), caCert({ publicKey: { algorithm: 'EC', bits: 256 } }), caCert({ depth: 2, publicKey: { algorithm: 'Ed25519' } })]);
    expect((out.evidence?.certificates as { key: string }[]).map((row) => row.key)).toEqual(['EC secp384r1', 'EC 256 bits', 'Ed25519 ? bits']);
    expect(out.summary).toBe('server key EC secp384r1, signed with sha256WithRSAEncryption; no weak key or signature in the chain');
  });

  it('flags small RSA, DSA and EC keys, and a DSA key of unknown size', () => {
    const out = key([
      cert({ publicKey: { algorithm: 'RSA', bits: 2047 } }),
      caCert({ selfIssued: false, publicKey: { algorithm: 'DSA', bits: 1024 } }),
      caCert({ depth: 2, selfIssued: false, publicKey: { algorithm: 'EC', bits: 224, curve: 'secp224r1' } }),
      caCert({ depth: 3, publicKey: { algorithm: 'DSA' } }),
    ]);
    expect(out.code).toBe('weak-key');
    expect(out.summary).toBe(
      'CN=cloud.example.com, O=LAMPI: RSA key of 2047 bits (below 2048); CN=LAMPI CA, O=LAMPI: DSA key of 1024 bits (below 2048); CN=LAMPI CA, O=LAMPI: EC key on secp224r1 (below 256 bits); CN=LAMPI CA, O=LAMPI: DSA key of undefined bits (below 2048)',
    );
    expect(key([cert({ publicKey: { algorithm: 'EC', curve: 'unknown' } })]).code).toBe('weak-key');
  });

  it('accepts the minimum sizes', () => {
    expect(key([cert({ publicKey: { algorithm: 'RSA', bits: 2048 } }), caCert({ publicKey: { algorithm: 'DSA', bits: 2048 } })]).code).toBe('ok');
    expect(key([cert({ publicKey: { algorithm: 'EC', bits: 256, curve: 'prime256v1' } })]).code).toBe('ok');
  });

  it('calls a chain with only broken signatures weak-signature, listing both problems of one certificate', () => {
    const out = key([cert({ signature: sha1 }), caCert()]);
    expect([out.code, out.summary]).toEqual(['weak-signature', 'CN=cloud.example.com, O=LAMPI: signed with sha1WithRSAEncryption (SHA-1 is broken)']);
    const both = key([cert({ signature: { algorithm: 'md5WithRSAEncryption', hash: 'MD5' }, publicKey: { algorithm: 'RSA', bits: 1024 } })]);
    expect([both.code, both.summary]).toEqual(['weak-key', 'CN=cloud.example.com, O=LAMPI: RSA key of 1024 bits (below 2048), signed with md5WithRSAEncryption (MD5 is broken)']);
  });

  it('checks the signature of a self-signed leaf, which no root vouches for', () => {
    expect(key([cert({ selfIssued: true, signature: sha1 })]).code).toBe('weak-signature');
    expect(key([cert(), caCert({ signature: sha1 })]).code).toBe('ok');
  });

  it('aims the fix at --ca when the only weak certificate is the CA file\'s own copy of an intermediate', () => {
    const copy = caCert({ depth: 1, selfIssued: false, issuer: 'CN=Root', signature: sha1, inCaFile: true, servedInstead: 'AB:CD' } as Partial<ChainEntry>);
    const out = key([cert(), copy, caCert({ depth: 2, subject: 'CN=Root', issuer: 'CN=Root' })]);
    expect(out.code).toBe('weak-signature');
    expect(out.summary).toContain('(the copy in --ca');
    expect(out.hint).toContain('the broker needs no change');
    // A weak certificate the broker sends as well: the broker's own re-issue, as before.
    const both = key([cert({ signature: sha1 }), copy]);
    expect(both.hint).toMatch(/re-issue/);
  });
});

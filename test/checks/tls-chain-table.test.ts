// tls.chain from hand-written facts, one row per way a chain goes wrong: the finding code, the
// number `openssl s_client` would print (evidence.opensslVerifyCode) and the words that name the cause.
import { describe, expect, it } from 'vitest';
import { tlsChain } from '../../checks/tls-chain.js';
import type { CertificateInfo, ServerChainFacts } from '../../src/facts.js';
import { caCert, cert, settings, withFacts } from '../helpers/facts.js';

/** `caPath` null: no --ca path known to the check. */
function chain(patch: Partial<ServerChainFacts>, caPath: string | null = 'lampi_ca.crt') {
  return tlsChain.run(
    withFacts((f) => Object.assign(f.serverChain, patch)),
    { ...settings, caPath: caPath ?? undefined },
  );
}
const caFile = (...certificates: CertificateInfo[]): ServerChainFacts['caFile'] => ({ path: 'lampi_ca.crt', certificates });
const other = caCert({ subject: 'CN=Other CA', issuer: 'CN=Other CA', commonName: 'Other CA', fingerprint256: 'OO:OO' });
const lampi = caCert();
const openssl = (out: ReturnType<typeof chain>) => out.evidence?.opensslVerifyCode;

describe('tls.chain evidence', () => {
  it('shows the error Node reported, the local walk and the trust file', () => {
    const out = chain({ verifyError: 'SELF_SIGNED_CERT_IN_CHAIN', certificates: [cert({ issuer: 'CN=Other CA' }), caCert({ ...other, depth: 1, inCaFile: false })], localAnchor: { ok: false, problem: 'no-issuer' } });
    expect(out.code).toBe('unknown-ca');
    expect(out.evidence).toMatchObject({ verifyError: 'SELF_SIGNED_CERT_IN_CHAIN', localAnchor: { ok: false, problem: 'no-issuer' }, trustStore: 'lampi_ca.crt', opensslVerifyCode: 19, depth: 2 });
  });

  it('says "ca-file" when the path is not known, "system roots" without --ca, and null for no error', () => {
    expect(chain({}, null).evidence).toMatchObject({ trustStore: 'ca-file', verifyError: null, localAnchor: null, opensslVerifyCode: 0 });
    expect(chain({ trustStore: 'system', caFile: undefined }, null).evidence).toMatchObject({ trustStore: 'system roots' });
  });

  it('names "--ca" alone, without a trailing space, when the path is not known', () => {
    expect(chain({}, null).summary).toBe('chain of 2 verifies to --ca: cloud.example.com <- LAMPI CA');
    expect(chain({ trustStore: 'system', caFile: undefined }, null).summary).toBe('chain of 2 verifies to the system trust store: cloud.example.com <- LAMPI CA');
  });

  it('passes a chain whose only fault is a date, pointing at tls.validity with OpenSSL\'s number', () => {
    const out = chain({ verifyError: 'CERT_HAS_EXPIRED', certificates: [cert({ notAfter: '2026-05-01T00:00:00.000Z' }), lampi] });
    expect(out.status).toBe('pass');
    expect(out.summary).toContain('(its dates fail: see tls.validity)');
    expect(openssl(out)).toBe(10);
  });
});

describe('tls.chain: unknown CA', () => {
  it('says which CA the trust file does not hold, and 19 when the server sent its root', () => {
    const out = chain({ verifyError: 'SELF_SIGNED_CERT_IN_CHAIN', certificates: [cert({ issuer: 'CN=Other CA' }), caCert({ ...other, depth: 1, inCaFile: false })] });
    expect(out.summary).toBe("unknown CA: the server's chain leads to CN=Other CA, which --ca lampi_ca.crt does not hold");
    expect(openssl(out)).toBe(19);
  });

  it('says "a CA named like yours" when one CA among several in --ca has the issuer\'s name', () => {
    const out = chain({ verifyError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', certificates: [cert()], caFile: caFile(other, lampi) });
    expect(out.code).toBe('unknown-ca');
    expect(out.summary).toContain('a CA named like yours (CN=LAMPI CA, O=LAMPI) but with another key');
    expect(openssl(out)).toBe(20);
  });

  it('calls a sent CA named like one in --ca, but signed otherwise, a regenerated CA', () => {
    const sent = caCert({ depth: 1, inCaFile: false, selfIssued: false, issuer: 'CN=Old Root', fingerprint256: 'EE:EE' });
    const out = chain({ localAnchor: { ok: false, problem: 'bad-signature' }, certificates: [cert(), sent], caFile: caFile(other, lampi) });
    expect(out.code).toBe('unknown-ca');
    expect(out.summary).toContain('a CA named like yours');
    expect(openssl(out)).toBe(20); // the top was not self-issued: s_client says "unable to get local issuer"
  });

  it('does not call a lone leaf that shares a name with a --ca certificate "named like yours"', () => {
    const leaf = cert({ issuer: 'CN=Int' });
    const out = chain({ localAnchor: { ok: false, problem: 'bad-signature' }, certificates: [leaf], caFile: caFile(lampi, cert({ fingerprint256: '11:11' })) });
    expect(out.summary).toBe("unknown CA: the server's chain leads to CN=Int, which --ca lampi_ca.crt does not hold");
    expect(openssl(out)).toBe(20);
  });

  it('calls a self-signed server certificate whose namesake is in --ca a regenerated certificate (20, not 19)', () => {
    const leaf = cert({ issuer: 'CN=cloud.example.com, O=LAMPI', subject: 'CN=cloud.example.com, O=LAMPI', selfIssued: true });
    const out = chain({ localAnchor: { ok: false, problem: 'bad-signature' }, certificates: [leaf], caFile: caFile(cert({ selfIssued: true, fingerprint256: '22:22' })) });
    expect(out.code).toBe('unknown-ca');
    expect(out.summary).toContain('a CA named like yours');
    expect(openssl(out)).toBe(20);
  });

  it('blames the CA when the walk found a bad signature, even with the issuer missing from --ca', () => {
    const out = chain({ localAnchor: { ok: false, problem: 'bad-signature' }, certificates: [cert({ issuer: 'CN=Old CA' })] });
    expect(out.summary).toBe("unknown CA: the server's chain leads to CN=Old CA, which --ca lampi_ca.crt does not hold");
  });

  it('without --ca, a missing issuer is one the system trust store does not hold', () => {
    const out = chain({ trustStore: 'system', caFile: undefined, verifyError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', certificates: [cert({ issuer: 'CN=Int' })] }, null);
    expect(out.code).toBe('unknown-ca');
    expect(out.summary).toBe("unknown CA: the server's chain leads to CN=Int, which the system trust store does not hold");
  });
});

describe('tls.chain: missing intermediate', () => {
  it('names a lone leaf', () => {
    const out = chain({ verifyError: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', certificates: [cert({ issuer: 'CN=LAMPI Intermediate' })] });
    expect(out.summary).toBe('missing intermediate: the server sent only its own certificate without "CN=LAMPI Intermediate" that issued it, and --ca lampi_ca.crt lacks it');
    expect(openssl(out)).toBe(20);
  });

  it('names a chain that stops at an intermediate not issued by a sent or trusted root', () => {
    const sub = caCert({ depth: 1, inCaFile: false, selfIssued: false, subject: 'CN=Sub', commonName: 'Sub', issuer: 'CN=Policy', fingerprint256: '33:33' });
    const out = chain({ verifyError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', certificates: [cert({ issuer: 'CN=Sub' }), sub] });
    expect(out.code).toBe('missing-intermediate');
    expect(out.summary).toBe('missing intermediate: the server sent 2 certificates without "CN=Policy" that issued the last one, and --ca lampi_ca.crt lacks it');
  });

  it('finds it behind an expired leaf (Node names only the date) and behind no error at all', () => {
    const expired = chain({ verifyError: 'CERT_HAS_EXPIRED', localAnchor: { ok: false, problem: 'no-issuer' }, certificates: [cert({ issuer: 'CN=Int', notAfter: '2026-05-01T00:00:00.000Z' })] });
    const silent = chain({ localAnchor: { ok: false, problem: 'no-issuer' }, certificates: [cert({ issuer: 'CN=Int' })] });
    expect([expired.code, silent.code]).toEqual(['missing-intermediate', 'missing-intermediate']);
  });
});

describe('tls.chain: a trust folder without hash links', () => {
  const unhashed = (files: string[], patch: Partial<ServerChainFacts> = {}) =>
    chain({ verifyError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', caFile: { path: 'certs/', certificates: [], unhashedFiles: files }, certificates: [cert()], ...patch });

  it('names up to three of the files and the rehash fix', () => {
    const out = unhashed(['a.crt', 'b.crt', 'c.crt']);
    expect(out.code).toBe('capath-unhashed');
    expect(out.summary).toContain('--ca certs/ is a folder whose certificate files (a.crt, b.crt, c.crt) have no hash links');
    expect(out.hint).toContain('openssl rehash certs/');
    expect(openssl(out)).toBe(20);
  });

  it('cuts a longer list short', () => {
    expect(unhashed(['a.crt', 'b.crt', 'c.crt', 'd.crt']).summary).toContain('(a.crt, b.crt, c.crt, ...) have no hash links');
  });

  it('says 19 when the server sent its root along', () => {
    expect(openssl(unhashed(['a.crt'], { verifyError: 'SELF_SIGNED_CERT_IN_CHAIN', certificates: [cert(), caCert({ inCaFile: false })] }))).toBe(19);
  });

  it('counts a walk that found no issuer, with Node reporting only a date', () => {
    expect(unhashed(['a.crt'], { verifyError: 'CERT_HAS_EXPIRED', localAnchor: { ok: false, problem: 'no-issuer' } }).code).toBe('capath-unhashed');
    expect(unhashed(['a.crt'], { verifyError: undefined, localAnchor: { ok: false, problem: 'no-issuer' } }).code).toBe('capath-unhashed');
    expect(unhashed(['a.crt'], { localAnchor: { ok: true } }).code).toBe('capath-unhashed');
  });

  it('is not the cause when the chain only fails a date, or when the folder did hold the issuer', () => {
    expect(unhashed(['a.crt'], { verifyError: 'CERT_HAS_EXPIRED', localAnchor: { ok: true } }).code).toBe('ok');
    expect(unhashed(['a.crt'], { caFile: { path: 'certs/', certificates: [other, lampi], unhashedFiles: ['a.crt'] } }).code).toBe('unknown-ca');

  });

  it('is the cause only when an unlinked file holds the missing issuer (a rehashed folder of other CAs is an unknown CA)', () => {
    const issuer = cert().issuer;
    expect(unhashed(['a.crt'], { caFile: { path: 'certs/', certificates: [other], unhashedFiles: ['a.crt'], unhashedSubjects: ['CN=Other CA'] } }).code).not.toBe('capath-unhashed');
    expect(unhashed(['a.crt'], { caFile: { path: 'certs/', certificates: [other], unhashedFiles: ['a.crt'], unhashedSubjects: [issuer] } }).code).toBe('capath-unhashed');
  });
});

describe('tls.chain: self-signed server certificates', () => {
  const selfSigned = cert({ issuer: 'CN=cloud.example.com, O=LAMPI', selfIssued: true });

  it('trusts Node\'s DEPTH_ZERO error even where the certificate flags disagree', () => {
    expect(chain({ verifyError: 'DEPTH_ZERO_SELF_SIGNED_CERT', certificates: [cert({ inCaFile: true })] }).code).toBe('self-signed');
  });

  it('without --ca, says so in the hint (and not with one)', () => {
    const none = chain({ trustStore: 'system', caFile: undefined, verifyError: 'DEPTH_ZERO_SELF_SIGNED_CERT', certificates: [selfSigned] }, null);
    expect(none.code).toBe('self-signed');
    expect(openssl(none)).toBe(18);
    expect(none.hint).toContain('You gave no --ca: pass the private CA, e.g. --ca lampi_ca.crt.');
    const given = chain({ verifyError: 'DEPTH_ZERO_SELF_SIGNED_CERT', certificates: [selfSigned] });
    expect(given.hint).not.toContain('You gave no --ca');
  });

  it('is not a lone self-signed leaf when a chain follows it', () => {
    expect(chain({ verifyError: 'SELF_SIGNED_CERT_IN_CHAIN', certificates: [selfSigned, caCert({ inCaFile: false })] }).code).toBe('unknown-ca');
  });

  it('calls one whose namesake is among the --ca certificates regenerated, not self-signed', () => {
    const out = chain({ verifyError: 'DEPTH_ZERO_SELF_SIGNED_CERT', localAnchor: { ok: false, problem: 'bad-signature' }, certificates: [selfSigned], caFile: caFile(other, cert({ selfIssued: true, fingerprint256: '44:44' })) });
    expect(out.code).toBe('unknown-ca');
  });
});

describe('tls.chain: pathlen', () => {
  const pathlen = (certificates: ServerChainFacts['certificates']) => chain({ verifyError: 'PATH_LENGTH_EXCEEDED', certificates });
  const ca = (depth: number, name: string, patch: Parameters<typeof caCert>[0] = {}) =>
    caCert({ depth, inCaFile: false, selfIssued: false, subject: `CN=${name}`, commonName: name, issuer: 'CN=up', ...patch });

  it('names the CA by its common name', () => {
    const out = pathlen([cert(), ca(1, 'Sub'), ca(2, 'Int', { pathLength: 0 }), caCert({ depth: 3 })]);
    expect(out.summary.startsWith('Int (depth 2) has pathlen:0 but more CAs below it')).toBe(true);
  });

  it('does not count a self-issued CA below (a key rollover) against the pathlen', () => {
    const out = pathlen([cert(), ca(1, 'Rollover', { selfIssued: true }), ca(2, 'Int', { pathLength: 0 }), caCert({ depth: 3 })]);
    expect(out.code).toBe('path-length-exceeded');
    expect(out.summary.startsWith('a CA in the chain has a pathlen (basicConstraints pathlen:N)')).toBe(true);
  });

  it('does not blame a CA whose pathlen the CAs below it fit exactly', () => {
    const out = pathlen([cert(), ca(1, 'Sub'), ca(2, 'Int', { pathLength: 1 }), caCert({ depth: 3 })]);
    expect(out.summary.startsWith('a CA in the chain has a pathlen')).toBe(true);
    expect(openssl(out)).toBe(25);
  });
});

describe('tls.chain: unhandled critical extension', () => {
  it('names the certificate by its common name', () => {
    const out = chain({ verifyError: 'UNSPECIFIED', certificates: [cert({ unhandledCriticalExtensions: ['1.2.3.4'] })] });
    expect(out.summary.startsWith('cloud.example.com (depth 0) has a critical extension OpenSSL does not handle (1.2.3.4)')).toBe(true);
  });
});

describe('tls.chain: UNSPECIFIED', () => {
  const lone = (issuer: string, ...inCa: CertificateInfo[]) => chain({ verifyError: 'UNSPECIFIED', certificates: [cert({ issuer })], caFile: caFile(...inCa) });
  const fakeCa = cert({ subject: 'CN=Fake CA', commonName: 'Fake CA', isCa: false, fingerprint256: '55:55' });

  it('blames an issuer in --ca that is not a CA, among other CAs there', () => {
    const out = lone('CN=Fake CA', lampi, fakeCa);
    expect(out.code).toBe('invalid-ca');
    expect(out.summary).toBe('OpenSSL refused the chain above cloud.example.com: its issuer (CN=Fake CA in --ca lampi_ca.crt) is not a CA to OpenSSL (basicConstraints CA:FALSE, or a keyUsage without keyCertSign): invalid CA certificate');
    expect(openssl(out)).toBe(79);
  });

  it('does not blame an issuer named twice in --ca when one of them is a CA', () => {
    expect(lone('CN=Fake CA', fakeCa, caCert({ subject: 'CN=Fake CA', fingerprint256: '66:66' })).code).toBe('unspecified');
  });

  it('blames a sent issuer that Node could not list (a lone leaf whose issuer is not in --ca)', () => {
    const out = lone('CN=Hidden', lampi);
    expect(out.code).toBe('invalid-ca');
    expect(out.summary).toContain('its issuer (CN=Hidden, sent by the server) is not a CA');
  });

  it('says it cannot tell when the issuer was listed, or when there is no --ca to compare with', () => {
    const listed = chain({ verifyError: 'UNSPECIFIED', certificates: [cert({ issuer: 'CN=Hidden' }), caCert({ subject: 'CN=Hidden', inCaFile: false, selfIssued: false, issuer: 'CN=Up' })] });
    expect(listed.code).toBe('unspecified');
    expect(openssl(listed)).toBe(-1);
    const system = chain({ trustStore: 'system', caFile: undefined, verifyError: 'UNSPECIFIED', certificates: [cert({ issuer: 'CN=Hidden' })] }, null);
    expect(system.code).toBe('unspecified');
    expect(system.hint).toContain('You gave no --ca');
  });
});

describe('tls.chain: --ca holds an intermediate but not its root', () => {
  const intermediate = caCert({ subject: 'CN=LAMPI Intermediate', commonName: 'LAMPI Intermediate', issuer: 'CN=LAMPI Root', selfIssued: false, fingerprint256: '77:77' });

  it('recognises the sent intermediate in --ca by its fingerprint', () => {
    const out = chain({ verifyError: 'UNABLE_TO_GET_ISSUER_CERT', certificates: [cert({ issuer: 'CN=LAMPI Intermediate' }), { ...intermediate, depth: 1, inCaFile: false }], caFile: caFile(other, intermediate) });
    expect(out.code).toBe('ca-lacks-root');
    expect(out.summary.startsWith('--ca holds LAMPI Intermediate, an intermediate, but not the root that issued it (CN=LAMPI Root)')).toBe(true);
    expect(openssl(out)).toBe(2);
  });
});

describe('tls.chain: other verify errors', () => {
  it('reports an error it has no story for with OpenSSL\'s number, or -1 for one it does not know', () => {
    const signature = chain({ verifyError: 'CERT_SIGNATURE_FAILURE' });
    expect(signature.code).toBe('not-verified');
    expect(signature.summary).toBe('the chain does not verify against --ca lampi_ca.crt: CERT_SIGNATURE_FAILURE');
    expect(openssl(signature)).toBe(7);
    expect(openssl(chain({ verifyError: 'SOMETHING_NEW' }))).toBe(-1);
  });
});

describe('tls.chain: purpose and signatures', () => {
  it('names an RSA server key\'s missing usages, and an EC key that may not sign', () => {
    const rsa = chain({ certificates: [cert({ keyUsage: ['keyCertSign'] }), lampi] });
    expect(rsa.code).toBe('server-key-usage');
    expect(rsa.summary).toContain('keyUsage is keyCertSign, without digitalSignature or keyEncipherment:');
    expect(rsa.summary).not.toContain('may not sign');
    expect(rsa.hint).toContain('`keyUsage = critical, digitalSignature, keyEncipherment`');
    const ec = chain({ certificates: [cert({ keyUsage: ['keyCertSign'], publicKey: { algorithm: 'EC', bits: 256, curve: 'P-256' } }), lampi] });
    expect(ec.summary).toContain('keyUsage is keyCertSign, without digitalSignature:');
    expect(ec.summary).toContain('and its EC key may not sign a TLS 1.2 ECDHE handshake');
    expect(ec.hint).toContain('`keyUsage = critical, digitalSignature`');
  });

  it('names the extendedKeyUsage a server certificate has instead of serverAuth, or none', () => {
    const client = chain({ certificates: [cert({ extendedKeyUsage: ['clientAuth'] }), lampi] });
    expect(client.code).toBe('server-purpose');
    expect(client.summary).toContain('its extendedKeyUsage is clientAuth, without serverAuth');
    expect(openssl(client)).toBe(26);
    const none = chain({ verifyError: 'INVALID_PURPOSE', certificates: [cert({ extendedKeyUsage: [] }), lampi] });
    expect(none.summary).toContain('its extendedKeyUsage is none, without serverAuth');
  });

  it('names the purpose Node reports before a non-CA issuer in the chain', () => {
    const out = chain({ verifyError: 'INVALID_PURPOSE', certificates: [cert({ extendedKeyUsage: ['clientAuth'] }), caCert({ isCa: false })] });
    expect(out.code).toBe('server-purpose');
  });

  it('refuses a SHA-1 signature on the leaf or an intermediate, not on a root', () => {
    const sha1 = { algorithm: 'sha1WithRSAEncryption', hash: 'SHA-1' };
    const intermediate = caCert({ depth: 1, selfIssued: false, issuer: 'CN=Root', signature: sha1 });
    const out = chain({ certificates: [cert(), intermediate, caCert({ depth: 2, subject: 'CN=Root', issuer: 'CN=Root' })] });
    expect(out.code).toBe('weak-signature');
    expect(out.summary.startsWith('CN=LAMPI CA, O=LAMPI is signed with sha1WithRSAEncryption')).toBe(true);
    expect(openssl(out)).toBe(68);
    expect(chain({ certificates: [cert(), caCert({ signature: sha1 })] }).code).toBe('ok');
    const selfSignedLeaf = cert({ issuer: 'CN=cloud.example.com, O=LAMPI', selfIssued: true, inCaFile: true, signature: sha1 });
    expect(chain({ certificates: [selfSignedLeaf] }).code).toBe('weak-signature');
  });

  it('sends to the CA file, not the broker, when the weak certificate is --ca\'s own copy of an intermediate', () => {
    const sha1 = { algorithm: 'ecdsa-with-SHA1', hash: 'SHA-1' };
    const copy = caCert({ depth: 1, selfIssued: false, issuer: 'CN=Root', signature: sha1, inCaFile: true, servedInstead: 'AB:CD' } as Partial<CertificateInfo>);
    const out = chain({ certificates: [cert(), copy, caCert({ depth: 2, subject: 'CN=Root', issuer: 'CN=Root' })] });
    expect(out.code).toBe('weak-signature');
    expect(openssl(out)).toBe(68);
    expect(out.summary).toContain('--ca lampi_ca.crt holds a copy of CN=LAMPI CA, O=LAMPI signed with ecdsa-with-SHA1');
    expect(out.hint).toContain('out of the CA file');
    expect(out.hint).toContain('the broker needs no change');
    expect(out.hint).not.toMatch(/re-issue|certfile/i);
  });
});

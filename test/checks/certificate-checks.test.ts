import { describe, expect, it } from 'vitest';
import { tlsChain } from '../../checks/tls-chain.js';
import { tlsClientAuth } from '../../checks/tls-client-auth.js';
import { tlsHostname } from '../../checks/tls-hostname.js';
import { tlsKey } from '../../checks/tls-key.js';
import { tlsValidity } from '../../checks/tls-validity.js';
import { caCert, cert, healthyFacts, settings, withFacts } from '../helpers/facts.js';

const facts = withFacts;

describe('tls.chain', () => {
  it('passes a chain that verifies, listing depth and subjects as evidence', () => {
    const out = tlsChain.run(healthyFacts(), settings);
    expect(out.status).toBe('pass');
    expect(out.summary).toBe('chain of 2 verifies to --ca lampi_ca.crt: cloud.example.com <- LAMPI CA');
    expect(out.evidence?.depth).toBe(2);
    expect((out.evidence?.chain as { subject: string }[])[0].subject).toBe('CN=cloud.example.com, O=LAMPI');
  });

  it('names a self-signed leaf', () => {
    const out = tlsChain.run(
      facts((f) => {
        f.serverChain.certificates = [cert({ issuer: 'CN=cloud.example.com, O=LAMPI', selfIssued: true })];
        f.serverChain.verifyError = 'DEPTH_ZERO_SELF_SIGNED_CERT';
      }),
      settings,
    );
    expect(out.status).toBe('fail');
    expect(out.summary).toContain('self-signed');
  });

  it('names an unknown CA', () => {
    const out = tlsChain.run(
      facts((f) => {
        f.serverChain.certificates = [cert({ issuer: 'CN=Other CA' }), caCert({ subject: 'CN=Other CA', issuer: 'CN=Other CA', inCaFile: false })];
        f.serverChain.verifyError = 'SELF_SIGNED_CERT_IN_CHAIN';
      }),
      settings,
    );
    expect(out.status).toBe('fail');
    expect(out.summary).toContain('unknown CA');
    expect(out.summary).toContain('CN=Other CA');
  });

  it('names a CA that was regenerated under the same name', () => {
    const out = tlsChain.run(
      facts((f) => {
        f.serverChain.certificates = [cert()];
        f.serverChain.verifyError = 'UNABLE_TO_VERIFY_LEAF_SIGNATURE';
      }),
      settings,
    );
    expect(out.summary).toContain('regenerated');
  });

  it('names a missing intermediate with the certfile fix', () => {
    const out = tlsChain.run(
      facts((f) => {
        f.serverChain.certificates = [cert({ issuer: 'CN=LAMPI Intermediate' })];
        f.serverChain.verifyError = 'UNABLE_TO_VERIFY_LEAF_SIGNATURE';
      }),
      settings,
    );
    expect(out.status).toBe('fail');
    expect(out.summary).toContain('missing intermediate');
    expect(out.hint).toContain('certfile must hold the leaf followed by the intermediate');
  });

  it('without --ca, tells the user to pass the private CA', () => {
    const out = tlsChain.run(
      facts((f) => {
        f.serverChain.trustStore = 'system';
        f.serverChain.caFile = undefined;
        f.serverChain.certificates = [cert(), caCert({ inCaFile: false })];
        f.serverChain.verifyError = 'SELF_SIGNED_CERT_IN_CHAIN';
      }),
      { ...settings, caPath: undefined },
    );
    expect(out.status).toBe('fail');
    expect(out.summary).toContain('the system trust store');
  });

  it('skips with the reason when the chain could not be seen', () => {
    const out = tlsChain.run(facts((f) => (f.serverChain = { available: false, unavailable: { cause: 'timeout' }, certificates: [], trustStore: 'ca-file' })), settings);
    expect(out).toMatchObject({ status: 'skip', summary: "could not see the server's certificate: the server never answered the TLS handshake" });
  });
});

describe('tls.chain: errors Node reports as UNSPECIFIED (review finding 2)', () => {
  // Review finding 1: openssl verify -purpose sslserver: error 26 for keyUsage=critical,keyCertSign.
  it('names a server keyUsage without digitalSignature, not the extendedKeyUsage it has', () => {
    const out = tlsChain.run(
      facts((f) => {
        f.serverChain.certificates[0] = cert({ publicKey: { algorithm: 'EC', bits: 256, curve: 'P-256' }, keyUsage: ['keyCertSign'] });
        f.serverChain.verifyError = 'INVALID_PURPOSE';
      }),
      settings,
    );
    expect(out.status).toBe('fail');
    expect(out.code).toBe('server-key-usage');
    expect(out.summary).toContain('keyUsage is keyCertSign, without digitalSignature');
    expect(out.summary).not.toContain('without serverAuth');
    expect(out.hint).toContain('keyUsage = critical, digitalSignature');
  });
  it('names an unhandled critical extension (openssl verify: error 34 at depth 0), not the CA', () => {
    const out = tlsChain.run(
      facts((f) => {
        f.serverChain.certificates = [cert({ unhandledCriticalExtensions: ['1.2.3.4.5'] })];
        f.serverChain.verifyError = 'UNSPECIFIED';
      }),
      settings,
    );
    expect(out.status).toBe('fail');
    expect(out.code).toBe('unhandled-critical-extension');
    expect(out.summary).toContain('critical extension');
    expect(out.summary).toContain('1.2.3.4.5');
    expect(out.summary).not.toContain('not a CA');
    expect(out.evidence?.opensslVerifyCode).toBe(34);
  });

  it('names a pathlen violation (openssl verify: error 25) with a fix', () => {
    const out = tlsChain.run(
      facts((f) => {
        f.serverChain.certificates = [
          cert(),
          caCert({ depth: 1, inCaFile: false, selfIssued: false, subject: 'CN=Sub', commonName: 'Sub', issuer: 'CN=Int' }),
          caCert({ depth: 2, inCaFile: false, selfIssued: false, subject: 'CN=Int', commonName: 'Int', pathLength: 0 }),
          caCert({ depth: 3 }),
        ];
        f.serverChain.verifyError = 'PATH_LENGTH_EXCEEDED';
      }),
      settings,
    );
    expect(out.status).toBe('fail');
    expect(out.summary).toContain('Int (depth 2) has pathlen:0');
    expect(out.code).toBe('path-length-exceeded');
    expect(out.summary).toContain('path length constraint exceeded');
    expect(out.evidence?.opensslVerifyCode).toBe(25);
  });

  it('says the reason is unknown, and how to see it, when the certificates do not show it', () => {
    const out = tlsChain.run(
      facts((f) => {
        f.serverChain.certificates = [cert()];
        f.serverChain.verifyError = 'UNSPECIFIED';
      }),
      settings,
    );
    expect(out.status).toBe('fail');
    expect(out.code).toBe('unspecified');
    expect(out.summary).toContain('cannot tell the cause');
    expect(out.summary).not.toContain('not a CA');
    expect(out.hint).toContain('openssl verify');
  });
});

describe('tls.hostname', () => {
  it('passes a SAN match and a wildcard match', () => {
    expect(tlsHostname.run(healthyFacts(), settings).status).toBe('pass');
    const wildcard = tlsHostname.run(facts((f) => (f.serverChain.certificates[0] = cert({ dnsNames: ['*.example.com'] }))), settings);
    expect(wildcard.status).toBe('pass');
  });

  it('does not let a wildcard cover two labels', () => {
    const out = tlsHostname.run(facts((f) => (f.serverChain.certificates[0] = cert({ dnsNames: ['*.com'] }))), settings);
    expect(out.status).toBe('fail');
  });

  it('fails a name the SAN does not list, with the subjectAltName fix', () => {
    const out = tlsHostname.run(facts((f) => (f.serverChain.certificates[0] = cert({ dnsNames: ['other.example.com'] }))), settings);
    expect(out.status).toBe('fail');
    expect(out.summary).toContain('the certificate is for DNS:other.example.com, not cloud.example.com');
    expect(out.hint).toContain('subjectAltName = DNS:cloud.example.com');
  });

  it('flags a CN without any SAN', () => {
    const out = tlsHostname.run(facts((f) => (f.serverChain.certificates[0] = cert({ dnsNames: [] }))), settings);
    expect(out.status).toBe('warn');
    expect(out.summary).toContain('only in its CN and has no subjectAltName');
    expect(out.hint).toContain('subjectAltName');
  });

  // Review finding 3 (s_client -verify_hostname: Verify return code 0 on a CN with IP-only SANs).
  it('falls back to the CN when the SAN has only IP entries, as OpenSSL X509_check_host does', () => {
    const out = tlsHostname.run(facts((f) => (f.serverChain.certificates[0] = cert({ dnsNames: [], ipAddresses: ['127.0.0.3'] }))), settings);
    expect(out.status).toBe('warn');
    expect(out.code).toBe('cn-without-dns-san');
    expect(out.summary).toContain('only in its CN');
    expect(out.summary).toContain('fall back to the CN');
  });

  it('still ignores the CN once there is a DNS SAN', () => {
    const out = tlsHostname.run(facts((f) => (f.serverChain.certificates[0] = cert({ dnsNames: ['other.example.com'], ipAddresses: ['127.0.0.3'] }))), settings);
    expect(out.status).toBe('fail');
    expect(out.code).toBe('mismatch');
  });

  // Review finding 4 (s_client -verify_hostname: Verify return code 0 on DNS:cl*.review.test).
  it('accepts a partial wildcard as OpenSSL does, warning that browsers refuse it', () => {
    const out = tlsHostname.run(facts((f) => (f.serverChain.certificates[0] = cert({ dnsNames: ['cl*.example.com'] }))), settings);
    expect(out.status).toBe('warn');
    expect(out.code).toBe('partial-wildcard');
    expect(out.summary).toContain('partial wildcard DNS:cl*.example.com');
    expect(out.summary).toContain('browsers');
    const other = tlsHostname.run(facts((f) => (f.serverChain.certificates[0] = cert({ dnsNames: ['ab*.example.com'] }))), settings);
    expect(other.status).toBe('fail');
  });

  it('matches an IP target against IP SANs only', () => {
    const ipSettings = { ...settings, host: '203.0.113.7' };
    expect(tlsHostname.run(facts((f) => (f.serverChain.certificates[0] = cert({ ipAddresses: ['203.0.113.7'] }))), ipSettings).status).toBe('pass');
    expect(tlsHostname.run(facts((f) => (f.serverChain.certificates[0] = cert({ dnsNames: ['203.0.113.7'] }))), ipSettings).status).toBe('fail');
  });
});

describe('tls.validity', () => {
  it('passes and says how long is left', () => {
    const out = tlsValidity.run(healthyFacts(), settings);
    expect(out.status).toBe('pass');
    expect(out.summary).toBe('server certificate valid until 2027-01-01 (213 days); all 2 in the chain are within their dates');
  });

  it('fails an expired certificate anywhere in the chain', () => {
    const out = tlsValidity.run(facts((f) => (f.serverChain.certificates[1] = caCert({ notAfter: '2026-05-01T00:00:00.000Z' }))), settings);
    expect(out.status).toBe('fail');
    expect(out.summary).toContain('CN=LAMPI CA, O=LAMPI expired on 2026-05-01 (31 days ago)');
  });

  it('fails a certificate that is not yet valid', () => {
    const out = tlsValidity.run(facts((f) => (f.serverChain.certificates[0] = cert({ notBefore: '2026-06-03T12:00:00.000Z' }))), settings);
    expect(out.status).toBe('fail');
    expect(out.summary).toContain('is not valid until 2026-06-03 (in 2 days)');
  });

  it('warns within --expiry-warn-days, and not outside it', () => {
    const soon = facts((f) => (f.serverChain.certificates[0] = cert({ notAfter: '2026-06-20T12:00:00.000Z' })));
    expect(tlsValidity.run(soon, settings).status).toBe('warn');
    expect(tlsValidity.run(soon, { ...settings, expiryWarnDays: 10 }).status).toBe('pass');
  });

  it('aims the fix at the CA file when the expired certificate is --ca\'s copy and the server sends a valid one', () => {
    const out = tlsValidity.run(
      facts((f) => (f.serverChain.certificates[1] = caCert({ inCaFile: true, notAfter: '2026-05-01T00:00:00.000Z', servedInstead: 'AB:CD', servedDates: { notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2028-01-01T00:00:00.000Z' } }))),
      settings,
    );
    expect([out.status, out.code]).toEqual(['fail', 'expired']);
    expect(out.summary).toBe('CN=LAMPI CA, O=LAMPI expired on 2026-05-01 (31 days ago) (the copy in --ca lampi_ca.crt; the server sends one valid until 2028-01-01)');
    expect(out.hint).toContain('Take the expired copy of CN=LAMPI CA, O=LAMPI out of the CA file (--ca lampi_ca.crt; the root alone is enough)');
    expect(out.hint).toContain('the broker needs no change');
  });

  it('for an expired root in --ca: issue again from the newer CA of that name when --ca holds one, else renew the root with its key', () => {
    const oldRoot = caCert({ inCaFile: true, notAfter: '2026-05-01T00:00:00.000Z' });
    const newer = caCert({ notAfter: '2035-01-01T00:00:00.000Z', fingerprint256: 'NE:W0' });
    const withNewer = tlsValidity.run(facts((f) => ((f.serverChain.certificates[1] = oldRoot), (f.serverChain.caFile = { path: 'lampi_ca.crt', certificates: [newer, oldRoot] }))), settings);
    expect(withNewer.summary).toBe('CN=LAMPI CA, O=LAMPI expired on 2026-05-01 (31 days ago) (in --ca lampi_ca.crt)');
    expect(withNewer.hint).toContain('also holds a newer CA of that name (until 2035-01-01) that did not issue it. Issue the server certificate (and any intermediate) again from the new CA');
    const alone = tlsValidity.run(facts((f) => ((f.serverChain.certificates[1] = oldRoot), (f.serverChain.caFile = { path: 'lampi_ca.crt', certificates: [oldRoot] }))), settings);
    expect(alone.hint).toContain('The root CA in --ca lampi_ca.crt has expired');
    expect(alone.hint).toContain('`openssl req -x509 -new -key lampi_ca.key');
    // A certificate the server sends: re-issue it on the broker, as before.
    const leaf = tlsValidity.run(facts((f) => (f.serverChain.certificates[0] = cert({ notAfter: '2026-05-01T00:00:00.000Z' }))), settings);
    expect(leaf.hint).toContain('Re-issue the expired certificate');
  });

  // --ca's renewed copy of an intermediate stands in for the expired one the server still sends
  // (OpenSSL verifies trusted-first): you connect, clients with the root alone do not (lab scenario renewed-intermediate).
  const servedCopy = (notBefore: string, notAfter: string) =>
    facts((f) => (f.serverChain.certificates[1] = caCert({ inCaFile: true, servedInstead: 'AB:CD', servedDates: { notBefore, notAfter } })));

  it('warns when the server sends an expired certificate that --ca holds a valid copy of, and aims the fix at certfile', () => {
    const out = tlsValidity.run(servedCopy('2025-05-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z'), settings);
    expect(out.status).toBe('warn');
    expect(out.code).toBe('served-out-of-date');
    expect(out.summary).toBe(
      'the server sends CN=LAMPI CA, O=LAMPI expired on 2026-05-01 (31 days ago); --ca lampi_ca.crt holds a copy with the same name and key, valid until 2036-01-01, which OpenSSL verifies through instead: you connect, but clients that trust only the root refuse the broker (certificate has expired)',
    );
    expect(out.hint).toContain('in the file `certfile` names, replace the CN=LAMPI CA, O=LAMPI block after the server certificate with the copy from --ca lampi_ca.crt');
    expect(out.evidence?.servedCopies).toEqual([{ subject: 'CN=LAMPI CA, O=LAMPI', fingerprint256: 'AB:CD', notBefore: '2025-05-01T00:00:00.000Z', notAfter: '2026-05-01T00:00:00.000Z' }]);
  });

  it('says "not yet valid" for a served certificate whose dates have not begun', () => {
    const out = tlsValidity.run(servedCopy('2026-06-10T00:00:00.000Z', '2027-06-10T00:00:00.000Z'), settings);
    expect(out.code).toBe('served-out-of-date');
    expect(out.summary).toContain('the server sends CN=LAMPI CA, O=LAMPI is not valid until 2026-06-10 (in 9 days)');
    expect(out.summary).toContain('(certificate is not yet valid)');
  });

  it('passes a served certificate within its dates (even one expiring soon), and fails when the copy in --ca is what expired', () => {
    expect(tlsValidity.run(servedCopy('2026-01-01T00:00:00.000Z', '2026-06-10T00:00:00.000Z'), settings).code).toBe('ok');
    const copyExpired = facts((f) => (f.serverChain.certificates[1] = caCert({ inCaFile: true, notAfter: '2026-05-01T00:00:00.000Z', servedInstead: 'AB:CD', servedDates: { notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2027-01-01T00:00:00.000Z' } })));
    expect(tlsValidity.run(copyExpired, settings)).toMatchObject({ status: 'fail', code: 'expired' });
  });
});

describe('tls.key', () => {
  it('passes RSA 2048 with SHA-256 and names both', () => {
    const out = tlsKey.run(healthyFacts(), settings);
    expect(out.status).toBe('pass');
    expect(out.summary).toContain('server key RSA 2048 bits, signed with sha256WithRSAEncryption');
  });

  it.each([
    [{ publicKey: { algorithm: 'RSA', bits: 1024 } }, 'RSA key of 1024 bits (below 2048)'],
    [{ publicKey: { algorithm: 'EC', bits: 192, curve: 'P-192' } }, 'EC key on P-192 (below 256 bits)'],
    [{ signature: { algorithm: 'sha1WithRSAEncryption', hash: 'SHA-1' } }, 'signed with sha1WithRSAEncryption (SHA-1 is broken)'],
    [{ signature: { algorithm: 'md5WithRSAEncryption', hash: 'MD5' } }, 'signed with md5WithRSAEncryption (MD5 is broken)'],
  ])('fails a weak leaf: %j', (patch, phrase) => {
    const out = tlsKey.run(facts((f) => (f.serverChain.certificates[0] = cert(patch as never))), settings);
    expect(out.status).toBe('fail');
    expect(out.summary).toContain(phrase);
    expect(out.hint).toContain('openssl genrsa');
  });

  it("ignores a root's SHA-1 self-signature, which no client checks", () => {
    const out = tlsKey.run(facts((f) => (f.serverChain.certificates[1] = caCert({ signature: { algorithm: 'sha1WithRSAEncryption', hash: 'SHA-1' } }))), settings);
    expect(out.status).toBe('pass');
  });
});

describe('tls.client-auth', () => {
  it('passes and reports the CN as the MQTT username', () => {
    const out = tlsClientAuth.run(healthyFacts(), settings);
    expect(out.status).toBe('pass');
    expect(out.summary).toContain('CN=b827eb74663e_broker (the MQTT username under use_identity_as_username)');
    expect((out.evidence?.clientCertificate as { mqttUsername: string }).mqttUsername).toBe('b827eb74663e_broker');
  });

  it('fails when clients without a certificate get in, with require_certificate true', () => {
    const out = tlsClientAuth.run(facts((f) => (f.clientAuth.withoutCertificate = { accepted: true, outcome: 'accepted', protocol: 'TLSv1.3' })), settings);
    expect(out.status).toBe('fail');
    expect(out.summary).toBe('the broker accepts TLS clients that send no certificate');
    expect(out.hint).toContain('require_certificate true');
  });

  it('skips as a failed prerequisite when the handshake did not speak TLS (tls.handshake names the cause)', () => {
    const out = tlsClientAuth.run(facts((f) => (f.clientAuth = { tested: false, handshakeOutcome: 'closed' })), settings);
    expect(out).toMatchObject({ status: 'skip', code: 'not-tested', skipKind: 'prerequisite-failed', hint: 'See tls.handshake.', evidence: { handshakeOutcome: 'closed' } });
    expect(out.summary).toBe('could not test: the TLS handshake did not get through (closed)');
  });

  it('fails when a certificate from a throwaway CA gets in', () => {
    const out = tlsClientAuth.run(facts((f) => (f.clientAuth.withUntrustedCertificate = { accepted: true, outcome: 'accepted', protocol: 'TLSv1.3' })), settings);
    expect(out.status).toBe('fail');
    expect(out.summary).toContain('unknown CA');
  });

  it('checks the given certificate: dates, clientAuth usage, issuer', () => {
    const expired = tlsClientAuth.run(facts((f) => (f.clientCertificate.certificate!.notAfter = '2026-05-01T00:00:00.000Z')), settings);
    expect(expired.status).toBe('fail');
    expect(expired.summary).toContain('your client certificate expired on 2026-05-01');

    const serverOnly = tlsClientAuth.run(facts((f) => (f.clientCertificate.certificate!.extendedKeyUsage = ['serverAuth'])), settings);
    expect(serverOnly.status).toBe('fail');
    expect(serverOnly.summary).toContain('without clientAuth');

    // (The broker refused it: one it accepted is from a CA its cafile trusts, whatever --ca holds.)
    const foreign = tlsClientAuth.run(facts((f) => Object.assign(f, { clientCertificate: { ...f.clientCertificate, chain: { verified: false, problem: 'no-issuer', path: [] } }, handshake: { ...f.handshake, outcome: 'alert' }, mqttConnect: { ...f.mqttConnect, outcome: 'tls-alert', returnCode: undefined } })), settings);
    expect(foreign.status).toBe('fail');
    expect(foreign.summary).toContain('is not issued by --ca lampi_ca.crt');
  });

  // Review finding 5: openssl verify -purpose sslclient gives error 26, the broker alert 43.
  it('names a keyUsage without digitalSignature as the client certificate purpose problem', () => {
    const out = tlsClientAuth.run(facts((f) => (f.clientCertificate.certificate!.keyUsage = ['keyEncipherment'])), settings);
    expect(out.status).toBe('fail');
    expect(out.code).toBe('client-certificate-purpose');
    expect(out.summary).toContain('keyUsage is keyEncipherment, without digitalSignature');
    expect(out.hint).toContain('keyUsage = critical, digitalSignature');
    const ok = tlsClientAuth.run(facts((f) => (f.clientCertificate.certificate!.keyUsage = ['digitalSignature', 'keyEncipherment'])), settings);
    expect(ok.status).toBe('pass');
  });

  it('skips with the reason when the handshake never got through', () => {
    const out = tlsClientAuth.run(facts((f) => (f.clientAuth = { tested: false, handshakeOutcome: 'timeout' })), settings);
    expect(out.status).toBe('skip');
    expect(out.summary).toBe('could not test: the TLS handshake did not get through (timeout)');
  });
});

// tls.hostname and tls.validity from hand-written facts: every way a certificate names (or does not
// name) the host, as OpenSSL's -verify_hostname / -verify_ip decide, and the dates of the chain.
import { describe, expect, it } from 'vitest';
import { tlsHostname } from '../../checks/tls-hostname.js';
import { tlsValidity } from '../../checks/tls-validity.js';
import { reissueHint, sanEntry } from '../../checks/verdicts/hostname.js';
import type { ChainEntry, ChainUnavailable } from '../../src/facts.js';
import { caCert, cert, settings, withFacts } from '../helpers/facts.js';

const hostname = (leaf: Partial<ChainEntry>, host = 'cloud.example.com') => tlsHostname.run(withFacts((f) => (f.serverChain.certificates[0] = cert(leaf))), { ...settings, host });

describe('tls.hostname', () => {
  it('passes a listed name, showing every SAN entry and the CN as evidence', () => {
    const out = hostname({ ipAddresses: ['203.0.113.7'] });
    expect([out.code, out.summary]).toEqual(['ok', "cloud.example.com matches the certificate's subjectAltName (DNS:cloud.example.com, IP:203.0.113.7)"]);
    expect(out.evidence).toEqual({ host: 'cloud.example.com', subjectAltName: ['DNS:cloud.example.com', 'IP:203.0.113.7'], commonName: 'cloud.example.com', opensslVerifyCode: 0 });
    expect(hostname({ ipAddresses: ['203.0.113.7'] }, '203.0.113.7').code).toBe('ok');
  });

  it('warns about a partial wildcard, offering the whole-label one', () => {
    const out = hostname({ dnsNames: ['cloud*.example.com'] }, 'cloud1.example.com');
    expect([out.status, out.code]).toEqual(['warn', 'partial-wildcard']);
    expect(out.summary.startsWith("cloud1.example.com matches the certificate's partial wildcard DNS:cloud*.example.com: OpenSSL and Mosquitto accept it")).toBe(true);
    expect(out.hint).toContain('A whole-label wildcard (`*.example.com`) or the exact name works everywhere.');
    expect(hostname({ dnsNames: ['*.example.com'] }, 'cloud1.example.com').code).toBe('ok');
  });

  it('fails a trailing dot, saying whether the bare name is listed', () => {
    const listed = hostname({}, 'cloud.example.com.');
    expect([listed.code, listed.evidence?.opensslVerifyCode]).toEqual(['trailing-dot', 62]);
    expect(listed.summary).toBe("the target cloud.example.com. ends with a trailing dot: OpenSSL does not match it against the certificate's names (hostname mismatch), although cloud.example.com is listed");
    expect(listed.hint).toBe("Drop the trailing dot: use cloud.example.com on the command line, in the clients and in the bridge's `address` line.");
    expect(hostname({}, 'other.example.com.').summary).toContain('although other.example.com would be checked as listed');
  });

  it('warns about a name only in the CN, and fails a CN that is another name, or none', () => {
    const cnOnly = hostname({ dnsNames: [] });
    expect([cnOnly.status, cnOnly.code]).toEqual(['warn', 'cn-only']);
    expect(cnOnly.summary).toBe('the certificate names cloud.example.com only in its CN and has no subjectAltName: openssl and Mosquitto still accept that, browsers (wss://) and modern clients do not');
    expect(cnOnly.evidence?.opensslVerifyCode).toBe(0);
    const other = hostname({ dnsNames: [], commonName: 'other.example.com' });
    expect([other.status, other.code, other.summary]).toEqual(['fail', 'no-san', 'the certificate has no subjectAltName and its CN (other.example.com) is not cloud.example.com']);
    expect(other.evidence?.opensslVerifyCode).toBe(62);
    const none = hostname({ dnsNames: [], commonName: undefined, subject: 'O=LAMPI' });
    expect(none.summary).toBe('the certificate has no subjectAltName and its CN (none) is not cloud.example.com');
    expect(none.evidence?.commonName).toBeNull();
  });

  it('never matches an address against the CN', () => {
    const out = hostname({ dnsNames: [], commonName: '203.0.113.7' }, '203.0.113.7');
    expect(out.code).toBe('no-san');
  });

  it('falls back to the CN when the SAN lists addresses only, keeping them in the fix', () => {
    const out = hostname({ dnsNames: [], ipAddresses: ['10.0.0.1'] });
    expect([out.status, out.code]).toEqual(['warn', 'cn-without-dns-san']);
    expect(out.summary).toContain('its subjectAltName has no DNS entry (IP:10.0.0.1)');
    expect(out.hint).toContain('`subjectAltName = DNS:cloud.example.com, IP:10.0.0.1`');
  });

  it('fails another name, noting a CN that would have matched, and adds the seeds\' warnings for an address', () => {
    const out = hostname({ dnsNames: ['mqtt.example.com'] });
    expect(out.summary).toBe('the certificate is for DNS:mqtt.example.com, not cloud.example.com. Its CN is cloud.example.com, but the CN is ignored once a certificate has a DNS subjectAltName.');
    expect(out.hint).not.toContain('Seed 000');
    const plain = hostname({ dnsNames: ['mqtt.example.com'], commonName: 'mqtt.example.com' });
    expect(plain.summary).toBe('the certificate is for DNS:mqtt.example.com, not cloud.example.com');
    const address = hostname({}, '203.0.113.9');
    expect(address.code).toBe('mismatch');
    expect(address.hint).toContain('Seed 000: name the broker by its FQDN');
    expect(address.hint).toContain('`subjectAltName = IP:203.0.113.9`');
  });

  it('writes the SAN entry for names, addresses, bracketed IPv6 and a trailing dot', () => {
    expect([sanEntry('cloud.example.com'), sanEntry('203.0.113.7'), sanEntry('[2001:db8::1]'), sanEntry('cloud.example.com.')]).toEqual(['DNS:cloud.example.com', 'IP:203.0.113.7', 'IP:2001:db8::1', 'DNS:cloud.example.com']);
    expect(reissueHint('203.0.113.7')).toContain('an `[alt_names]` section with `IP.1 = 203.0.113.7`');
    expect(reissueHint('cloud.example.com')).toContain('an `[alt_names]` section with `DNS.1 = cloud.example.com`');
  });
});

describe('tls.validity', () => {
  const validity = (certificates: ChainEntry[]) => tlsValidity.run(withFacts((f) => (f.serverChain.certificates = certificates)), settings);

  it('passes with the leaf\'s end date and the days left', () => {
    expect(validity([cert(), caCert()]).summary).toBe('server certificate valid until 2027-01-01 (213 days); all 2 in the chain are within their dates');
  });

  it('lists every expired certificate, and counts days as whole days past', () => {
    const out = validity([cert({ notAfter: '2026-05-31T13:00:00.000Z' }), caCert({ notAfter: '2026-05-01T12:00:00.000Z' })]);
    expect(out.summary).toBe('CN=cloud.example.com, O=LAMPI expired on 2026-05-31 (0 days ago); CN=LAMPI CA, O=LAMPI expired on 2026-05-01 (31 days ago) (in --ca lampi_ca.crt)');
    expect(out.evidence?.opensslVerifyCode).toBe(10);
  });

  it('counts the days until a certificate becomes valid upwards', () => {
    const out = validity([cert({ notBefore: '2026-06-01T13:00:00.000Z' })]);
    expect([out.code, out.summary]).toEqual(['not-yet-valid', 'CN=cloud.example.com, O=LAMPI is not valid until 2026-06-01 (in 1 days)']);
    expect(out.evidence?.opensslVerifyCode).toBe(9);
  });

  it('puts an expired certificate before one not yet valid', () => {
    expect(validity([cert({ notBefore: '2026-07-01T00:00:00.000Z' }), caCert({ notAfter: '2026-05-01T00:00:00.000Z' })]).code).toBe('expired');
  });

  it('skips, saying why the chain was not seen', () => {
    const reasons: [ChainUnavailable | undefined, string][] = [
      [{ cause: 'alert', alert: 'handshake failure' }, 'the server ended the handshake with "handshake failure" before showing its certificate'],
      [{ cause: 'timeout' }, 'the server never answered the TLS handshake'],
      [{ cause: 'closed' }, 'the server closed the connection before showing a certificate'],
      [{ cause: 'not-tls' }, 'the server does not speak TLS on this port'],
      [{ cause: 'oversized' }, "the server's certificate chain is larger than TLS clients accept"],
      [undefined, 'the handshake did not show it'],
      [{ cause: 'error', errorCode: 'ECONNRESET' }, 'the handshake failed (ECONNRESET)'],
      [{ cause: 'no-connection' }, 'the handshake failed (no-connection)'],
    ];
    for (const [unavailable, reason] of reasons) {
      const out = tlsValidity.run(withFacts((f) => (f.serverChain = { available: false, unavailable, certificates: [], trustStore: 'ca-file' })), settings);
      expect([out.status, out.code, out.skipKind, out.summary]).toEqual(['skip', 'not-seen', 'prerequisite-failed', `could not see the server's certificate: ${reason}`]);
    }
  });
});

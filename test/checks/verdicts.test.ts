// Issue 9's verdict classes at the unit level: what the tool knows locally decides whom a TLS alert
// blames; chain faults are found beside Node's single verify error; hostname fixes that work.
import { describe, expect, it } from 'vitest';
import { tlsChain } from '../../checks/tls-chain.js';
import { tlsClientAuth } from '../../checks/tls-client-auth.js';
import { tlsHandshake } from '../../checks/tls-handshake.js';
import { tlsHostname } from '../../checks/tls-hostname.js';
import { bridgeStatus } from '../../checks/bridge-status.js';
import type { DiagnosisFacts } from '../../src/facts.js';
import { caCert, cert, settings, withFacts, withoutLocal } from '../helpers/facts.js';

// bridge.status without --local: only the retained state speaks.
const retainedOnly = (facts: DiagnosisFacts, s: typeof settings) => bridgeStatus.run(withoutLocal(facts), s);

const alert = (number: number, description: string) => (f: DiagnosisFacts) => {
  Object.assign(f.handshake, { outcome: 'alert', handshakeCompleted: false, alert: { number, description, code: 'X' } });
};

describe('tls.handshake: whom an alert blames', () => {
  it('alert 43 with a client certificate whose keyUsage lacks digitalSignature names the keyUsage (review finding 5)', () => {
    const out = tlsHandshake.run(
      withFacts((f) => {
        alert(43, 'sslv3 alert unsupported certificate')(f);
        f.clientCertificate.certificate!.keyUsage = ['keyEncipherment'];
      }),
      settings,
    );
    expect(out.status).toBe('fail');
    expect(out.code).toBe('client-certificate-purpose');
    expect(out.summary).toContain('keyUsage is keyEncipherment');
    expect(out.hint).toContain('tls.client-auth');
  });

  it('alert 45 with a client certificate in date and chaining to --ca names the CRL or the clock, not the certificate', () => {
    const out = tlsHandshake.run(withFacts(alert(45, 'sslv3 alert certificate expired')), settings);
    expect(out.code).toBe('crl-expired');
    expect(out.summary).toContain('revocation list');
    expect(out.hint).toContain('-gencrl');
    expect(out.hint).toContain('Do not re-issue the client certificate');
  });

  it('alert 45 with a locally expired client certificate blames the certificate', () => {
    const out = tlsHandshake.run(
      withFacts((f) => {
        alert(45, 'sslv3 alert certificate expired')(f);
        f.clientCertificate.certificate = { ...f.clientCertificate.certificate!, notAfter: '2026-01-02T00:00:00.000Z' };
      }),
      settings,
    );
    expect(out.code).toBe('client-expired');
  });

  it('alert 48 for a client certificate that does not chain to --ca blames the certificate\'s issuer', () => {
    const out = tlsHandshake.run(
      withFacts((f) => {
        alert(48, 'tlsv1 alert unknown ca')(f);
        f.clientCertificate.chain = { verified: false, problem: 'no-issuer', path: [] };
      }),
      settings,
    );
    expect(out.code).toBe('client-ca-mismatch');
  });

  it('alert 44 stays "revoked"', () => {
    expect(tlsHandshake.run(withFacts(alert(44, 'sslv3 alert certificate revoked')), settings).code).toBe('client-revoked');
  });

  it('alert 43 for a client certificate without clientAuth names its extendedKeyUsage (anyExtendedKeyUsage does not count)', () => {
    for (const eku of [['serverAuth'], ['anyExtendedKeyUsage']]) {
      const out = tlsHandshake.run(
        withFacts((f) => {
          alert(43, 'sslv3 alert unsupported certificate')(f);
          f.clientCertificate.certificate = { ...f.clientCertificate.certificate!, extendedKeyUsage: eku };
        }),
        settings,
      );
      expect(out.code).toBe('client-certificate-purpose');
      expect(out.hint).toContain('extendedKeyUsage = clientAuth');
    }
  });
});

describe('tls.client-auth: usages as OpenSSL counts them', () => {
  it('fails a client certificate whose only extendedKeyUsage is anyExtendedKeyUsage', () => {
    const out = tlsClientAuth.run(
      withFacts((f) => (f.clientCertificate.certificate = { ...f.clientCertificate.certificate!, extendedKeyUsage: ['anyExtendedKeyUsage'] })),
      settings,
    );
    expect(out.status).toBe('fail');
    expect(out.code).toBe('client-purpose');
  });
});

describe('tls.chain: each fault on its own', () => {
  const expiredLeaf = cert({ notAfter: '2026-01-02T00:00:00.000Z' });

  it('an expired leaf does not hide an unknown CA', () => {
    const out = tlsChain.run(
      withFacts((f) => {
        const other = caCert({ subject: 'CN=Other CA', issuer: 'CN=Other CA', inCaFile: false });
        f.serverChain = { ...f.serverChain, certificates: [{ ...expiredLeaf, issuer: 'CN=Other CA' }, other], verifyError: 'CERT_HAS_EXPIRED', localAnchor: { ok: false, problem: 'no-issuer' } };
      }),
      settings,
    );
    expect(out.code).toBe('unknown-ca');
    expect(out.evidence?.opensslVerifyCode).toBe(19);
  });

  it('an expired self-signed leaf is self-signed', () => {
    const self = cert({ ...expiredLeaf, issuer: 'CN=cloud.example.com, O=LAMPI', selfIssued: true });
    const out = tlsChain.run(
      withFacts((f) => (f.serverChain = { ...f.serverChain, certificates: [self], verifyError: 'CERT_HAS_EXPIRED', localAnchor: { ok: false, problem: 'bad-signature' } })),
      settings,
    );
    expect(out.code).toBe('self-signed');
  });

  it('a SHA-1 signature does not "verify"', () => {
    const out = tlsChain.run(
      withFacts((f) => (f.serverChain.certificates[0] = cert({ signature: { algorithm: 'sha1WithRSAEncryption', hash: 'SHA-1' } }))),
      settings,
    );
    expect(out.status).toBe('fail');
    expect(out.code).toBe('weak-signature');
    expect(out.summary).not.toMatch(/verifies/);
  });

  it('a leaf without serverAuth fails, and a non-CA issuer in the chain fails', () => {
    const purpose = tlsChain.run(withFacts((f) => (f.serverChain.certificates[0] = cert({ extendedKeyUsage: ['clientAuth'] }))), settings);
    expect(purpose.code).toBe('server-purpose');
    const notCa = tlsChain.run(
      withFacts((f) => (f.serverChain.certificates = [cert(), cert({ depth: 1, subject: 'CN=Not A CA', isCa: false }), caCert({ depth: 2 })])),
      settings,
    );
    expect(notCa.code).toBe('invalid-ca');
  });

  it('names the CA whose name constraints leave out the server\'s names (Node says UNSPECIFIED for OpenSSL\'s error 47)', () => {
    const constrained = caCert({ nameConstraints: { permitted: ['DNS:.example.org', 'IP:10.0.0.0/255.0.0.0'], excluded: [] } });
    const out = tlsChain.run(
      withFacts((f) => {
        f.serverChain.certificates = [cert({ ipAddresses: ['203.0.113.7'] }), constrained];
        f.serverChain.verifyError = 'UNSPECIFIED';
      }),
      settings,
    );
    expect([out.status, out.code]).toEqual(['fail', 'name-constraints']);
    expect(out.summary).toBe("the server's name DNS:cloud.example.com is outside the name constraints of CN=LAMPI CA, O=LAMPI (it permits DNS:.example.org, IP:10.0.0.0/255.0.0.0): OpenSSL refuses the chain (permitted subtree violation)");
    expect(out.hint).toContain('names DNS:cloud.example.com, IP:203.0.113.7 outside them');
    // Names within the constraints (a subdomain of a leading-dot subtree, an address inside the mask), or an excluded one.
    const inside = caCert({ nameConstraints: { permitted: ['DNS:.example.com', 'IP:203.0.113.0/255.255.255.0'], excluded: [] } });
    const fine = tlsChain.run(withFacts((f) => ((f.serverChain.certificates = [cert({ ipAddresses: ['203.0.113.7'] }), inside]), (f.serverChain.verifyError = 'UNSPECIFIED'))), settings);
    expect(fine.code).toBe('unspecified');
    const excluded = caCert({ nameConstraints: { permitted: [], excluded: ['DNS:cloud.example.com'] } });
    const no = tlsChain.run(withFacts((f) => ((f.serverChain.certificates = [cert(), excluded]), (f.serverChain.verifyError = 'UNSPECIFIED'))), settings);
    expect([no.code, no.summary]).toEqual(['name-constraints', "the server's name DNS:cloud.example.com is excluded by the name constraints of CN=LAMPI CA, O=LAMPI: OpenSSL refuses the chain (excluded subtree violation)"]);
  });

  it('a v1 or keyUsage-only CA passes at the top of the chain (OpenSSL takes it as the trust anchor) and fails below it', () => {
    for (const anchorOnlyCa of ['v1-root', 'key-usage-only'] as const) {
      const top = tlsChain.run(withFacts((f) => (f.serverChain.certificates[1] = caCert({ isCa: false, anchorOnlyCa }))), settings);
      expect([top.status, top.code]).toEqual(['pass', 'ok']);
      const below = tlsChain.run(
        withFacts((f) => (f.serverChain.certificates = [cert(), cert({ depth: 1, subject: 'CN=Old CA', isCa: false, anchorOnlyCa }), caCert({ depth: 2 })])),
        settings,
      );
      expect([below.status, below.code]).toEqual(['fail', 'invalid-ca']);
      expect(below.summary).toContain('CN=Old CA signed the next certificate in the chain but is not a CA');
    }
  });

  it('an intermediate-only --ca says the trust file lacks the root, not "missing intermediate"', () => {
    const intermediate = caCert({ subject: 'CN=Signing CA', commonName: 'Signing CA', issuer: 'CN=LAMPI CA, O=LAMPI', selfIssued: false, inCaFile: true });
    const out = tlsChain.run(
      withFacts((f) => {
        f.serverChain = { ...f.serverChain, certificates: [cert({ issuer: 'CN=Signing CA' }), intermediate], verifyError: 'UNABLE_TO_GET_ISSUER_CERT', caFile: { path: 'ca.crt', certificates: [intermediate] }, localAnchor: { ok: true } };
      }),
      settings,
    );
    expect(out.code).toBe('ca-lacks-root');
    expect(out.summary).toContain('lacks the root');
    expect(out.summary).not.toContain('missing intermediate');
  });
});

describe('tls.hostname: fixes that work with openssl x509 -req -extfile', () => {
  it('gives an IP: entry for an IP target, the extfile / [alt_names] fix, and the seeds\' warnings', () => {
    const out = tlsHostname.run(withFacts((f) => (f.serverChain.certificates[0] = cert({ ipAddresses: ['203.0.113.9'] }))), { ...settings, host: '203.0.113.7' });
    expect(out.status).toBe('fail');
    expect(out.hint).toContain('subjectAltName = IP:203.0.113.7');
    expect(out.hint).not.toContain('DNS:203.0.113.7');
    expect(out.hint).toContain('-extfile');
    expect(out.hint).toContain('[alt_names]');
    expect(out.hint).toContain('IP.1 = 203.0.113.7');
    expect(out.hint).toContain('ESP8266');
  });

  it('says the CN is ignored once a certificate has SANs', () => {
    const out = tlsHostname.run(withFacts((f) => (f.serverChain.certificates[0] = cert({ dnsNames: ['other.example.com'] }))), settings);
    expect(out.code).toBe('mismatch');
    expect(out.summary).toContain('the CN is ignored once a certificate has a DNS subjectAltName');
  });

  it('fails a target with a trailing dot, as OpenSSL does', () => {
    const out = tlsHostname.run(withFacts(() => undefined), { ...settings, host: 'cloud.example.com.' });
    expect(out.status).toBe('fail');
    expect(out.code).toBe('trailing-dot');
    expect(out.evidence?.opensslVerifyCode).toBe(62);
  });
});

describe('bridge.status on a broker without Mosquitto\'s $SYS tree', () => {
  it('skips with the reason instead of "never connected"', () => {
    const out = retainedOnly(withFacts((f) => Object.assign(f.bridgeState, { states: [], sysTree: false })), settings);
    expect(out.status).toBe('skip');
    expect(out.code).toBe('not-mosquitto');
    expect(out.summary).not.toMatch(/never connected/);
  });

  it('keeps the Mosquitto wording where $SYS answers', () => {
    const out = retainedOnly(withFacts((f) => Object.assign(f.bridgeState, { states: [], sysTree: true })), settings);
    expect(out.status).toBe('warn');
    expect(out.code).toBe('unknown');
  });
});

// Review finding 11 (lab scenario cn-only): the bridge never connects because it cannot verify the
// CN-only certificate; the hint must point at the certificate, not at topic/notification lines.
describe('bridge.status when the server certificate\'s name is suspect', () => {
  it('cites tls.hostname instead of the topic mapping when no state was ever retained', () => {
    const out = retainedOnly(
      withFacts((f) => {
        Object.assign(f.bridgeState, { states: [], sysTree: true });
        if (f.serverChain.available) f.serverChain.certificates[0] = cert({ dnsNames: [] });
      }),
      settings,
    );
    expect(out.status).toBe('warn');
    expect(out.code).toBe('never-connected-certificate');
    expect(out.summary).toContain('tls.hostname/cn-only');
    expect(out.hint).toContain('tls.hostname');
    expect(out.hint).toContain('config.bridge-address');
    expect(out.hint).not.toContain('notification_topic');
    expect(out.hint).not.toContain('topic lamp/connection');
  });

  it('keeps the mapping hint when the certificate names the host', () => {
    const out = retainedOnly(withFacts((f) => Object.assign(f.bridgeState, { states: [], sysTree: true })), settings);
    expect(out.hint).toContain('topic lamp/connection/+/state');
  });
});

describe('--wss-path', () => {
  it('defaults to /mqtt and must be a path', async () => {
    const { prepareProbeContext } = await import('../../src/inputs.js');
    expect(prepareProbeContext({ target: 'cloud.example.com' }).mqtt.wssPath).toBe('/mqtt');
    expect(prepareProbeContext({ target: 'cloud.example.com', wssPath: '/ws' }).mqtt.wssPath).toBe('/ws');
    expect(() => prepareProbeContext({ target: 'cloud.example.com', wssPath: 'mqtt' })).toThrow(/--wss-path mqtt: a URL path starting with \//);
  });
});

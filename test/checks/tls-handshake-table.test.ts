// tls.handshake from hand-written facts: every way a handshake ends, and whom each TLS alert blames
// given what the tool knows locally about the client certificate (in date? chains to --ca? usages?).
import { describe, expect, it } from 'vitest';
import { tlsHandshake } from '../../checks/tls-handshake.js';
import type { ClientCertificateFacts, HandshakeFacts, TlsAlert } from '../../src/facts.js';
import { cert, settings, withFacts } from '../helpers/facts.js';

const ALERTS: Record<number, string> = {
  40: 'sslv3 alert handshake failure',
  42: 'sslv3 alert bad certificate',
  43: 'sslv3 alert unsupported certificate',
  44: 'sslv3 alert certificate revoked',
  45: 'sslv3 alert certificate expired',
  46: 'sslv3 alert certificate unknown',
  48: 'tlsv1 alert unknown ca',
  70: 'tlsv1 alert protocol version',
  80: 'tlsv1 alert internal error',
  116: 'tlsv13 alert certificate required',
};
const alert = (number?: number, description = ALERTS[number ?? 80]): TlsAlert => ({ number, description, code: 'ERR_SSL_ALERT' });

function handshake(patch: Partial<HandshakeFacts>, client?: (c: ClientCertificateFacts) => void) {
  return tlsHandshake.run(
    withFacts((f) => {
      Object.assign(f.handshake, { handshakeCompleted: false, protocol: undefined, cipher: undefined }, patch);
      client?.(f.clientCertificate);
    }),
    settings,
  );
}
const refused = (number: number | undefined, client?: (c: ClientCertificateFacts) => void, sent = true) => handshake({ outcome: 'alert', alert: alert(number), clientCertificateSent: sent }, client);

// What the tool knows about the --cert leaf.
const expiredLeaf = (c: ClientCertificateFacts) => (c.certificate = { ...c.certificate!, notAfter: '2026-05-01T00:00:00.000Z' });
const notYetValid = (c: ClientCertificateFacts) => (c.certificate = { ...c.certificate!, notBefore: '2026-07-01T00:00:00.000Z' });
const otherCa = (c: ClientCertificateFacts) => (c.chain = { verified: false, problem: 'no-issuer', path: [] });
const noCa = (c: ClientCertificateFacts) => (c.chain = { verified: true, problem: 'no-ca', path: [] });
const noCert = (c: ClientCertificateFacts) => {
  c.given = false;
  c.certificate = undefined;
  c.chain = undefined;
};

describe('tls.handshake: a completed handshake', () => {
  it('names the version, the cipher, the time, and whether a client certificate went along', () => {
    const sent = handshake({ outcome: 'accepted', handshakeCompleted: true, protocol: 'TLSv1.2', cipher: 'ECDHE-RSA-AES256-GCM-SHA384', clientCertificateSent: true, elapsedMs: 14 });
    expect(sent.summary).toBe('TLS 1.2 handshake completed with the client certificate (ECDHE-RSA-AES256-GCM-SHA384, 14 ms)');
    const none = handshake({ outcome: 'accepted', handshakeCompleted: true, protocol: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256', clientCertificateSent: false });
    expect(none.summary).toBe('TLS 1.3 handshake completed without a client certificate (TLS_AES_128_GCM_SHA256, 9 ms)');
    expect(none.evidence).toMatchObject({ outcome: 'accepted', protocol: 'TLSv1.3', clientCertificateSent: false, elapsedMs: 9 });
  });
});

describe('tls.handshake: whom each alert blames', () => {
  it.each([
    [116, undefined, 'client-certificate-required'],
    [48, undefined, 'broker-lacks-client-issuer'],
    [48, otherCa, 'client-ca-mismatch'],
    [48, noCa, 'client-ca-mismatch'],
    [48, expiredLeaf, 'client-ca-mismatch'],
    [48, notYetValid, 'client-ca-mismatch'],
    [48, noCert, 'client-ca-mismatch'],
    [45, undefined, 'crl-expired'],
    [45, expiredLeaf, 'client-expired'],
    [45, otherCa, 'client-expired'],
    [44, undefined, 'client-revoked'],
    [42, undefined, 'client-certificate-rejected'],
    [43, (c: ClientCertificateFacts) => (c.certificate = { ...c.certificate!, keyUsage: ['keyEncipherment'] }), 'client-certificate-purpose'],
    [46, (c: ClientCertificateFacts) => (c.certificate = { ...c.certificate!, extendedKeyUsage: ['serverAuth'] }), 'client-certificate-purpose'],
    [43, (c: ClientCertificateFacts) => (c.certificate = { ...c.certificate!, keyUsage: ['keyAgreement'] }), 'client-certificate-rejected'],
    [42, noCert, 'client-certificate-rejected'],
    [70, undefined, 'protocol-version'],
    [40, undefined, 'handshake-failure'],
    [80, undefined, 'alert'],
  ] as const)('alert %i (%s) is %s', (number, client, code) => {
    const out = refused(number, client);
    expect([out.status, out.code]).toEqual(['fail', code]);
    expect(out.evidence?.alert).toEqual({ number, description: ALERTS[number] });
  });

  it('says a sound certificate\'s end date when it blames the CRL for "expired"', () => {
    const out = refused(45);
    expect(out.summary).toContain('your client certificate is valid until 2027-01-01 and chains to --ca');
  });

  it('quotes the alert and the usage the client certificate lacks', () => {
    const usage = refused(43, (c) => (c.certificate = { ...c.certificate!, keyUsage: ['keyEncipherment'] }));
    expect(usage.summary).toBe('the broker refused the client certificate (alert 43 "sslv3 alert unsupported certificate"): its keyUsage is keyEncipherment, without digitalSignature (or keyAgreement), so OpenSSL will not accept it from a client');
    const eku = refused(46, (c) => (c.certificate = { ...c.certificate!, extendedKeyUsage: ['serverAuth', 'emailProtection'] }));
    expect(eku.summary).toBe('the broker refused the client certificate (alert 46 "sslv3 alert certificate unknown"): its extendedKeyUsage is serverAuth, emailProtection, without clientAuth, so OpenSSL will not accept it from a client');
  });

  it('reads a bare handshake failure as a missing client certificate only when none was sent', () => {
    const sent = refused(40);
    expect(sent.summary).toBe('the broker ended the handshake with alert 40 "sslv3 alert handshake failure": no cipher or version in common, or the certificate was refused');
    const unsent = refused(40, noCert, false);
    expect(unsent.code).toBe('client-certificate-required');
    expect(unsent.summary).toBe('the broker ended the handshake with alert 40 "sslv3 alert handshake failure": the broker most likely requires a client certificate');
    expect(unsent.hint).toContain('--cert client.crt --key client.key');
  });

  it('names an alert it has no story for by number, or "?" without one', () => {
    expect(refused(80).summary).toBe('the broker ended the handshake with alert 80 "tlsv1 alert internal error"');
    const nameless = refused(undefined);
    expect(nameless.summary).toBe('the broker ended the handshake with alert ? "tlsv1 alert internal error"');
    expect(nameless.evidence?.alert).toEqual({ number: null, description: 'tlsv1 alert internal error' });
  });
});

describe('tls.handshake: a client certificate that is sound here', () => {
  // Lab-less reproduction of a listener whose crlfile has its lastUpdate in the future: Mosquitto
  // answers alert 42, `openssl verify -crl_check` says error 11 (CRL is not yet valid), and the
  // --cert leaf chains to --ca, is in date and allows client use.
  it.each([42, 43, 46])('alert %i: says the certificate verifies here and sends the user to the broker side, not to re-issuing it', (number) => {
    const out = refused(number);
    expect(out.code).toBe('client-certificate-rejected');
    expect(out.summary).toContain('although it chains to --ca here, is within its dates (until 2027-01-01) and allows client use');
    expect(out.hint).not.toMatch(/must chain to the listener's `cafile`, be within its dates/);
    expect(out.hint).toContain('Do not re-issue the client certificate');
    expect(out.hint).toContain('lampi-doctor lint');
  });

  it('alert 42: names the crlfile not valid yet and the broker\'s clock', () => {
    const out = refused(42);
    expect(out.hint).toContain('lastUpdate in the future');
    expect(out.hint).toContain("the broker's clock");
    expect(out.hint).toContain('-crl_check');
  });

  it('alert 42: leads with a key or signature below the security level when the certificate has one', () => {
    const out = refused(42, (c) => (c.certificate = { ...c.certificate!, publicKey: { algorithm: 'RSA', bits: 1024 } }));
    expect(out.code).toBe('client-certificate-rejected');
    expect(out.summary).toContain('RSA key of 1024 bits');
    expect(out.hint).toContain('2048');
  });

  it('keeps the requirements list when the certificate could not be checked here', () => {
    for (const client of [noCa, noCert, otherCa, expiredLeaf]) {
      const out = refused(42, client);
      expect(out.code).toBe('client-certificate-rejected');
      expect(out.hint).toContain('see tls.client-auth below');
      expect(out.hint).not.toContain('Do not re-issue');
    }
  });
});

describe('tls.handshake: alert 48 for a leaf whose intermediate is not sent', () => {
  // The hunter's B-client-int-leafonly: the client certificate comes from an intermediate, --cert
  // holds the leaf alone, the listener's cafile and --ca hold only the root: alert 48.
  const leafOnly = (c: ClientCertificateFacts) => {
    c.certificate = { ...c.certificate!, issuer: 'CN=LAMPI Client Intermediate CA, O=LAMPI' };
    c.intermediates = 0;
    c.chain = { verified: false, problem: 'no-issuer', path: ['CN=b827eb74663e_broker, O=LAMPI'], caHasRoot: true };
  };

  it('leads with sending the intermediate after the leaf', () => {
    const out = refused(48, leafOnly);
    expect(out.code).toBe('client-ca-mismatch');
    expect(out.summary).toContain('CN=LAMPI Client Intermediate CA, O=LAMPI');
    expect(out.summary).toContain('--cert holds the certificate alone');
    expect(out.hint!.startsWith('If CN=LAMPI Client Intermediate CA, O=LAMPI is an intermediate CA')).toBe(true);
    expect(out.hint).toContain('cat client.crt intermediate.crt > client-chain.crt');
    expect(out.hint).toContain('bridge_certfile');
    expect(out.hint!.indexOf('append')).toBeLessThan(out.hint!.indexOf('Otherwise'));
  });

  it('keeps "issued by another CA" when --cert already sends intermediates, or the leaf is self-signed', () => {
    const withIntermediate = refused(48, (c) => {
      leafOnly(c);
      c.intermediates = 1;
    });
    expect(withIntermediate.hint!.startsWith('Issue the client certificate from the CA named by the listener')).toBe(true);
    const selfSigned = refused(48, (c) => {
      leafOnly(c);
      c.certificate = { ...c.certificate!, issuer: c.certificate!.subject, selfIssued: true };
    });
    expect(selfSigned.hint!.startsWith('Issue the client certificate from the CA named by the listener')).toBe(true);
  });
});

describe('tls.handshake: no TLS answer', () => {
  it('names plain MQTT on the TLS port only when it answered a CONNECT', () => {
    const plain = handshake({ outcome: 'closed', plainMqtt: { speaksMqtt: true, answer: 'connack', returnCode: 0 } });
    expect(plain.code).toBe('plain-mqtt');
    expect(plain.summary).toBe('port 8883 speaks plain MQTT, not TLS: it hung up on the TLS hello, then answered an MQTT CONNECT');
    expect(plain.evidence?.plainMqtt).toEqual({ speaksMqtt: true, answer: 'connack', returnCode: 0 });
    const silent = handshake({ outcome: 'closed', plainMqtt: { speaksMqtt: false, answer: 'closed' } });
    expect(silent.code).toBe('closed');
    expect(silent.summary).toBe('the server closed the connection during the TLS handshake');
  });

  it('names the error of a peer that is not TLS, the wait of one that is silent, and an oversized chain', () => {
    const notTls = handshake({ outcome: 'not-tls', errorCode: 'ERR_SSL_WRONG_VERSION_NUMBER' });
    expect([notTls.code, notTls.summary]).toEqual(['not-tls', 'the server answered, but not with TLS (ERR_SSL_WRONG_VERSION_NUMBER)']);
    expect(notTls.hint).toContain("sudo ss -ltnp 'sport = :8883'");
    expect(notTls.evidence?.errorCode).toBe('ERR_SSL_WRONG_VERSION_NUMBER');
    const silent = handshake({ outcome: 'timeout' });
    expect([silent.code, silent.summary]).toEqual(['timeout', 'the server accepted TCP but never answered the TLS hello within 3000 ms']);
    const big = handshake({ outcome: 'oversized', errorCode: 'ERR_SSL_EXCESSIVE_MESSAGE_SIZE' });
    expect(big.code).toBe('oversized-chain');
    expect(big.summary).toContain('(ERR_SSL_EXCESSIVE_MESSAGE_SIZE)');
  });

  it('is an error of this machine, not a finding, when no version could be offered or the failure is unknown', () => {
    const unsupported = handshake({ outcome: 'unsupported', errorCode: 'ERR_SSL_NO_PROTOCOLS_AVAILABLE' });
    expect([unsupported.status, unsupported.summary]).toEqual(['error', "this machine's TLS library had no TLS version to offer (ERR_SSL_NO_PROTOCOLS_AVAILABLE, OpenSSL: no protocols available): nothing was sent, so port 8883 is untested"]);
    const odd = handshake({ outcome: 'error', message: 'write EPIPE', errorCode: 'EPIPE' });
    expect([odd.status, odd.summary]).toEqual(['error', 'the handshake failed with an error lampi-doctor does not classify: EPIPE (write EPIPE)']);
    expect(handshake({ outcome: 'error', errorCode: 'EPIPE' }).summary).toBe('the handshake failed with an error lampi-doctor does not classify: EPIPE');
  });
});

describe('the client certificate as the tool sees it', () => {
  it('counts a certificate expiring soon as in date', () => {
    expect(refused(45, (c) => (c.certificate = cert({ ...c.certificate!, notAfter: '2026-06-02T00:00:00.000Z' }))).code).toBe('crl-expired');
  });
});

// tls.client-auth from hand-written facts: enforcement by the broker, the --cert leaf's own faults,
// which finding leads when there are several, and the words for an answer the probe could not read.
import { describe, expect, it } from 'vitest';
import { tlsClientAuth } from '../../checks/tls-client-auth.js';
import type { ClientAuthAttempt, ClientAuthFacts, ClientCertificateFacts } from '../../src/facts.js';
import { settings, withFacts } from '../helpers/facts.js';

/** By default the broker refused the --cert leaf (alert 48, unknown CA): the leaf's own faults then decide. */
function clientAuth(client?: (c: ClientCertificateFacts) => void, auth?: (a: ClientAuthFacts) => void, caPath: string | null = 'lampi_ca.crt', brokerAccepted = false) {
  return tlsClientAuth.run(
    withFacts((f) => {
      client?.(f.clientCertificate);
      auth?.(f.clientAuth);
      if (!brokerAccepted) {
        const alert = { number: 48, description: 'tlsv1 alert unknown ca' };
        Object.assign(f.handshake, { outcome: 'alert', alert });
        Object.assign(f.mqttConnect, { outcome: 'tls-alert', returnCode: undefined, alert });
      }
    }),
    { ...settings, caPath: caPath ?? undefined },
  );
}
const leaf = (patch: Partial<NonNullable<ClientCertificateFacts['certificate']>>) => (c: ClientCertificateFacts) => (c.certificate = { ...c.certificate!, ...patch });
const chain = (patch: Partial<NonNullable<ClientCertificateFacts['chain']>>) => (c: ClientCertificateFacts) => (c.chain = { verified: false, path: [], ...patch });
const codes = (out: ReturnType<typeof clientAuth>) => out.evidence?.codes;

describe('tls.client-auth: the --cert leaf', () => {
  it('is not checked when none was given', () => {
    const out = clientAuth((c) => {
      c.given = false;
      c.certificate = undefined;
      c.chain = undefined;
    });
    expect([out.status, out.code]).toEqual(['pass', 'ok']);
    expect(out.summary).toBe("the broker refuses clients with no certificate and with an unknown CA's certificate; no --cert given, so your own certificate was not checked");
    expect(out.evidence?.clientCertificate).toBeNull();
  });

  it.each([
    [{ notAfter: '2026-06-10T12:00:00.000Z' }, 'warn', 'client-expires-soon', 'your client certificate expires on 2026-06-10 (in 9 days)'],
    [{ notAfter: '2026-05-01T12:00:00.000Z' }, 'fail', 'client-expired', 'your client certificate expired on 2026-05-01 (31 days ago)'],
    [{ notBefore: '2026-06-03T12:00:00.000Z' }, 'fail', 'client-not-yet-valid', 'your client certificate is not valid until 2026-06-03 (in 2 days)'],
  ] as const)('codes its dates: %o', (patch, status, code, summary) => {
    const out = clientAuth(leaf(patch));
    expect([out.status, out.code, out.summary]).toEqual([status, code, summary]);
  });

  it('names an empty trust folder, with the path or a placeholder, but not for a certificate that verified', () => {
    const out = clientAuth(chain({ caEmpty: true }), undefined, 'certs/');
    expect([out.status, out.code]).toEqual(['warn', 'ca-empty']);
    expect(out.summary).toBe('your client certificate could not be checked: --ca certs/ holds no certificate OpenSSL would find (a folder without hash links)');
    expect(out.hint).toBe('Run `openssl rehash certs/`, or pass the CA file itself as --ca.');
    const unnamed = clientAuth(chain({ caEmpty: true }), undefined, null);
    expect(unnamed.summary).toContain('--ca  holds no certificate');
    expect(unnamed.hint).toContain('openssl rehash <folder>');
    expect(clientAuth(chain({ verified: true, caEmpty: true })).code).toBe('ok');
  });

  it('names a --ca without the root only when the issuer was not found', () => {
    const out = clientAuth(chain({ problem: 'no-issuer', caHasRoot: false }));
    expect([out.status, out.code]).toEqual(['warn', 'ca-lacks-root']);
    expect(out.summary).toBe('your client certificate could not be checked: --ca holds no root CA, only intermediates (issuer of yours: CN=LAMPI CA, O=LAMPI)');
    expect(clientAuth(chain({ problem: 'no-issuer', caHasRoot: true })).code).toBe('client-not-from-ca');
    expect(clientAuth(chain({ problem: 'no-issuer' })).code).toBe('client-not-from-ca');
    // An issuer that is not a root may be an intermediate --cert does not carry: sending it comes first.
    expect(clientAuth(chain({ problem: 'no-issuer', caHasRoot: true })).hint).toMatch(/^If CN=LAMPI CA, O=LAMPI is an intermediate CA under the CA the broker's `cafile` names, send it: append it to --cert after the leaf/);
    expect(clientAuth(chain({ problem: 'bad-signature', caHasRoot: false })).code).toBe('client-bad-signature');
    expect(clientAuth(chain({ verified: true, problem: 'no-issuer', caHasRoot: false })).code).toBe('ok');
  });

  it('does not fail a leaf from another CA than --ca that the broker accepted (server and clients under different CAs: hunt 4, H4-1)', () => {
    const accepted = clientAuth(chain({ problem: 'no-issuer', caHasRoot: true }), undefined, 'lampi_ca.crt', true);
    expect([accepted.status, accepted.code]).toEqual(['pass', 'ok']);
    expect(accepted.summary).toContain('is issued by CN=LAMPI CA, O=LAMPI, which --ca does not hold, and the broker accepted it (the TLSv1.3 handshake with it): its cafile trusts that CA');
    // A bad signature is a fault whatever the broker did.
    expect(clientAuth(chain({ problem: 'bad-signature' }), undefined, 'lampi_ca.crt', true).code).toBe('client-bad-signature');
  });

  it('tells no --ca, a bad signature and another issuer apart', () => {
    const noCa = clientAuth(chain({ problem: 'no-ca' }), undefined, null);
    expect([noCa.status, noCa.code, noCa.summary]).toEqual(['warn', 'no-ca', 'your client certificate could not be checked against a CA (no --ca given)']);
    const bad = clientAuth(chain({ problem: 'bad-signature' }));
    expect([bad.status, bad.code]).toEqual(['fail', 'client-bad-signature']);
    expect(bad.summary).toBe("your client certificate names CN=LAMPI CA, O=LAMPI as issuer, but that CA's key did not sign it (CA regenerated?)");
    const other = clientAuth(chain({ problem: 'no-issuer' }));
    expect([other.status, other.summary]).toEqual(['fail', 'your client certificate is not issued by --ca lampi_ca.crt (issuer: CN=LAMPI CA, O=LAMPI)']);
    expect(clientAuth(chain({ problem: 'too-deep' }), undefined, null).summary).toBe('your client certificate is not issued by the CA (issuer: CN=LAMPI CA, O=LAMPI)');
  });
});

describe('tls.client-auth: several findings', () => {
  it('leads with a failure over an earlier warning, counts the rest, and lists every finding', () => {
    const out = clientAuth((c) => {
      leaf({ notAfter: '2026-06-10T12:00:00.000Z', extendedKeyUsage: ['serverAuth'] })(c);
      chain({ problem: 'no-ca' })(c);
    });
    expect([out.status, out.code]).toEqual(['fail', 'client-purpose']);
    expect(out.summary).toBe('your client certificate may not be used by clients: its extendedKeyUsage is serverAuth, without clientAuth (OpenSSL does not count anyExtendedKeyUsage) (+2 more: see evidence)');
    expect(codes(out)).toEqual(['client-expires-soon', 'client-purpose', 'no-ca']);
    expect((out.evidence?.findings as string[])[0]).toBe('your client certificate expires on 2026-06-10 (in 9 days)');
    expect(out.hint).toContain('install it as the bridge\'s `bridge_certfile`. Re-issue it with a client extension file');
  });

  it('leads with the first warning when nothing fails, and says nothing more for a single finding', () => {
    const out = clientAuth(leaf({ notAfter: '2026-06-10T12:00:00.000Z' }));
    expect(out.summary.endsWith('(in 9 days)')).toBe(true);
    const two = clientAuth((c) => {
      leaf({ notAfter: '2026-06-10T12:00:00.000Z' })(c);
      chain({ problem: 'no-ca' })(c);
    });
    expect([two.status, two.code]).toEqual(['warn', 'client-expires-soon']);
    expect(two.summary.endsWith('(+1 more: see evidence)')).toBe(true);
  });

  it('puts an open broker first', () => {
    const out = clientAuth(leaf({ notAfter: '2026-05-01T12:00:00.000Z' }), (a) => {
      a.withoutCertificate = { accepted: true, outcome: 'accepted', protocol: 'TLSv1.3' };
      a.withUntrustedCertificate = { accepted: true, outcome: 'accepted', protocol: 'TLSv1.3' };
    });
    expect(codes(out)).toEqual(['certificate-optional', 'untrusted-accepted', 'client-expired']);
    expect(out.code).toBe('certificate-optional');
  });
});

describe('tls.client-auth: evidence', () => {
  it('copies both attempts and the leaf\'s usages, null where absent', () => {
    const out = clientAuth((c) => (c.chain = undefined));
    expect(out.evidence).toMatchObject({
      withoutCertificate: { accepted: false, outcome: 'alert', alert: 'tlsv13 alert certificate required' },
      withUntrustedCertificate: { accepted: false, outcome: 'alert', alert: 'tlsv1 alert unknown ca' },
      clientCertificate: { subject: 'CN=b827eb74663e_broker, O=LAMPI', keyUsage: null, mqttUsername: 'b827eb74663e_broker', chainVerified: false, extendedKeyUsage: ['clientAuth'] },
    });
    expect(clientAuth(leaf({ keyUsage: ['digitalSignature'] })).evidence?.clientCertificate).toMatchObject({ keyUsage: ['digitalSignature'], chainVerified: true });
  });

  it('copes with attempts it does not have', () => {
    const out = clientAuth(undefined, (a) => {
      a.withoutCertificate = undefined;
      a.withUntrustedCertificate = undefined;
    });
    expect(out.code).toBe('ok');
  });
});

describe('tls.client-auth: an answer the probe could not read', () => {
  const unclear = (without?: ClientAuthAttempt, untrusted?: ClientAuthAttempt) =>
    clientAuth(undefined, (a) => {
      a.withoutCertificate = without;
      a.withUntrustedCertificate = untrusted;
    });

  it('warns "unclear" when either attempt could not tell, quoting both', () => {
    const out = unclear({ accepted: null, outcome: 'timeout', message: 'no answer within 3000 ms' }, { accepted: false, outcome: 'alert', alert: 'tlsv1 alert unknown ca' });
    expect([out.status, out.code, out.hint]).toEqual(['warn', 'unclear', 'Re-run with a longer --timeout.']);
    expect(out.summary).toBe("the broker's answer to a missing or untrusted certificate was unclear (no answer within 3000 ms; refused: tlsv1 alert unknown ca); your certificate CN=b827eb74663e_broker (the MQTT username under use_identity_as_username) is issued by the CA, clientAuth, valid until 2027-01-01");
    expect(unclear({ accepted: false, outcome: 'closed' }, { accepted: null, outcome: 'error' }).summary).toContain('(refused: the server closed the connection; error)');
    expect(unclear({ accepted: null, outcome: 'timeout' }).summary).toContain('(timeout; )');
  });

  it('words a refusal after the handshake, and an accepted handshake', () => {
    const out = unclear({ accepted: false, outcome: 'accepted', refusedAfterHandshake: true, alert: 'tlsv13 alert certificate required' }, { accepted: null, outcome: 'accepted', protocol: 'TLSv1.3' });
    expect(out.summary).toContain('(refused after the handshake: tlsv13 alert certificate required; handshake accepted (TLSv1.3))');
    expect(unclear({ accepted: false, outcome: 'accepted', refusedAfterHandshake: true }, { accepted: null, outcome: 'timeout' }).summary).toContain('refused after the handshake: the server closed the session before CONNACK;');
  });

  it('skips, naming how the handshake ended, when it could not ask', () => {
    const out = clientAuth(undefined, (a) => {
      a.tested = false;
      a.handshakeOutcome = 'timeout';
    });
    expect([out.status, out.code, out.summary]).toEqual(['skip', 'not-tested', 'could not test: the TLS handshake did not get through (timeout)']);
    expect(clientAuth(undefined, (a) => (a.tested = false)).summary).toBe('could not test: the TLS handshake did not get through (not tried)');
  });
});

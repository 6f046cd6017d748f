// wss.handshake from hand-written facts: the listener's TCP, TLS, the MQTT port's certificate verdicts
// applied to its chain, the websocket upgrade, and the comparison with the MQTT port's certificate.
import { describe, expect, it } from 'vitest';
import { wssHandshake } from '../../checks/wss.js';
import type { WssFacts } from '../../src/facts.js';
import { caCert, cert, settings, withFacts } from '../helpers/facts.js';

const wss = (patch: (w: WssFacts) => void) => wssHandshake.run(withFacts((f) => patch(f.wss)), settings);

describe('wss.handshake: reaching the listener', () => {
  it('tells nothing listening from a port it cannot reach', () => {
    const refused = wss((w) => (w.tcp.outcome = 'refused'));
    expect([refused.code, refused.summary]).toEqual(['no-listener', 'nothing listens on websockets port 50002 (connection refused)']);
    const filtered = wss((w) => (w.tcp.outcome = 'timeout'));
    expect([filtered.code, filtered.summary]).toEqual(['unreachable', 'port 50002 is not reachable (timeout)']);
    expect(filtered.hint).toContain('Allow inbound TCP 50002');
    expect(filtered.evidence).toMatchObject({ port: 50002, tcp: 'timeout', handshake: 'accepted' });
  });

  it('names why the TLS handshake did not complete: the alert, else the message, else the outcome', () => {
    const alert = wss((w) => (w.chain = { available: false, unavailable: { cause: 'alert', alert: 'internal error', message: 'm' }, certificates: [], trustStore: 'ca-file' }));
    expect([alert.code, alert.summary]).toEqual(['no-tls', 'port 50002 accepts TCP but the TLS handshake did not complete (internal error)']);
    expect(alert.evidence?.sameCertificateAsMqttPort).toBeNull();
    const message = wss((w) => (w.chain = { available: false, unavailable: { cause: 'closed', message: 'socket hang up' }, certificates: [], trustStore: 'ca-file' }));
    expect(message.summary).toContain('(socket hang up)');
    const cause = wss((w) => (w.chain = { available: false, unavailable: { cause: 'unsupported' }, certificates: [], trustStore: 'ca-file' }));
    expect(cause.summary).toContain('(unsupported)');
    // Silence is no missing TLS line: Mosquitto answers a TLS hello at once (hunt 4, H4-3).
    const silent = wss((w) => (w.chain = { available: false, unavailable: { cause: 'timeout', timeoutMs: 3000 }, certificates: [], trustStore: 'ca-file' }));
    expect([silent.code, silent.summary]).toEqual(['silent', expect.stringContaining('answered nothing to the TLS hello within 3000 ms')]);
    expect(silent.hint).toContain("sudo ss -ltnp 'sport = :50002'");
    expect(silent.hint).not.toContain('Add `cafile`');
  });
});

describe('wss.handshake: a port that answers without TLS (finding 13)', () => {
  it('asks for the three TLS lines under the existing listener, never for a second listener line on the port', () => {
    const message = 'C0:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../ssl3_record.c:350:\n';
    const out = wss((w) => (w.chain = { available: false, unavailable: { cause: 'not-tls', errorCode: 'ERR_SSL_WRONG_VERSION_NUMBER', message }, certificates: [], trustStore: 'ca-file' }));
    expect([out.code, out.summary]).toEqual(['no-tls', 'port 50002 answers, but not with TLS (ERR_SSL_WRONG_VERSION_NUMBER): the websockets listener serves plain ws://, or another service holds the port']);
    expect(out.hint).toContain('Add `cafile`, `certfile` and `keyfile` lines under the existing `listener 50002`');
    expect(out.hint).not.toContain('Add `listener 50002');
    const alert = wss((w) => (w.chain = { available: false, unavailable: { cause: 'alert', alert: 'internal error' }, certificates: [], trustStore: 'ca-file' }));
    expect(alert.hint).not.toContain('Add `listener 50002');
  });
});

describe('wss.handshake: the certificate verdicts of the MQTT port', () => {
  it('fails with the chain\'s own words and names the finding it stands for', () => {
    const out = wss((w) => {
      w.chain.certificates = [cert({ issuer: 'CN=Other CA' }), caCert({ subject: 'CN=Other CA', issuer: 'CN=Other CA', inCaFile: false })];
      w.chain.verifyError = 'SELF_SIGNED_CERT_IN_CHAIN';
    });
    expect([out.status, out.code]).toEqual(['fail', 'certificate']);
    expect(out.summary).toBe("port 50002: unknown CA: the server's chain leads to CN=Other CA, which --ca lampi_ca.crt does not hold");
    expect(out.hint).toContain('pass the CA that did issue it as --ca');
    expect(out.evidence).toMatchObject({ certificateFinding: 'tls.chain/unknown-ca', chain: { opensslVerifyCode: 19 }, port: 50002 });
  });

  it('fails on dates too, naming tls.validity', () => {
    const out = wss((w) => (w.chain.certificates[0] = cert({ notAfter: '2026-05-01T00:00:00.000Z' })));
    expect(out.evidence).toMatchObject({ certificateFinding: 'tls.validity/expired', validity: { opensslVerifyCode: 10 } });
    expect(out.summary.startsWith('port 50002: CN=cloud.example.com, O=LAMPI expired on 2026-05-01')).toBe(true);
  });

  it('warns about a certificate that expires soon, after the upgrade worked', () => {
    const out = wss((w) => (w.chain.certificates[0] = cert({ notAfter: '2026-06-10T12:00:00.000Z' })));
    expect([out.status, out.code]).toEqual(['warn', 'certificate-warning']);
    expect(out.summary).toBe('port 50002: CN=cloud.example.com, O=LAMPI expires on 2026-06-10 (in 9 days)');
    expect(out.evidence).toMatchObject({ certificateFinding: 'tls.validity/expires-soon' });
    expect(out.hint).toContain('--expiry-warn-days 30');
  });

  it('warns, as tls.validity does, when the listener sends an expired intermediate that --ca holds a renewal of', () => {
    const out = wss((w) => (w.chain.certificates[1] = caCert({ inCaFile: true, servedInstead: 'AB:CD', servedDates: { notBefore: '2025-05-01T00:00:00.000Z', notAfter: '2026-05-01T00:00:00.000Z' } })));
    expect([out.status, out.code]).toEqual(['warn', 'certificate-warning']);
    expect(out.summary.startsWith('port 50002: the server sends CN=LAMPI CA, O=LAMPI expired on 2026-05-01 (31 days ago); --ca lampi_ca.crt holds a copy')).toBe(true);
    expect(out.evidence).toMatchObject({ certificateFinding: 'tls.validity/served-out-of-date' });
  });

  it('names another certificate before a warning about this one', () => {
    const out = wss((w) => (w.chain.certificates[0] = cert({ notAfter: '2026-06-10T12:00:00.000Z', fingerprint256: 'EE:FF' })));
    expect(out.code).toBe('other-certificate');
    expect(out.summary).toBe('port 50002 serves a different certificate than the MQTT port 8883 (CN=cloud.example.com, O=LAMPI)');
    expect(out.evidence?.sameCertificateAsMqttPort).toBe(false);
  });
});

describe('wss.handshake: the websocket upgrade', () => {
  it('reads an HTTP answer as a refused path, naming the path asked for', () => {
    const out = wss((w) => {
      w.upgradeStatus = 404;
      w.upgrade = { outcome: 'http-answer', status: 404 };
    });
    expect([out.code, out.summary]).toEqual(['upgrade-refused', 'port 50002 speaks HTTP but answered the upgrade at /mqtt with HTTP 404 instead of switching to websockets']);
    expect(out.evidence?.upgrade).toBe('answered HTTP 404 instead of switching to websockets');
    expect(wss((w) => Object.assign(w, { upgradeStatus: 400, upgrade: { outcome: 'http-answer', status: 400 }, path: '/ws' })).summary).toContain('at /ws with HTTP 400');
  });

  it('tells a certificate a standard client refused from a listener without websockets', () => {
    const refused = wss((w) => Object.assign(w, { upgradeStatus: undefined, upgrade: { outcome: 'error', errorCode: 'SELF_SIGNED_CERT_IN_CHAIN', message: 'self-signed certificate in certificate chain' } }));
    expect([refused.code, refused.summary]).toEqual(['certificate-refused', 'port 50002 speaks TLS but the websocket upgrade failed: SELF_SIGNED_CERT_IN_CHAIN self-signed certificate in certificate chain']);
    expect(refused.hint).toBe('A standard TLS client refused this certificate before the upgrade: see tls.key and tls.chain.');
    const plain = wss((w) => Object.assign(w, { upgradeStatus: undefined, upgrade: { outcome: 'error', errorCode: 'ECONNRESET', message: 'socket hang up' } }));
    expect(plain.code).toBe('not-websockets');
    expect(plain.hint).toContain('Add `protocol websockets` under `listener 50002`');
    expect(wss((w) => Object.assign(w, { upgradeStatus: undefined, upgrade: undefined })).code).toBe('not-websockets');
  });

  it('names a listener that requires a client certificate (alert 116 after a TLS 1.3 handshake), not the certificate (lab, finding 7)', () => {
    // Mosquitto 2.0.11 with `require_certificate true` under the websockets listener, as Node's https saw it.
    const message = 'C0:error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 116';
    const out = wss((w) => Object.assign(w, { handshakeOutcome: 'alert', upgradeStatus: undefined, upgrade: { outcome: 'error', errorCode: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', message } }));
    expect([out.status, out.code]).toEqual(['fail', 'client-certificate-required']);
    expect(out.summary).toBe('port 50002 ends the TLS session because no client certificate came (TLS alert 116, certificate required): the websockets listener requires one, and browsers cannot send one');
    expect(out.hint).toContain('Remove `require_certificate true` (and `use_identity_as_username true`) from under `listener 50002`');
    expect(out.hint).not.toContain('tls.key');
    // The same alert during the handshake itself (a client that saw no certificate) says the same.
    const early = wss((w) => (w.chain = { available: false, unavailable: { cause: 'alert', alert: 'certificate required' }, certificates: [], trustStore: 'ca-file' }));
    expect([early.code, early.summary]).toEqual(['client-certificate-required', 'port 50002 ends the TLS session because no client certificate came (TLS alert certificate required): the websockets listener requires one, and browsers cannot send one']);
  });

  it('passes with the version, the comparison and the upgrade', () => {
    const out = wss(() => undefined);
    expect(out.summary).toBe('port 50002: TLS 1.3 with the same verified certificate as port 8883; websocket upgrade OK (switched protocols (mqtt))');
    expect(out.evidence).toMatchObject({ sameCertificateAsMqttPort: true, upgradeStatus: 101, upgrade: 'switched protocols (mqtt)', protocol: 'TLSv1.3', handshake: 'accepted' });
    const unseen = wss((w) => (w.mqttLeafFingerprint = undefined));
    expect(unseen.summary).toBe("port 50002: TLS 1.3 with a verified certificate (could not compare it with port 8883's: no certificate was seen there); websocket upgrade OK (switched protocols (mqtt))");
    expect(unseen.evidence?.sameCertificateAsMqttPort).toBeNull();
  });
});

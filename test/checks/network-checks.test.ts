import { describe, expect, it } from 'vitest';
import { dnsResolve } from '../../checks/dns-resolve.js';
import { tcpConnect } from '../../checks/tcp-connect.js';
import { tlsHandshake } from '../../checks/tls-handshake.js';
import { tlsVersion } from '../../checks/tls-version.js';
import type { HandshakeFacts } from '../../src/facts.js';
import { healthyFacts, settings, withFacts } from '../helpers/facts.js';

const facts = withFacts;

describe('dns.resolve', () => {
  it('passes with the addresses as evidence', () => {
    const out = dnsResolve.run(healthyFacts(), settings);
    expect(out.status).toBe('pass');
    expect(out.summary).toBe('cloud.example.com resolves to 203.0.113.7');
    expect(out.evidence?.addresses).toEqual(['203.0.113.7']);
  });

  it('says when --resolve supplied the address', () => {
    const out = dnsResolve.run(facts((f) => (f.resolution.source = '--resolve')), settings);
    expect(out.summary).toContain('(from --resolve)');
  });

  it('fails an unknown name and suggests --resolve', () => {
    const out = dnsResolve.run(facts((f) => Object.assign(f.resolution, { addresses: [], errorCode: 'ENOTFOUND' })), settings);
    expect(out.status).toBe('fail');
    expect(out.summary).toContain('does not resolve (ENOTFOUND)');
    expect(out.hint).toContain('--resolve cloud.example.com:ADDRESS');
  });

  it('fails a lookup that times out, naming the resolver', () => {
    const out = dnsResolve.run(facts((f) => Object.assign(f.resolution, { addresses: [], errorCode: 'ETIMEOUT' })), settings);
    expect(out.status).toBe('fail');
    expect(out.summary).toContain('timed out');
  });

  it('warns for an IP literal the certificate does not name, pointing at the FQDN', () => {
    const out = dnsResolve.run(
      facts((f) => {
        f.resolution = { host: '203.0.113.7', isIpLiteral: true, source: 'literal', addresses: ['203.0.113.7'], elapsedMs: 0 };
        f.literalTarget = { coveredBySan: false, certificateNames: ['cloud.example.com'] };
      }),
      settings,
    );
    expect(out.status).toBe('warn');
    expect(out.summary).toContain('is an IP address');
    expect(out.hint).toContain('lampi-doctor cloud.example.com --resolve cloud.example.com:203.0.113.7');
  });

  it('warns with the seeds\' advice even for an IP literal that the certificate lists as an IP SAN', () => {
    const out = dnsResolve.run(
      facts((f) => {
        f.resolution = { host: '203.0.113.7', isIpLiteral: true, source: 'literal', addresses: ['203.0.113.7'], elapsedMs: 0 };
        f.literalTarget = { coveredBySan: true, certificateNames: ['cloud.example.com'] };
      }),
      settings,
    );
    expect(out.status).toBe('warn');
    expect(out.code).toBe('ip-literal');
    expect(out.hint).toContain('ESP8266');
    expect(out.hint).toContain('FQDN');
  });
});

describe('tcp.connect', () => {
  it('tells refused (nothing listens) apart from a timeout (firewall) and unreachable', () => {
    const refused = tcpConnect.run(facts((f) => Object.assign(f.tcp, { outcome: 'refused', errorCode: 'ECONNREFUSED' })), settings);
    const timeout = tcpConnect.run(facts((f) => Object.assign(f.tcp, { outcome: 'timeout', elapsedMs: 3000 })), settings);
    const unreachable = tcpConnect.run(facts((f) => Object.assign(f.tcp, { outcome: 'unreachable', errorCode: 'EHOSTUNREACH' })), settings);
    expect([refused.status, timeout.status, unreachable.status]).toEqual(['fail', 'fail', 'fail']);
    expect(refused.summary).toContain('nothing listens on port 8883');
    expect(refused.hint).toContain('listener 8883');
    expect(timeout.summary).toContain('firewall or cloud security group');
    expect(unreachable.summary).toContain('unreachable (EHOSTUNREACH)');
  });

  it('says why there is no address when the name did not resolve', () => {
    const out = tcpConnect.run(
      facts((f) => {
        f.tcp = { port: 8883, outcome: 'no-address', elapsedMs: 0 };
        Object.assign(f.resolution, { addresses: [], errorCode: 'ENOTFOUND' });
      }),
      settings,
    );
    expect(out.summary).toBe('there is no address to connect to: cloud.example.com does not resolve (ENOTFOUND)');
    expect(out.hint).toContain('--resolve cloud.example.com:ADDRESS');
  });
});

describe('tls.handshake', () => {
  const handshake = (patch: Partial<HandshakeFacts>) => tlsHandshake.run(facts((f) => Object.assign(f.handshake, patch)), settings);

  it('passes and names version and cipher', () => {
    const out = handshake({});
    expect(out.status).toBe('pass');
    expect(out.summary).toContain('TLS 1.3 handshake completed with the client certificate (TLS_AES_256_GCM_SHA384');
  });

  it('names a missing client certificate (TLS 1.3 alert 116)', () => {
    const out = handshake({ outcome: 'alert', clientCertificateSent: false, alert: { number: 116, description: 'tlsv13 alert certificate required', code: 'X' } });
    expect(out.status).toBe('fail');
    expect(out.summary).toContain('requires a client certificate');
    expect(out.hint).toContain('--cert');
  });

  it('on alert 48 for a client certificate that chains to --ca, names the broker\'s cafile, capath hashes or crlfile', () => {
    const out = handshake({ outcome: 'alert', alert: { number: 48, description: 'tlsv1 alert unknown ca', code: 'X' } });
    expect(out.code).toBe('broker-lacks-client-issuer');
    expect(out.summary).toContain('no trusted issuer for your client certificate');
    expect(out.hint).toContain('cafile');
    expect(out.hint).toContain('openssl rehash');
    expect(out.hint).toContain('crlfile');
  });

  it('names a version mismatch (alert 70) with the tls_version fix', () => {
    const out = handshake({ outcome: 'alert', alert: { number: 70, description: 'tlsv1 alert protocol version', code: 'X' } });
    expect(out.summary).toContain('no TLS version in common');
    expect(out.hint).toContain('tls_version tlsv1.2');
  });

  it('names plain MQTT answering on the TLS port', () => {
    const out = handshake({ outcome: 'closed', handshakeCompleted: false, plainMqtt: { speaksMqtt: true, returnCode: 0, answer: 'connack' } });
    expect(out.status).toBe('fail');
    expect(out.summary).toContain('speaks plain MQTT, not TLS');
    expect(out.hint).toContain('certfile');
  });

  it('names a peer that closes, one that never answers, and one that is not TLS', () => {
    const closed = handshake({ outcome: 'closed', handshakeCompleted: false, plainMqtt: { speaksMqtt: false, answer: 'closed' } });
    const silent = handshake({ outcome: 'timeout', handshakeCompleted: false });
    const notTls = handshake({ outcome: 'not-tls', handshakeCompleted: false, errorCode: 'ERR_SSL_WRONG_VERSION_NUMBER' });
    expect(closed.summary).toBe('the server closed the connection during the TLS handshake');
    expect(silent.summary).toBe('the server accepted TCP but never answered the TLS hello within 3000 ms');
    expect(notTls.summary).toContain('not with TLS');
    expect([closed.status, silent.status, notTls.status]).toEqual(['fail', 'fail', 'fail']);
  });

  // The probe's `unsupported` outcome has two causes (src/probes/tls-attempt.ts UNSUPPORTED_CODES),
  // as Node's OpenSSL reports them: a server that chose TLS 1.1 for a client offering 1.2 at least
  // (ERR_SSL_UNSUPPORTED_PROTOCOL), and a client whose own version range is empty (no protocols available).
  it('names a server that answers below TLS 1.2 (a failure of the broker, with the tls_version fix)', () => {
    const out = handshake({ outcome: 'unsupported', handshakeCompleted: false, errorCode: 'ERR_SSL_UNSUPPORTED_PROTOCOL', message: 'unsupported protocol' });
    expect(out).toMatchObject({ status: 'fail', code: 'server-below-tls12' });
    expect(out.summary).toContain('answered with a TLS version older than 1.2');
    expect(out.hint).toContain('tls_version tlsv1.2');
    expect(out.hint).toContain(`openssl s_client -connect ${settings.host}:${settings.port} -tls1_2`);
  });

  it('says the broker is untested when this machine had no TLS version to offer', () => {
    const out = handshake({ outcome: 'unsupported', handshakeCompleted: false, errorCode: 'ERR_SSL_NO_PROTOCOLS_AVAILABLE', message: 'no protocols available' });
    expect(out).toMatchObject({ status: 'error', code: 'no-local-tls-versions' });
    expect(out.summary).toContain('nothing was sent, so port 8883 is untested');
    expect(out.hint).toContain('NODE_OPTIONS');
  });

  it('gives a lost connection and an unclassified error their own codes, not the runner\'s internal-error', () => {
    const lost = handshake({ outcome: 'no-connection', handshakeCompleted: false, errorCode: 'ECONNREFUSED' });
    expect(lost).toMatchObject({ status: 'error', code: 'connection-lost' });
    expect(lost.summary).toContain('(ECONNREFUSED), although tcp.connect reached it moments before');
    const odd = handshake({ outcome: 'error', handshakeCompleted: false, errorCode: 'ERR_SSL_SOMETHING_NEW', message: 'something new' });
    expect(odd).toMatchObject({ status: 'error', code: 'unclassified-error' });
    expect(odd.summary).toBe('the handshake failed with an error lampi-doctor does not classify: ERR_SSL_SOMETHING_NEW (something new)');
    expect(odd.hint).toContain('--format json');
  });
});

describe('tls.version', () => {
  it('passes TLS 1.2 + 1.3 and lists what is refused', () => {
    const out = tlsVersion.run(healthyFacts(), settings);
    expect(out.status).toBe('pass');
    expect(out.summary).toBe('negotiated TLS 1.3; accepts TLS 1.2, TLS 1.3; refuses TLS 1.0, TLS 1.1');
  });

  it('warns when a legacy version is accepted', () => {
    const out = tlsVersion.run(facts((f) => (f.protocolSupport.versions[1].result = 'accepted')), settings);
    expect(out.status).toBe('warn');
    expect(out.summary).toContain('legacy TLS 1.1');
  });

  it('fails when TLS 1.2 is refused, because the bridge pins it', () => {
    const out = tlsVersion.run(facts((f) => (f.protocolSupport.versions[2].result = 'refused')), settings);
    expect(out.status).toBe('fail');
    expect(out.hint).toContain('bridge_tls_version tlsv1.2');
  });

  // Review finding 1: s_client -tls1_2 gets alert 40 from an EC certificate without digitalSignature.
  it('blames the leaf keyUsage, not tls_version, when an EC certificate without digitalSignature rules out TLS 1.2', () => {
    const out = tlsVersion.run(
      facts((f) => {
        f.protocolSupport.versions[2].result = 'refused';
        if (f.serverChain.available) f.serverChain.certificates[0] = { ...f.serverChain.certificates[0], publicKey: { algorithm: 'EC', bits: 256, curve: 'P-256' }, keyUsage: ['keyCertSign'] };
      }),
      settings,
    );
    expect(out.status).toBe('fail');
    expect(out.code).toBe('leaf-key-usage');
    expect(out.summary).toContain('keyUsage (keyCertSign) lacks digitalSignature');
    expect(out.hint).toContain('No `tls_version` change is needed');
    expect(out.hint).not.toContain('Set `tls_version');
  });

  it('skips, with the reason, when nothing could be tested', () => {
    const out = tlsVersion.run(facts((f) => (f.protocolSupport = { tested: false, handshakeOutcome: 'timeout', versions: [] })), settings);
    expect(out.status).toBe('skip');
    expect(out.summary).toContain('could not test');
  });
});

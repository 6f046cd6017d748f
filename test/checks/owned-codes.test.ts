// Every outcome of dns.resolve, tcp.connect, tls.validity, tls.key, tls.version, mqtt.roundtrip, the
// bridge flows and plain.exposure, as a user or CI job sees it: status, finding code, the kind of a
// skip, and the key facts of the summary and fix.
import { describe, expect, it } from 'vitest';
import { bridgeInbound, bridgeOutbound } from '../../checks/bridge-flow.js';
import { dnsResolve } from '../../checks/dns-resolve.js';
import { mqttRoundtrip } from '../../checks/mqtt-roundtrip.js';
import { plainExposure } from '../../checks/plain-exposure.js';
import { tcpConnect } from '../../checks/tcp-connect.js';
import { tlsKey } from '../../checks/tls-key.js';
import { tlsValidity } from '../../checks/tls-validity.js';
import { tlsVersion } from '../../checks/tls-version.js';
import type { DiagnosisCheck } from '../../checks/index.js';
import { findingCode, type Outcome } from '../../src/engine/types.js';
import type { DiagnosisFacts } from '../../src/facts.js';
import { caCert, cert, connected, flow, healthyFacts, settings, withFacts } from '../helpers/facts.js';

const outcome = (check: { run: DiagnosisCheck['run'] }, patch: (facts: DiagnosisFacts) => void, config = settings) => check.run(withFacts(patch), config);
const code = (id: string, out: Outcome) => findingCode(id, out);

describe('dns.resolve', () => {
  const literal = (coveredBySan: boolean | null, certificateNames: string[] = ['cloud.example.com']) => (f: DiagnosisFacts) => {
    f.resolution = { host: '203.0.113.7', isIpLiteral: true, source: 'literal', addresses: ['203.0.113.7'], elapsedMs: 0 };
    f.literalTarget = { coveredBySan, certificateNames };
  };

  it('names each outcome', () => {
    expect(code('dns.resolve', dnsResolve.run(healthyFacts(), settings))).toBe('dns.resolve/ok');
    const timeout = outcome(dnsResolve, (f) => Object.assign(f.resolution, { addresses: [], errorCode: 'ETIMEOUT' }));
    expect([timeout.status, timeout.code, timeout.evidence?.errorCode]).toEqual(['fail', 'timeout', 'ETIMEOUT']);
    expect(timeout.summary).toMatch(/^looking up cloud\.example\.com timed out: the DNS resolver sent no answer within \d+ ms$/);
    const missing = outcome(dnsResolve, (f) => Object.assign(f.resolution, { addresses: [] }));
    expect([missing.status, missing.code, missing.summary]).toEqual(['fail', 'does-not-resolve', 'cloud.example.com does not resolve (no addresses)']);
  });

  it('tells an IP the certificate lists from one it does not, and from one it could not compare', () => {
    const listed = outcome(dnsResolve, literal(true));
    expect([listed.status, listed.code]).toEqual(['warn', 'ip-literal']);
    expect(listed.summary).toContain('OpenSSL clients accept it');
    const unlisted = outcome(dnsResolve, literal(false, ['cloud.example.com', 'mqtt.example.com']));
    expect([unlisted.status, unlisted.code]).toEqual(['warn', 'ip-not-in-certificate']);
    expect(unlisted.summary).toContain('TLS clients will reject it');
    expect(unlisted.hint).toMatch(/^Use the FQDN the certificate names \(cloud\.example\.com, mqtt\.example\.com\), e\.g\. `lampi-doctor cloud\.example\.com --resolve cloud\.example\.com:203\.0\.113\.7`; the bridge's `address` line needs that FQDN too\. \S/);
    const unseen = outcome(dnsResolve, literal(null, []));
    expect([unseen.status, unseen.code]).toEqual(['warn', 'ip-literal-unverified']);
    expect(unseen.summary).not.toContain('will reject');
    expect(unseen.hint).toContain('Use the FQDN the certificate names, e.g. `lampi-doctor your.broker.fqdn --resolve your.broker.fqdn:203.0.113.7`');
  });
});

describe('tcp.connect', () => {
  it.each([
    ['connected', 'pass', 'ok', '203.0.113.7:8883 accepts TCP connections (2 ms)'],
    ['refused', 'fail', 'refused', '203.0.113.7:8883 refused the connection: nothing listens on port 8883'],
    ['timeout', 'fail', 'timeout', '203.0.113.7:8883: no answer within 2 ms: a firewall or cloud security group drops the traffic'],
    ['unreachable', 'fail', 'unreachable', '203.0.113.7:8883 is unreachable (EX): no route to that address'],
    ['error', 'fail', 'connect-error', 'connecting to 203.0.113.7:8883 failed: EX'],
  ] as const)('%s: %s %s', (tcpOutcome, status, slug, summary) => {
    const out = outcome(tcpConnect, (f) => Object.assign(f.tcp, { outcome: tcpOutcome, errorCode: tcpOutcome === 'connected' ? undefined : 'EX' }));
    expect([out.status, out.code, out.summary]).toEqual([status, slug, summary]);
    expect(out.evidence).toMatchObject({ address: '203.0.113.7', port: 8883, outcome: tcpOutcome });
  });

  it('quotes the error message of an unexpected failure, and names the missing address', () => {
    expect(outcome(tcpConnect, (f) => Object.assign(f.tcp, { outcome: 'error', message: 'EACCES: permission denied' })).summary).toBe('connecting to 203.0.113.7:8883 failed: EACCES: permission denied');
    const none = outcome(tcpConnect, (f) => {
      f.tcp = { port: 8883, outcome: 'no-address', elapsedMs: 0 };
      Object.assign(f.resolution, { addresses: [] });
    });
    expect([none.status, none.code, none.summary]).toEqual(['fail', 'no-address', 'there is no address to connect to: cloud.example.com does not resolve (no addresses)']);
    expect(none.hint).toContain('--resolve cloud.example.com:ADDRESS');
  });

  it('uses the configured port in the fix', () => {
    const out = tcpConnect.run(withFacts((f) => Object.assign(f.tcp, { outcome: 'timeout' })), { ...settings, port: 9883 });
    expect(out.hint).toContain('sudo ufw allow 9883/tcp');
  });
});

describe('tls.validity', () => {
  it('codes each date problem, worst first', () => {
    const expiredAndSoon = outcome(tlsValidity, (f) => {
      f.serverChain.certificates[0] = cert({ notAfter: '2026-06-10T12:00:00.000Z' });
      f.serverChain.certificates[1] = caCert({ notAfter: '2026-05-01T00:00:00.000Z' });
    });
    expect([expiredAndSoon.status, expiredAndSoon.code]).toEqual(['fail', 'expired']);
    expect(expiredAndSoon.summary).toBe('CN=LAMPI CA, O=LAMPI expired on 2026-05-01 (31 days ago) (in --ca lampi_ca.crt)');
    expect(expiredAndSoon.evidence?.findings).toHaveLength(2);
    const early = outcome(tlsValidity, (f) => (f.serverChain.certificates[0] = cert({ notBefore: '2026-06-03T12:00:00.000Z', notAfter: '2026-06-10T12:00:00.000Z' })));
    expect([early.status, early.code]).toEqual(['fail', 'not-yet-valid']);
    const soon = outcome(tlsValidity, (f) => (f.serverChain.certificates[0] = cert({ notAfter: '2026-06-20T12:00:00.000Z' })));
    expect([soon.status, soon.code, soon.summary]).toEqual(['warn', 'expires-soon', 'CN=cloud.example.com, O=LAMPI expires on 2026-06-20 (in 19 days)']);
    expect(soon.hint).toContain('--expiry-warn-days 30');
    expect(tlsValidity.run(healthyFacts(), settings).code).toBe('ok');
  });

  it('aims the expires-soon fix at the certificate that lapses: a root is renewed with its own key, not the leaf re-issued (hunt 4, H4-4)', () => {
    const leaf = outcome(tlsValidity, (f) => (f.serverChain.certificates[0] = cert({ notAfter: '2026-06-20T12:00:00.000Z' })));
    expect(leaf.hint).toMatch(/^Renew the server certificate before it lapses/);
    const root = outcome(tlsValidity, (f) => (f.serverChain.certificates[1] = caCert({ notAfter: '2026-06-10T12:00:00.000Z' })));
    expect([root.status, root.code]).toEqual(['warn', 'expires-soon']);
    expect(root.hint).toMatch(/^Renew the root CA CN=LAMPI CA, O=LAMPI with its own key/);
    expect(root.hint).toContain('openssl x509 -in lampi_ca.crt -signkey lampi_ca.key -days 3650');
    expect(root.hint).not.toContain('x509 -req');
    const intermediate = outcome(tlsValidity, (f) => {
      f.serverChain.certificates.splice(1, 0, caCert({ subject: 'CN=LAMPI Intermediate', selfIssued: false, inCaFile: false, depth: 1, notAfter: '2026-06-10T12:00:00.000Z' }));
      f.serverChain.certificates[2] = { ...f.serverChain.certificates[2], depth: 2 };
    });
    expect(intermediate.hint).toMatch(/^Renew the intermediate CA CN=LAMPI Intermediate with its own key/);
  });

  it('warns on the day boundary: a certificate ending exactly warnDays from now is fine', () => {
    const edge = outcome(tlsValidity, (f) => (f.serverChain.certificates[0] = cert({ notAfter: '2026-07-01T12:00:00.000Z' })));
    expect(edge.status).toBe('pass');
    const inside = outcome(tlsValidity, (f) => (f.serverChain.certificates[0] = cert({ notAfter: '2026-07-01T11:59:59.000Z' })));
    expect(inside.status).toBe('warn');
  });

  it('skips, typed, when the chain could not be seen', () => {
    const out = outcome(tlsValidity, (f) => (f.serverChain = { available: false, unavailable: { cause: 'timeout' }, certificates: [], trustStore: 'ca-file' }));
    expect(out).toMatchObject({ status: 'skip', code: 'not-seen', skipKind: 'prerequisite-failed', summary: "could not see the server's certificate: the server never answered the TLS handshake" });
  });
});

describe('tls.key', () => {
  it('codes a weak key apart from a weak signature', () => {
    const key = outcome(tlsKey, (f) => (f.serverChain.certificates[0] = cert({ publicKey: { algorithm: 'RSA', bits: 1024 } })));
    expect([key.status, key.code]).toEqual(['fail', 'weak-key']);
    const dsa = outcome(tlsKey, (f) => (f.serverChain.certificates[0] = cert({ publicKey: { algorithm: 'DSA', bits: 1024 } })));
    expect([dsa.code, dsa.summary]).toEqual(['weak-key', 'CN=cloud.example.com, O=LAMPI: DSA key of 1024 bits (below 2048)']);
    const signature = outcome(tlsKey, (f) => (f.serverChain.certificates[0] = cert({ signature: { algorithm: 'sha1WithRSAEncryption', hash: 'SHA-1' } })));
    expect([signature.status, signature.code]).toEqual(['fail', 'weak-signature']);
    const both = outcome(tlsKey, (f) => (f.serverChain.certificates[0] = cert({ publicKey: { algorithm: 'RSA', bits: 1024 }, signature: { algorithm: 'md2WithRSAEncryption', hash: 'MD2' } })));
    expect([both.code, both.summary]).toEqual(['weak-key', 'CN=cloud.example.com, O=LAMPI: RSA key of 1024 bits (below 2048), signed with md2WithRSAEncryption (MD2 is broken)']);
  });

  it('accepts the minimum sizes, and flags an intermediate signed with SHA-1', () => {
    expect(outcome(tlsKey, (f) => (f.serverChain.certificates[0] = cert({ publicKey: { algorithm: 'EC', bits: 256, curve: 'P-256' } }))).summary).toBe(
      'server key EC P-256, signed with sha256WithRSAEncryption; no weak key or signature in the chain',
    );
    expect(outcome(tlsKey, (f) => (f.serverChain.certificates[0] = cert({ publicKey: { algorithm: 'EC', bits: 384 } }))).summary).toContain('server key EC 384 bits');
    expect(outcome(tlsKey, (f) => (f.serverChain.certificates[0] = cert({ publicKey: { algorithm: 'Ed25519' } }))).summary).toContain('server key Ed25519 ? bits');
    const intermediate = outcome(tlsKey, (f) => (f.serverChain.certificates[1] = caCert({ selfIssued: false, signature: { algorithm: 'sha1WithRSAEncryption', hash: 'SHA-1' } })));
    expect([intermediate.status, intermediate.code]).toEqual(['fail', 'weak-signature']);
    expect(intermediate.evidence?.certificates).toEqual([
      { subject: 'CN=cloud.example.com, O=LAMPI', key: 'RSA 2048 bits', signature: 'sha256WithRSAEncryption', problems: [] },
      { subject: 'CN=LAMPI CA, O=LAMPI', key: 'RSA 2048 bits', signature: 'sha1WithRSAEncryption', problems: ['signed with sha1WithRSAEncryption (SHA-1 is broken)'] },
    ]);
    const selfSignedLeaf = outcome(tlsKey, (f) => (f.serverChain.certificates = [cert({ selfIssued: true, signature: { algorithm: 'sha1WithRSAEncryption', hash: 'SHA-1' } })]));
    expect(selfSignedLeaf.code).toBe('weak-signature');
  });

  it('skips, typed, when the chain could not be seen', () => {
    const out = outcome(tlsKey, (f) => (f.serverChain = { available: false, unavailable: { cause: 'not-tls' }, certificates: [], trustStore: 'system' }));
    expect(out).toMatchObject({ status: 'skip', code: 'not-seen', skipKind: 'prerequisite-failed' });
  });
});

describe('tls.version', () => {
  const versions = (results: Record<string, 'accepted' | 'refused' | 'untested'>) => (f: DiagnosisFacts) =>
    (f.protocolSupport.versions = f.protocolSupport.versions.map((probe) => ({ ...probe, result: results[probe.version] ?? probe.result })));

  it('codes each outcome and lists what was accepted, refused and untested', () => {
    const ok = tlsVersion.run(healthyFacts(), settings);
    expect([ok.code, ok.summary]).toEqual(['ok', 'negotiated TLS 1.3; accepts TLS 1.2, TLS 1.3; refuses TLS 1.0, TLS 1.1']);
    const refused = outcome(tlsVersion, versions({ 'TLSv1.2': 'refused' }));
    expect([refused.status, refused.code, refused.summary]).toEqual(['fail', 'tls12-refused', 'the server refuses TLS 1.2 (accepts TLS 1.3; refuses TLS 1.0, TLS 1.1, TLS 1.2)']);
    const legacy = outcome(tlsVersion, versions({ TLSv1: 'accepted', 'TLSv1.1': 'accepted' }));
    expect([legacy.status, legacy.code, legacy.summary]).toEqual(['warn', 'legacy-accepted', 'the server still accepts legacy TLS 1.0 and TLS 1.1 (accepts TLS 1.0, TLS 1.1, TLS 1.2, TLS 1.3)']);
    const untested = outcome(tlsVersion, (f) => {
      versions({ TLSv1: 'untested', 'TLSv1.1': 'untested' })(f);
      f.protocolSupport.negotiated = undefined;
    });
    expect([untested.code, untested.summary]).toEqual(['ok', 'accepts TLS 1.2, TLS 1.3; could not test TLS 1.0, TLS 1.1']);
    const none = outcome(tlsVersion, versions({ 'TLSv1.2': 'untested', 'TLSv1.3': 'untested' }));
    expect(none.summary).toContain('accepts none');
  });

  it('skips, typed, when the handshake never got through', () => {
    const out = outcome(tlsVersion, (f) => (f.protocolSupport = { tested: false, handshakeOutcome: 'timeout', versions: [] }));
    expect(out).toMatchObject({ status: 'skip', code: 'handshake-failed', skipKind: 'prerequisite-failed', summary: 'could not test: the TLS handshake did not get through (timeout)' });
  });
});

describe('mqtt.roundtrip', () => {
  const trip = (patch: Partial<DiagnosisFacts['roundtrip']>) => outcome(mqttRoundtrip, (f) => Object.assign(f.roundtrip, patch));

  it('codes each outcome', () => {
    const ok = mqttRoundtrip.run(healthyFacts(), settings);
    expect([ok.code, ok.summary]).toEqual(['ok', '10/10 messages round-tripped at QoS 1, never retained: p50 2 ms, p95 9 ms, max 9 ms']);
    expect(ok.evidence).toMatchObject({ retained: false, sent: 10, received: 10, topic: 'lampi-doctor/roundtrip/lampi-doctor-0123456789ab' });
    expect(trip({ sent: 5, samplesMs: [1, 2, 3, 4, 5] }).summary).toMatch(/^5\/5 of 10 messages round-tripped/);
    const refused = trip({ granted: 128, samplesMs: [] });
    expect([refused.status, refused.code]).toEqual(['fail', 'subscribe-refused']);
    expect(refused.hint).toBe('Grant b827eb74663e_broker access in the broker\'s `acl_file`, e.g. `user b827eb74663e_broker` then `topic readwrite lampi-doctor/#` (with use_identity_as_username the CN is the user).');
    const brokeOff = trip({ error: 'connection closed', samplesMs: [] });
    expect([brokeOff.status, brokeOff.code, brokeOff.summary]).toEqual(['fail', 'no-answer', 'the round trip broke off: connection closed']);
    const dropped = trip({ samplesMs: [], acknowledgedButLost: true });
    expect([dropped.status, dropped.code]).toEqual(['fail', 'acknowledged-not-delivered']);
    expect(dropped.summary).toContain('(QoS 1) but never delivered it');
    const silent = trip({ samplesMs: [], qos: 0 });
    expect([silent.status, silent.code]).toEqual(['fail', 'nothing-came-back']);
    expect(silent.hint).toContain('Re-run with --qos 1');
    const lost = trip({ samplesMs: [1, 2], sent: 3, lost: 1 });
    expect([lost.status, lost.code, lost.summary]).toEqual(['warn', 'message-lost', '2/3 messages came back on lampi-doctor/roundtrip/lampi-doctor-0123456789ab (QoS 1); one was lost and the series stopped']);
  });

  it('counts the untimed warm-up: a path that carried warm-up messages is not an ACL that drops them', () => {
    const lostInWarmup = trip({ samplesMs: [], sent: 0, lost: 1, acknowledgedButLost: true, warmup: { sent: 3, received: 2 } });
    expect([lostInWarmup.status, lostInWarmup.code, lostInWarmup.summary]).toEqual(['warn', 'message-lost', '2/3 messages came back on lampi-doctor/roundtrip/lampi-doctor-0123456789ab (QoS 1); one was lost and the series stopped']);
    const lostLater = trip({ samplesMs: [1, 2], sent: 3, lost: 1, acknowledgedButLost: true, warmup: { sent: 20, received: 20 } });
    expect([lostLater.code, lostLater.summary]).toEqual(['message-lost', '22/23 messages came back on lampi-doctor/roundtrip/lampi-doctor-0123456789ab (QoS 1); one was lost and the series stopped']);
    const firstDropped = trip({ samplesMs: [], sent: 0, lost: 1, acknowledgedButLost: true, warmup: { sent: 1, received: 0 } });
    expect([firstDropped.status, firstDropped.code]).toEqual(['fail', 'acknowledged-not-delivered']);
    const warmed = trip({ warmup: { sent: 20, received: 20 } });
    expect([warmed.code, warmed.summary]).toEqual(['ok', '10/10 messages round-tripped at QoS 1, never retained: p50 2 ms, p95 9 ms, max 9 ms']);
    expect(warmed.evidence).toMatchObject({ sent: 10, received: 10, warmup: { sent: 20, received: 20 } });
  });

  it('names its own failed connection, with the CN or a placeholder as the user', () => {
    const out = trip({ connect: connected({ outcome: 'refused', returnCode: 5 }) });
    expect([out.status, out.code]).toEqual(['fail', 'connect-failed']);
    const anonymous = outcome(mqttRoundtrip, (f) => {
      f.clientCertificate = { given: false, intermediates: 0 };
      f.roundtrip.granted = 128;
    });
    expect(anonymous.hint).toContain('Grant your client access');
  });
});

describe('bridge.inbound / bridge.outbound', () => {
  const inbound = (patch: Partial<DiagnosisFacts['bridgeInbound']>, state?: (f: DiagnosisFacts) => void) =>
    outcome(bridgeInbound, (f) => {
      f.bridgeInbound = flow('inbound', patch);
      state?.(f);
    });

  it('codes each outcome', () => {
    expect([bridgeInbound.run(healthyFacts(), settings).code, bridgeOutbound.run(healthyFacts(), settings).code]).toEqual(['ok', 'ok']);
    expect(inbound({ configured: false, missing: 'local' })).toMatchObject({ status: 'skip', code: 'not-configured', skipKind: 'nothing-to-test' });
    const lamp = inbound({ failure: { broker: 'lamp', stage: 'connect', outcome: 'error', url: 'mqtt://127.0.0.1:1883', detail: 'ECONNREFUSED' } });
    expect([lamp.status, lamp.code, lamp.summary]).toEqual(['fail', 'lamp-connect-failed', 'cannot connect to --local mqtt://127.0.0.1:1883: ECONNREFUSED']);
    expect(lamp.hint).toContain('listener 1883 127.0.0.1');
    const cloud = inbound({ failure: { broker: 'cloud', stage: 'connect', outcome: 'refused', detail: 'not authorised' } });
    expect(cloud).toMatchObject({ status: 'skip', code: 'cloud-unreachable', skipKind: 'prerequisite-failed', summary: 'cannot connect to the cloud broker: not authorised', hint: 'See mqtt.connect.' });
    const broken = inbound({ failure: { broker: 'lamp', stage: 'exchange', url: 'mqtt://127.0.0.1:1883', detail: 'socket hang up' } });
    expect([broken.status, broken.code, broken.summary]).toEqual(['fail', 'lamp-no-answer', '--local mqtt://127.0.0.1:1883 stopped answering during the test: socket hang up']);
    const elsewhere = inbound({ samplesMs: [], arrivedElsewhere: 'devices/0000deadbeef/lampi-doctor/abcd/in' });
    expect([elsewhere.status, elsewhere.code]).toEqual(['fail', 'wrong-remote-prefix']);
    expect(elsewhere.summary).toBe('the probe crossed the bridge but arrived on devices/0000deadbeef/lampi-doctor/abcd/in, not lampi-doctor/abcd/in: the bridge maps another remote prefix');
  });

  it('reads the bridge state when nothing crossed', () => {
    const mapping = inbound({ samplesMs: [], lost: 1 });
    expect(mapping).toMatchObject({ status: 'skip', code: 'mapping-missing', skipKind: 'inconclusive' });
    expect(mapping.summary).toBe('the bridge reports connected but does not carry the diagnostic mapping (cloud -> lamp saw nothing)');
    const down = inbound({ samplesMs: [] }, (f) => (f.bridgeState.states = [{ topic: 'devices/b827eb74663e/lamp/connection/b827eb74663e_broker/state', value: '0' }]));
    expect([down.status, down.code, down.summary]).toEqual(['fail', 'bridge-disconnected', 'nothing crossed the bridge (cloud -> lamp): it is disconnected']);
    const unknown = inbound({ samplesMs: [] }, (f) => (f.bridgeState.states = []));
    expect([unknown.status, unknown.code, unknown.summary]).toEqual(['fail', 'bridge-state-unknown', 'nothing crossed the bridge (cloud -> lamp), and its state is unknown']);
    expect(unknown.hint).toContain('topic lampi-doctor/# both 1 "" devices/b827eb74663e/');
    const other = inbound({ samplesMs: [] }, (f) => (f.bridgeState.states = [{ topic: 'devices/0000deadbeef/lamp/connection/b827eb74663e_broker/state', value: '1' }]));
    expect([other.status, other.code]).toEqual(['fail', 'wrong-remote-prefix']);
    expect(other.summary).toBe('nothing crossed the bridge (cloud -> lamp): it maps devices/0000deadbeef/, not devices/b827eb74663e/');
  });

  it('warns about a lost probe, and reports the direction and latency', () => {
    const lost = outcome(bridgeOutbound, (f) => (f.bridgeOutbound = flow('outbound', { samplesMs: [5, 6], sent: 3, lost: 1 })));
    expect([lost.status, lost.code, lost.summary]).toEqual(['warn', 'message-lost', '2/3 probes crossed the bridge (lamp -> cloud); one was lost and the series stopped']);
    expect(lost.evidence).toMatchObject({ direction: 'lamp -> cloud', sent: 3, received: 2, latency: { samples: 2, p50: 5, p95: 6, max: 6 } });
  });
});

describe('plain.exposure', () => {
  const exposed = (mqtt?: DiagnosisFacts['plainExposure']['mqtt']) => (f: DiagnosisFacts) => {
    f.plainExposure.tcp!.outcome = 'connected';
    f.plainExposure.mqtt = mqtt;
  };

  it('codes each outcome', () => {
    const closed = plainExposure.run(healthyFacts(), settings);
    expect([closed.code, closed.summary]).toEqual(['ok', 'port 1883 is not reachable at 203.0.113.7 (refused): plain MQTT stays on the broker host']);
    const open = outcome(plainExposure, exposed({ speaksMqtt: true, answer: 'connack', returnCode: 0 }));
    expect([open.status, open.code, open.summary]).toEqual(['fail', 'anonymous-open', '203.0.113.7:1883 accepts anonymous plain-text MQTT from outside: anyone can read and publish, unencrypted']);
    const guarded = outcome(plainExposure, exposed({ speaksMqtt: true, answer: 'connack', returnCode: 5 }));
    expect([guarded.status, guarded.code]).toEqual(['warn', 'plain-mqtt-exposed']);
    expect(guarded.summary).toContain('CONNACK 5');
    expect(guarded.hint).toBe('Bind plain MQTT to the broker host only: `listener 1883 127.0.0.1` (the seed\'s port.conf), and restart mosquitto.');
    const other = outcome(plainExposure, exposed({ speaksMqtt: false, answer: 'other-bytes', firstBytes: '48545450' }));
    expect([other.status, other.code, other.summary]).toEqual(['warn', 'port-open', 'something answers on 203.0.113.7:1883 from outside (answered 48545450, not an MQTT CONNACK)']);
    expect(outcome(plainExposure, exposed(undefined)).summary).toContain('(not MQTT)');
  });

  it('skips, typed, where it cannot tell or has no address: never a pass on no evidence', () => {
    const loopback = outcome(plainExposure, (f) => (f.plainExposure = { address: '127.0.0.1', port: 1883, indistinguishable: true }));
    expect(loopback).toMatchObject({ status: 'skip', code: 'loopback-target', skipKind: 'inconclusive' });
    const nowhere = outcome(plainExposure, (f) => (f.plainExposure = { port: 1883, indistinguishable: false, tcp: { port: 1883, outcome: 'no-address', elapsedMs: 0 } }));
    expect(nowhere).toMatchObject({ status: 'skip', code: 'no-address', skipKind: 'nothing-to-test', summary: 'no address to probe port 1883 at: the name did not resolve' });
    expect(nowhere.summary).not.toContain('undefined');
  });
});

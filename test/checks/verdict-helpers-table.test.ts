// The shared words and rules in checks/verdicts/ and checks/define.ts, one row per case: what a plain
// MQTT port said, which flag a bridge check lacks, latency figures, and OpenSSL's purpose rules.
import { describe, expect, it } from 'vitest';
import { isoDay, latency, latencyText, versionLabel } from '../../checks/define.js';
import { plainExposure } from '../../checks/plain-exposure.js';
import { dateFinding, inDate } from '../../checks/verdicts/dates.js';
import { missingInputReason } from '../../checks/verdicts/missing-input.js';
import { plainMqttDetail } from '../../checks/verdicts/plain-mqtt.js';
import { describeKeyUsage, ekuAllowsClient, ekuAllowsServer, keyUsageAllowsClient, keyUsageAllowsServer, keyUsageForbidsSigning, usableAsClient, usableAsServer } from '../../checks/verdicts/purpose.js';
import type { CertificateInfo } from '../../src/facts.js';
import { cert, healthyFacts, NOW, settings, withFacts } from '../helpers/facts.js';

describe('what a plain MQTT port said', () => {
  it.each([
    [{ speaksMqtt: true, answer: 'connack', returnCode: 5 }, 'CONNACK with return code 5'],
    [{ speaksMqtt: false, answer: 'other-bytes', firstBytes: '485454' }, 'answered 485454, not an MQTT CONNACK'],
    [{ speaksMqtt: false, answer: 'silent', timeoutMs: 2000 }, 'no answer to an MQTT CONNECT within 2000 ms'],
    [{ speaksMqtt: false, answer: 'closed' }, 'closed without an MQTT answer'],
    [{ speaksMqtt: false, answer: 'error', errorCode: 'ECONNRESET' }, 'ECONNRESET'],
    [{ speaksMqtt: false, answer: 'error' }, 'error'],
  ] as const)('%o', (facts, words) => {
    expect(plainMqttDetail(facts as Parameters<typeof plainMqttDetail>[0])).toBe(words);
  });

  it('shows it in plain.exposure\'s evidence', () => {
    const out = plainExposure.run(
      withFacts((f) => {
        f.plainExposure.tcp!.outcome = 'connected';
        f.plainExposure.mqtt = { speaksMqtt: false, answer: 'silent', timeoutMs: 2000 };
      }),
      settings,
    );
    expect(out.summary).toBe('something answers on 203.0.113.7:1883 from outside (no answer to an MQTT CONNECT within 2000 ms)');
    expect(out.evidence?.mqtt).toEqual({ speaksMqtt: false, answer: 'silent', timeoutMs: 2000, detail: 'no answer to an MQTT CONNECT within 2000 ms' });
    expect(plainExposure.run(healthyFacts(), settings).evidence).toEqual({ address: '203.0.113.7', port: 1883, tcp: 'refused', mqtt: undefined });
  });
});

describe('which flag a bridge check lacks', () => {
  it('asks for --local first, then for the device id, worded for each purpose', () => {
    expect(missingInputReason('local', 'lamp')).toBe("give --local mqtt://127.0.0.1:1883 (the lamp's own broker) to test through the bridge");
    expect(missingInputReason('device-id', 'lamp')).toBe('give --device-id (or --bridge-config lampi_bridge.conf) to say which lamp to look for');
    expect(missingInputReason(undefined, 'prefix')).toBe("give --device-id (or --bridge-config lampi_bridge.conf) to know the bridge's topic prefix");
  });
});

describe('figures', () => {
  it('takes nearest-rank percentiles of unsorted samples, rounded to 0.01 ms', () => {
    const samples = Array.from({ length: 20 }, (_, i) => 20 - i + 0.123);
    expect(latency(samples)).toEqual({ samples: 20, p50: 10.12, p95: 19.12, max: 20.12 });
    expect(latency([3, 1, 2])).toEqual({ samples: 3, p50: 2, p95: 3, max: 3 });
    expect(latency([10, 1])).toEqual({ samples: 2, p50: 1, p95: 10, max: 10 });
    expect(latencyText({ samples: 2, p50: 1, p95: 10, max: 10 })).toBe('p50 1 ms, p95 10 ms, max 10 ms');
  });

  it('labels versions and days', () => {
    expect([versionLabel('TLSv1.1'), versionLabel('TLSv1.2'), versionLabel('')]).toEqual(['TLS 1.1', 'TLS 1.2', 'unknown version']);
    expect(isoDay('2026-06-01T12:00:00.000Z')).toBe('2026-06-01');
  });
});

describe('dates of one certificate', () => {
  it('counts whole days, and an expiring certificate as still in date', () => {
    expect(dateFinding(cert({ notAfter: '2026-06-01T11:59:59.000Z' }), NOW, 30)).toMatchObject({ problem: 'expired', days: 0 });
    expect(dateFinding(cert({ notBefore: '2026-06-01T12:00:01.000Z' }), NOW, 30)).toMatchObject({ problem: 'not-yet-valid', days: 1 });
    expect(dateFinding(cert({ notAfter: '2026-07-01T11:59:59.000Z' }), NOW, 30)).toMatchObject({ problem: 'expires-soon', days: 29 });
    expect(dateFinding(cert({ notAfter: '2026-07-01T12:00:00.000Z' }), NOW, 30)).toBeUndefined();
    expect([inDate(cert({ notAfter: '2026-06-02T00:00:00.000Z' }), NOW), inDate(cert({ notAfter: '2026-05-31T00:00:00.000Z' }), NOW), inDate(cert({ notBefore: '2026-06-02T00:00:00.000Z' }), NOW)]).toEqual([true, false, false]);
  });
});

describe('OpenSSL\'s purpose rules', () => {
  const c = (patch: Partial<CertificateInfo>) => cert(patch);

  it('needs the usage itself in an extendedKeyUsage, and allows everything without one', () => {
    expect([ekuAllowsClient(c({ extendedKeyUsage: [] })), ekuAllowsClient(c({ extendedKeyUsage: ['anyExtendedKeyUsage'] })), ekuAllowsClient(c({ extendedKeyUsage: ['serverAuth', 'clientAuth'] }))]).toEqual([true, false, true]);
    expect([ekuAllowsServer(c({ extendedKeyUsage: [] })), ekuAllowsServer(c({ extendedKeyUsage: ['clientAuth'] })), ekuAllowsServer(c({ extendedKeyUsage: ['serverAuth'] }))]).toEqual([true, false, true]);
  });

  it('lets a keyUsage allow each role by its own usages', () => {
    expect([undefined, [], ['digitalSignature'], ['keyAgreement'], ['keyEncipherment'], ['keyCertSign']].map((keyUsage) => keyUsageAllowsClient(c({ keyUsage })))).toEqual([true, false, true, true, false, false]);
    expect([undefined, [], ['digitalSignature'], ['keyAgreement'], ['keyEncipherment'], ['keyCertSign']].map((keyUsage) => keyUsageAllowsServer(c({ keyUsage })))).toEqual([true, false, true, true, true, false]);
  });

  it('says which keys may not sign a handshake, and words a keyUsage', () => {
    const ec = { algorithm: 'EC', bits: 256, curve: 'prime256v1' };
    expect([
      keyUsageForbidsSigning(c({ publicKey: ec })),
      keyUsageForbidsSigning(c({ publicKey: ec, keyUsage: ['keyAgreement'] })),
      keyUsageForbidsSigning(c({ publicKey: ec, keyUsage: ['digitalSignature'] })),
      keyUsageForbidsSigning(c({ keyUsage: ['keyEncipherment'] })),
      keyUsageForbidsSigning(c({ publicKey: { algorithm: 'Ed25519' }, keyUsage: [] })),
    ]).toEqual([false, true, false, false, true]);
    expect([describeKeyUsage(c({})), describeKeyUsage(c({ keyUsage: [] })), describeKeyUsage(c({ keyUsage: ['digitalSignature', 'keyEncipherment'] }))]).toEqual(['absent', 'empty', 'digitalSignature, keyEncipherment']);
  });

  it('needs both rules for a role', () => {
    expect([usableAsClient(c({ extendedKeyUsage: ['clientAuth'], keyUsage: ['keyEncipherment'] })), usableAsClient(c({ extendedKeyUsage: ['serverAuth'] })), usableAsClient(c({ extendedKeyUsage: ['clientAuth'] }))]).toEqual([false, false, true]);
    expect([usableAsServer(c({ keyUsage: ['keyCertSign'] })), usableAsServer(c({ extendedKeyUsage: ['clientAuth'] })), usableAsServer(c({}))]).toEqual([false, false, true]);
  });
});

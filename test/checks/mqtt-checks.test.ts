import { describe, expect, it } from 'vitest';
import { bridgeInbound, bridgeOutbound } from '../../checks/bridge-flow.js';
import { bridgeStatus } from '../../checks/bridge-status.js';
import { latency } from '../../checks/define.js';
import { mqttConnect } from '../../checks/mqtt-connect.js';
import { mqttRoundtrip } from '../../checks/mqtt-roundtrip.js';
import { plainExposure } from '../../checks/plain-exposure.js';
import { wssConnect, wssHandshake } from '../../checks/wss.js';
import type { DiagnosisFacts } from '../../src/facts.js';
import { cert, connected, flow, healthyFacts, settings, withFacts, withoutLocal } from '../helpers/facts.js';

// bridge.status without --local: only the retained state speaks.
const retainedOnly = (facts: DiagnosisFacts, s: typeof settings) => bridgeStatus.run(withoutLocal(facts), s);

const facts = withFacts;

describe('latency figures', () => {
  it('uses nearest-rank percentiles', () => {
    expect(latency([3, 1, 2, 2, 4, 2, 2, 3, 2, 9])).toEqual({ samples: 10, p50: 2, p95: 9, max: 9 });
    expect(latency([])).toBeUndefined();
  });
});

describe('mqtt.connect', () => {
  it('passes and names the client id and the username the CN gives', () => {
    const out = mqttConnect.run(healthyFacts(), settings);
    expect(out.status).toBe('pass');
    expect(out.summary).toContain('MQTT 3.1.1 CONNECT accepted for client id lampi-doctor-0123456789ab');
    expect(out.summary).toContain('its username is b827eb74663e_broker');
  });

  it('explains "not authorised" as Mosquitto 2 does: an anonymous client or a refused client id, never the ACL', () => {
    const out = mqttConnect.run(facts((f) => (f.mqttConnect = connected({ outcome: 'refused', returnCode: 5 }))), settings);
    expect(out.status).toBe('fail');
    expect(out.code).toBe('not-authorised');
    expect(out.summary).toContain('not authorised');
    expect(out.summary).toContain('(CONNACK 5)');
    expect(out.hint).toContain('use_identity_as_username true');
    expect(out.hint).toContain("certificate's CN (b827eb74663e_broker) becomes the username");
    expect(out.hint).toMatch(/acl_file` is not the cause/);
    expect(out.hint).not.toMatch(/grant it in the `acl_file`/);
  });

  it('reads CONNACK 4 without a username as no certificate identity (require_certificate missing)', () => {
    const out = mqttConnect.run(facts((f) => (f.mqttConnect = connected({ outcome: 'refused', returnCode: 4 }))), settings);
    expect(out.code).toBe('no-certificate-identity');
    expect(out.hint).toContain('require_certificate true');
  });

  it('does not send the user to tls.chain and tls.hostname, which passed before it ran', () => {
    const out = mqttConnect.run(facts((f) => (f.mqttConnect = connected({ outcome: 'tls-error', message: 'ca md too weak' }))), settings);
    expect(out.code).toBe('tls-refused');
    expect(out.hint).not.toMatch(/See tls\.chain and tls\.hostname/);
  });

  it('explains MQTT 5 reason codes too', () => {
    const out = mqttConnect.run(facts((f) => (f.mqttConnect = connected({ outcome: 'refused', returnCode: 0x87, protocolVersion: 5 }))), settings);
    expect(out.summary).toContain('not authorised');
  });

  it('reads a TLS 1.3 refusal after the handshake as a client-certificate problem', () => {
    const out = mqttConnect.run(
      facts((f) => (f.mqttConnect = connected({ outcome: 'tls-alert', alert: { number: 48, description: 'tlsv1 alert unknown ca', code: 'X' } }))),
      settings,
    );
    expect(out.status).toBe('fail');
    // The client certificate chains to --ca here, so the broker's trust store is named, not the certificate.
    expect(out.summary).toContain('no trusted issuer for your client certificate');
    expect(out.code).toBe('broker-lacks-client-issuer');
    expect(out.summary).not.toContain('connection lost');
  });
});

describe('mqtt.roundtrip', () => {
  it('passes with p50/p95/max and the samples as evidence', () => {
    const out = mqttRoundtrip.run(healthyFacts(), settings);
    expect(out.status).toBe('pass');
    expect(out.summary).toBe('10/10 messages round-tripped at QoS 1, never retained: p50 2 ms, p95 9 ms, max 9 ms');
    expect(out.evidence?.latency).toEqual({ samples: 10, p50: 2, p95: 9, max: 9 });
  });

  it('fails a message that is acknowledged but never delivered, naming both causes Mosquitto hides: an ACL or message_size_limit (finding 4)', () => {
    const out = mqttRoundtrip.run(facts((f) => Object.assign(f.roundtrip, { samplesMs: [], sent: 1, lost: 1, acknowledgedButLost: true, payloadBytes: 25 })), settings);
    expect(out.status).toBe('fail');
    expect(out.summary).toContain('acknowledged the PUBLISH');
    expect(out.summary).toContain('an ACL or a `message_size_limit` drops it silently');
    expect(out.summary).not.toContain('an ACL silently drops it');
    expect(out.hint).toContain('topic readwrite lampi-doctor/#');
    expect(out.hint).toContain("`message_size_limit` below the probe's 25-byte payload");
    expect(out.evidence?.payloadBytes).toBe(25);
  });

  it('fails a refused SUBSCRIBE', () => {
    const out = mqttRoundtrip.run(facts((f) => (f.roundtrip.granted = 128)), settings);
    expect(out.summary).toContain('refused the SUBSCRIBE');
  });
});

describe('bridge.status', () => {
  it('reads connected / disconnected / unknown from the retained state, preferring the mapped topic', () => {
    expect(retainedOnly(healthyFacts(), settings).summary).toContain('connected: devices/b827eb74663e/lamp/connection/b827eb74663e_broker/state = 1');
    const down = retainedOnly(facts((f) => f.bridgeState.states.forEach((state) => (state.value = '0'))), settings);
    expect(down.status).toBe('fail');
    expect(down.summary).toContain('disconnected: devices/b827eb74663e/lamp/connection/b827eb74663e_broker/state = 0');
    // The mapped copy alone says 0 while the bridge's own notification says 1: a late notification, not a disconnect.
    const late = retainedOnly(facts((f) => (f.bridgeState.states[0].value = '0')), settings);
    expect([late.status, late.code]).toEqual(['pass', 'connected']);
    const unknown = retainedOnly(facts((f) => (f.bridgeState.states = [])), settings);
    expect(unknown.status).toBe('warn');
    expect(unknown.summary).toContain('unknown');
  });

  it('names a bridge that maps another prefix', () => {
    const out = retainedOnly(
      facts(
        (f) =>
          (f.bridgeState.states = [
            { topic: 'devices/0000deadbeef/lamp/connection/b827eb74663e_broker/state', value: '1' },
            { topic: 'lamp/connection/b827eb74663e_broker/state', value: '1' },
          ]),
      ),
      settings,
    );
    expect(out.status).toBe('fail');
    expect(out.summary).toContain('under devices/0000deadbeef/');
  });

  it('skips without a device id', () => {
    expect(retainedOnly(facts((f) => (f.bridgeState = { configured: false, missing: 'device-id', states: [], transcript: [] })), settings).status).toBe('skip');
  });

  it('a read cut short concludes only from the states that had arrived', () => {
    const cut = 'no answer to SUBSCRIBE lampi-doctor/x/sync within 3000 ms';
    const connected = retainedOnly(facts((f) => (f.bridgeState.readCutShort = cut)), settings);
    expect([connected.status, connected.code]).toEqual(['pass', 'connected']);
    const down = retainedOnly(facts((f) => Object.assign(f.bridgeState, { readCutShort: cut, states: [{ ...f.bridgeState.states[0], value: '0' }] })), settings);
    expect([down.status, down.code]).toEqual(['fail', 'disconnected']);
    const none = retainedOnly(facts((f) => Object.assign(f.bridgeState, { readCutShort: cut, states: [], sysTree: undefined })), settings);
    expect([none.status, none.code, none.skipKind]).toEqual(['skip', 'read-cut-short', 'inconclusive']);
    // Only another bridge's (or a stale) state had arrived: a subset that could mislead decides nothing.
    const stale = retainedOnly(facts((f) => Object.assign(f.bridgeState, { readCutShort: cut, states: [{ topic: 'devices/b827eb74663e/lamp/connection/old_broker/state', value: '0' }] })), settings);
    expect([stale.status, stale.code]).toEqual(['skip', 'read-cut-short']);
    const elsewhere = retainedOnly(facts((f) => Object.assign(f.bridgeState, { readCutShort: cut, states: [{ topic: 'devices/0000deadbeef/lamp/connection/b827eb74663e_broker/state', value: '1' }] })), settings);
    expect([elsewhere.status, elsewhere.code]).toEqual(['skip', 'read-cut-short']);
  });
});

describe('bridge.inbound / bridge.outbound', () => {
  it('pass with latency in both directions', () => {
    expect(bridgeInbound.run(healthyFacts(), settings).summary).toBe('10/10 probes crossed the bridge cloud -> lamp: p50 11 ms, p95 30 ms, max 30 ms');
    expect(bridgeOutbound.run(healthyFacts(), settings).summary).toContain('lamp -> cloud');
  });

  it('skip with the exact line to add when a connected bridge does not carry the mapping', () => {
    const out = bridgeInbound.run(facts((f) => (f.bridgeInbound = flow('inbound', { samplesMs: [], sent: 1, lost: 1 }))), settings);
    expect(out.status).toBe('skip');
    expect(out.hint).toContain('topic lampi-doctor/# both 1 "" devices/b827eb74663e/');
  });

  it('fail when nothing crosses a disconnected bridge', () => {
    const out = bridgeOutbound.run(
      facts((f) => {
        f.bridgeOutbound = flow('outbound', { samplesMs: [], sent: 1, lost: 1 });
        // The cloud published the bridge's will: its own notification says 0 (the mapped copy may still say 1).
        f.bridgeState.states[1].value = '0';
      }),
      settings,
    );
    expect(out.status).toBe('fail');
    expect(out.summary).toContain('it is disconnected');
  });

  it('fail with the prefix the probe really arrived under', () => {
    const out = bridgeOutbound.run(
      facts((f) => (f.bridgeOutbound = flow('outbound', { samplesMs: [], sent: 1, lost: 1, arrivedElsewhere: 'devices/0000deadbeef/lampi-doctor/abcd/out' }))),
      settings,
    );
    expect(out.status).toBe('fail');
    expect(out.summary).toContain('arrived on devices/0000deadbeef/lampi-doctor/abcd/out');
  });

  it('skip without --local, saying what to pass', () => {
    const out = bridgeInbound.run(facts((f) => (f.bridgeInbound = flow('inbound', { configured: false, missing: 'local' }))), settings);
    expect(out).toMatchObject({ status: 'skip', summary: "not checked: give --local mqtt://127.0.0.1:1883 (the lamp's own broker) to test through the bridge" });
  });
});

describe('wss.handshake / wss.connect', () => {
  it('passes when the listener serves the same verified certificate and upgrades', () => {
    const out = wssHandshake.run(healthyFacts(), settings);
    expect(out.status).toBe('pass');
    expect(out.summary).toContain('the same verified certificate as port');
  });

  // Review finding 7: a silent MQTT port shows no certificate, so there is nothing to compare with.
  it('says it could not compare when the MQTT port\'s certificate was never seen', () => {
    const out = wssHandshake.run(facts((f) => (f.wss.mqttLeafFingerprint = undefined)), settings);
    expect(out.status).toBe('pass');
    expect(out.summary).toContain('could not compare');
    expect(out.summary).not.toContain('the same verified certificate');
  });

  it('fails an absent listener with the listener lines to add', () => {
    const out = wssHandshake.run(facts((f) => (f.wss.tcp = { port: 50002, outcome: 'refused', elapsedMs: 1 })), settings);
    expect(out.status).toBe('fail');
    expect(out.hint).toContain('protocol websockets');
  });

  it('warns when the two ports serve different certificates', () => {
    const out = wssHandshake.run(facts((f) => (f.wss.chain.certificates[0] = cert({ fingerprint256: 'EE:FF' }))), settings);
    expect(out.status).toBe('warn');
    expect(out.summary).toContain('different certificate');
  });

  it('applies the MQTT port\'s TLS verdicts (hostname here)', () => {
    const out = wssHandshake.run(facts((f) => (f.wss.chain.certificates[0] = cert({ dnsNames: ['other.example.com'] }))), settings);
    expect(out.status).toBe('fail');
    expect(out.summary).toContain('not cloud.example.com');
  });

  it('explains "not authorised" over websockets as a browser problem', () => {
    const out = wssConnect.run(facts((f) => (f.wssConnect = { tried: true, connect: connected({ outcome: 'refused', returnCode: 5 }) })), settings);
    expect(out.status).toBe('fail');
    expect(out.hint).toContain('allow_anonymous');
    expect(out.hint).toContain('password_file');
  });
});

describe('plain.exposure', () => {
  it('passes when the plain port is closed from outside', () => {
    expect(plainExposure.run(healthyFacts(), settings).status).toBe('pass');
  });

  it('fails anonymous plain MQTT reachable from outside, with the bind fix', () => {
    const out = plainExposure.run(
      facts((f) => {
        f.plainExposure.tcp!.outcome = 'connected';
        f.plainExposure.mqtt = { speaksMqtt: true, returnCode: 0, answer: 'connack' };
      }),
      settings,
    );
    expect(out.status).toBe('fail');
    expect(out.hint).toContain('listener 1883 127.0.0.1');
  });

  it('skips when the target is 127.0.0.1 itself', () => {
    expect(plainExposure.run(facts((f) => (f.plainExposure = { address: '127.0.0.1', port: 1883, indistinguishable: true })), settings).status).toBe('skip');
  });
});

describe('bridge.status after the lamp died', () => {
  it('trusts the raw last will ("0") over the stale mapped copy ("1")', () => {
    const out = retainedOnly(
      facts(
        (f) =>
          (f.bridgeState.states = [
            { topic: 'devices/b827eb74663e/lamp/connection/b827eb74663e_broker/state', value: '1' },
            { topic: 'lamp/connection/b827eb74663e_broker/state', value: '0' },
          ]),
      ),
      settings,
    );
    expect(out.status).toBe('fail');
    expect(out.summary).toContain('disconnected: lamp/connection/b827eb74663e_broker/state = 0');
  });
});

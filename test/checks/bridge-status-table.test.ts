// bridge.status and the bridge flows from hand-written facts: what the retained state says, when the
// server certificate is the likely reason a bridge never connects, and what each flow failure blames.
import { describe, expect, it } from 'vitest';
import { bridgeInbound, bridgeOutbound } from '../../checks/bridge-flow.js';
import { bridgeStatus } from '../../checks/bridge-status.js';
import type { BridgeStateFacts, DiagnosisFacts } from '../../src/facts.js';
import { caCert, cert, flow, settings, withFacts, withoutLocal } from '../helpers/facts.js';

const status = (patch: (f: DiagnosisFacts) => void) => bridgeStatus.run(withoutLocal(withFacts(patch)), settings);
const state = (patch: Partial<BridgeStateFacts>) => (f: DiagnosisFacts) => Object.assign(f.bridgeState, patch);
const mapped = (value: string) => [{ topic: 'devices/b827eb74663e/lamp/connection/b827eb74663e_broker/state', value }];
const cnOnly = (f: DiagnosisFacts) => (f.serverChain.certificates[0] = cert({ dnsNames: [] }));
const otherName = (f: DiagnosisFacts) => (f.serverChain.certificates[0] = cert({ dnsNames: ['other.example.com'], commonName: 'other.example.com', subject: 'CN=other.example.com' }));

describe('bridge.status', () => {
  it('shows the state it read, the topics retained and the broker version as evidence', () => {
    const out = status(state({ brokerVersion: 'mosquitto version 2.0.11' }));
    expect([out.status, out.code]).toEqual(['pass', 'connected']);
    expect(out.summary).toBe('connected: devices/b827eb74663e/lamp/connection/b827eb74663e_broker/state = 1 (retained by the bridge, read without publishing)');
    expect(out.evidence).toMatchObject({
      state: 'connected',
      topic: 'devices/b827eb74663e/lamp/connection/b827eb74663e_broker/state',
      expected: 'devices/b827eb74663e/lamp/connection/+/state',
      bridgeClientId: 'b827eb74663e_broker',
      brokerVersion: 'mosquitto version 2.0.11',
      retainedStates: [
        { topic: 'devices/b827eb74663e/lamp/connection/b827eb74663e_broker/state', value: '1' },
        { topic: 'lamp/connection/b827eb74663e_broker/state', value: '1' },
      ],
    });
    expect(status(() => undefined).evidence?.brokerVersion).toBeNull();
  });

  it('says what to give when it does not know which lamp to look for', () => {
    const out = status((f) => (f.bridgeState = { configured: false, missing: 'device-id', states: [], transcript: [] }));
    expect([out.status, out.code, out.summary]).toEqual(['skip', 'not-configured', 'not checked: give --device-id (or --bridge-config lampi_bridge.conf) to say which lamp to look for']);
  });

  it('fails when the state could not be read, pointing at mqtt.connect', () => {
    const out = status(state({ connectFailure: 'CONNACK 5' }));
    expect([out.status, out.code, out.summary, out.hint]).toEqual(['fail', 'unreadable', 'could not read the bridge state: CONNACK 5', 'See mqtt.connect.']);
    const timedOut = status(state({ connectFailure: 'timeout', connectEnd: { outcome: 'timeout', timeoutMs: 3000 } }));
    expect(timedOut.summary).toBe('could not read the bridge state: no CONNACK within 3000 ms');
  });

  it('names the prefix a bridge reports under, and the one to use', () => {
    const out = status(state({ states: [{ topic: 'devices/0000deadbeef/lamp/connection/b827eb74663e_broker/state', value: '1' }] }));
    expect(out.code).toBe('other-prefix');
    expect(out.summary).toBe("no bridge state under devices/b827eb74663e/lamp/connection/+/state, but a bridge reports under devices/0000deadbeef/: the bridge's topic lines use another prefix");
    expect(out.hint).toContain('`devices/b827eb74663e/`');
  });

  it('blames the certificate\'s name for a disconnected bridge when tls.hostname fails or warns', () => {
    const fails = status((f) => {
      state({ states: mapped('0') })(f);
      otherName(f);
    });
    expect([fails.status, fails.code]).toEqual(['fail', 'disconnected']);
    expect(fails.summary).toBe(
      "disconnected: devices/b827eb74663e/lamp/connection/b827eb74663e_broker/state = 0, the lamp's bridge lost its connection to this broker; tls.hostname fails (tls.hostname/mismatch): the certificate is for DNS:other.example.com, not cloud.example.com",
    );
    expect(fails.evidence?.certificateFinding).toBe('tls.hostname fails (tls.hostname/mismatch): the certificate is for DNS:other.example.com, not cloud.example.com');
    expect(fails.hint).toContain('subjectAltName for the name the bridge dials');
    const warns = status((f) => {
      state({ states: mapped('0') })(f);
      cnOnly(f);
    });
    expect(warns.summary).toContain('; tls.hostname warns (tls.hostname/cn-only)');
  });

  it('gives the bridge-side causes for a disconnected bridge whose certificate names the host, or was not seen', () => {
    const plain = status(state({ states: mapped('0') }));
    expect(plain.summary).toBe("disconnected: devices/b827eb74663e/lamp/connection/b827eb74663e_broker/state = 0, the lamp's bridge lost its connection to this broker");
    expect(plain.hint).toContain('bridge_certfile/bridge_keyfile');
    expect(plain.evidence?.certificateFinding).toBeUndefined();
    const unseen = status((f) => {
      state({ states: mapped('0') })(f);
      f.serverChain = { available: false, unavailable: { cause: 'timeout' }, certificates: [], trustStore: 'ca-file' };
    });
    expect(unseen.hint).toContain('bridge_certfile/bridge_keyfile');
  });

  it('warns that a bridge never connected, naming the lines it needs', () => {
    const out = status(state({ states: [] }));
    expect([out.status, out.code, out.summary]).toEqual(['warn', 'unknown', 'unknown: no retained bridge state at devices/b827eb74663e/lamp/connection/+/state on the cloud']);
    expect(out.hint).toContain('`topic lamp/connection/+/state out 2 "" devices/b827eb74663e/`');
    expect(out.hint).toContain('`notification_topic lamp/connection/b827eb74663e_broker/state`');
  });

  it('names the certificate for a bridge that never connected and a host the certificate does not name', () => {
    const out = status((f) => {
      state({ states: [] })(f);
      otherName(f);
    });
    expect(out.code).toBe('never-connected-certificate');
    expect(out.summary).toBe(
      'unknown: no retained bridge state at devices/b827eb74663e/lamp/connection/+/state on the cloud, so the bridge has likely never connected; tls.hostname fails (tls.hostname/mismatch): the certificate is for DNS:other.example.com, not cloud.example.com',
    );
  });

  it('names the expired certificate the cloud still sends (hidden by --ca\'s renewal) for a bridge that never connected, or disconnected', () => {
    const staleChain = (f: DiagnosisFacts) =>
      (f.serverChain.certificates[1] = caCert({ inCaFile: true, servedInstead: 'AB:CD', servedDates: { notBefore: '2025-05-01T00:00:00.000Z', notAfter: '2026-05-01T00:00:00.000Z' } }));
    const never = status((f) => {
      state({ states: [] })(f);
      staleChain(f);
    });
    expect([never.status, never.code]).toEqual(['warn', 'never-connected-certificate']);
    expect(never.summary).toContain('so the bridge has likely never connected; tls.validity warns (tls.validity/served-out-of-date): the server sends CN=LAMPI CA, O=LAMPI expired on 2026-05-01');
    expect(never.hint).toContain("the lamp's bridge verifies it with its bridge_cafile, which has no renewed copy of the expired certificate");
    expect(never.hint).toContain('restart mosquitto on the lamp');
    const lost = status((f) => {
      state({ states: mapped('0') })(f);
      staleChain(f);
    });
    expect([lost.status, lost.code]).toEqual(['fail', 'disconnected']);
    expect(lost.evidence?.certificateFinding).toMatch(/^tls\.validity warns \(tls\.validity\/served-out-of-date\)/);
    expect(lost.hint).toContain("in the cloud's `certfile`");
  });

  it('passes a bridge whose own notification says 1 while a queued 0 of the lamp\'s arrived late on the mapped copy', () => {
    const out = status(state({ states: [...mapped('0'), { topic: 'lamp/connection/b827eb74663e_broker/state', value: '1' }] }));
    expect([out.status, out.code]).toEqual(['pass', 'connected']);
    expect(out.summary).toBe(
      "connected: lamp/connection/b827eb74663e_broker/state = 1 (retained by the bridge, read without publishing); the lamp's mapped copy devices/b827eb74663e/lamp/connection/b827eb74663e_broker/state still says 0, an older notification",
    );
    expect(out.evidence?.staleCopy).toEqual(mapped('0')[0]);
  });

  it('says it could not tell on a broker without $SYS, even with a suspect certificate', () => {
    const out = status((f) => {
      state({ states: [], sysTree: false })(f);
      otherName(f);
    });
    expect([out.status, out.code]).toEqual(['skip', 'not-mosquitto']);
    expect(out.summary.startsWith('could not tell: no retained bridge state at devices/b827eb74663e/lamp/connection/+/state')).toBe(true);
  });
});

describe('bridge.status with --local: probes that crossed outweigh the retained state', () => {
  const live = (patch: (f: DiagnosisFacts) => void) => bridgeStatus.run(withFacts(patch), settings);
  const rawZero = [{ topic: 'devices/b827eb74663e/lamp/connection/b827eb74663e_broker/state', value: '1' }, { topic: 'lamp/connection/b827eb74663e_broker/state', value: '0' }];
  const refused = (f: DiagnosisFacts) => {
    for (const direction of ['inbound', 'outbound'] as const) {
      const failure = { broker: 'lamp' as const, stage: 'connect' as const, outcome: 'error' as const, errorCode: 'ECONNREFUSED', url: 'mqtt://127.0.0.1:1883', detail: 'connect ECONNREFUSED 127.0.0.1:1883' };
      f[direction === 'inbound' ? 'bridgeInbound' : 'bridgeOutbound'] = flow(direction, { samplesMs: [], failure });
    }
  };

  it('warns that a 0 left behind (notifications false) is stale when probes crossed both ways, with the fix, not certificate causes', () => {
    const out = live((f) => {
      f.bridgeState.states = rawZero;
      otherName(f);
    });
    expect([out.status, out.code]).toEqual(['warn', 'state-stale']);
    expect(out.summary).toBe('connected: probes crossed the bridge in this run (cloud -> lamp 10/10, lamp -> cloud 10/10), but its retained state lamp/connection/b827eb74663e_broker/state = 0 is stale');
    expect(out.hint).toContain('`notifications false`, remove that line');
    expect(out.hint).toContain('-r -n -t lamp/connection/b827eb74663e_broker/state`');
    expect(out.hint).not.toContain('bridge_certfile');
    expect(out.evidence).toMatchObject({ liveState: 'connected', state: 'disconnected', crossed: ['cloud -> lamp 10/10', 'lamp -> cloud 10/10'] });
  });

  it('one direction crossing is enough; no retained state at all is "state-missing"', () => {
    const out = live((f) => {
      f.bridgeState.states = [];
      f.bridgeInbound = flow('inbound', { samplesMs: [], lost: 1 });
    });
    expect([out.status, out.code]).toEqual(['warn', 'state-missing']);
    expect(out.summary).toBe('connected: probes crossed the bridge in this run (lamp -> cloud 10/10), but it leaves no retained state at devices/b827eb74663e/lamp/connection/+/state');
    expect(out.hint).toContain('`notifications false`');
  });

  it('keeps the retained verdict when nothing crossed, and the plain pass when the state says 1', () => {
    const none = live((f) => {
      f.bridgeState.states = rawZero;
      f.bridgeInbound = flow('inbound', { samplesMs: [], lost: 1 });
      f.bridgeOutbound = flow('outbound', { samplesMs: [], lost: 1 });
    });
    expect([none.status, none.code]).toEqual(['fail', 'disconnected']);
    expect(live(() => undefined).summary).toBe('connected: devices/b827eb74663e/lamp/connection/b827eb74663e_broker/state = 1 (retained by the bridge, read without publishing)');
  });

  it('names a lamp broker that refuses --local instead of certificate causes', () => {
    const out = live((f) => {
      f.bridgeState.states = rawZero;
      refused(f);
      otherName(f);
    });
    expect([out.status, out.code]).toEqual(['fail', 'lamp-not-answering']);
    expect(out.summary).toBe(
      "disconnected: lamp/connection/b827eb74663e_broker/state = 0, and nothing answers at --local mqtt://127.0.0.1:1883 (connect ECONNREFUSED 127.0.0.1:1883): the lamp's mosquitto is not running, or not listening there; the lamp's mapped copy devices/b827eb74663e/lamp/connection/b827eb74663e_broker/state still says 1, an older notification",
    );
    expect(out.hint).toContain('sudo systemctl status mosquitto');
    expect(out.hint).not.toContain('bridge_certfile');
    const silent = live((f) => {
      f.bridgeState.states = [];
      f.bridgeInbound = flow('inbound', { samplesMs: [], failure: { broker: 'lamp', stage: 'connect', outcome: 'timeout', timeoutMs: 3000, url: 'mqtt://10.0.0.9:1883' } });
      f.bridgeOutbound = flow('outbound', { samplesMs: [], failure: { broker: 'lamp', stage: 'connect', outcome: 'timeout', timeoutMs: 3000, url: 'mqtt://10.0.0.9:1883' } });
    });
    expect([silent.code, silent.summary]).toEqual([
      'lamp-not-answering',
      "unknown: no retained bridge state at devices/b827eb74663e/lamp/connection/+/state, and the lamp broker did not answer at --local mqtt://10.0.0.9:1883 (no CONNACK within 3000 ms): the lamp's mosquitto is not running, or not listening there",
    ]);
  });

  it('does not blame the lamp for a CONNACK it refused (it answered)', () => {
    const out = live((f) => {
      f.bridgeState.states = rawZero;
      f.bridgeInbound = flow('inbound', { samplesMs: [], failure: { broker: 'lamp', stage: 'connect', outcome: 'refused', detail: 'Connection refused: Not authorized' } });
      f.bridgeOutbound = flow('outbound', { samplesMs: [], failure: { broker: 'lamp', stage: 'connect', outcome: 'refused', detail: 'Connection refused: Not authorized' } });
    });
    expect(out.code).toBe('disconnected');
  });
});

describe('bridge.status with a notification_topic of its own (--bridge-config)', () => {
  it('reads the bridge\'s own topic first, and names it where nothing is retained', () => {
    const own = status(state({ notificationTopic: 'lampi/bridge/status', states: [{ topic: 'lamp/connection/b827eb74663e_broker/state', value: '0' }, { topic: 'lampi/bridge/status', value: '1' }] }));
    expect([own.status, own.summary]).toEqual(['pass', 'connected: lampi/bridge/status = 1 (retained by the bridge, read without publishing)']);
    const none = status(state({ notificationTopic: 'lampi/bridge/status', states: [] }));
    expect(none.summary).toBe('unknown: no retained bridge state at devices/b827eb74663e/lamp/connection/+/state or lampi/bridge/status on the cloud');
  });
});

describe('bridge flows', () => {
  it('names the reason of a cloud connection that failed, or "no reason given"', () => {
    const out = bridgeOutbound.run(withFacts((f) => (f.bridgeOutbound = flow('outbound', { failure: { broker: 'cloud', stage: 'connect', outcome: 'timeout' } }))), settings);
    expect([out.status, out.code, out.summary]).toEqual(['skip', 'cloud-unreachable', 'cannot connect to the cloud broker: no CONNACK in time']);
    expect(out.evidence).toMatchObject({ outcome: 'timeout', direction: 'lamp -> cloud' });
    // The session's facts carry no sentence (src/probes): the check words the limit, the close, a bridge's id.
    const waited = (failure: object) => bridgeInbound.run(withFacts((f) => (f.bridgeInbound = flow('inbound', { failure: { broker: 'lamp', stage: 'connect', ...failure } }))), settings).summary;
    expect(waited({ outcome: 'timeout', timeoutMs: 3000 })).toBe('cannot connect to --local: no CONNACK within 3000 ms');
    expect(waited({ outcome: 'closed' })).toBe('cannot connect to --local: the broker closed the connection before CONNACK');
    expect(waited({ outcome: 'error', errorCode: 'BRIDGE_CLIENT_ID', clientId: 'b827eb74663e_broker' })).toBe("cannot connect to --local: not sent: client id b827eb74663e_broker is a bridge's");
    expect(waited({ outcome: 'error', errorCode: 'ECONNREFUSED', detail: 'connect ECONNREFUSED 127.0.0.1:1883' })).toBe('cannot connect to --local: connect ECONNREFUSED 127.0.0.1:1883');
    const bare = bridgeOutbound.run(withFacts((f) => (f.bridgeOutbound = flow('outbound', { failure: { broker: 'lamp', stage: 'connect' } }))), settings);
    expect([bare.code, bare.summary]).toEqual(['lamp-connect-failed', 'cannot connect to --local: no reason given']);
  });

  it('says which side stopped answering, the cloud with the round trip\'s pointer', () => {
    const out = bridgeInbound.run(withFacts((f) => (f.bridgeInbound = flow('inbound', { failure: { broker: 'cloud', stage: 'exchange', detail: 'socket hang up' } }))), settings);
    expect(out.summary).toBe('the cloud broker stopped answering during the test: socket hang up');
    expect(out.evidence).toMatchObject({ direction: 'cloud -> lamp', received: 10, sent: 10 });
  });

  it('says what to give when it does not know the prefix', () => {
    const out = bridgeOutbound.run(withFacts((f) => (f.bridgeOutbound = flow('outbound', { configured: false, missing: 'device-id' }))), settings);
    expect(out.summary).toBe("not checked: give --device-id (or --bridge-config lampi_bridge.conf) to know the bridge's topic prefix");
  });

  it('does not ask for a mapping line that --bridge-config shows: nothing crossed though it is there (an ACL, a takeover)', () => {
    const mappingInConfig = { file: '/etc/mosquitto/conf.d/lampi_bridge.conf', line: 22, direction: 'both' as const, remotePrefix: 'devices/b827eb74663e/' };
    const run = (patch: (f: DiagnosisFacts) => void) => bridgeInbound.run(withFacts(patch), settings);
    const blocked = run((f) => (f.bridgeInbound = flow('inbound', { samplesMs: [], lost: 1, mappingInConfig })));
    expect([blocked.status, blocked.code]).toEqual(['fail', 'mapping-blocked']);
    expect(blocked.summary).toBe(
      'nothing crossed the bridge (cloud -> lamp), though it reports connected and lampi_bridge.conf maps the probes (/etc/mosquitto/conf.d/lampi_bridge.conf:22: topic lampi-doctor/# both 1 "" devices/b827eb74663e/)',
    );
    expect(blocked.hint).not.toContain('Add this line');
    expect(blocked.hint).toContain('`Denied PUBLISH from b827eb74663e_broker` means the cloud\'s acl_file denies the bridge\'s user');
    expect(blocked.hint).toContain('`topic readwrite devices/b827eb74663e/#`');
    expect(blocked.hint).toContain('give each lamp its own remote_clientid');
    expect(blocked.evidence?.mappingInConfig).toEqual(mappingInConfig);
    const unknown = run((f) => {
      f.bridgeInbound = flow('inbound', { samplesMs: [], lost: 1, mappingInConfig });
      f.bridgeState.states = [];
    });
    expect([unknown.code, unknown.hint?.includes('probes need the line')]).toEqual(['bridge-state-unknown', false]);
    expect(unknown.hint).toContain('Denied PUBLISH from b827eb74663e_broker');
    // Without --bridge-config the mapping may be missing; a line for another prefix or direction is named (hunt 3, H6).
    expect(run((f) => (f.bridgeInbound = flow('inbound', { samplesMs: [], lost: 1 }))).code).toBe('mapping-missing');
    expect(run((f) => (f.bridgeInbound = flow('inbound', { samplesMs: [], lost: 1, mappingInConfig: { ...mappingInConfig, remotePrefix: 'devices/0000deadbeef/' } }))).code).toBe('mapping-wrong');
    expect(run((f) => (f.bridgeInbound = flow('inbound', { samplesMs: [], lost: 1, mappingInConfig: { ...mappingInConfig, direction: 'out' } }))).code).toBe('mapping-wrong');
  });

  it('names a state under another prefix in the outbound direction', () => {
    const out = bridgeOutbound.run(
      withFacts((f) => {
        f.bridgeOutbound = flow('outbound', { samplesMs: [], lost: 1 });
        f.bridgeState.states = [{ topic: 'devices/0000deadbeef/lamp/connection/b827eb74663e_broker/state', value: '0' }];
      }),
      settings,
    );
    expect(out.summary).toBe('nothing crossed the bridge (lamp -> cloud): it maps devices/0000deadbeef/, not devices/b827eb74663e/');
  });
});

// Behaviour the mutation run found unasserted: date boundaries, evidence a user reads with
// --verbose, the bridge-state reading shared by bridge.status and the bridge flows, runner details.
import { describe, expect, it } from 'vitest';
import { bridgeInbound } from '../../checks/bridge-flow.js';
import { readBridgeState } from '../../checks/verdicts/bridge-state.js';
import { latency, versionLabel } from '../../checks/define.js';
import { dnsResolve } from '../../checks/dns-resolve.js';
import { plainExposure } from '../../checks/plain-exposure.js';
import { tlsKey } from '../../checks/tls-key.js';
import { tlsValidity } from '../../checks/tls-validity.js';
import { tlsVersion } from '../../checks/tls-version.js';
import { runChecks } from '../../src/engine/runner.js';
import type { BridgeStateFacts } from '../../src/facts.js';
import { caCert, cert, flow, NOW, settings, withFacts } from '../helpers/facts.js';

describe('certificate dates at the boundary', () => {
  it('counts a certificate valid from this instant, and until this instant, as valid', () => {
    const from = tlsValidity.run(withFacts((f) => (f.serverChain.certificates[0] = cert({ notBefore: NOW.toISOString() }))), settings);
    expect(from.code).toBe('ok');
    const until = tlsValidity.run(withFacts((f) => (f.serverChain.certificates[0] = cert({ notAfter: NOW.toISOString() }))), settings);
    expect(until.code).toBe('expires-soon');
  });

  it('shows every certificate\'s dates and each finding in the evidence', () => {
    const out = tlsValidity.run(withFacts((f) => (f.serverChain.certificates[0] = cert({ notAfter: '2026-06-20T12:00:00.000Z' }))), settings);
    expect(out.evidence).toMatchObject({
      now: '2026-06-01T12:00:00.000Z',
      expiryWarnDays: 30,
      certificates: [
        { subject: 'CN=cloud.example.com, O=LAMPI', notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2026-06-20T12:00:00.000Z' },
        { subject: 'CN=LAMPI CA, O=LAMPI', notBefore: '2026-01-01T00:00:00.000Z', notAfter: '2036-01-01T00:00:00.000Z' },
      ],
      findings: [{ subject: 'CN=cloud.example.com, O=LAMPI', problem: 'expires-soon', date: '2026-06-20T12:00:00.000Z', days: 19 }],
    });
  });
});

describe('evidence and edge facts', () => {
  it('keeps the resolver error and the probe outcomes as evidence', () => {
    const dns = dnsResolve.run(withFacts((f) => Object.assign(f.resolution, { addresses: [], errorCode: 'ENOTFOUND' })), settings);
    expect(dns.evidence).toEqual({ host: 'cloud.example.com', addresses: [], source: 'dns', errorCode: 'ENOTFOUND' });
    const plain = plainExposure.run(
      withFacts((f) => {
        f.plainExposure.tcp!.outcome = 'connected';
        f.plainExposure.mqtt = { speaksMqtt: true, answer: 'connack', returnCode: 5 };
      }),
      settings,
    );
    expect(plain.evidence).toEqual({ address: '203.0.113.7', port: 1883, tcp: 'connected', mqtt: { speaksMqtt: true, answer: 'connack', returnCode: 5, detail: 'CONNACK with return code 5' } });
  });

  it('calls a chain with any weak key weak-key, whichever certificate has it', () => {
    const out = tlsKey.run(
      withFacts((f) => {
        f.serverChain.certificates[0] = cert({ signature: { algorithm: 'sha1WithRSAEncryption', hash: 'SHA-1' } });
        f.serverChain.certificates[1] = caCert({ selfIssued: false, publicKey: { algorithm: 'RSA', bits: 1024 } });
      }),
      settings,
    );
    expect(out.code).toBe('weak-key');
  });

  it('copes with a version list that lacks TLS 1.2', () => {
    const out = tlsVersion.run(withFacts((f) => (f.protocolSupport.versions = f.protocolSupport.versions.filter((probe) => probe.version !== 'TLSv1.2'))), settings);
    expect(out.code).toBe('ok');
  });

  it('labels versions and takes percentiles', () => {
    expect([versionLabel(undefined), versionLabel('TLSv1'), versionLabel('TLSv1.3'), versionLabel('SSLv3 TLSv1.2')]).toEqual(['unknown version', 'TLS 1.0', 'TLS 1.3', 'SSLv3 TLSv1.2']);
    expect(latency([5])).toEqual({ samples: 1, p50: 5, p95: 5, max: 5 });
    expect(latency([])).toBeUndefined();
  });

  it('gives a broken bridge probe its own fix, not the lamp broker\'s', () => {
    const out = bridgeInbound.run(withFacts((f) => (f.bridgeInbound = flow('inbound', { failure: { broker: 'cloud', stage: 'exchange', detail: 'socket hang up' } }))), settings);
    expect([out.code, out.hint]).toEqual(['cloud-no-answer', 'See mqtt.roundtrip.']);
  });
});

describe('reading the bridge state', () => {
  const state = (states: BridgeStateFacts['states'], patch: Partial<BridgeStateFacts> = {}): BridgeStateFacts => ({
    configured: true,
    deviceId: 'b827eb74663e',
    bridgeClientId: 'b827eb74663e_broker',
    expectedFilter: 'devices/b827eb74663e/lamp/connection/+/state',
    states,
    transcript: [],
    ...patch,
  });
  const mapped = (value: string, client = 'b827eb74663e_broker') => ({ topic: `devices/b827eb74663e/lamp/connection/${client}/state`, value });

  it('reads 1, 0 and anything else as connected, disconnected and unknown', () => {
    expect(readBridgeState(state([mapped('1')]))).toEqual({ state: 'connected', topic: mapped('1').topic });
    expect(readBridgeState(state([mapped('0')]))).toEqual({ state: 'disconnected', topic: mapped('0').topic });
    expect(readBridgeState(state([mapped('2')]))).toEqual({ state: 'unknown', topic: mapped('2').topic });
    expect(readBridgeState(state([]))).toEqual({ state: 'unknown', topic: undefined });
  });

  it('prefers the bridge\'s own client id among several lamps, and takes the first without one', () => {
    const states = [mapped('0', 'other_broker'), mapped('1')];
    expect(readBridgeState(state(states)).state).toBe('connected');
    expect(readBridgeState(state(states, { bridgeClientId: undefined })).state).toBe('disconnected');
  });

  it('names another remote prefix, read from where the state was found', () => {
    const reading = readBridgeState(state([{ topic: 'devices/0000deadbeef/lamp/connection/b827eb74663e_broker/state', value: '0' }, { topic: 'lamp/connection/x/state', value: '1' }]));
    expect(reading).toEqual({ state: 'disconnected', topic: 'devices/0000deadbeef/lamp/connection/b827eb74663e_broker/state', otherPrefix: 'devices/0000deadbeef/' });
  });

  it('lets the bridge\'s own notification decide over the lamp\'s mapped copy, either way, and names the copy that disagrees', () => {
    const raw = (value: string) => ({ topic: 'lamp/connection/b827eb74663e_broker/state', value });
    // A lamp that died: the cloud published the bridge's will, the mapped copy keeps its "1".
    expect(readBridgeState(state([mapped('1'), raw('0')]))).toEqual({ state: 'disconnected', topic: raw('0').topic, staleCopy: mapped('1') });
    // A bridge that reconnected after failing (cleansession false): a queued "0" arrived after the "1".
    expect(readBridgeState(state([mapped('0'), raw('1')]))).toEqual({ state: 'connected', topic: raw('1').topic, staleCopy: mapped('0') });
    // Agreeing copies name the mapped topic, the one the seed maps.
    expect(readBridgeState(state([mapped('1'), raw('1')]))).toEqual({ state: 'connected', topic: mapped('1').topic });
    // A raw copy that says neither leaves the mapped one to decide.
    expect(readBridgeState(state([mapped('0'), raw('x')]))).toEqual({ state: 'disconnected', topic: mapped('0').topic });
  });

  it('trusts the raw last will of its own client only', () => {
    expect(readBridgeState(state([mapped('1'), { topic: 'lamp/connection/b827eb74663e_broker/state', value: '0' }])).state).toBe('disconnected');
    expect(readBridgeState(state([mapped('1'), { topic: 'lamp/connection/someone_else/state', value: '0' }])).state).toBe('connected');
  });
});

describe('runner details', () => {
  it('runs a shared prerequisite once, copes with hooks that want only the start, and reports plausible durations', async () => {
    let runs = 0;
    const ok = { status: 'pass' as const, summary: 'ok' };
    const started: string[] = [];
    const results = await runChecks({
      checks: [
        { id: 'root', title: 'root', dependsOn: [], needs: [], codes: {}, run: () => (runs++, ok) },
        { id: 'a', title: 'a', dependsOn: ['root'], needs: [], codes: {}, run: () => ok },
        { id: 'b', title: 'b', dependsOn: ['root', 'a'], needs: [], codes: {}, run: () => ok },
      ],
      facts: { get: async () => undefined as never },
      settings: {},
      deadlineMs: 1000,
      hooks: { onStart: (check) => started.push(check.id) },
    });
    expect(runs).toBe(1);
    expect(started).toEqual(['root', 'a', 'b']);
    for (const result of results) {
      expect(Number.isInteger(result.durationMs)).toBe(true);
      expect(result.durationMs).toBeGreaterThanOrEqual(0);
      expect(result.durationMs).toBeLessThan(60_000); // a sanity bound on the figure, not a speed test
    }
  });
});

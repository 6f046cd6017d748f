// Facts with parts missing or unusual, which the mutation run (npm run mutate) found unasserted: each
// check still gives its verdict, and says what it read.
import { describe, expect, it } from 'vitest';
import { bridgeInbound } from '../../checks/bridge-flow.js';
import { bridgeStatus } from '../../checks/bridge-status.js';
import { plainExposure } from '../../checks/plain-exposure.js';
import { tlsChain } from '../../checks/tls-chain.js';
import { tlsHandshake } from '../../checks/tls-handshake.js';
import { tlsHostname } from '../../checks/tls-hostname.js';
import { tlsVersion } from '../../checks/tls-version.js';
import { wssHandshake } from '../../checks/wss.js';
import { readBridgeState } from '../../checks/verdicts/bridge-state.js';
import { selectChecks } from '../../src/engine/selection.js';
import type { BridgeStateFacts, DiagnosisFacts, ServerChainFacts } from '../../src/facts.js';
import { caCert, cert, flow, settings, withFacts, withoutLocal } from '../helpers/facts.js';

// bridge.status without --local: only the retained state speaks.
const retainedOnly = (facts: DiagnosisFacts, s: typeof settings) => bridgeStatus.run(withoutLocal(facts), s);

describe('tls.chain: a trust folder without hash links, by what it held', () => {
  const unhashed = (patch: Partial<ServerChainFacts>) =>
    tlsChain.run(withFacts((f) => Object.assign(f.serverChain, { verifyError: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', certificates: [cert()], ...patch })), settings);
  const folder = (...certificates: ServerChainFacts['certificates']) => ({ path: 'certs/', certificates, unhashedFiles: ['a.crt'] });

  it('blames the missing links when the folder held other CAs, not when it held the issuer', () => {
    expect(unhashed({ caFile: folder(caCert({ subject: 'CN=Other CA', issuer: 'CN=Other CA' })) }).code).toBe('capath-unhashed');
    expect(unhashed({ caFile: folder(caCert()) }).code).toBe('unknown-ca');
  });

  it('says 20 for a sent intermediate and for a self-signed leaf: only a sent root makes it 19', () => {
    const intermediate = caCert({ selfIssued: false, inCaFile: false, subject: 'CN=Int', issuer: 'CN=Root' });
    expect(unhashed({ caFile: folder(), certificates: [cert({ issuer: 'CN=Int' }), intermediate] }).evidence?.opensslVerifyCode).toBe(20);
    const selfSigned = cert({ issuer: 'CN=cloud.example.com, O=LAMPI', selfIssued: true });
    expect(unhashed({ caFile: folder(), certificates: [selfSigned], verifyError: 'DEPTH_ZERO_SELF_SIGNED_CERT' }).evidence?.opensslVerifyCode).toBe(20);
  });
});

describe('missing or unusual facts', () => {
  it('wss.handshake: a chain not seen, without a reason', () => {
    const out = wssHandshake.run(withFacts((f) => (f.wss.chain = { available: false, certificates: [], trustStore: 'ca-file' })), settings);
    expect(out.code).toBe('no-tls');
  });

  it('tls.handshake: a port that closed, with no plain MQTT answer recorded', () => {
    const out = tlsHandshake.run(withFacts((f) => Object.assign(f.handshake, { outcome: 'closed', plainMqtt: undefined })), settings);
    expect(out.code).toBe('closed');
  });

  it('tls.hostname: a chain not seen', () => {
    const out = tlsHostname.run(withFacts((f) => (f.serverChain = { available: false, unavailable: { cause: 'closed' }, certificates: [], trustStore: 'ca-file' })), settings);
    expect([out.status, out.code, out.summary]).toEqual(['skip', 'not-seen', "could not see the server's certificate: the server closed the connection before showing a certificate"]);
  });

  it('plain.exposure: an address without a TCP result is not reachable', () => {
    const out = plainExposure.run(withFacts((f) => (f.plainExposure.tcp = undefined)), settings);
    expect(out.code).toBe('ok');
    expect(out.evidence?.tcp).toBeUndefined();
  });

  it('tls.version: a refused version shows its alert, an untested one its message', () => {
    const out = tlsVersion.run(
      withFacts((f) => {
        f.protocolSupport.versions[0] = { version: 'TLSv1', result: 'refused', outcome: 'alert', handshakeCompleted: false, alert: 'protocol version', message: 'm1' };
        f.protocolSupport.versions[1] = { version: 'TLSv1.1', result: 'untested', outcome: 'alert', handshakeCompleted: false, alert: 'a2', message: 'not offered by this OpenSSL' };
      }),
      settings,
    );
    expect((out.evidence?.versions as { detail: string }[]).slice(0, 2).map((v) => v.detail)).toEqual(['protocol version', 'not offered by this OpenSSL']);
  });

  it('the selection without --only or --skip is every check', () => {
    expect(selectChecks([{ id: 'a.one' }, { id: 'b.one' }]).map((c) => c.id)).toEqual(['a.one', 'b.one']);
  });
});

describe('bridge facts', () => {
  const state = (states: BridgeStateFacts['states'], patch: Partial<BridgeStateFacts> = {}): BridgeStateFacts => ({
    configured: true,
    deviceId: 'b827eb74663e',
    bridgeClientId: 'b827eb74663e_broker',
    expectedFilter: 'devices/b827eb74663e/lamp/connection/+/state',
    states,
    transcript: [],
    ...patch,
  });
  const elsewhere = (value: string) => ({ topic: 'devices/0000deadbeef/lamp/connection/b827eb74663e_broker/state', value });
  const raw = (value: string) => ({ topic: 'lamp/connection/b827eb74663e_broker/state', value });

  it('reads a state under another prefix as connected, disconnected or unknown', () => {
    expect(['1', '0', '2'].map((value) => readBridgeState(state([elsewhere(value)])).state)).toEqual(['connected', 'disconnected', 'unknown']);
  });

  it('reads the raw last will alone, without another prefix', () => {
    expect(readBridgeState(state([raw('0')]))).toEqual({ state: 'disconnected', topic: raw('0').topic });
  });

  it('reads any state without an expected filter', () => {
    expect(readBridgeState(state([raw('1')], { expectedFilter: undefined })).state).toBe('connected');
  });

  it('keeps the suspect certificate finding as evidence when the bridge never connected', () => {
    const out = retainedOnly(
      withFacts((f) => {
        Object.assign(f.bridgeState, { states: [], sysTree: true });
        f.serverChain.certificates[0] = cert({ dnsNames: [] });
      }),
      settings,
    );
    expect(out.evidence?.certificateFinding).toContain('tls.hostname warns (tls.hostname/cn-only)');
  });

  it('keeps the lamp session\'s outcome, and gives the lamp fix when the lamp stops answering', () => {
    const connect = bridgeInbound.run(withFacts((f) => (f.bridgeInbound = flow('inbound', { failure: { broker: 'lamp', stage: 'connect', outcome: 'refused' } }))), settings);
    expect(connect.evidence).toMatchObject({ outcome: 'refused', direction: 'cloud -> lamp' });
    const exchange = bridgeInbound.run(withFacts((f) => (f.bridgeInbound = flow('inbound', { failure: { broker: 'lamp', stage: 'exchange', detail: 'socket hang up' } }))), settings);
    expect(exchange.hint).toContain("the lamp's log says why it stopped answering");
  });

  it('names the prefix a probe arrived under even without the topic it should have reached', () => {
    const out = bridgeInbound.run(withFacts((f) => (f.bridgeInbound = flow('inbound', { samplesMs: [], to: undefined, arrivedElsewhere: 'devices/x/lampi-doctor/abcd/in' }))), settings);
    expect(out.code).toBe('wrong-remote-prefix');
  });
});

// Memoized probes: each fact is gathered at most once per run, however many checks read it
// (tls.chain, tls.hostname, tls.validity and tls.key share one handshake).
import type { X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { CaFolder } from '../certs/ca-folder.js';
import { buildLocalChain } from '../certs/chain.js';
import { verifiedChainEntries } from '../certs/chain-entries.js';
import { describeCertificate } from '../certs/describe.js';
import { hostMatches } from '../certs/names.js';
import type { CertificateFile, KeyFile } from '../certs/pem.js';
import type { FactSource } from '../engine/runner.js';
import type {
  ClientAuthAttempt,
  ClientAuthFacts,
  ClientCertificateFacts,
  DiagnosisFacts,
  HandshakeFacts,
  LiteralTargetFacts,
  ProbeMapping,
  ProtocolSupportFacts,
  ServerChainFacts,
  TlsVersionName,
  VersionProbe,
} from '../facts.js';
import { scopedSignal, scopeOf, type LoadMonitor } from './load.js';
import { BridgeIdentities, sessionClientId, type SessionRole } from './client-ids.js';
import { raceSignal, startStep, whenAborted } from './deadline.js';
import type { GoodbyePlan } from './mqtt-goodbye.js';
import { THROWAWAY_CERT_PEM, THROWAWAY_KEY_PEM } from './throwaway-identity.js';
import { connectTcp, resolveHost } from './network.js';
import { sniffPlainMqtt } from './plain-mqtt.js';
import { attemptTls, type CarriedConnection, type TlsAttempt, type TlsAttemptOptions } from './tls-attempt.js';
import { ordinaryClientWouldConnect } from './carry-main.js';
import {
  openBridgeSessions,
  openCloud,
  probeBridgeFlow,
  probeBridgeState,
  probeMqttConnect,
  probeRoundtrip,
  type BridgeSessions,
  type MqttProbeContext,
  type OpenCloudSession,
} from './mqtt-probes.js';
import { probePlainExposure, probeWss, probeWssConnect, type EndpointContext } from './exposure-probes.js';

export interface MqttOptions {
  version: 4 | 5;
  clientId?: string;
  samples: number;
  qos: 0 | 1 | 2;
  localUrl?: string;
  deviceId?: string;
  bridgeClientId?: string;
  remotePrefix?: string;
  probePrefix: string;
  /** The --bridge-config line that maps the probe prefix, where it has one. */
  probeMapping?: ProbeMapping;
  /** The bridge's `notification_topic` in --bridge-config, where it names one. */
  notificationTopic?: string;
  wssPort: number;
  /** --wss-path: the websockets path (default /mqtt). */
  wssPath?: string;
  plainPort: number;
  /** MQTT login for the cloud's listeners (MQTT and websockets), when they use a password_file. */
  credentials?: { username: string; password?: string };
}

export interface ProbeContext {
  host: string;
  port: number;
  resolve: ReadonlyMap<string, string>;
  timeoutMs: number;
  ca?: CertificateFile;
  client?: { cert: CertificateFile; key: KeyFile };
  mqtt: MqttOptions;
  /** The TLS name (SNI and verification) when it differs from host, the address dialled. */
  servername?: string;
  /** The run's cancellation: every probe's sockets, timers and clients end when it fires. */
  signal?: AbortSignal;
  /** Measures our own event-loop lag, so a timeout while we were starved is not blamed on the peer. */
  monitor?: LoadMonitor;
  /**
   * The facts the selected checks need. Only for these does a probe keep a session open for the next
   * one or open one ahead (never a session for a check that will not run); without it, neither.
   */
  wanted?: ReadonlySet<keyof DiagnosisFacts>;
}

/** A fact source that also says which facts exist yet and which timed out while we were starved. */
export interface DiagnosisFactSource extends FactSource<DiagnosisFacts> {
  /** The fact if some check already asked for it (a report must not open connections on its own). */
  peek<K extends keyof DiagnosisFacts>(key: K): Promise<DiagnosisFacts[K] | undefined>;
  starved(key: keyof DiagnosisFacts): number | undefined;
  /** Ends every session kept open for a probe that never took it (DISCONNECT); call when the checks are done. */
  dispose(): Promise<void>;
}

/** The handshake got far enough that asking the same server more TLS questions makes sense. */
const SPEAKS_TLS = new Set(['accepted', 'alert', 'unsupported']);
const CERTIFICATE_ALERTS = new Set([42, 43, 44, 45, 46, 48, 49, 51, 116]);
const VERSIONS: TlsVersionName[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];
const VERSION_ROLES: Record<TlsVersionName, SessionRole> = { TLSv1: 'tls1.0', 'TLSv1.1': 'tls1.1', 'TLSv1.2': 'tls1.2', 'TLSv1.3': 'tls1.3' };

export function createFactSource(context: ProbeContext): DiagnosisFactSource {
  const memo = new Map<string, Promise<unknown>>();
  const starvedLag = new Map<string, number>();
  const { signal, monitor } = context;
  const bridges = new BridgeIdentities().add(context.mqtt.bridgeClientId).add(context.mqtt.deviceId && `${context.mqtt.deviceId}_broker`);
  const noteStarved = (facts: string[], lagMs: number) => {
    for (const fact of facts) starvedLag.set(fact, Math.max(lagMs, starvedLag.get(fact) ?? 0));
  };
  // Each fact's work gets a signal of its own that carries its step scope (load.ts): the steps it
  // starts, and those of the facts it asks for first, count our starvation against it and the facts
  // waiting on it. `caller`: the signal of the fact that asks (none for a check).
  const once = <T>(key: string, work: (signal: AbortSignal | undefined) => Promise<T>, caller?: AbortSignal): Promise<T> => {
    if (!memo.has(key)) {
      const outer = scopeOf(caller)?.facts ?? [];
      memo.set(key, work(monitor ? scopedSignal(signal, { monitor, facts: [...outer, key], noteStarved }) : signal));
    }
    return memo.get(key) as Promise<T>;
  };
  const servername = context.servername ?? (/^[\d.]+$|:/.test(context.host) ? undefined : context.host);
  const folder = context.ca && 'folder' in context.ca ? (context.ca as CaFolder).folder : undefined;
  const unhashed = folder?.unhashed.length ? { unhashedFiles: folder.unhashed, unhashedSubjects: folder.unhashedCertificates.map((cert) => describeCertificate(cert).subject) } : {};
  const caFile = context.ca && { path: context.ca.path, certificates: context.ca.certificates.map(describeCertificate), ...unhashed };

  const resolution = (caller?: AbortSignal) => once('resolution', (signal) => resolveHost(context.host, context.resolve, context.timeoutMs, signal), caller);
  // The reachability probe's connection is kept for the main handshake (one TCP connection fewer).
  // Until taken it goes with the run; once taken, the TLS attempt on it owns it (its own step, then its
  // goodbye with a bounded grace): the run's end must not cut that goodbye short.
  let spare: { socket: Socket; unlink: () => void } | undefined;
  const keepSpare = (socket: Socket) => {
    socket.on('error', () => undefined);
    const unlink = whenAborted(signal, () => socket.destroy());
    socket.once('close', unlink);
    spare = { socket, unlink };
  };
  const takeSpare = (): Socket | undefined => {
    const kept = spare;
    spare = undefined;
    if (!kept || kept.socket.destroyed || kept.socket.readyState !== 'open') return undefined;
    kept.unlink();
    return kept.socket;
  };
  const tcp = (caller?: AbortSignal) => once('tcp', async (signal) => connectTcp((await resolution(signal)).addresses[0], context.port, context.timeoutMs, signal, keepSpare), caller);

  const attempt = async (signal: AbortSignal | undefined, extra: Partial<TlsAttemptOptions>, role?: SessionRole, reuse = false): Promise<TlsAttempt> => {
    const { address, outcome } = await tcp(signal);
    // A port that did not take a TCP connection costs one timeout, not one more per TLS question.
    if (!address || outcome !== 'connected') return { outcome: 'no-connection', handshakeCompleted: false, errorCode: outcome, elapsedMs: 0 };
    const goodbye: GoodbyePlan | undefined = role && { clientId: sessionClientId(context.mqtt.clientId, role), name: servername ?? address, credentials: context.mqtt.credentials, bridges };
    return attemptTls({
      address,
      port: context.port,
      servername,
      ca: context.ca?.pem,
      timeoutMs: context.timeoutMs,
      signal,
      goodbye,
      ...extra,
      ...(reuse ? { socket: takeSpare() } : {}),
    });
  };

  // mqtt.connect's session rides on the main handshake's connection when an ordinary client would have
  // made that very connection (carry-main.ts); one mqtt.connect does not take is ended by dispose()
  // as the attempt would have ended it (an MQTT goodbye).
  let carried: (CarriedConnection & { unlink: () => void }) | undefined;
  const carryMain = (connection: CarriedConnection): boolean => {
    if (!wants('mqttConnect') || bridges.clashes(sessionClientId(context.mqtt.clientId, 'connect'))) return false;
    if (!ordinaryClientWouldConnect(connection, { caFile: context.ca?.certificates, ours: context.client?.cert.certificates })) return false;
    const unlink = whenAborted(signal, () => connection.socket.destroy());
    connection.socket.once('close', unlink);
    carried = { ...connection, unlink };
    return true;
  };
  const takeCarried = (): TLSSocket | undefined => {
    const connection = carried;
    carried = undefined;
    if (connection?.socket.writable && !connection.socket.destroyed) return connection.socket;
    connection?.socket.destroy();
    return undefined;
  };
  const mainAttempt = (caller?: AbortSignal) =>
    once('main-attempt', (signal) => attempt(signal, { cert: context.client?.cert.pem, key: context.client?.key.pem, carry: carryMain }, 'tls', true), caller);

  const handshake = (caller?: AbortSignal) =>
    once('handshake', async (signal): Promise<HandshakeFacts> => {
      const main = await mainAttempt(signal);
      const { address } = await tcp(signal);
      const facts: HandshakeFacts = {
        address,
        port: context.port,
        clientCertificateSent: Boolean(context.client),
        outcome: main.outcome,
        handshakeCompleted: main.handshakeCompleted,
        protocol: main.protocol,
        cipher: main.cipher,
        alert: main.alert,
        errorCode: main.errorCode,
        message: main.message,
        elapsedMs: main.elapsedMs,
      };
      if (main.outcome === 'closed' && address) {
        facts.plainMqtt = await sniffPlainMqtt(address, context.port, context.timeoutMs, signal);
      }
      return facts;
    }, caller);

  const serverChain = (caller?: AbortSignal) =>
    once('serverChain', async (signal): Promise<ServerChainFacts> => {
      const trustStore = context.ca ? 'ca-file' : 'system';
      let seen = await mainAttempt(signal);
      if (!seen.handshakeCompleted && seen.outcome === 'alert') {
        // Under TLS 1.2 a refused client certificate ends the handshake before we see the server's
        // Finished; under TLS 1.3 the server's chain arrives first, so look once more that way.
        const look = await attempt(signal, { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' });
        if (look.handshakeCompleted) seen = look;
      }
      if (!seen.handshakeCompleted || !seen.peerChain?.length) {
        return { available: false, unavailable: { cause: seen.outcome, alert: seen.alert?.description, errorCode: seen.errorCode, message: seen.message, timeoutMs: seen.timeoutMs }, certificates: [], trustStore, caFile };
      }
      const [leaf, ...sent] = seen.peerChain;
      const anchored = context.ca ? buildLocalChain(leaf, sent, context.ca.certificates) : undefined;
      return {
        localAnchor: anchored && { ok: anchored.ok, problem: anchored.problem },
        available: true,
        certificates: verifiedChainEntries(seen.peerChain, context.ca?.certificates),
        verifyError: seen.authorizationError,
        trustStore,
        caFile,
      };
    }, caller);

  const protocolSupport = (caller?: AbortSignal) =>
    once('protocolSupport', async (signal): Promise<ProtocolSupportFacts> => {
      const main = await handshake(signal);
      if (!SPEAKS_TLS.has(main.outcome)) {
        return { tested: false, handshakeOutcome: main.outcome, versions: [] };
      }
      const versions = await Promise.all(
        VERSIONS.map(async (version): Promise<VersionProbe> => {
          // The main handshake negotiated this version with the same identity: a handshake offering it
          // alone gets the same answer (one handshake fewer, on the broker too).
          if (version === main.protocol) return { version, ...versionVerdict(await mainAttempt(signal)) };
          const probe = await attempt(signal, {
            minVersion: version,
            maxVersion: version,
            cert: context.client?.cert.pem,
            key: context.client?.key.pem,
            peerChain: false,
            watchServerHello: true,
          }, VERSION_ROLES[version]);
          return { version, ...versionVerdict(probe) };
        }),
      );
      return { tested: true, negotiated: main.protocol, versions };
    }, caller);

  const clientAuth = (caller?: AbortSignal) =>
    once('clientAuth', async (signal): Promise<ClientAuthFacts> => {
      const main = await handshake(signal);
      if (!SPEAKS_TLS.has(main.outcome)) {
        return { tested: false, handshakeOutcome: main.outcome };
      }
      const throwaway = await throwawayClientIdentity();
      // A server that checks certificates after the handshake (node:tls with rejectUnauthorized, as
      // aedes runs) completes it and then hangs up: an MQTT CONNECT on the same identity tells.
      const confirm = async (seen: ClientAuthAttempt, identity: { cert?: string; key?: string }): Promise<ClientAuthAttempt> => {
        if (seen.accepted !== true) return seen;
        const ctx = await mqttContext(signal);
        const { session, facts } = await openCloud({ ...ctx, tls: { ...ctx.tls, cert: identity.cert, key: identity.key } }, identity.cert ? 'auth-untrusted' : 'auth-none');
        await session?.close();
        if (facts.outcome !== 'closed' && facts.outcome !== 'tls-alert') return seen;
        return { ...seen, accepted: false, refusedAfterHandshake: true, alert: facts.alert?.description };
      };
      const untrusted = { cert: throwaway.certPem, key: throwaway.keyPem };
      const [withoutCertificate, withUntrustedCertificate] = await Promise.all([
        attempt(signal, { peerChain: false }).then(clientAuthVerdict).then((seen) => confirm(seen, {})),
        attempt(signal, { ...untrusted, peerChain: false }).then(clientAuthVerdict).then((seen) => confirm(seen, untrusted)),
      ]);
      return { tested: true, withoutCertificate, withUntrustedCertificate };
    }, caller);

  // Resolves at once for a name, so dns.resolve (which everything depends on) never waits on TLS.
  const literalTarget = (caller?: AbortSignal) =>
    once('literalTarget', async (signal): Promise<LiteralTargetFacts> => {
      if (!(await resolution(signal)).isIpLiteral) return { coveredBySan: null, certificateNames: [] };
      const chain = await serverChain(signal);
      const leaf = chain.certificates[0];
      if (!leaf) return { coveredBySan: null, certificateNames: [] };
      const names = [...leaf.dnsNames, ...(leaf.commonName ? [leaf.commonName] : [])];
      return { coveredBySan: hostMatches(leaf, context.host), certificateNames: [...new Set(names)] };
    }, caller);

  const clientCertificate = (caller?: AbortSignal) =>
    once('clientCertificate', async (signal): Promise<ClientCertificateFacts> => {
      if (!context.client) return { given: false, intermediates: 0 };
      const [leaf, ...intermediates] = context.client.cert.certificates;
      const facts: ClientCertificateFacts = {
        given: true,
        path: context.client.cert.path,
        certificate: describeCertificate(leaf),
        intermediates: intermediates.length,
      };
      if (!context.ca) {
        facts.chain = { verified: false, problem: 'no-ca', path: [] };
      } else {
        // As OpenSSL does: every intermediate at hand counts (the --cert file's and those the server sent).
        const sent = (await mainAttempt(signal)).peerChain ?? [];
        const built = buildLocalChain(leaf, [...intermediates, ...sent], context.ca.certificates);
        const caHasRoot = context.ca.certificates.some((cert) => cert.subject === cert.issuer);
        facts.chain = { verified: built.ok, problem: built.problem, path: built.path.map(subjectLine), caHasRoot, caEmpty: context.ca.certificates.length === 0 };
      }
      return facts;
    }, caller);

  const mqttContext = async (signal: AbortSignal | undefined): Promise<MqttProbeContext> => {
    const { address } = await tcp(signal);
    const hostPart = address?.includes(':') ? `[${address}]` : address;
    return {
      ...context.mqtt,
      cloudUrl: `mqtts://${hostPart}:${context.port}`,
      tls: { servername, ca: context.ca?.pem, cert: context.client?.cert.pem, key: context.client?.key.pem },
      timeoutMs: context.timeoutMs,
      signal,
      bridges,
    };
  };
  // The websockets and plain ports are asked directly: they do not wait on the TLS port's TCP answer.
  const endpoint = async (signal: AbortSignal | undefined): Promise<EndpointContext> => ({
    address: (await resolution(signal)).addresses[0],
    servername,
    ca: context.ca?.pem,
    caCertificates: context.ca?.certificates,
    caFile,
    timeoutMs: context.timeoutMs,
    credentials: context.mqtt.credentials,
    wssPath: context.mqtt.wssPath,
    signal,
    clientPrefix: context.mqtt.clientId,
    bridges,
  });
  // Sessions carried from one probe to the next. mqtt.connect's session carries the round trip; the
  // bridge directions' sessions open while the round trip runs, so their CONNECTs (each ~40 ms on a
  // TLS 1.3 Mosquitto without set_tcp_nodelay, README) overlap it instead of following it. Whatever
  // no probe took is ended by dispose().
  const wants = (key: keyof DiagnosisFacts) => context.wanted?.has(key) ?? false;
  let handedOver: OpenCloudSession | undefined;
  const openedAhead = new Map<'inbound' | 'outbound', Promise<BridgeSessions>>();
  // A step runs in the scope of the fact it serves: a CONNECT opened ahead for a bridge direction is
  // that direction's (a timeout while we were starved must excuse bridge.inbound, not the round trip).
  const inScopeOf = (fact: string, ctx: MqttProbeContext): MqttProbeContext => (monitor ? { ...ctx, signal: scopedSignal(signal, { monitor, facts: [fact], noteStarved }) } : ctx);
  const openBridgesAhead = (ctx: MqttProbeContext) => {
    if (!ctx.localUrl || !ctx.remotePrefix) return;
    const localUrl = ctx.localUrl;
    for (const [direction, fact] of [['inbound', 'bridgeInbound'], ['outbound', 'bridgeOutbound']] as const) {
      // Not for a direction already probing (bridge.status asks for the flows too): it opened its own sessions.
      if (wants(fact) && !openedAhead.has(direction) && !memo.has(fact)) openedAhead.set(direction, openBridgeSessions(inScopeOf(fact, ctx), localUrl, direction));
    }
  };
  const takeAhead = (direction: 'inbound' | 'outbound') => {
    const opening = openedAhead.get(direction);
    openedAhead.delete(direction);
    return opening;
  };
  // The session the round trip passes on when it is done, for bridge.status (set before the round
  // trip's first await, so bridge.status, which starts with it, knows to wait for it).
  let passedOn: Promise<OpenCloudSession | undefined> | undefined;
  const takeHanded = () => {
    const handed = handedOver;
    handedOver = undefined;
    return handed;
  };
  // bridge.status uses a session only when it knows where the bridge maps the lamp (--device-id).
  const stateWantsSession = () => wants('bridgeState') && Boolean(context.mqtt.remotePrefix);
  const mqttConnect = (caller?: AbortSignal) =>
    once('mqttConnect', async (signal) => {
      const ctx = await mqttContext(signal);
      await mainAttempt(signal); // whether its connection is there to carry the session
      return probeMqttConnect(ctx, wants('roundtrip') || stateWantsSession() ? (open) => (handedOver = open) : undefined, takeCarried());
    }, caller);
  const roundtrip = (caller?: AbortSignal) =>
    once('roundtrip', async (signal) => {
      let passOn: ((open?: OpenCloudSession) => void) | undefined;
      if (stateWantsSession() && !memo.has('bridgeState')) passedOn = new Promise((resolve) => (passOn = resolve));
      try {
        const ctx = await mqttContext(signal);
        openBridgesAhead(ctx);
        return await probeRoundtrip(ctx, takeHanded(), passOn);
      } finally {
        passOn?.(undefined); // a no-op once probeRoundtrip has passed the session on
      }
    }, caller);
  const bridgeState = (caller?: AbortSignal) =>
    once('bridgeState', async (signal) => {
      const ctx = await mqttContext(signal);
      // The round trip's session, if it comes within one timeout; else a session of its own, so a long
      // round trip (--samples 1000 on a slow link) never eats into bridge.status's own deadline.
      if (!passedOn) return probeBridgeState(ctx, takeHanded());
      const step = startStep(signal, context.timeoutMs);
      const carried = await raceSignal(passedOn, step.signal, () => undefined).finally(() => step.dispose());
      return probeBridgeState(ctx, carried);
    }, caller);
  const bridgeInbound = (caller?: AbortSignal) => once('bridgeInbound', async (signal) => probeBridgeFlow(await mqttContext(signal), 'inbound', takeAhead('inbound')), caller);
  const bridgeOutbound = (caller?: AbortSignal) => once('bridgeOutbound', async (signal) => probeBridgeFlow(await mqttContext(signal), 'outbound', takeAhead('outbound')), caller);
  const dispose = async () => {
    const leftovers: Promise<unknown>[] = [];
    // Not taken: its goodbye, which the run's end (right after this) must not cut short.
    carried?.unlink();
    carried?.end();
    carried = undefined;
    if (handedOver) leftovers.push(handedOver.session.close());
    handedOver = undefined;
    // A session passed on that bridge.status never took (it was left out, or stopped waiting for it).
    if (passedOn) leftovers.push(passedOn.then((open) => open?.session.close()));
    // Sessions still connecting are waited for (within their CONNECT's own limit), so that they too
    // end with DISCONNECT rather than a socket the run's end destroys mid-CONNECT.
    for (const opening of openedAhead.values()) leftovers.push(opening.then((opened) => Promise.all([opened.cloud.session?.close(), opened.local.session?.close()])));
    openedAhead.clear();
    await Promise.all(leftovers);
  };
  // The MQTT port's leaf is only compared afterwards: a silent MQTT port must not delay this probe.
  const wss = (caller?: AbortSignal) =>
    once('wss', async (signal) => {
      const [facts, chain] = await Promise.all([probeWss(await endpoint(signal), context.mqtt.wssPort), serverChain(signal)]);
      return { ...facts, mqttLeafFingerprint: chain.certificates[0]?.fingerprint256 };
    }, caller);
  const wssConnect = (caller?: AbortSignal) => once('wssConnect', async (signal) => probeWssConnect(await endpoint(signal), context.mqtt.wssPort, context.mqtt.version, await wss(signal), context.mqtt.clientId, bridges), caller);
  const plainExposure = (caller?: AbortSignal) =>
    once('plainExposure', async (signal) => probePlainExposure((await resolution(signal)).addresses[0], context.mqtt.plainPort, context.timeoutMs, signal), caller);

  const getters: { [K in keyof DiagnosisFacts]: () => Promise<DiagnosisFacts[K]> } = {
    mqttConnect,
    roundtrip,
    bridgeState,
    bridgeInbound,
    bridgeOutbound,
    wss,
    wssConnect,
    plainExposure,
    resolution,
    literalTarget,
    tcp,
    handshake,
    serverChain,
    protocolSupport,
    clientAuth,
    clientCertificate,
  };
  return {
    get: (key) => getters[key](),
    peek: async (key) => (memo.has(key) ? getters[key]() : undefined),
    gathers: (key) => wants(key),
    starved: (key) => starvedLag.get(key),
    dispose,
  };
}

function subjectLine(cert: X509Certificate): string {
  return describeCertificate(cert).subject;
}

function versionVerdict(probe: TlsAttempt): Omit<VersionProbe, 'version'> {
  const facts = { outcome: probe.outcome, handshakeCompleted: probe.handshakeCompleted, cipher: probe.cipher, alert: probe.alert?.description, alertNumber: probe.alert?.number, serverHello: probe.serverHello, message: probe.message, timeoutMs: probe.timeoutMs, peerClosed: probe.peerClosed, errorCode: probe.errorCode };
  if (probe.handshakeCompleted) return { result: 'accepted', ...facts };
  // The server chose this version before it ended the handshake (a TLS 1.2 client certificate it
  // refused, or none sent: alert 40 after its hello; a crlfile it cannot verify: alert 51).
  if (probe.serverHello) return { result: 'accepted', ...facts };
  // Not watched: the server got as far as judging certificates, so it accepted the version.
  if (probe.serverHello === undefined && probe.outcome === 'alert' && probe.alert?.number !== undefined && CERTIFICATE_ALERTS.has(probe.alert.number)) return { result: 'accepted', ...facts };
  if (probe.outcome === 'alert' || probe.outcome === 'closed' || probe.outcome === 'not-tls') return { result: 'refused', ...facts };
  return { result: 'untested', ...facts };
}

function clientAuthVerdict(probe: TlsAttempt): ClientAuthAttempt {
  const base = { outcome: probe.outcome, protocol: probe.protocol, alert: probe.alert?.description, message: probe.message, handshakeCompleted: probe.handshakeCompleted, timeoutMs: probe.timeoutMs, peerClosed: probe.peerClosed };
  if (probe.outcome === 'accepted') return { ...base, accepted: true };
  if (probe.outcome === 'alert' || probe.outcome === 'closed') return { ...base, accepted: false };
  return { ...base, accepted: null };
}

/** The same pre-made identity for every run and every student (see throwaway-identity.ts). */
function throwawayClientIdentity(): Promise<{ certPem: string; keyPem: string }> {
  return Promise.resolve({ certPem: THROWAWAY_CERT_PEM, keyPem: THROWAWAY_KEY_PEM });
}

// MQTT facts: connect, round trips on the cloud, the bridge's state and both bridge directions.
// Each probe opens its own session(s) with a unique client id and closes them with DISCONNECT.
import { randomBytes } from 'node:crypto';
import type { TLSSocket } from 'node:tls';
import type { BridgeFlowFacts, BridgeStateFacts, LatencyFacts, MqttConnectFacts, ProbeMapping, RoundtripFacts } from '../facts.js';
import { MqttSession, timeLimit, type ConnectResult, type TimeLimit } from './mqtt-session.js';
import { BridgeIdentities, sessionClientId, type SessionRole } from './client-ids.js';

export interface MqttProbeContext {
  /** mqtts://address:port, with TLS options that verify the server as the host name. */
  cloudUrl: string;
  tls: { servername?: string; ca?: string; cert?: string; key?: string };
  version: 4 | 5;
  /** A client id the user chose (already checked not to be the bridge's). */
  clientId?: string;
  samples: number;
  qos: 0 | 1 | 2;
  timeoutMs: number;
  /** The lamp's own broker, e.g. mqtt://127.0.0.1:1883. */
  localUrl?: string;
  deviceId?: string;
  bridgeClientId?: string;
  /** The bridge's remote prefix, e.g. devices/b827eb74663e/. */
  remotePrefix?: string;
  /** Local topic prefix of the diagnostic mapping, e.g. lampi-doctor/. */
  probePrefix: string;
  /** The --bridge-config line that maps the probe prefix, where it has one. */
  probeMapping?: ProbeMapping;
  /** The bridge's `notification_topic` in --bridge-config, where it names one. */
  notificationTopic?: string;
  credentials?: { username: string; password?: string };
  /** The run's cancellation, handed to every session. */
  signal?: AbortSignal;
  /** Bridge identities known up front and learned from the cloud's state topics. */
  bridges?: BridgeIdentities;
}

const runId = () => randomBytes(4).toString('hex');

function connectFacts(result: ConnectResult, clientId: string, version: 4 | 5, transcript: string[], withUsername: boolean): MqttConnectFacts {
  return { ...result, clientId, protocolVersion: version, transcript, ...(withUsername ? { withUsername } : {}) };
}

/** `socket`: a verified TLS connection to the cloud to run the session on instead of dialling (carry-main.ts). */
export async function openCloud(ctx: MqttProbeContext, role: SessionRole, record: { transcript?: string[]; label?: string } = {}, socket?: TLSSocket) {
  const transcript = record.transcript ?? [];
  const clientId = sessionClientId(ctx.clientId, role);
  const { session, result, carried } = await MqttSession.open({ url: ctx.cloudUrl, clientId, protocolVersion: ctx.version, timeoutMs: ctx.timeoutMs, tls: ctx.tls, credentials: ctx.credentials, transcript, label: record.label, signal: ctx.signal, bridges: ctx.bridges, socket });
  const facts = connectFacts(result, clientId, ctx.version, transcript, Boolean(ctx.credentials));
  return { session, facts: carried ? { ...facts, connection: 'main-handshake' as const } : facts };
}

/** An open cloud session and the facts of its CONNECT, for a probe that carries on where mqtt.connect ended. */
export interface OpenCloudSession {
  session: MqttSession;
  facts: MqttConnectFacts;
}

/** A carried connection that went away under our CONNECT (reset, or closed as it was written). */
const GONE = /^(ECONNRESET|EPIPE|ERR_STREAM_WRITE_AFTER_END|ERR_STREAM_DESTROYED)$/;

/**
 * Connects once. With `handOver`, an accepted session is passed on open (the round trip runs on it:
 * one TLS handshake and CONNECT fewer, and no second ~40 ms CONNACK wait; see README) instead of
 * ending here; whoever takes it says DISCONNECT. With `carried`, the CONNECT goes out on the main
 * handshake's connection (carry-main.ts).
 */
export async function probeMqttConnect(ctx: MqttProbeContext, handOver?: (open: OpenCloudSession) => void, carried?: TLSSocket): Promise<MqttConnectFacts> {
  let { session, facts } = await openCloud(ctx, 'connect', {}, carried);
  // A carried connection the broker dropped before answering says nothing about CONNECT that a
  // connection of our own would not say again: ask on one (a broker that hangs up on CONNECT does so twice).
  if (facts.connection === 'main-handshake' && (facts.outcome === 'closed' || GONE.test(facts.errorCode ?? ''))) ({ session, facts } = await openCloud(ctx, 'connect'));
  if (session && handOver) handOver({ session, facts: { ...facts, transcript: [...facts.transcript] } });
  else await session?.close();
  return facts;
}

interface Delivery extends LatencyFacts {
  arrivedElsewhere?: string;
  /** Bytes in the first PUBLISH's payload (the others differ by a digit or two). */
  payloadBytes?: number;
}

/**
 * Untimed round trips before the cloud round trip's samples. A fresh process runs mqtt.js's publish
 * and receive paths cold (interpreted, then compiled), so its first messages time our JIT, not the
 * broker: measured on the lab, a default run's p50 was 0.45–0.55 ms with a max of 2–7 ms; after 20
 * untimed round trips, 0.17–0.22 ms and about 1 ms (30 gave no more). They cost ~15 ms, once per
 * process (thread): a grade's later students and an exporter's later scrapes run on a warm JIT.
 */
export const ROUNDTRIP_WARMUP = 20;
/** Round trips this process (thread) has completed: once warm, a grade's or an exporter's later runs skip the warm-up. */
let warmRoundTrips = 0;

/**
 * Publishes `warmup` untimed then `samples` timed messages, one at a time, each until it arrives at
 * the receiver on `expectTopic`. The first lost message, warm-up or not, ends the series: a dead
 * path costs one timeout, not N. The warm-up's packets stay out of the transcript (one line says
 * so) unless the series ends during it, when they are what explains the verdict.
 */
async function measureDelivery(
  sender: MqttSession,
  sendTopic: string,
  receiver: MqttSession,
  expectTopic: string,
  samples: number,
  qos: 0 | 1 | 2,
  timeoutMs: number,
  warmup = 0,
): Promise<Delivery> {
  const id = runId();
  const waiting = new Map<string, (arrival: { topic: string; at: number }) => void>();
  let arrivedElsewhere: string | undefined;
  const onMessage = (topic: string, payload: Buffer) => {
    const key = payload.toString();
    const resolve = waiting.get(key);
    if (!resolve) return;
    if (topic !== expectTopic) {
      arrivedElsewhere ??= topic;
      return;
    }
    waiting.delete(key);
    resolve({ topic, at: performance.now() });
  };
  receiver.client.on('message', onMessage);
  const samplesMs: number[] = [];
  let payloadBytes: number | undefined;
  let sent = 0;
  let warmupSent = 0;
  let warmupReceived = 0;
  const transcript = sender.transcript;
  const warmupLines: string[] = [];
  if (warmup > 0) sender.transcript = warmupLines;
  const endWarmup = async (complete: boolean) => {
    if (sender.transcript !== warmupLines) return;
    // Our PUBACK for the last warm-up delivery goes out while that delivery is handled: let it.
    if (complete) await new Promise((resolve) => setImmediate(resolve));
    sender.transcript = transcript;
    if (complete) transcript.push(`… ${warmupReceived} untimed warm-up round trips (PUBLISH, delivery, acknowledgements), then the timed samples`);
    else transcript.push(...warmupLines);
  };
  try {
    for (let i = 1 - warmup; i <= samples; i += 1) {
      if (i === 1) await endWarmup(true);
      const key = `lampi-doctor ${id} ${i}`;
      payloadBytes ??= Buffer.byteLength(key);
      const arrived = new Promise<{ at: number }>((resolve) => waiting.set(key, resolve));
      // The PUBLISH's limit (timer, abort link) is made before the clock starts: a sample times the
      // path through the broker, from handing the message to the MQTT client until it arrives, as a
      // bare mqtt.js loop does, not our bookkeeping.
      const acknowledged = sender.publishLimit(sendTopic);
      let delivered: TimeLimit | undefined;
      try {
        const began = performance.now();
        if (i > 0) sent += 1;
        else warmupSent += 1;
        await sender.publish(sendTopic, key, qos, acknowledged);
        // The delivery wait starts once the broker has the message, as it always did. Its arrival time
        // was taken in onMessage, so a message already there (the usual case: Mosquitto writes it
        // before the PUBACK) is not timed through this limit.
        delivered = timeLimit(timeoutMs, 'delivery', receiver.signal);
        // A connection gone on either side ends the wait: nothing can arrive any more.
        const at = (await delivered.within(Promise.race([arrived, receiver.ended, sender.ended])).catch(() => undefined))?.at;
        if (at === undefined) break;
        if (i > 0) samplesMs.push(Math.round((at - began) * 100) / 100);
        else warmupReceived += 1;
      } finally {
        acknowledged.dispose();
        delivered?.dispose();
        waiting.delete(key);
      }
    }
  } finally {
    receiver.client.off('message', onMessage);
    await endWarmup(false);
  }
  const lost = sent + warmupSent - samplesMs.length - warmupReceived;
  return { samplesMs, sent, lost, ...(warmup > 0 ? { warmup: { sent: warmupSent, received: warmupReceived } } : {}), arrivedElsewhere, payloadBytes };
}

/**
 * The round trip, on `handed` (mqtt.connect's session) when it is still open, else on a session of its
 * own. With `passOn`, the session is passed on open when the round trip is done (bridge.status reads
 * the bridge's state on it), or `undefined` when there is none to pass; it is always called once.
 */
export async function probeRoundtrip(ctx: MqttProbeContext, handed?: OpenCloudSession, passOn?: (open?: OpenCloudSession) => void): Promise<RoundtripFacts> {
  let passed = false;
  const pass = (open?: OpenCloudSession) => {
    if (passed) return;
    passed = true;
    passOn?.(open);
  };
  try {
    const { session, facts: connect } = takeOver(handed, ctx.signal) ?? (await openCloud(ctx, 'rt'));
    const connecting = [...connect.transcript];
    const topic = `${ctx.probePrefix}roundtrip/${connect.clientId}`;
    const base = { connect, topic, qos: ctx.qos, samplesMs: [], sent: 0, lost: 0, acknowledgedButLost: false, transcript: connect.transcript };
    if (!session) return base;
    // Only a round trip that ended as it should passes its session on: one whose step timed out or
    // failed may have left the session wedged, and bridge.status must not inherit that.
    let clean = false;
    try {
      const granted = await session.subscribe(topic, ctx.qos);
      if (granted === 128) return { ...base, granted };
      const delivery = await measureDelivery(session, topic, session, topic, ctx.samples, ctx.qos, ctx.timeoutMs, Math.max(0, ROUNDTRIP_WARMUP - warmRoundTrips));
      warmRoundTrips += delivery.samplesMs.length + (delivery.warmup?.received ?? 0);
      // A message that did not arrive because the broker closed the session was not dropped by an ACL.
      if (delivery.lost > 0 && !session.usable) return { ...base, ...delivery, granted, acknowledgedButLost: false, error: 'connection closed', errorKind: 'closed' };
      await session.unsubscribe(topic);
      clean = delivery.lost === 0;
      return { ...base, ...delivery, granted, acknowledgedButLost: delivery.lost > 0 && ctx.qos > 0 };
    } catch (error) {
      // The session gone under the step (the broker closed it, or restarted: then the PUBLISH waits out
      // our limit, as mqtt.js keeps it for a resend), else our own limit ran out (TIMEOUT), else other.
      const ended = !session.usable ? 'closed' : (error as { code?: string }).code === 'TIMEOUT' ? 'timeout' : 'other';
      return { ...base, error: (error as Error).message, errorKind: ended };
    } finally {
      if (passOn && clean && session.usable) pass({ session, facts: { ...connect, transcript: connecting } });
      else await session.close();
    }
  } finally {
    pass(undefined);
  }
}

/**
 * Takes over a session another probe passed on: from here on its packets go to the taker's transcript,
 * which starts with the CONNECT it inherits, and its steps run under the taker's signal. A session the broker has since dropped proves nothing:
 * it is closed, and the taker connects anew (undefined).
 */
function takeOver(open: OpenCloudSession | undefined, signal: AbortSignal | undefined): OpenCloudSession | undefined {
  if (!open) return undefined;
  if (!open.session.usable) {
    void open.session.close();
    return undefined;
  }
  open.session.transcript = open.facts.transcript;
  open.session.stepSignal = signal;
  return open;
}

/** Mosquitto publishes its version, retained, under $SYS; other brokers (aedes, RabbitMQ, EMQX) do not. */
const SYS_VERSION = '$SYS/broker/version';
const STATE_FILTERS = ['devices/+/lamp/connection/+/state', 'lamp/connection/+/state', '$SYS/broker/connection/+/state'];

/** On `carried` (the session the round trip passed on) when it is still open, else on a session of its own. */
export async function probeBridgeState(ctx: MqttProbeContext, carried?: OpenCloudSession): Promise<BridgeStateFacts> {
  if (!ctx.remotePrefix) {
    void carried?.session.close();
    return { configured: false, missing: 'device-id', states: [], transcript: [] };
  }
  const expectedFilter = `${ctx.remotePrefix}lamp/connection/+/state`;
  const { session, facts: connect } = takeOver(carried, ctx.signal) ?? (await openCloud(ctx, 'state'));
  const base: BridgeStateFacts = {
    configured: true,
    deviceId: ctx.deviceId,
    bridgeClientId: ctx.bridgeClientId,
    expectedFilter,
    ...(ctx.notificationTopic ? { notificationTopic: ctx.notificationTopic } : {}),
    states: [],
    transcript: connect.transcript,
  };
  if (!session) {
    const { outcome, message, errorCode, timeoutMs, clientId } = connect;
    return { ...base, connectFailure: message ?? outcome, connectEnd: { outcome, message, errorCode, timeoutMs, clientId } };
  }
  const states = new Map<string, string>();
  let brokerVersion: string | undefined;
  session.client.on('message', (topic, payload, packet) => {
    if (topic === SYS_VERSION) brokerVersion = payload.toString();
    else if (packet.retain) {
      states.set(topic, payload.toString());
      ctx.bridges?.learnFromStateTopic(topic);
    }
  });
  // The broker queues a subscription's retained messages before it reads our next packet, so once a
  // second SUBSCRIBE (to a topic nobody uses) is acknowledged, every retained state has arrived.
  const sentinel = `${ctx.probePrefix}${runId()}/sync`;
  let readCutShort: string | undefined;
  // A `notification_topic` of the bridge's own (--bridge-config) is where it reports, besides the seed's topics.
  const filters = [...STATE_FILTERS, ...(ctx.notificationTopic && !STATE_FILTERS.includes(ctx.notificationTopic) ? [ctx.notificationTopic] : []), SYS_VERSION];
  try {
    await session.subscribe(filters, 0).catch(() => 128);
    // Unanswered, the states seen so far may be all there are, or not: the check says which it can tell.
    await session.subscribe(sentinel, 0).catch((error: Error) => (readCutShort = error.message));
    if (!readCutShort) await session.unsubscribe([...filters, sentinel]).catch(() => undefined);
  } finally {
    await session.close();
  }
  const read = { ...base, states: [...states].map(([topic, value]) => ({ topic, value })), brokerVersion };
  // $SYS/broker/version may simply not have arrived yet when the read was cut short.
  return readCutShort ? { ...read, readCutShort } : { ...read, sysTree: brokerVersion !== undefined };
}

/** `devices/b827eb74663e/` -> `devices/+/`: where a probe lands if the bridge uses another id. */
function anyDevicePrefix(prefix: string): string | undefined {
  const parts = prefix.split('/').filter(Boolean);
  return parts.length >= 2 ? `${[...parts.slice(0, -1), '+'].join('/')}/` : undefined;
}

export type BridgeSessions = Awaited<ReturnType<typeof openBridgeSessions>>;

/**
 * The two sessions of one bridge direction, cloud and lamp, opened at once; they write one transcript,
 * each line labelled with its broker. Opened ahead (while the round trip runs) they are handed to
 * probeBridgeFlow, which closes them; sessions nobody took are closed by their opener.
 */
export async function openBridgeSessions(ctx: MqttProbeContext, localUrl: string, direction: 'inbound' | 'outbound') {
  const transcript: string[] = [];
  const [cloud, local] = await Promise.all([
    openCloud(ctx, direction === 'inbound' ? 'in-cloud' : 'out-cloud', { transcript, label: 'cloud' }),
    MqttSession.open({
      url: localUrl,
      clientId: sessionClientId(ctx.clientId, direction === 'inbound' ? 'in-lamp' : 'out-lamp'),
      protocolVersion: ctx.version,
      timeoutMs: ctx.timeoutMs,
      transcript,
      label: 'lamp',
      signal: ctx.signal,
      bridges: ctx.bridges,
    }),
  ]);
  return { cloud, local, transcript };
}

export async function probeBridgeFlow(ctx: MqttProbeContext, direction: 'inbound' | 'outbound', opening?: Promise<BridgeSessions>): Promise<BridgeFlowFacts> {
  const mappingLine = ctx.remotePrefix ? `topic ${ctx.probePrefix}# both 1 "" ${ctx.remotePrefix}` : undefined;
  const base: BridgeFlowFacts = { direction, configured: false, samplesMs: [], sent: 0, lost: 0, mappingLine, ...(ctx.probeMapping ? { mappingInConfig: { ...ctx.probeMapping } } : {}), transcript: [] };
  if (!ctx.localUrl) return { ...base, missing: 'local' };
  if (!ctx.remotePrefix) return { ...base, missing: 'device-id' };

  const id = runId();
  const localTopic = `${ctx.probePrefix}${id}/${direction === 'inbound' ? 'in' : 'out'}`;
  const remoteTopic = `${ctx.remotePrefix}${localTopic}`;
  let opened = await (opening ?? openBridgeSessions(ctx, ctx.localUrl, direction));
  // Sessions opened ahead that a broker dropped meanwhile are no evidence about the bridge: open anew.
  if (opening && [opened.cloud.session, opened.local.session].some((session) => session && !session.usable)) {
    await Promise.all([opened.cloud.session?.close(), opened.local.session?.close()]);
    opened = await openBridgeSessions(ctx, ctx.localUrl, direction);
  }
  const { cloud, local, transcript } = opened;
  const flow = { ...base, configured: true, from: direction === 'inbound' ? `cloud ${remoteTopic}` : `lamp ${localTopic}`, to: direction === 'inbound' ? `lamp ${localTopic}` : `cloud ${remoteTopic}`, transcript };
  const brokerOf = (session: MqttSession) => (session === cloud.session ? 'cloud' : 'lamp');
  try {
    if (!cloud.session) return { ...flow, failure: { broker: 'cloud', stage: 'connect', outcome: cloud.facts.outcome, detail: cloud.facts.message, errorCode: cloud.facts.errorCode, timeoutMs: cloud.facts.timeoutMs, clientId: cloud.facts.clientId } };
    if (!local.session) return { ...flow, failure: { broker: 'lamp', stage: 'connect', outcome: local.result.outcome, url: ctx.localUrl, detail: local.result.message, errorCode: local.result.errorCode, timeoutMs: local.result.timeoutMs, clientId: sessionClientId(ctx.clientId, direction === 'inbound' ? 'in-lamp' : 'out-lamp') } };
    const [sender, senderTopic, receiver, receiverTopic] =
      direction === 'inbound' ? [cloud.session, remoteTopic, local.session, localTopic] : [local.session, localTopic, cloud.session, remoteTopic];
    const filters = [receiverTopic];
    const elsewhere = direction === 'outbound' ? anyDevicePrefix(ctx.remotePrefix) : undefined;
    if (elsewhere) filters.push(`${elsewhere}${localTopic}`);
    let step: MqttSession = receiver;
    try {
      for (const filter of filters) await receiver.subscribe(filter, ctx.qos);
      step = sender;
      const delivery = await measureDelivery(sender, senderTopic, receiver, receiverTopic, Math.max(1, ctx.samples), ctx.qos, ctx.timeoutMs);
      step = receiver;
      for (const filter of filters) await receiver.unsubscribe(filter);
      // The payload size is the cloud round trip's fact (message_size_limit); the bridge flows keep theirs as before.
      const { payloadBytes: _payloadBytes, ...measured } = delivery;
      return { ...flow, ...measured };
    } catch (error) {
      const broker = brokerOf(step);
      return { ...flow, failure: { broker, stage: 'exchange', url: broker === 'lamp' ? ctx.localUrl : undefined, detail: (error as Error).message } };
    }
  } finally {
    await Promise.all([cloud.session?.close(), local.session?.close()]);
  }
}

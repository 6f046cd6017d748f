// An MQTT session for probes: every step bounded by a timeout, a transcript of packets (never
// payloads or key material), never retained publishes, and always ended with DISCONNECT.
import { TLSSocket } from 'node:tls';
import type { IClientOptions, MqttClient, Packet } from 'mqtt';
import type { BridgeIdentities } from './client-ids.js';
import { startStep, whenAborted } from './deadline.js';
import { readLeafOnly, wsTlsConnect } from './leaf-identity.js';
import { trySharedSecureContext } from './secure-contexts.js';
import { classifyTlsError, type TlsAlert } from './tls-attempt.js';

export type MqttOutcome = 'connected' | 'refused' | 'tls-alert' | 'tls-error' | 'closed' | 'timeout' | 'protocol-error' | 'error';

/** mqtt-packet's words for bytes that are not MQTT (a garbage CONNACK, a malformed remaining length). */
const PARSER_ERROR = /^(Invalid|Malformed|Not supported|Cannot parse|Packet too short|Unknown)|variable byte integer|remaining length/i;

export interface ConnectResult {
  outcome: MqttOutcome;
  /** CONNACK return code (3.1.1) or reason code (5) when the broker answered. */
  returnCode?: number;
  alert?: TlsAlert;
  errorCode?: string;
  message?: string;
  /** The limit the CONNECT ran under. */
  timeoutMs?: number;
  elapsedMs: number;
}

export interface SessionOptions {
  url: string;
  clientId: string;
  protocolVersion: 4 | 5;
  timeoutMs: number;
  tls?: { servername?: string; ca?: string; cert?: string; key?: string };
  /** For wss://: the name to verify the server as (mqtt.js does not pass servername to ws). */
  wsServername?: string;
  /** MQTT login (username, password); the password never reaches the transcript. */
  credentials?: { username: string; password?: string };
  /** Receives one line per packet sent or received. */
  transcript?: string[];
  /** Prefix for this session's transcript lines, when sessions share one. */
  label?: string;
  /** The run's cancellation: when it fires the client is ended and its socket destroyed. */
  signal?: AbortSignal;
  /** Bridge identities seen so far: a session never connects under one of them. */
  bridges?: BridgeIdentities;
  /** A verified TLS connection to run the session on instead of dialling `url` (see carry-main.ts). */
  socket?: TLSSocket;
}

/** DISCONNECT (3.1.1, and 5 with reason 0 left out): written by hand so no in-flight PUBLISH can hold it up. */
const DISCONNECT = Buffer.from([0xe0, 0x00]);
/** The most a goodbye may take: a deaf broker gets a DISCONNECT attempt, not our time. */
const DISCONNECT_GRACE_MS = 500;

function describePacket(packet: Packet): string {
  const p = packet as Packet & Record<string, unknown>;
  switch (packet.cmd) {
    case 'connect':
      return `CONNECT clientId=${p.clientId} protocol=${p.protocolVersion === 5 ? '5' : '3.1.1'} clean=${p.clean} keepalive=${p.keepalive}${p.username ? ' username=…' : ''}`;
    case 'connack':
      return `CONNACK ${p.reasonCode !== undefined ? `reason=${p.reasonCode}` : `rc=${p.returnCode}`} sessionPresent=${p.sessionPresent}`;
    case 'publish':
      return `PUBLISH topic=${p.topic} qos=${p.qos} retain=${p.retain}${p.messageId ? ` id=${p.messageId}` : ''} (${(p.payload as Buffer | string)?.length ?? 0} bytes)`;
    case 'subscribe':
      return `SUBSCRIBE ${(p.subscriptions as { topic: string; qos: number }[]).map((s) => `${s.topic} qos=${s.qos}`).join(', ')}`;
    case 'suback':
      return `SUBACK granted=${JSON.stringify(p.granted)}`;
    case 'unsubscribe':
      return `UNSUBSCRIBE ${(p.unsubscriptions as string[]).join(', ')}`;
    default:
      return `${packet.cmd.toUpperCase()}${p.messageId ? ` id=${p.messageId}` : ''}`;
  }
}

/** A step's limit, started when made: `within` rejects with code TIMEOUT once it runs out or the run is cancelled. */
export interface TimeLimit {
  within<T>(work: Promise<T>): Promise<T>;
  dispose(): void;
}

export function timeLimit(ms: number, what: string, signal?: AbortSignal): TimeLimit {
  const step = startStep(signal, ms);
  const limit = new Promise<never>((_, reject) => {
    step.signal.addEventListener('abort', () => reject(Object.assign(new Error(`no answer to ${what} within ${ms} ms`), { code: 'TIMEOUT' })), { once: true });
  });
  limit.catch(() => undefined); // a limit nobody raced against any more is not an unhandled rejection
  return { within: (work) => Promise.race([work, limit]), dispose: () => step.dispose() };
}

/** Rejects with code TIMEOUT ("no answer to X within N ms") when the step's time runs out or the run is cancelled. */
export function withTimeout<T>(work: Promise<T>, ms: number, what: string, signal?: AbortSignal): Promise<T> {
  const limit = timeLimit(ms, what, signal);
  return limit.within(work).finally(() => limit.dispose());
}

export class MqttSession {
  /** Where packet lines go; a probe that takes over an open session points it at its own transcript. */
  transcript: string[];
  private closing: Promise<void> | undefined;
  /**
   * Rejects (code CLOSED) once the connection is gone: a step raced against it ends then, instead of
   * waiting out its limit for an answer that cannot come (mqtt.js keeps a QoS 1 PUBLISH for a resend).
   */
  readonly ended: Promise<never>;
  private constructor(
    readonly client: MqttClient,
    readonly options: SessionOptions,
  ) {
    this.transcript = options.transcript ?? [];
    this.ended = new Promise<never>((_, reject) => client.once('close', () => reject(Object.assign(new Error('connection closed'), { code: 'CLOSED' }))));
    this.ended.catch(() => undefined);
  }

  /** The signal this session's steps run under: its opener's, or its taker's once taken over. */
  get signal(): AbortSignal | undefined {
    return this.stepSignal ?? this.options.signal;
  }

  /**
   * Set by a probe that takes the session over: its steps (PUBLISH, delivery, SUBSCRIBE limits) then
   * count starvation against the taker's facts. Cancellation still follows the opener's signal.
   */
  stepSignal?: AbortSignal;

  /** Open, connected and not being closed: a session another probe may take over. */
  get usable(): boolean {
    return !this.closing && this.client.connected;
  }

  /** Opens a session; a refusal or failure comes back as a ConnectResult, with no session. */
  /** `carried`: the session runs on options.socket (false when none was given or it was gone by then). */
  static async open(options: SessionOptions): Promise<{ session?: MqttSession; result: ConnectResult; carried?: boolean }> {
    // mqtt is CommonJS: bundled, its exports sit under `default`; under tsx/vitest they are named.
    const mqtt = (await import('mqtt')) as typeof import('mqtt') & { default?: typeof import('mqtt') };
    const connect = mqtt.connect ?? mqtt.default!.connect;
    const Client = mqtt.MqttClient ?? mqtt.default!.MqttClient;
    // mqtt.js would send its sessions through a SOCKS proxy named in MQTTJS_SOCKS_PROXY, while every
    // other probe (TCP, TLS, websockets upgrade) dials the broker directly: one diagnosis takes one path.
    delete process.env.MQTTJS_SOCKS_PROXY;
    const began = performance.now();
    const elapsed = () => Math.round(performance.now() - began);
    if (options.bridges?.clashes(options.clientId)) {
      options.socket?.end();
      return { result: { outcome: 'error', errorCode: 'BRIDGE_CLIENT_ID', elapsedMs: 0 } };
    }
    const clientOptions: IClientOptions = {
      clientId: options.clientId,
      protocolVersion: options.protocolVersion,
      clean: true,
      keepalive: 30,
      reconnectPeriod: 0,
      writeCache: false, // no table of 65,536 two-byte buffers built on the first packet (~15 ms, and GC)
      // Our own step (below) ends the wait; mqtt.js's timer is only a backstop behind it, and must stay
      // behind it when a starved loop extends the step (by up to its own length, deadline.ts): a backstop
      // that fired first would report our starvation as the peer's silence.
      connectTimeout: options.timeoutMs * 2 + 1000,
      // Start only once our transcript listeners are attached, so CONNECT is recorded too.
      manualConnect: true,
      ...(options.credentials ? { username: options.credentials.username, password: options.credentials.password } : {}),
      ...(options.tls ? { ...options.tls, rejectUnauthorized: true } : {}),
      // mqtts: the CA and identity parsed once per distinct material (see secure-contexts.ts).
      ...(options.tls && options.url.startsWith('mqtts:') ? { secureContext: trySharedSecureContext({ ca: options.tls.ca, cert: options.tls.cert, key: options.tls.key }) } : {}),
      ...(options.url.startsWith('wss:')
        ? { wsOptions: { servername: options.wsServername, ca: options.tls?.ca, secureContext: trySharedSecureContext({ ca: options.tls?.ca }), rejectUnauthorized: true, createConnection: wsTlsConnect } as IClientOptions['wsOptions'] }
        : {}),
    };
    // A connection handed to us that closed meanwhile (the import above can take a while) carries
    // nothing: dial as for any session, so no verdict ever rests on it.
    const carried = options.socket && !options.socket.destroyed && options.socket.writable ? options.socket : undefined;
    if (options.socket && !carried) options.socket.destroy();
    const client = carried ? new Client(() => carried, clientOptions) : connect(options.url, clientOptions);
    // As mqtt.connect() does for the clients it makes: errors surface through our own listeners below.
    if (carried) client.on('error', () => undefined);
    const session = new MqttSession(client, options);
    // Whatever happens later, a cancelled run leaves no client, socket or keepalive timer behind.
    const unlink = whenAborted(options.signal, () => void session.close());
    client.once('end', unlink);
    const prefix = options.label ? `${options.label} ` : '';
    client.on('packetsend', (packet: Packet) => session.transcript.push(`${prefix}→ ${describePacket(packet)}`));
    client.on('packetreceive', (packet: Packet) => session.transcript.push(`${prefix}← ${describePacket(packet)}`));
    client.connect();
    // Nagle off on the TLS stream (ws sets it on its own socket): a PUBLISH never waits for an ACK.
    (client.stream as { setNoDelay?: (on: boolean) => void } | undefined)?.setNoDelay?.(true);
    // A session never reports the chain: Node's name check gets the leaf alone (leaf-identity.ts). A
    // carried connection's handshake is already over.
    if (!carried && client.stream instanceof TLSSocket) readLeafOnly(client.stream);

    const result = await new Promise<ConnectResult>((resolve) => {
      const step = startStep(options.signal, options.timeoutMs + 200);
      const onAbort = () => resolve({ outcome: 'timeout', timeoutMs: options.timeoutMs, elapsedMs: elapsed() });
      step.signal.addEventListener('abort', onAbort, { once: true });
      const done = (value: ConnectResult) => {
        step.signal.removeEventListener('abort', onAbort);
        step.dispose();
        resolve(value);
      };
      client.once('connect', () => done({ outcome: 'connected', returnCode: 0, elapsedMs: elapsed() }));
      client.once('error', (error: Error & { code?: string | number }) => {
        if (typeof error.code === 'number') {
          done({ outcome: 'refused', returnCode: error.code, message: error.message, elapsedMs: elapsed() });
          return;
        }
        // mqtt.js's own backstop timer (our step was extended while this process was starved).
        if (/^connack timeout$/i.test(error.message)) {
          done({ outcome: 'timeout', timeoutMs: options.timeoutMs, elapsedMs: elapsed() });
          return;
        }
        if (!error.code && PARSER_ERROR.test(error.message)) {
          done({ outcome: 'protocol-error', errorCode: 'MQTT_PARSE', message: error.message, elapsedMs: elapsed() });
          return;
        }
        const tls = classifyTlsError(error as NodeJS.ErrnoException);
        if (tls.outcome === 'alert') done({ outcome: 'tls-alert', alert: tls.alert, errorCode: tls.errorCode, message: tls.message, elapsedMs: elapsed() });
        else if (tls.outcome === 'closed') done({ outcome: 'closed', errorCode: tls.errorCode, message: tls.message, elapsedMs: elapsed() });
        else if (/^ERR_(TLS|SSL)|^UNSPECIFIED$|CERT|SELF_SIGNED/.test(String(error.code ?? '')) || /certificate|signature|digest|key too small|verify/i.test(error.message)) {
          done({ outcome: 'tls-error', errorCode: String(error.code ?? ''), message: error.message, elapsedMs: elapsed() });
        } else done({ outcome: 'error', errorCode: String(error.code ?? ''), message: error.message, elapsedMs: elapsed() });
      });
      client.once('close', () => done({ outcome: 'closed', elapsedMs: elapsed() }));
    });
    if (result.outcome !== 'connected') {
      await session.close();
      return { result, carried: Boolean(carried) };
    }
    client.on('error', () => undefined); // later errors surface through the operation that hits them
    return { session, result, carried: Boolean(carried) };
  }

  /** Returns the QoS granted to the first filter; 128 means refused. */
  async subscribe(topic: string | string[], qos: 0 | 1 | 2): Promise<number> {
    const grants = await withTimeout(Promise.race([this.client.subscribeAsync(topic, { qos }), this.ended]), this.options.timeoutMs, `SUBSCRIBE ${topic}`, this.signal);
    return grants[0]?.qos ?? 128;
  }

  async unsubscribe(topic: string | string[]): Promise<void> {
    await withTimeout(this.client.unsubscribeAsync(topic), this.options.timeoutMs, `UNSUBSCRIBE ${topic}`, this.signal).catch(() => undefined);
  }

  /** This session's limit for one PUBLISH, to make before a latency clock starts (see measureDelivery). */
  publishLimit(topic: string): TimeLimit {
    return timeLimit(this.options.timeoutMs, `PUBLISH ${topic}`, this.signal);
  }

  /** Never retained: diagnostics must leave nothing behind on the broker. `limit`: made by publishLimit (the caller disposes it). */
  async publish(topic: string, payload: string, qos: 0 | 1 | 2, limit?: TimeLimit): Promise<void> {
    const sending = Promise.race([this.client.publishAsync(topic, payload, { qos, retain: false }), this.ended]);
    await (limit ? limit.within(sending) : withTimeout(sending, this.options.timeoutMs, `PUBLISH ${topic}`, this.signal));
  }

  /**
   * A DISCONNECT attempt bounded by DISCONNECT_GRACE_MS, then the client is ended by force: its socket
   * destroyed, keepalive and reconnect timers gone. mqtt.js's own end() waits for in-flight PUBLISHes
   * to be acknowledged, which a stalled broker never does (the process then lived on, pinging).
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const { client } = this;
      client.on('error', () => undefined);
      client.options.reconnectPeriod = 0;
      const stream = client.stream as (NodeJS.WritableStream & { writable?: boolean; destroyed?: boolean }) | undefined;
      if (client.connected && stream?.writable && !stream.destroyed) {
        this.transcript.push(`${this.options.label ? `${this.options.label} ` : ''}→ DISCONNECT`);
        await new Promise<void>((flushed) => {
          const timer = setTimeout(flushed, DISCONNECT_GRACE_MS);
          stream.write(DISCONNECT, () => {
            clearTimeout(timer);
            flushed();
          });
        });
      }
      await new Promise<void>((ended) => {
        const timer = setTimeout(ended, DISCONNECT_GRACE_MS);
        client.end(true, {}, () => {
          clearTimeout(timer);
          ended();
        });
      });
      // end() skips its clean-up when a connect attempt is still under way; the stream goes regardless.
      client.stream?.destroy();
    })();
    return this.closing;
  }
}

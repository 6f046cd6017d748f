// The facts checks decide on: plain JSON-safe data, produced by probes (src/probes), hand-written in
// tests. No verdicts live here.
import type { MosquittoVersion } from './config/mosquitto-versions.js';
import type { CertificateInfo } from './certs/describe.js';
import type { Resolution, TcpFacts } from './probes/network.js';
import type { PlainMqttFacts } from './probes/plain-mqtt.js';
import type { TlsAlert, TlsOutcome } from './probes/tls-attempt.js';

export type { Resolution, TcpFacts, PlainMqttFacts, TlsAlert, TlsOutcome, CertificateInfo };

export interface HandshakeFacts {
  address?: string;
  port: number;
  clientCertificateSent: boolean;
  outcome: TlsOutcome;
  handshakeCompleted: boolean;
  protocol?: string;
  cipher?: string;
  alert?: TlsAlert;
  errorCode?: string;
  message?: string;
  elapsedMs: number;
  /** Asked only when the TLS port hung up on us: does it speak plain MQTT instead? */
  plainMqtt?: PlainMqttFacts;
}

export interface ChainEntry extends CertificateInfo {
  depth: number;
  /** The certificate is one of those in --ca (a trust anchor you supplied). */
  inCaFile: boolean;
  /**
   * SHA-256 fingerprint of the certificate the server sent at this depth, when --ca holds another
   * copy of it (same subject, issuer and key) and that copy is the one OpenSSL verifies and this entry shows.
   */
  servedInstead?: string;
  /** The dates of that served certificate (when they decode): an expired one the renewal in --ca hides. */
  servedDates?: { notBefore: string; notAfter: string };
}

/** Why the chain could not be seen: what the handshake that should have shown it did. */
export interface ChainUnavailable {
  cause: TlsOutcome;
  /** The alert's name (OpenSSL's words), for cause `alert`. */
  alert?: string;
  errorCode?: string;
  /** The TLS library's own message, quoted as evidence. */
  message?: string;
  /** For cause `timeout`: the limit it waited. */
  timeoutMs?: number;
}

export interface ServerChainFacts {
  available: boolean;
  /** Why the chain could not be seen (when not available). */
  unavailable?: ChainUnavailable;
  /** Leaf first, as the verifier assembled it from what the server sent and --ca. */
  certificates: ChainEntry[];
  /** OpenSSL's verification error against the trust store, undefined when the chain verified. */
  verifyError?: string;
  trustStore: 'ca-file' | 'system';
  /** unhashedFiles (a --ca folder): certificate files no hash link reaches; unhashedSubjects: the subjects they hold. */
  caFile?: { path: string; certificates: CertificateInfo[]; unhashedFiles?: string[]; unhashedSubjects?: string[] };
  /**
   * The chain walked by signatures from the leaf, through what the server sent, to a --ca certificate,
   * dates aside (Node's one verifyError can hide an unknown CA behind an expired leaf). Absent without --ca.
   */
  localAnchor?: { ok: boolean; problem?: 'no-issuer' | 'bad-signature' | 'too-deep' };
}

export type TlsVersionName = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export interface VersionProbe {
  version: TlsVersionName;
  /**
   * accepted: the server negotiated this version (the handshake completed, or the server sent its
   * hello and only then ended it: what followed was about the client's certificate); refused: the
   * handshake ended before the server chose it; untested: no answer either way.
   */
  result: 'accepted' | 'refused' | 'untested';
  outcome: TlsOutcome;
  handshakeCompleted: boolean;
  cipher?: string;
  /** The alert's name, when the server answered with one. */
  alert?: string;
  /** The alert's number (70 protocol version, 40 handshake failure, 51 decrypt error...). */
  alertNumber?: number;
  /** The server sent its hello (chose this version and a cipher) before the handshake ended; undefined: not watched. */
  serverHello?: boolean;
  message?: string;
  /** For outcome `timeout`: the limit it waited. */
  timeoutMs?: number;
  /** The peer closed the connection without an alert. */
  peerClosed?: boolean;
  /** The TLS library's error code (ERR_SSL_NO_PROTOCOLS_AVAILABLE: nothing offered; ERR_SSL_UNSUPPORTED_PROTOCOL: the server chose another version). */
  errorCode?: string;
}

export interface ProtocolSupportFacts {
  tested: boolean;
  /** When not tested: how the main handshake ended. */
  handshakeOutcome?: TlsOutcome;
  negotiated?: string;
  versions: VersionProbe[];
}

export interface ClientAuthAttempt {
  /** null: the probe could not tell (timeout, network error). */
  accepted: boolean | null;
  outcome: TlsOutcome;
  protocol?: string;
  alert?: string;
  message?: string;
  /** The handshake completed (a timeout then means the server sent no verdict). */
  handshakeCompleted?: boolean;
  /** For outcome `timeout`: the limit it waited. */
  timeoutMs?: number;
  /** The peer closed the connection without an alert. */
  peerClosed?: boolean;
  /** The handshake completed, then the server refused the session (checked with an MQTT CONNECT). */
  refusedAfterHandshake?: boolean;
}

export interface ClientAuthFacts {
  tested: boolean;
  /** When not tested: how the main handshake ended. */
  handshakeOutcome?: TlsOutcome;
  withoutCertificate?: ClientAuthAttempt;
  withUntrustedCertificate?: ClientAuthAttempt;
}

export interface ClientCertificateFacts {
  given: boolean;
  path?: string;
  certificate?: CertificateInfo;
  /** Extra certificates in the --cert file after the leaf (intermediates). */
  intermediates: number;
  /** Local verification of the client certificate against --ca. */
  chain?: { verified: boolean; problem?: 'no-ca' | 'no-issuer' | 'bad-signature' | 'too-deep'; path: string[]; caHasRoot?: boolean; caEmpty?: boolean };
}

/** For an IP-literal target only: does the server certificate name that IP? */
export interface LiteralTargetFacts {
  /** null when the target is a name, or the certificate could not be seen. */
  coveredBySan: boolean | null;
  /** The names the certificate does carry (DNS SANs, then CN), to suggest instead. */
  certificateNames: string[];
}

export interface DiagnosisFacts extends MqttFacts {
  resolution: Resolution;
  literalTarget: LiteralTargetFacts;
  tcp: TcpFacts;
  handshake: HandshakeFacts;
  serverChain: ServerChainFacts;
  protocolSupport: ProtocolSupportFacts;
  clientAuth: ClientAuthFacts;
  clientCertificate: ClientCertificateFacts;
}

export interface DiagnosisSettings extends MqttSettings {
  host: string;
  port: number;
  now: Date;
  expiryWarnDays: number;
  timeoutMs: number;
  caPath?: string;
  certPath?: string;
  /** The broker's Mosquitto version (--mosquitto-version, else 2.0.11): what tls_version means there. */
  mosquitto?: MosquittoVersion;
}

// ---- MQTT, bridge, websockets and exposure facts (issue 4) ----

export interface LatencyFacts {
  /** Per-sample latency in ms, in the order sent. */
  samplesMs: number[];
  /** Timed messages sent. */
  sent: number;
  /** Messages that never arrived, warm-up included (the first lost one ends the series). */
  lost: number;
  /** Untimed messages sent before the samples, and how many came back (the cloud round trip's). */
  warmup?: { sent: number; received: number };
}

export interface MqttConnectFacts {
  outcome: 'connected' | 'refused' | 'tls-alert' | 'tls-error' | 'closed' | 'timeout' | 'protocol-error' | 'error';
  clientId: string;
  /** The limit the CONNECT ran under. */
  timeoutMs?: number;
  protocolVersion: 4 | 5;
  returnCode?: number;
  alert?: TlsAlert;
  errorCode?: string;
  message?: string;
  elapsedMs: number;
  transcript: string[];
  /** 'main-handshake': the session rode on the main handshake's connection (elapsedMs is then CONNECT to CONNACK alone). */
  connection?: 'main-handshake';
  /** The CONNECT carried a username (-u) and password: the transcript shows only that one was sent. */
  withUsername?: boolean;
}

export interface RoundtripFacts extends LatencyFacts {
  connect: MqttConnectFacts;
  topic: string;
  qos: 0 | 1 | 2;
  /** SUBACK's granted QoS; 128 means refused. */
  granted?: number;
  /** The broker acknowledged publishes (QoS > 0) that never came back. */
  acknowledgedButLost: boolean;
  /** Bytes in the first PUBLISH's payload: a `message_size_limit` below it drops them all, acknowledged. */
  payloadBytes?: number;
  error?: string;
  /** How the round trip broke off: our step limit ran out, the broker closed the session, or something else. */
  errorKind?: 'timeout' | 'closed' | 'other';
  transcript: string[];
}

/** The flag a bridge test needed and did not get. */
export type MissingBridgeInput = 'local' | 'device-id';

export interface BridgeStateFacts {
  /** Whether we know where to look (device id or bridge config given). */
  configured: boolean;
  missing?: MissingBridgeInput;
  deviceId?: string;
  bridgeClientId?: string;
  /** The retained state topic we expect, as the seed's mapping puts it on the cloud. */
  expectedFilter?: string;
  /** The bridge's own `notification_topic` when --bridge-config names one (read besides the seed's topics). */
  notificationTopic?: string;
  /** Retained state notifications seen on the cloud: topic -> payload. */
  states: { topic: string; value: string }[];
  /** The session could not be opened: the library's words, or the outcome's name. */
  connectFailure?: string;
  /** How that session ended, for words of the check's own (no CONNACK within N ms, ...). */
  connectEnd?: { outcome: string; message?: string; errorCode?: string; timeoutMs?: number; clientId?: string };
  /** `$SYS/broker/version` as read (Mosquitto's retained version string), when the broker has it. */
  brokerVersion?: string;
  /** Whether the broker answered with Mosquitto's $SYS tree; false means its bridge notifications cannot be read there. */
  sysTree?: boolean;
  /** The broker stopped answering before every retained state had surely arrived (the sentinel SUBSCRIBE went unanswered). */
  readCutShort?: string;
  transcript: string[];
}

export interface BridgeFlowFacts extends LatencyFacts {
  direction: 'inbound' | 'outbound';
  configured: boolean;
  missing?: MissingBridgeInput;
  /** Topic published to, and topic (and broker) where it should arrive. */
  from?: string;
  to?: string;
  /** Topic where a probe did arrive instead (a different remote prefix), if any. */
  arrivedElsewhere?: string;
  /** The bridge line that carries the probes, to suggest when it is missing. */
  mappingLine?: string;
  /** That line as --bridge-config has it (where it has one): the mapping is there, so its absence explains nothing. */
  mappingInConfig?: ProbeMapping;
  failure?: BridgeFlowFailure;
  transcript: string[];
}

/** The --bridge-config `topic` line that maps the probe prefix: where it is, and what it maps. */
export interface ProbeMapping {
  file: string;
  line: number;
  direction: 'in' | 'out' | 'both';
  remotePrefix: string;
  /** The line's pattern and local prefix as Mosquitto reads them (quotes other than `""` kept). */
  pattern?: string;
  localPrefix?: string;
}

/** Why a flow could not be measured: which broker, at which step, and what it did. */
export interface BridgeFlowFailure {
  broker: 'cloud' | 'lamp';
  stage: 'connect' | 'exchange';
  /** For connect: the session's outcome (timeout, refused, closed, protocol-error, ...). */
  outcome?: MqttConnectFacts['outcome'];
  /** The URL of --local, for a lamp failure. */
  url?: string;
  /** The client library's own words (an error message or packet step), quoted as evidence. */
  detail?: string;
  /** For connect: the library's error code (BRIDGE_CLIENT_ID: not sent, the id is a bridge's). */
  errorCode?: string;
  /** For connect: the limit a CONNACK was waited for. */
  timeoutMs?: number;
  /** For connect: the client id the session used. */
  clientId?: string;
}

export interface WssFacts {
  port: number;
  tcp: TcpFacts;
  /** The wss port's certificate chain, as for the MQTT port. */
  chain: ServerChainFacts;
  /** The leaf on the MQTT TLS port, to compare. */
  mqttLeafFingerprint?: string;
  handshakeOutcome: TlsOutcome;
  handshakeDetail?: string;
  /** The path the upgrade asked for (--wss-path). */
  path?: string;
  /** HTTP status of the WebSocket upgrade (101 = switched), when it was tried. */
  upgradeStatus?: number;
  /** What became of the upgrade request (checks/verdicts/wss-upgrade.ts words it). */
  upgrade?: WssUpgrade;
}

/**
 * The WebSocket upgrade: `switched` (101, with the subprotocol the server chose), `http-answer` (another
 * HTTP status), `timeout`, `error` (Node's error code and message) or `not-sent` (the certificate does
 * not verify, so a browser would send nothing).
 */
export type WssUpgrade =
  | { outcome: 'switched'; subprotocol?: string }
  | { outcome: 'http-answer'; status: number }
  | { outcome: 'timeout'; timeoutMs: number }
  | { outcome: 'error'; errorCode?: string; message: string }
  | { outcome: 'not-sent' };

export interface WssConnectFacts {
  tried: boolean;
  /** Why it was not tried: the upgrade did not switch to websockets. */
  notTried?: 'upgrade-failed';
  connect?: MqttConnectFacts;
}

export interface PlainExposureFacts {
  address?: string;
  port: number;
  /** The target is 127.0.0.1 itself: from here, inside and outside cannot be told apart. */
  indistinguishable: boolean;
  tcp?: TcpFacts;
  mqtt?: PlainMqttFacts;
}

export interface MqttFacts {
  mqttConnect: MqttConnectFacts;
  roundtrip: RoundtripFacts;
  bridgeState: BridgeStateFacts;
  bridgeInbound: BridgeFlowFacts;
  bridgeOutbound: BridgeFlowFacts;
  wss: WssFacts;
  wssConnect: WssConnectFacts;
  plainExposure: PlainExposureFacts;
}

export interface MqttSettings {
  samples: number;
  qos: 0 | 1 | 2;
  wssPort: number;
  plainPort: number;
  hasLocal: boolean;
}

// The facts checks decide on: plain JSON-safe data, produced by probes (src/probes), hand-written in
// tests. No verdicts live here.
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
}

export interface ServerChainFacts {
  available: boolean;
  /** Why the chain could not be seen (when not available). */
  reason?: string;
  /** Leaf first, as the verifier assembled it from what the server sent and --ca. */
  certificates: ChainEntry[];
  /** OpenSSL's verification error against the trust store, undefined when the chain verified. */
  verifyError?: string;
  trustStore: 'ca-file' | 'system';
  caFile?: { path: string; certificates: CertificateInfo[] };
}

export type TlsVersionName = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

export interface VersionProbe {
  version: TlsVersionName;
  result: 'accepted' | 'refused' | 'untested';
  detail: string;
}

export interface ProtocolSupportFacts {
  tested: boolean;
  reason?: string;
  negotiated?: string;
  versions: VersionProbe[];
}

export interface ClientAuthAttempt {
  /** null: the probe could not tell (timeout, network error). */
  accepted: boolean | null;
  outcome: TlsOutcome;
  protocol?: string;
  detail: string;
}

export interface ClientAuthFacts {
  tested: boolean;
  reason?: string;
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
  chain?: { verified: boolean; problem?: 'no-ca' | 'no-issuer' | 'bad-signature' | 'too-deep'; path: string[] };
}

/** For an IP-literal target only: does the server certificate name that IP? */
export interface LiteralTargetFacts {
  /** null when the target is a name, or the certificate could not be seen. */
  coveredBySan: boolean | null;
  /** The names the certificate does carry (DNS SANs, then CN), to suggest instead. */
  certificateNames: string[];
}

export interface DiagnosisFacts {
  resolution: Resolution;
  literalTarget: LiteralTargetFacts;
  tcp: TcpFacts;
  handshake: HandshakeFacts;
  serverChain: ServerChainFacts;
  protocolSupport: ProtocolSupportFacts;
  clientAuth: ClientAuthFacts;
  clientCertificate: ClientCertificateFacts;
}

export interface DiagnosisSettings {
  host: string;
  port: number;
  now: Date;
  expiryWarnDays: number;
  timeoutMs: number;
  caPath?: string;
  certPath?: string;
}

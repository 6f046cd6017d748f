// Sentences for TLS facts that several checks show: probes record what happened (outcomes, alert
// names, ciphers); the words live here, beside the checks.
import type { ChainUnavailable, ClientAuthAttempt, TlsOutcome, VersionProbe } from '../../src/facts.js';

/** Why the server's certificate could not be seen (tls.chain, tls.hostname, tls.validity, tls.key). */
export function chainUnavailableReason(unavailable: ChainUnavailable | undefined): string {
  switch (unavailable?.cause) {
    case 'alert':
      return `the server ended the handshake with "${unavailable.alert}" before showing its certificate`;
    case 'timeout':
      return 'the server never answered the TLS handshake';
    case 'closed':
      return 'the server closed the connection before showing a certificate';
    case 'not-tls':
      return 'the server does not speak TLS on this port';
    case 'oversized':
      return 'the server\'s certificate chain is larger than TLS clients accept';
    case undefined:
      return 'the handshake did not show it';
    default:
      return `the handshake failed (${unavailable?.errorCode ?? unavailable?.cause})`;
  }
}

/** tls.version and tls.client-auth could not ask their questions. */
export function handshakeNotThrough(outcome: TlsOutcome | undefined): string {
  return `the TLS handshake did not get through (${outcome ?? 'not tried'})`;
}

/** One version's attempt, in words (tls.version evidence). */
export function versionDetail(probe: VersionProbe): string {
  if (probe.handshakeCompleted) return `handshake completed (${probe.cipher})`;
  if (probe.result === 'accepted') return `version accepted (then: ${probe.alert})`;
  if (probe.outcome === 'unsupported') return 'this machine\'s TLS library cannot offer it';
  if (probe.result === 'refused') return probe.alert ?? probe.message ?? probe.outcome;
  return probe.message ?? probe.outcome;
}

/** One client-certificate attempt, in words (tls.client-auth). */
export function clientAuthDetail(attempt: ClientAuthAttempt): string {
  if (attempt.refusedAfterHandshake) return `refused after the handshake: ${attempt.alert ?? 'the server closed the session before CONNACK'}`;
  if (attempt.outcome === 'accepted') return `handshake accepted (${attempt.protocol})`;
  if (attempt.outcome === 'alert') return `refused: ${attempt.alert}`;
  if (attempt.outcome === 'closed') return 'refused: the server closed the connection';
  return attempt.message ?? attempt.outcome;
}

// Sentences for TLS facts that several checks show: probes record what happened (outcomes, alert
// names, ciphers); the words live here, beside the checks.
import type { ChainUnavailable, ClientAuthAttempt, TlsOutcome, VersionProbe } from '../../src/facts.js';

/** How a TLS attempt ended, as the probes record it (ChainUnavailable, VersionProbe, ClientAuthAttempt). */
interface AttemptEnding {
  outcome?: TlsOutcome;
  cause?: TlsOutcome;
  handshakeCompleted?: boolean;
  message?: string;
  timeoutMs?: number;
  peerClosed?: boolean;
}

/**
 * The TLS library's message for an attempt, or, where it gave none (a timeout, a peer that closed,
 * an oversized handshake), the words for what happened. The evidence's `message` fields carry these.
 */
export function attemptMessage(attempt: AttemptEnding): string | undefined {
  const outcome = attempt.outcome ?? attempt.cause;
  // The library's words for this one (ERR_SSL_EXCESSIVE_MESSAGE_SIZE...) say less than ours.
  if (outcome === 'oversized') return 'the handshake message is larger than OpenSSL accepts';
  if (attempt.message !== undefined) return attempt.message;
  if (outcome === 'timeout' && attempt.timeoutMs !== undefined) return attempt.handshakeCompleted ? 'the handshake completed but the server sent no verdict' : `no TLS answer within ${attempt.timeoutMs} ms`;
  // A close without an error event: the peer hung up (Node's own close errors carry a message).
  if (attempt.peerClosed || outcome === 'closed') return 'the peer closed the connection';
  return undefined;
}

/** One client-certificate attempt as its evidence shows it: the facts, with the message in words. */
export function clientAuthEvidence(attempt: ClientAuthAttempt) {
  return {
    accepted: attempt.accepted,
    outcome: attempt.outcome,
    protocol: attempt.protocol,
    alert: attempt.alert,
    message: attemptMessage(attempt),
    refusedAfterHandshake: attempt.refusedAfterHandshake,
  };
}

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
  if (probe.outcome === 'unsupported') {
    // OpenSSL servers answer alert 70 to a version they lack; a server that instead picks another
    // version (outside the one offered) makes the client give up with ERR_SSL_UNSUPPORTED_PROTOCOL.
    return probe.errorCode === 'ERR_SSL_UNSUPPORTED_PROTOCOL'
      ? 'the server answered with another TLS version than the one offered'
      : 'this machine\'s TLS library cannot offer it';
  }
  if (probe.result === 'refused') return probe.alert ?? attemptMessage(probe) ?? probe.outcome;
  return attemptMessage(probe) ?? probe.outcome;
}

/**
 * The server refused this version with alert 40 (handshake failure) before sending its hello: it
 * found no cipher suite to use with the client (alert 70 is the one that says "not this version").
 */
export function refusedForCipher(probe: VersionProbe | undefined): boolean {
  return probe?.result === 'refused' && probe.alertNumber === 40 && probe.serverHello === false;
}

/** Versions the server negotiated and then ended with an alert, in words (tls.version's summary). */
export function acceptedThenEnded(probes: VersionProbe[], label: (version: VersionProbe['version']) => string): string {
  const ended = probes.filter((probe) => probe.result === 'accepted' && !probe.handshakeCompleted);
  return ended.map((probe) => `${label(probe.version)}: negotiated, then the server ended the handshake${probe.alert ? ` with "${probe.alert}"` : ''}`).join('; ');
}

/** One client-certificate attempt, in words (tls.client-auth). */
export function clientAuthDetail(attempt: ClientAuthAttempt): string {
  if (attempt.refusedAfterHandshake) return `refused after the handshake: ${attempt.alert ?? 'the server closed the session before CONNACK'}`;
  if (attempt.outcome === 'accepted') return `handshake accepted (${attempt.protocol})`;
  if (attempt.outcome === 'alert') return `refused: ${attempt.alert}`;
  if (attempt.outcome === 'closed') return 'refused: the server closed the connection';
  return attemptMessage(attempt) ?? attempt.outcome;
}

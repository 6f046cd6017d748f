// Whether the main handshake's connection may carry mqtt.connect's session (one TCP connection and
// one TLS handshake fewer per diagnosis, and one connection fewer in the broker's log). The main
// attempt is lenient on purpose (any cipher, weak keys accepted, verification recorded rather than
// enforced) so that it can report what a broker serves; mqtt.connect must judge what an ordinary
// client gets. So the connection is carried on only when an ordinary client would have made the very
// same one: TLS 1.3 (whose cipher suites and groups the lenient offer leaves at their defaults), the
// chain verified and the name matched, and every certificate on either side strong enough for any
// OpenSSL security level up to 2 (RSA >= 2048, EC >= 256, signed with SHA-2). Anything else gets a
// fresh connection of its own, as before.
import type { X509Certificate } from 'node:crypto';
import { describeCertificate } from '../certs/describe.js';
import type { CarriedConnection } from './tls-attempt.js';

const STRONG_HASHES = new Set(['SHA-256', 'SHA-384', 'SHA-512']);

function strong(cert: X509Certificate): boolean {
  try {
    const { publicKey, signature } = describeCertificate(cert);
    const keyStrong = (publicKey.algorithm === 'RSA' && (publicKey.bits ?? 0) >= 2048) || (publicKey.algorithm === 'EC' && (publicKey.bits ?? 0) >= 256);
    return keyStrong && STRONG_HASHES.has(signature.hash);
  } catch {
    return false; // a certificate that does not describe itself is no ordinary client's connection
  }
}

/** `ours`: the certificates we present (the --cert file, leaf first), if any. */
export function ordinaryClientWouldConnect(connection: Pick<CarriedConnection, 'protocol' | 'verified' | 'peerChain'>, ours: readonly X509Certificate[] = []): boolean {
  if (connection.protocol !== 'TLSv1.3' || !connection.verified || !connection.peerChain?.length) return false;
  return [...connection.peerChain, ...ours].every(strong);
}

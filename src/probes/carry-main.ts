// Whether the main handshake's connection may carry mqtt.connect's session (one TCP connection and
// one TLS handshake fewer per diagnosis, and one connection fewer in the broker's log). The main
// attempt is lenient on purpose (any cipher, weak keys accepted, verification recorded rather than
// enforced) so that it can report what a broker serves; mqtt.connect must judge what an ordinary
// client gets. So the connection is carried on only when an ordinary client would have made the very
// same one: TLS 1.3 (whose cipher suites and groups the lenient offer leaves at their defaults), the
// chain verified and the name matched, and every certificate OpenSSL could have put on the path it
// verified strong enough for any security level up to 2 (RSA >= 2048, EC >= 256, signed with SHA-2):
// the chain as Node read it, every certificate of --ca (OpenSSL looks there first, and may verify
// through a copy of an intermediate that Node's reading of the chain does not show), and our own
// certificate file. The chain as read must be within its dates, so that OpenSSL, which prefers a
// valid issuer among those the server sent, took the same ones Node shows. Without --ca (the system
// store, or NODE_EXTRA_CA_CERTS) the store is not ours to vet, and mqtt.connect dials its own
// connection, as it does whenever any of this does not hold.
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

function within(cert: X509Certificate, now: Date): boolean {
  const from = Date.parse(cert.validFrom);
  const to = Date.parse(cert.validTo);
  return Number.isFinite(from) && Number.isFinite(to) && from <= now.getTime() && now.getTime() <= to;
}

export interface CarryTrust {
  /** The certificates of --ca; none means the system store. */
  caFile?: readonly X509Certificate[];
  /** The certificates we present (the --cert file, leaf first), if any. */
  ours?: readonly X509Certificate[];
  now?: Date;
}

export function ordinaryClientWouldConnect(connection: Pick<CarriedConnection, 'protocol' | 'verified' | 'peerChain'>, { caFile = [], ours = [], now = new Date() }: CarryTrust): boolean {
  if (connection.protocol !== 'TLSv1.3' || !connection.verified || !connection.peerChain?.length || caFile.length === 0) return false;
  if (!connection.peerChain.every((cert) => within(cert, now))) return false;
  return [...connection.peerChain, ...caFile, ...ours].every(strong);
}

// What is wrong with one certificate's key or signature: shared by tls.key and config lint
// (config.certificates).
import type { CertificateInfo } from '../../src/facts.js';

const WEAK_HASHES = new Set(['SHA-1', 'MD5', 'MD2']);

/** The weaknesses of one certificate, in words (empty when none). A trust anchor's self-signature is not judged. */
export function keyProblems(cert: CertificateInfo, isTrustAnchor: boolean): string[] {
  const problems: string[] = [];
  const { algorithm, bits } = cert.publicKey;
  if ((algorithm === 'RSA' || algorithm === 'DSA') && (bits ?? 0) < 2048) problems.push(`${algorithm} key of ${bits} bits (below 2048)`);
  if (algorithm === 'EC' && (bits ?? 0) < 256) problems.push(`EC key on ${cert.publicKey.curve} (below 256 bits)`);
  // A root's signature on itself is never checked, so only issued certificates count here.
  if (!isTrustAnchor && WEAK_HASHES.has(cert.signature.hash)) problems.push(`signed with ${cert.signature.algorithm} (${cert.signature.hash} is broken)`);
  return problems;
}

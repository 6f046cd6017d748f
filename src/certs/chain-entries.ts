// The server's chain as OpenSSL verifies it, as facts: shared by the TLS port's and the websockets
// listener's probes, so both show the same chain for the same certificates.
import type { X509Certificate } from 'node:crypto';
import type { ChainEntry } from '../facts.js';
import { describeCertificate } from './describe.js';
import { preferTrusted } from './chain.js';

/**
 * Leaf first. Where --ca holds another copy of a certificate the server sent (same subject, issuer
 * and key), the copy stands in for it, as OpenSSL's trusted-first verification uses it; the entry
 * keeps the served one's fingerprint and dates (a renewed intermediate in --ca hides an expired one
 * the server still sends, which clients without the renewal refuse).
 */
export function verifiedChainEntries(peerChain: readonly X509Certificate[], trusted?: readonly X509Certificate[]): ChainEntry[] {
  const anchors = new Set(trusted?.map((cert) => cert.fingerprint256) ?? []);
  const verified = trusted ? preferTrusted(peerChain, trusted) : { chain: [...peerChain], replaced: [] };
  return verified.chain.map((cert, depth) => {
    const served = verified.replaced.includes(depth) ? peerChain[depth] : undefined;
    return {
      ...describeCertificate(cert),
      depth,
      inCaFile: anchors.has(cert.fingerprint256),
      ...(served ? { servedInstead: served.fingerprint256, ...servedDates(served) } : {}),
    };
  });
}

/** The served copy's dates, when they decode (the copy in --ca is what verification reads either way). */
function servedDates(served: X509Certificate): Pick<ChainEntry, 'servedDates'> {
  try {
    const { notBefore, notAfter } = describeCertificate(served);
    return { servedDates: { notBefore, notAfter } };
  } catch {
    return {};
  }
}

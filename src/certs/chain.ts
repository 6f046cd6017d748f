// Local chain building for certificates we hold as files (the client certificate; later, config lint).
import type { X509Certificate } from 'node:crypto';

export type LocalChainProblem = 'no-issuer' | 'bad-signature' | 'too-deep';

export interface LocalChainResult {
  ok: boolean;
  /** Subjects from the leaf up to the trust anchor (or as far as it got). */
  path: X509Certificate[];
  problem?: LocalChainProblem;
}

/** Verdicts per pair of certificate objects: a class shares its CA files, and the parsed files are shared (pem.ts). */
const verdicts = new WeakMap<X509Certificate, WeakMap<X509Certificate, boolean>>();

function issuedBy(child: X509Certificate, parent: X509Certificate): boolean {
  let byParent = verdicts.get(child);
  const known = byParent?.get(parent);
  if (known !== undefined) return known;
  let verdict: boolean;
  try {
    verdict = child.checkIssued(parent) && child.verify(parent.publicKey);
  } catch {
    verdict = false; // a key or signature OpenSSL cannot decode signs nothing
  }
  if (!byParent) verdicts.set(child, (byParent = new WeakMap()));
  byParent.set(parent, verdict);
  return verdict;
}

/**
 * Walks from `leaf` through `intermediates` to one of `anchors`. A certificate equal to an anchor ends
 * the walk. Names that match but signatures that do not verify are told apart from a missing issuer.
 */
export function buildLocalChain(
  leaf: X509Certificate,
  intermediates: readonly X509Certificate[],
  anchors: readonly X509Certificate[],
): LocalChainResult {
  const path = [leaf];
  let current = leaf;
  for (let depth = 0; depth < 8; depth += 1) {
    if (anchors.some((anchor) => anchor.fingerprint256 === current.fingerprint256)) return { ok: true, path };
    const anchor = anchors.find((candidate) => issuedBy(current, candidate));
    if (anchor) return { ok: true, path: [...path, anchor] };
    const next = intermediates.find((candidate) => candidate !== current && issuedBy(current, candidate));
    if (!next) {
      const sameName = [...anchors, ...intermediates].some((candidate) => candidate.subject === current.issuer);
      return { ok: false, path, problem: sameName ? 'bad-signature' : 'no-issuer' };
    }
    path.push(next);
    current = next;
  }
  return { ok: false, path, problem: 'too-deep' };
}

/**
 * The chain as OpenSSL verifies it, from the chain as Node reads it (issuers taken from what the server
 * sent). OpenSSL looks for each issuer among the trusted certificates first (X509_V_FLAG_TRUSTED_FIRST,
 * its default since 1.1.0), so where --ca holds another certificate with the same subject and issuer
 * that signed the one below it (an intermediate issued again: renewed dates, or re-signed with another
 * hash), that copy is what OpenSSL verifies and judges, not the one the server sent, even an expired
 * one. Among several copies it takes, as X509_STORE_CTX_get1_issuer does, one within its dates at
 * `now`, else the one that expired last. `replaced`: the depths where the --ca copy stands in.
 */
export function preferTrusted(chain: readonly X509Certificate[], trusted: readonly X509Certificate[], now = new Date()): { chain: X509Certificate[]; replaced: number[] } {
  const path = [...chain];
  const replaced: number[] = [];
  const inDate = (cert: X509Certificate) => Date.parse(cert.validFrom) <= now.getTime() && now.getTime() <= Date.parse(cert.validTo);
  for (let depth = 1; depth < path.length; depth += 1) {
    const served = path[depth];
    if (trusted.some((cert) => cert.fingerprint256 === served.fingerprint256)) continue;
    const copies = trusted.filter((cert) => cert.subject === served.subject && cert.issuer === served.issuer && issuedBy(path[depth - 1], cert));
    if (copies.length === 0) continue;
    const copy = copies.find(inDate) ?? copies.reduce((latest, cert) => (Date.parse(cert.validTo) > Date.parse(latest.validTo) ? cert : latest));
    path[depth] = copy;
    replaced.push(depth);
  }
  return { chain: path, replaced };
}

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

// A capath folder as OpenSSL reads it: CA certificates are found only through `<subject hash>.N`
// names (the links `openssl rehash` makes); a certificate file without one is invisible.
import { X509Certificate } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describeCertificate } from '../certs/describe.js';
import { certificateBlocks } from '../certs/pem.js';
import { subjectHash } from './x509-name.js';

export interface CapathCertificate {
  /** The file name in the folder (a hash link's own name for links). */
  file: string;
  subject: string;
  hash: string;
}

export interface CapathFacts {
  path: string;
  error?: string;
  /** Certificates in files that are not hash names (what `openssl rehash` would link). */
  certificates: (CapathCertificate & { linked: boolean })[];
  /** `<hash>.N` entries: what each holds, and whether its name is its certificate's hash. */
  links: { name: string; hash: string; dangling: boolean; matches: boolean; subject?: string }[];
  /** The certificates OpenSSL can find through the hash names: the trust anchors of the folder. */
  anchors: X509Certificate[];
}

const HASH_NAME = /^([0-9a-f]{8})\.(\d+)$/;
const MAX_FILES = 2000;
const MAX_FILE_BYTES = 1 << 20;

/** A CA flag, or what OpenSSL also takes as a trust anchor: a self-signed v1 root, a keyUsage-only one. */
function canAnchor(cert: X509Certificate): boolean {
  if (cert.ca) return true;
  try {
    return Boolean(describeCertificate(cert).anchorOnlyCa);
  } catch {
    return false;
  }
}

function certificatesIn(path: string): X509Certificate[] {
  try {
    const stat = statSync(path);
    if (!stat.isFile() || stat.size > MAX_FILE_BYTES) return [];
    return certificateBlocks(readFileSync(path, 'latin1')).flatMap((pem) => {
      try {
        return [new X509Certificate(pem)];
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

/** The subject hash, or '' for a name this reader cannot canonicalise (then it matches no link). */
function safeHash(cert: X509Certificate): string {
  try {
    return subjectHash(cert.raw);
  } catch {
    return '';
  }
}

export function gatherCapath(path: string): CapathFacts {
  const facts: CapathFacts = { path, certificates: [], links: [], anchors: [] };
  let names: string[];
  try {
    names = readdirSync(path).sort().slice(0, MAX_FILES);
  } catch (error) {
    facts.error = (error as Error).message;
    return facts;
  }
  const linkedTargets = new Set<string>();
  const linkedHashes = new Set<string>();
  for (const name of names) {
    const match = HASH_NAME.exec(name);
    if (!match) continue;
    const full = join(path, name);
    const certs = certificatesIn(full);
    const dangling = (() => {
      try {
        statSync(full);
        return false;
      } catch {
        return lstatSync(full).isSymbolicLink();
      }
    })();
    const hash = certs[0] ? safeHash(certs[0]) : '';
    facts.links.push({ name, hash: match[1], dangling, matches: hash === match[1], subject: certs[0]?.subject.split('\n').join(', ') });
    if (hash === match[1]) {
      facts.anchors.push(certs[0]);
      linkedHashes.add(`${hash}|${certs[0].fingerprint256}`);
      try {
        linkedTargets.add(realpathSync(full));
      } catch {
        // dangling: reported through `dangling`
      }
    }
  }
  for (const name of names) {
    if (HASH_NAME.test(name)) continue;
    const full = join(path, name);
    for (const cert of certificatesIn(full).filter(canAnchor)) {
      const hash = safeHash(cert);
      const linked = linkedHashes.has(`${hash}|${cert.fingerprint256}`) || linkedTargets.has(realpathSync(full));
      facts.certificates.push({ file: name, subject: cert.subject.split('\n').join(', '), hash, linked });
    }
  }
  return facts;
}

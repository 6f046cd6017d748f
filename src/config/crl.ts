// Certificate revocation lists (crlfile): who issued them, when they must be renewed, which serials
// they revoke, and whether a CA's key signed them. Synchronous, from the DER.
import { createPublicKey, verify, type X509Certificate } from 'node:crypto';
import { children, contentOf, DerError, oidOf, readNode, readSerialHex, readTime, TAG, type Node } from './der.js';
import { certificateNames, nameText, sameName } from './x509-name.js';

export interface CrlInfo {
  issuer: string;
  thisUpdate: string;
  /** Absent when the CRL names none (OpenSSL then never calls it expired). */
  nextUpdate?: string;
  /** Revoked serial numbers, upper-case hex as `openssl crl -text` prints them. */
  revokedSerials: string[];
  der: Buffer;
}

interface ParsedCrl {
  der: Buffer;
  tbs: Node;
  issuer: Node;
  signatureAlgorithm: string;
  signature: Buffer;
}

function parse(der: Buffer): ParsedCrl & { info: CrlInfo } {
  const top = readNode(der, 0);
  if (top.tag !== TAG.SEQUENCE || top.end !== der.length) throw new DerError('not a CRL');
  const [tbs, algorithm, signature] = children(der, top);
  if (!tbs || tbs.tag !== TAG.SEQUENCE || !algorithm || signature?.tag !== TAG.BIT_STRING) throw new DerError('not a CRL');
  const fields = children(der, tbs);
  let index = fields[0]?.tag === TAG.INTEGER ? 1 : 0; // version v2 is optional
  index += 1; // signature algorithm
  const issuer = fields[index++];
  const thisUpdate = fields[index++];
  if (issuer?.tag !== TAG.SEQUENCE || !thisUpdate) throw new DerError('not a CRL');
  let nextUpdate: Node | undefined;
  if (fields[index] && (fields[index].tag === TAG.UTC_TIME || fields[index].tag === TAG.GENERALIZED_TIME)) nextUpdate = fields[index++];
  const revoked = fields[index]?.tag === TAG.SEQUENCE ? children(der, fields[index]) : [];
  const info: CrlInfo = {
    issuer: nameText(der, issuer),
    thisUpdate: readTime(der, thisUpdate).toISOString(),
    nextUpdate: nextUpdate && readTime(der, nextUpdate).toISOString(),
    revokedSerials: revoked.map((entry) => readSerialHex(der, children(der, entry)[0])),
    der,
  };
  return { der, tbs, issuer, signatureAlgorithm: oidOf(der, children(der, algorithm)[0]), signature: Buffer.from(contentOf(der, signature).subarray(1)), info };
}

export function parseCrl(der: Buffer): CrlInfo {
  return parse(der).info;
}

const HASHES: Record<string, string | null> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  '1.3.101.112': null,
  '1.3.101.113': null,
};

/** Whether `ca` is the CRL's issuer by name (as OpenSSL matches them). */
export function issuedBy(crl: CrlInfo, ca: X509Certificate): boolean {
  try {
    const parsed = parse(crl.der);
    const caDer = ca.raw;
    return sameName(parsed.der, parsed.issuer, caDer, certificateNames(caDer).subject);
  } catch {
    return false;
  }
}

/** Whether `ca`'s key signed the CRL; undefined for a signature algorithm this tool cannot check. */
export function signedBy(crl: CrlInfo, ca: X509Certificate): boolean | undefined {
  try {
    const parsed = parse(crl.der);
    const hash = HASHES[parsed.signatureAlgorithm];
    if (hash === undefined) return undefined;
    return verify(hash, parsed.der.subarray(parsed.tbs.start, parsed.tbs.end), createPublicKey(ca.publicKey.export({ type: 'spki', format: 'pem' })), parsed.signature);
  } catch {
    return false;
  }
}

/** The certificate's serial as `openssl x509 -serial` prints it (upper-case hex, no leading zeros). */
export function serialOf(certificate: X509Certificate): string {
  const der = certificate.raw;
  return readSerialHex(der, certificateNames(der).serial);
}

/** Whether the certificate's issuer is the CRL's issuer (so the CRL speaks about it). */
export function coversCertificate(crl: CrlInfo, certificate: X509Certificate): boolean {
  try {
    const parsed = parse(crl.der);
    const der = certificate.raw;
    return sameName(parsed.der, parsed.issuer, der, certificateNames(der).issuer);
  } catch {
    return false;
  }
}

// Certificate facts as plain, JSON-safe data. Certificates are public; nothing here touches keys.
import { X509Certificate } from 'node:crypto';
import { basicConstraintsPathLength, certificateExtensions, certificateVersion, keyUsageBits, nameConstraintSubtrees, signatureAlgorithmOid, type NameConstraints } from './der.js';

export interface PublicKeyInfo {
  /** 'RSA', 'EC', 'Ed25519', 'DSA', ... */
  algorithm: string;
  bits?: number;
  curve?: string;
}

export interface SignatureInfo {
  algorithm: string;
  /** Hash used by the issuer's signature: 'SHA-256', 'SHA-1', 'MD5', ... or 'intrinsic' (Ed25519). */
  hash: string;
}

export interface CertificateInfo {
  subject: string;
  issuer: string;
  commonName?: string;
  notBefore: string;
  notAfter: string;
  dnsNames: string[];
  ipAddresses: string[];
  publicKey: PublicKeyInfo;
  signature: SignatureInfo;
  isCa: boolean;
  /** Subject and issuer names are equal (a root, or a self-signed leaf). */
  selfIssued: boolean;
  /** Extended key usages by name ('serverAuth', 'clientAuth', ...); empty when the extension is absent. */
  extendedKeyUsage: string[];
  /** keyUsage bits by name ('digitalSignature', 'keyEncipherment', ...); undefined when the extension is absent. */
  keyUsage?: string[];
  /** OIDs of critical extensions OpenSSL does not handle: it refuses such a certificate (X509 error 34). */
  unhandledCriticalExtensions?: string[];
  /** basicConstraints pathLenConstraint, when a CA sets one. */
  pathLength?: number;
  /**
   * Not a CA by basicConstraints (there is none), yet one OpenSSL accepts at the top of a chain, as a
   * trust anchor, though never as an intermediate (X509_check_ca returns 3 or 4, not 1): a self-signed
   * v1 certificate, or a certificate whose keyUsage allows keyCertSign.
   */
  anchorOnlyCa?: 'v1-root' | 'key-usage-only';
  /** A CA's nameConstraints: the names it may vouch for (OpenSSL error 47/48 when the leaf's are outside). */
  nameConstraints?: NameConstraints;
  fingerprint256: string;
}

/** The extensions OpenSSL 3 handles when critical (X509_supported_extension in crypto/x509/v3_purp.c). */
const OPENSSL_HANDLED_EXTENSIONS = new Set([
  '2.16.840.1.113730.1.1', // netscape cert type
  '2.5.29.15', // keyUsage
  '2.5.29.17', // subjectAltName
  '2.5.29.19', // basicConstraints
  '2.5.29.32', // certificatePolicies
  '2.5.29.37', // extendedKeyUsage
  '1.3.6.1.5.5.7.1.7', // sbgp-ipAddrBlock
  '1.3.6.1.5.5.7.1.8', // sbgp-autonomousSysNum
  '2.5.29.36', // policyConstraints
  '1.3.6.1.5.5.7.1.14', // proxyCertInfo
  '2.5.29.30', // nameConstraints
  '2.5.29.33', // policyMappings
  '2.5.29.54', // inhibitAnyPolicy
]);

function extensionFacts(raw: Uint8Array, selfIssued: boolean): Pick<CertificateInfo, 'keyUsage' | 'unhandledCriticalExtensions' | 'pathLength' | 'anchorOnlyCa' | 'nameConstraints'> {
  const extensions = certificateExtensions(raw);
  if (!extensions) return {};
  const keyUsage = extensions.find((extension) => extension.oid === '2.5.29.15');
  const constraints = extensions.find((extension) => extension.oid === '2.5.29.19');
  const pathLength = constraints ? basicConstraintsPathLength(constraints.value) : undefined;
  const usage = keyUsage ? keyUsageBits(keyUsage.value) : undefined;
  const anchorOnlyCa = constraints || (keyUsage && !usage?.includes('keyCertSign')) ? undefined : selfIssued && certificateVersion(raw) === 1 ? 'v1-root' : keyUsage ? 'key-usage-only' : undefined;
  const nameExtension = extensions.find((extension) => extension.oid === '2.5.29.30');
  const nameConstraints = nameExtension ? nameConstraintSubtrees(nameExtension.value) : undefined;
  return {
    ...(pathLength === undefined ? {} : { pathLength }),
    ...(anchorOnlyCa ? { anchorOnlyCa } : {}),
    ...(nameConstraints ? { nameConstraints } : {}),
    keyUsage: usage,
    unhandledCriticalExtensions: extensions.filter((extension) => extension.critical && !OPENSSL_HANDLED_EXTENSIONS.has(extension.oid)).map((extension) => extension.oid),
  };
}

const SIGNATURES: Record<string, SignatureInfo> = {
  '1.2.840.113549.1.1.2': { algorithm: 'md2WithRSAEncryption', hash: 'MD2' },
  '1.2.840.113549.1.1.4': { algorithm: 'md5WithRSAEncryption', hash: 'MD5' },
  '1.2.840.113549.1.1.5': { algorithm: 'sha1WithRSAEncryption', hash: 'SHA-1' },
  '1.2.840.113549.1.1.10': { algorithm: 'RSASSA-PSS', hash: 'SHA-256' },
  '1.2.840.113549.1.1.11': { algorithm: 'sha256WithRSAEncryption', hash: 'SHA-256' },
  '1.2.840.113549.1.1.12': { algorithm: 'sha384WithRSAEncryption', hash: 'SHA-384' },
  '1.2.840.113549.1.1.13': { algorithm: 'sha512WithRSAEncryption', hash: 'SHA-512' },
  '1.2.840.10045.4.1': { algorithm: 'ecdsa-with-SHA1', hash: 'SHA-1' },
  '1.2.840.10045.4.3.2': { algorithm: 'ecdsa-with-SHA256', hash: 'SHA-256' },
  '1.2.840.10045.4.3.3': { algorithm: 'ecdsa-with-SHA384', hash: 'SHA-384' },
  '1.2.840.10045.4.3.4': { algorithm: 'ecdsa-with-SHA512', hash: 'SHA-512' },
  '1.2.840.10040.4.3': { algorithm: 'dsa-with-SHA1', hash: 'SHA-1' },
  '1.3.101.112': { algorithm: 'Ed25519', hash: 'intrinsic' },
  '1.3.101.113': { algorithm: 'Ed448', hash: 'intrinsic' },
};

const EKU_NAMES: Record<string, string> = {
  '1.3.6.1.5.5.7.3.1': 'serverAuth',
  '1.3.6.1.5.5.7.3.2': 'clientAuth',
  '1.3.6.1.5.5.7.3.3': 'codeSigning',
  '1.3.6.1.5.5.7.3.4': 'emailProtection',
  '1.3.6.1.5.5.7.3.8': 'timeStamping',
  '1.3.6.1.5.5.7.3.9': 'OCSPSigning',
  '2.5.29.37.0': 'anyExtendedKeyUsage',
};

const CURVES: Record<string, { name: string; bits: number }> = {
  prime256v1: { name: 'P-256', bits: 256 },
  secp384r1: { name: 'P-384', bits: 384 },
  secp521r1: { name: 'P-521', bits: 521 },
  secp256k1: { name: 'secp256k1', bits: 256 },
  secp224r1: { name: 'P-224', bits: 224 },
  prime192v1: { name: 'P-192', bits: 192 },
};

/** Node prints names one attribute a line; we print them as openssl's one-line form does. */
export function oneLineName(name: string): string {
  return name.split('\n').filter(Boolean).join(', ');
}

function commonNameOf(name: string): string | undefined {
  const line = name.split('\n').find((part) => part.startsWith('CN='));
  return line?.slice(3);
}

function altNames(raw: string | undefined): { dnsNames: string[]; ipAddresses: string[] } {
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  for (const entry of (raw ?? '').split(/,\s*/)) {
    if (entry.startsWith('DNS:')) dnsNames.push(entry.slice(4));
    else if (entry.startsWith('IP Address:')) ipAddresses.push(entry.slice(11));
  }
  return { dnsNames, ipAddresses };
}

function publicKeyOf(cert: X509Certificate): PublicKeyInfo {
  const key = cert.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'rsa':
    case 'rsa-pss':
      return { algorithm: 'RSA', bits: details.modulusLength };
    case 'ec': {
      const curve = CURVES[details.namedCurve ?? ''];
      return { algorithm: 'EC', bits: curve?.bits, curve: curve?.name ?? details.namedCurve };
    }
    case 'dsa':
      return { algorithm: 'DSA', bits: details.modulusLength };
    case 'ed25519':
      return { algorithm: 'Ed25519', bits: 256 };
    case 'ed448':
      return { algorithm: 'Ed448', bits: 456 };
    default:
      return { algorithm: String(key.asymmetricKeyType ?? 'unknown') };
  }
}

/**
 * A certificate that parses as X.509 but whose public key, dates or names cannot be decoded. The
 * message says which field ("its public key does not decode ..."); callers add which file or peer.
 */
export class CertificateDecodeError extends Error {
  override name = 'CertificateDecodeError';
}

/** A getter of X509Certificate that throws on a field OpenSSL cannot decode, in words. */
function field<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    const detail = error instanceof Error && error.message ? ` (${error.message.replace(/^error:[0-9A-F]+:[^:]*::?/i, '')})` : '';
    throw new CertificateDecodeError(`its ${what} does not decode${detail}`);
  }
}

function isoDate(text: string, what: string): string {
  const time = Date.parse(text);
  // OpenSSL prints "Bad time value" for a validity time it cannot read.
  if (!Number.isFinite(time)) throw new CertificateDecodeError(`its ${what} date does not decode ("${text.slice(0, 40)}")`);
  return new Date(time).toISOString();
}

/** Plain facts about a certificate; throws CertificateDecodeError when a field does not decode. */
/** One description per certificate object: the parsed files and server chains are shared (pem.ts, tls-attempt.ts). */
const described = new WeakMap<X509Certificate, CertificateInfo>();

/** The certificate's facts; a fresh top-level object each call, its lists frozen (they are shared). */
export function describeCertificate(cert: X509Certificate): CertificateInfo {
  let info = described.get(cert);
  if (!info) described.set(cert, (info = deepFreeze(readCertificate(cert))));
  return { ...info };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

function readCertificate(cert: X509Certificate): CertificateInfo {
  const oid = signatureAlgorithmOid(cert.raw);
  const subject = field('subject name', () => cert.subject);
  const issuer = field('issuer name', () => cert.issuer);
  const { dnsNames, ipAddresses } = altNames(field('subject alternative names', () => cert.subjectAltName));
  return {
    subject: oneLineName(subject),
    issuer: oneLineName(issuer),
    commonName: commonNameOf(subject),
    notBefore: isoDate(field('start date', () => cert.validFrom), 'start (notBefore)'),
    notAfter: isoDate(field('end date', () => cert.validTo), 'end (notAfter)'),
    dnsNames,
    ipAddresses,
    publicKey: field('public key', () => publicKeyOf(cert)),
    signature: SIGNATURES[oid ?? ''] ?? { algorithm: oid ?? 'unknown', hash: 'unknown' },
    isCa: field('basic constraints', () => cert.ca),
    selfIssued: subject === issuer,
    extendedKeyUsage: field('extended key usage', () => cert.keyUsage ?? []).map((usage) => EKU_NAMES[usage] ?? usage),
    ...extensionFacts(cert.raw, subject === issuer),
    fingerprint256: cert.fingerprint256,
  };
}

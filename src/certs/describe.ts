// Certificate facts as plain, JSON-safe data. Certificates are public; nothing here touches keys.
import { X509Certificate } from 'node:crypto';
import { signatureAlgorithmOid } from './der.js';

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
  fingerprint256: string;
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

export function describeCertificate(cert: X509Certificate): CertificateInfo {
  const oid = signatureAlgorithmOid(cert.raw);
  const { dnsNames, ipAddresses } = altNames(cert.subjectAltName);
  return {
    subject: oneLineName(cert.subject),
    issuer: oneLineName(cert.issuer),
    commonName: commonNameOf(cert.subject),
    notBefore: new Date(cert.validFrom).toISOString(),
    notAfter: new Date(cert.validTo).toISOString(),
    dnsNames,
    ipAddresses,
    publicKey: publicKeyOf(cert),
    signature: SIGNATURES[oid ?? ''] ?? { algorithm: oid ?? 'unknown', hash: 'unknown' },
    isCa: cert.ca,
    selfIssued: cert.subject === cert.issuer,
    extendedKeyUsage: (cert.keyUsage ?? []).map((usage) => EKU_NAMES[usage] ?? usage),
    fingerprint256: cert.fingerprint256,
  };
}

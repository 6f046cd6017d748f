// What OpenSSL's purpose checks accept (X509_check_purpose with sslclient / sslserver, crypto/x509/v3_purp.c):
// an extendedKeyUsage extension must list the usage itself (anyExtendedKeyUsage alone does not count), and a
// keyUsage extension, when present, must allow the TLS role: digitalSignature or keyAgreement for a client;
// digitalSignature, keyEncipherment or keyAgreement for a server. An absent extension allows everything.
import type { CertificateInfo } from '../../src/facts.js';

const CLIENT_KEY_USAGES = ['digitalSignature', 'keyAgreement'];
const SERVER_KEY_USAGES = ['digitalSignature', 'keyEncipherment', 'keyAgreement'];

export function ekuAllowsClient(cert: CertificateInfo): boolean {
  return cert.extendedKeyUsage.length === 0 || cert.extendedKeyUsage.includes('clientAuth');
}

export function ekuAllowsServer(cert: CertificateInfo): boolean {
  return cert.extendedKeyUsage.length === 0 || cert.extendedKeyUsage.includes('serverAuth');
}

export function keyUsageAllowsClient(cert: CertificateInfo): boolean {
  return !cert.keyUsage || cert.keyUsage.some((usage) => CLIENT_KEY_USAGES.includes(usage));
}

export function keyUsageAllowsServer(cert: CertificateInfo): boolean {
  return !cert.keyUsage || cert.keyUsage.some((usage) => SERVER_KEY_USAGES.includes(usage));
}

/**
 * An EC (or Ed25519) key can only sign in a handshake, so without digitalSignature OpenSSL has no usable
 * server certificate for TLS 1.3 or TLS 1.2 ECDHE-ECDSA (handshake failure, alert 40).
 */
export function keyUsageForbidsSigning(cert: CertificateInfo): boolean {
  return Boolean(cert.keyUsage && !cert.keyUsage.includes('digitalSignature') && cert.publicKey.algorithm !== 'RSA');
}

export function describeKeyUsage(cert: CertificateInfo): string {
  return cert.keyUsage ? cert.keyUsage.join(', ') || 'empty' : 'absent';
}

export function usableAsClient(cert: CertificateInfo): boolean {
  return ekuAllowsClient(cert) && keyUsageAllowsClient(cert);
}

export function usableAsServer(cert: CertificateInfo): boolean {
  return ekuAllowsServer(cert) && keyUsageAllowsServer(cert);
}

// What OpenSSL's purpose checks accept (X509_check_purpose with sslclient / sslserver): an
// extendedKeyUsage extension must list the usage itself; anyExtendedKeyUsage alone does not count.
import type { CertificateInfo } from '../../src/facts.js';

export function usableAsClient(cert: CertificateInfo): boolean {
  return cert.extendedKeyUsage.length === 0 || cert.extendedKeyUsage.includes('clientAuth');
}

export function usableAsServer(cert: CertificateInfo): boolean {
  return cert.extendedKeyUsage.length === 0 || cert.extendedKeyUsage.includes('serverAuth');
}

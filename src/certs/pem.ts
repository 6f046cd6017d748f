// Reads the user's certificate and key files. Every problem is a UsageError naming the file and
// the fix, raised before any network traffic. Key material stays in memory and never in a message.
import { X509Certificate, createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import { BoundedCache } from '../bounded-cache.js';
import { UsageError } from '../engine/types.js';
import { readInputFile } from '../read-input.js';
import { CertificateDecodeError, describeCertificate } from './describe.js';
import { wrongFormatMessage } from './not-pem.js';

const BEGIN_CERT = '-----BEGIN CERTIFICATE-----';
const END_CERT = '-----END CERTIFICATE-----';

/**
 * The PEM certificate blocks in a text, in order. One forward scan (linear in the text): a BEGIN
 * with no END after it ends the scan, since no later BEGIN can have one either.
 */
export function certificateBlocks(text: string): string[] {
  const blocks: string[] = [];
  let from = 0;
  for (;;) {
    const begin = text.indexOf(BEGIN_CERT, from);
    if (begin < 0) break;
    const end = text.indexOf(END_CERT, begin + BEGIN_CERT.length);
    if (end < 0) break;
    blocks.push(text.slice(begin, end + END_CERT.length));
    from = end + END_CERT.length;
  }
  return blocks;
}
const KEY_MARKER = /-----BEGIN (?:RSA |EC |ENCRYPTED |DSA )?PRIVATE KEY-----/;

export interface CertificateFile {
  path: string;
  pem: string;
  certificates: X509Certificate[];
}

export interface KeyFile {
  path: string;
  /** Decrypted PKCS#8 PEM, held in memory only to hand to the TLS stack. */
  pem: string;
  key: KeyObject;
}

function readInput(path: string, flag: string): Buffer {
  return readInputFile(path, 'pem', flag);
}

/** Every certificate must describe itself (public key, dates): a file whose fields do not decode is bad input. */
function decodable(cert: X509Certificate, flag: string, path: string, which: string): X509Certificate {
  try {
    describeCertificate(cert);
  } catch (error) {
    if (error instanceof CertificateDecodeError) throw new UsageError(`${flag} ${path}: ${which}${error.message}`);
    throw error;
  }
  return cert;
}

export function readCertificateFile(path: string, flag: string): CertificateFile {
  const data = readInput(path, flag);
  // A class shares a few CA files: each distinct content is parsed once per process (the file is
  // still read every time, so a changed file is seen). Only successes are kept; a bad file is
  // parsed again so its message names the path and flag of this read.
  const id = digest(data);
  const cached = certificates.get(id);
  if (cached) return { ...cached, path };
  const parsed = parseCertificateData(data, path, flag);
  certificates.set(id, parsed);
  return parsed;
}

/** Distinct contents kept per process (a grade run's CA files, client certificates and keys). */
const certificates = new BoundedCache<CertificateFile>(256);
const keys = new BoundedCache<KeyFile>(256);

function digest(data: Buffer, extra?: string): string {
  const hash = createHash('sha256').update(data);
  if (extra !== undefined) hash.update('\u0000').update(extra);
  return hash.digest('base64');
}


/** A certificate file's bytes (PEM blocks, or one DER certificate) to certificates, or a UsageError naming the file. */
export function parseCertificateData(data: Buffer, path: string, flag: string): CertificateFile {
  const text = data.toString('latin1');
  const blocks = certificateBlocks(text);
  if (blocks.length === 0) {
    if (KEY_MARKER.test(text)) {
      throw new UsageError(`${flag} ${path} holds a private key, not a certificate (are --cert and --key swapped?)`);
    }
    // A binary DER certificate: a field that does not decode is named first...
    try {
      decodable(new X509Certificate(data), flag, path, 'the certificate: ');
    } catch (error) {
      if (error instanceof UsageError) throw error;
    }
    // ...and a PKCS#12 bundle, a CSR or DER is named, with the openssl command that makes it PEM.
    const wrongFormat = wrongFormatMessage(data, path, flag, flag === '--ca' ? 'ca' : 'cert');
    throw new UsageError(wrongFormat ?? `${flag} ${path} holds no certificate: expected PEM text starting with -----BEGIN CERTIFICATE-----`);
  }
  const certificates = blocks.map((block, index) => {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(block);
    } catch {
      throw new UsageError(`${flag} ${path}: certificate #${index + 1} in the file does not parse (damaged or truncated PEM)`);
    }
    return decodable(cert, flag, path, `certificate #${index + 1} in the file: `);
  });
  return { path, pem: blocks.join('\n') + '\n', certificates };
}

export function readKeyFile(path: string, flag: string, passphrase?: string): KeyFile {
  const data = readInput(path, flag);
  // Keyed by content and passphrase together (a hash: neither is kept as text by the cache).
  const id = digest(data, passphrase === undefined ? undefined : `passphrase:${passphrase}`);
  const cached = keys.get(id);
  if (cached) return { ...cached, path };
  const parsed = parseKeyData(data, path, flag, passphrase);
  keys.set(id, parsed);
  return parsed;
}

/** A key file's bytes (PEM or DER) to a usable private key, or a UsageError naming the file. */
export function parseKeyData(data: Buffer, path: string, flag: string, passphrase?: string): KeyFile {
  const text = data.toString('latin1');
  const wrongFormat = KEY_MARKER.test(text) ? undefined : wrongFormatMessage(data, path, flag, 'key');
  if (wrongFormat) throw new UsageError(wrongFormat);
  if (!KEY_MARKER.test(text) && /-----BEGIN CERTIFICATE-----/.test(text)) {
    throw new UsageError(`${flag} ${path} holds a certificate, not a private key (are --cert and --key swapped?)`);
  }
  const encrypted = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type: 4,ENCRYPTED/.test(text);
  if (encrypted && passphrase === undefined) {
    throw new UsageError(`${flag} ${path} is encrypted: pass its passphrase with --key-passphrase (or --key-passphrase-file FILE, or LAMPI_DOCTOR_KEY_PASSPHRASE)`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: data, format: text.includes('-----BEGIN') ? 'pem' : 'der', passphrase });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ERR_MISSING_PASSPHRASE' || code === 'ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED') {
      throw new UsageError(`${flag} ${path} is encrypted: pass its passphrase with --key-passphrase (or --key-passphrase-file FILE, or LAMPI_DOCTOR_KEY_PASSPHRASE)`);
    }
    if (encrypted || code === 'ERR_OSSL_BAD_DECRYPT') {
      throw new UsageError(`${flag} ${path}: the --key-passphrase does not decrypt this key`);
    }
    throw new UsageError(`${flag} ${path} holds no usable private key (expected a PEM private key)`);
  }
  return { path, key, pem: key.export({ type: 'pkcs8', format: 'pem' }).toString() };
}

/**
 * OpenSSL's X509_check_private_key, as Mosquitto's own check of certfile against keyfile: it compares
 * the public halves only, so nothing of the private key is ever exposed (and it is ~300x cheaper than
 * exporting both public keys to compare them, which was ~2% of a class's CPU).
 */
export function keyMatchesCertificate(key: KeyObject, cert: X509Certificate): boolean {
  return cert.checkPrivateKey(key);
}

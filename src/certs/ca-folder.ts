// --ca as a folder, read as OpenSSL's -CApath (mosquitto_pub --capath) reads one: only files named
// by subject hash (<8 hex>.<n>, the links `openssl rehash` makes) are found. Other certificate files
// are listed, so a forgotten rehash can be named instead of blamed on a certificate.
import type { X509Certificate } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../engine/types.js';
import { describeFsError } from '../fs-errors.js';
import { readCertificateFile, type CertificateFile } from './pem.js';

export interface CaFolder extends CertificateFile {
  /**
   * unhashed: certificate files no hash link reaches (a file `openssl rehash` linked is reached through
   * its link); unhashedCertificates: what they hold, so a verdict can tell whether the CA it misses is there.
   */
  folder: { hashed: string[]; unhashed: string[]; unhashedCertificates: X509Certificate[] };
}

const HASH_NAME = /^[0-9a-f]{8}\.\d+$/;

export function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

export function readCaFolder(path: string, flag: string): CaFolder {
  let names: string[];
  try {
    names = readdirSync(path).sort();
  } catch (error) {
    throw new UsageError(`cannot read ${flag} ${path}: ${describeFsError(error)}`);
  }
  const hashed: string[] = [];
  const files: CertificateFile[] = [];
  const others: { name: string; read: CertificateFile }[] = [];
  for (const name of names) {
    const file = join(path, name);
    // Only regular files (through links); a dangling link or an unreadable entry is skipped, as OpenSSL does.
    if (!statSync(file, { throwIfNoEntry: false })?.isFile()) continue;
    let read: CertificateFile;
    try {
      read = readCertificateFile(file, flag);
    } catch {
      continue; // not a certificate (a key, a README): OpenSSL's lookup skips it too
    }
    if (HASH_NAME.test(name)) {
      hashed.push(name);
      files.push(read);
    } else {
      others.push({ name, read });
    }
  }
  if (hashed.length === 0 && others.length === 0) throw new UsageError(`${flag} ${path} is a folder without certificates: give the CA file or a folder holding it`);
  const certificates = files.flatMap((file) => file.certificates);
  // A file whose certificates a hash link also holds (what `openssl rehash` leaves) is not unhashed.
  const reached = new Set(certificates.map((cert) => cert.fingerprint256));
  const unlinked = others.filter(({ read }) => read.certificates.some((cert) => !reached.has(cert.fingerprint256)));
  return {
    path,
    pem: files.map((file) => file.pem).join(''),
    certificates,
    folder: { hashed, unhashed: unlinked.map(({ name }) => name), unhashedCertificates: unlinked.flatMap(({ read }) => read.certificates.filter((cert) => !reached.has(cert.fingerprint256))) },
  };
}

// The nextUpdate of a CRL file (PEM or DER): when the broker's `crlfile` must be replaced by.
// reflect-metadata must be loaded before @peculiar/x509 (its DI container needs it).
import 'reflect-metadata';
import { X509Crl } from '@peculiar/x509';
import { readFileSync } from 'node:fs';
import { UsageError } from '../engine/types.js';
import { describeFsError } from '../fs-errors.js';

export interface CrlDates {
  thisUpdate: string;
  nextUpdate?: string;
}

export function readCrlDates(path: string): CrlDates {
  let data: Buffer;
  try {
    data = readFileSync(path);
  } catch (error) {
    throw new UsageError(`cannot read crl ${path}: ${describeFsError(error)}`);
  }
  const text = data.toString('latin1');
  const pem = /-----BEGIN (?:X509 )?CRL-----[\s\S]+?-----END (?:X509 )?CRL-----/.exec(text)?.[0]?.replace(/(BEGIN|END) CRL/g, '$1 X509 CRL');
  try {
    const crl = new X509Crl(pem ?? new Uint8Array(data));
    return { thisUpdate: crl.thisUpdate.toISOString(), nextUpdate: crl.nextUpdate?.toISOString() };
  } catch {
    throw new UsageError(`crl ${path} holds no CRL: expected PEM text starting with -----BEGIN X509 CRL----- (or DER)`);
  }
}

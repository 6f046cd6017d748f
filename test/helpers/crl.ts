// CRLs for tests, signed by a test CA, encoded here as RFC 5280 lays them out (v2, PEM), so a test
// can make expired or not-yet-valid ones too. OpenSSL (`openssl crl -text`, `openssl verify
// -crl_check`) reads them; the tests use it as the reference.
import { createPrivateKey, sign, X509Certificate } from 'node:crypto';
import { encode, readNode, TAG } from '../../src/config/der.js';
import { certificateNames } from '../../src/config/x509-name.js';
import type { Issued } from '../../src/lab/pki.js';

export interface CrlOptions {
  thisUpdate?: Date;
  /** null: no nextUpdate at all. */
  nextUpdate?: Date | null;
  /** Certificates to list as revoked. */
  revoke?: Issued[];
  /** Sign with another CA's key while naming `issuer` (a CA re-made under the same name). */
  signer?: Issued;
}

const utcTime = (date: Date) => encode(TAG.UTC_TIME, Buffer.from(date.toISOString().replace(/^\d\d(\d\d)-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d).*$/, '$1$2$3$4$5$6Z'), 'latin1'));
const integer = (hex: string) => {
  const bytes = Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
  return encode(TAG.INTEGER, bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
};
const SHA256_RSA = Buffer.from('300d06092a864886f70d01010b0500', 'hex');
const SHA256_ECDSA = Buffer.from('300a06082a8648ce3d040302', 'hex');

export async function makeCrl(issuer: Issued, options: CrlOptions = {}): Promise<string> {
  const signer = options.signer ?? issuer;
  const key = createPrivateKey(signer.keyPem);
  const algorithm = key.asymmetricKeyType === 'ec' ? SHA256_ECDSA : SHA256_RSA;
  const caDer = new X509Certificate(issuer.certPem).raw;
  const subject = certificateNames(caDer).subject;
  const revoked = (options.revoke ?? []).map((cert) => encode(TAG.SEQUENCE, Buffer.concat([integer(new X509Certificate(cert.certPem).serialNumber), utcTime(new Date(Date.now() - 60_000))])));
  const nextUpdate = options.nextUpdate === undefined ? new Date(Date.now() + 90 * 86_400_000) : options.nextUpdate;
  const tbs = encode(
    TAG.SEQUENCE,
    Buffer.concat([
      integer('01'),
      algorithm,
      caDer.subarray(subject.start, subject.end),
      utcTime(options.thisUpdate ?? new Date(Date.now() - 3_600_000)),
      ...(nextUpdate ? [utcTime(nextUpdate)] : []),
      ...(revoked.length ? [encode(TAG.SEQUENCE, Buffer.concat(revoked))] : []),
    ]),
  );
  const signature = sign('sha256', tbs, key);
  const der = encode(TAG.SEQUENCE, Buffer.concat([tbs, algorithm, encode(TAG.BIT_STRING, Buffer.concat([Buffer.from([0]), signature]))]));
  readNode(der, 0);
  return `-----BEGIN X509 CRL-----\n${der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END X509 CRL-----\n`;
}

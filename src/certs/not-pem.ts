// Names what a file holds when it is not the PEM that Mosquitto (and this tool) expect: a PKCS#12
// bundle, a certificate signing request, or binary DER; and gives the openssl command that turns it
// into what was asked for. Only the outer ASN.1 structure is read, never any key material.

/** What the flag expects: --ca and --cert a PEM certificate, --key a PEM private key. */
export type Expected = 'ca' | 'cert' | 'key';

interface Tlv {
  tag: number;
  start: number;
  end: number;
}

function tlv(der: Uint8Array, offset: number, limit = der.length): Tlv | undefined {
  if (offset + 2 > limit) return undefined;
  const tag = der[offset];
  let length = der[offset + 1];
  let start = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 4 || start + octets > limit) return undefined;
    length = 0;
    for (let i = 0; i < octets; i += 1) length = length * 256 + der[start + i];
    start += octets;
  }
  return start + length <= limit ? { tag, start, end: start + length } : undefined;
}

/** The children of a constructed TLV (at most a few: only the head of a structure is looked at). */
function children(der: Uint8Array, parent: Tlv, max = 6): Tlv[] {
  const out: Tlv[] = [];
  let offset = parent.start;
  while (offset < parent.end && out.length < max) {
    const child = tlv(der, offset, parent.end);
    if (!child) break;
    out.push(child);
    offset = child.end;
  }
  return out;
}

const SEQUENCE = 0x30;
const INTEGER = 0x02;
const OID = 0x06;
const PKCS7_PREFIX = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07]; // 1.2.840.113549.1.7

const integerIs = (der: Uint8Array, t: Tlv | undefined, value: number) => t?.tag === INTEGER && t.end - t.start === 1 && der[t.start] === value;

export type DerKind = 'pkcs12' | 'csr' | 'certificate' | 'private-key';

/** Recognises the binary structures people hand over by mistake. */
export function derKind(der: Uint8Array): DerKind | undefined {
  const outer = tlv(der, 0);
  if (!outer || outer.tag !== SEQUENCE) return undefined;
  const [first, second, third] = children(der, outer);
  // PFX ::= SEQUENCE { version INTEGER (3), authSafe ContentInfo { OID pkcs7-*, ... }, ... }
  if (integerIs(der, first, 3) && second?.tag === SEQUENCE) {
    const [oid] = children(der, second, 1);
    if (oid?.tag === OID && PKCS7_PREFIX.every((byte, i) => der[oid.start + i] === byte)) return 'pkcs12';
  }
  // PrivateKeyInfo ::= SEQUENCE { version INTEGER (0|1), algorithm SEQUENCE, privateKey OCTET STRING }
  if (first?.tag === INTEGER && second?.tag === SEQUENCE && third?.tag === 0x04) return 'private-key';
  // RSAPrivateKey ::= SEQUENCE { version 0, n, e, d, ... } / ECPrivateKey ::= SEQUENCE { 1, OCTET STRING, ... }
  if (integerIs(der, first, 0) && second?.tag === INTEGER && third?.tag === INTEGER) return 'private-key';
  if (integerIs(der, first, 1) && second?.tag === 0x04) return 'private-key';
  // Certificate and CertificationRequest are both SEQUENCE { info SEQUENCE, algorithm SEQUENCE, BIT STRING }.
  if (first?.tag === SEQUENCE && second?.tag === SEQUENCE && third?.tag === 0x03) {
    const info = children(der, first, 6);
    // CertificationRequestInfo ::= SEQUENCE { version INTEGER (0), subject, spki, [0] attributes }
    if (integerIs(der, info[0], 0) && info[1]?.tag === SEQUENCE && info[2]?.tag === SEQUENCE && info[3]?.tag === 0xa0) return 'csr';
    return 'certificate';
  }
  return undefined;
}

function stem(path: string): string {
  return path.replace(/\.(p12|pfx|der|cer|crt|csr|req|pem|key)$/i, '');
}

const quote = (path: string) => (/^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, "'\\''")}'`);

/**
 * For a file that is not what `expected` needs, a sentence naming what it is and the command that
 * converts it; undefined when the file is none of the known mistakes.
 */
export function wrongFormatMessage(data: Uint8Array, path: string, flag: string, expected: Expected): string | undefined {
  const text = Buffer.from(data.subarray(0, 4096)).toString('latin1');
  const p = quote(path);
  const out = (suffix: string) => quote(`${stem(path)}${suffix}`);
  const isPemCsr = /-----BEGIN (NEW )?CERTIFICATE REQUEST-----/.test(text);
  const kind: DerKind | undefined = isPemCsr ? 'csr' : text.includes('-----BEGIN') ? undefined : derKind(data);
  switch (kind) {
    case 'pkcs12': {
      const extract =
        expected === 'key'
          ? `openssl pkcs12 -in ${p} -nocerts -nodes -out ${out('.key')}`
          : expected === 'ca'
            ? `openssl pkcs12 -in ${p} -cacerts -nokeys -out ${out('-ca.crt')}`
            : `openssl pkcs12 -in ${p} -clcerts -nokeys -out ${out('.crt')}`;
      return `${flag} ${path} is a PKCS#12 bundle (.p12/.pfx), not PEM: extract the ${expected === 'key' ? 'private key' : expected === 'ca' ? 'CA certificates' : 'certificate'} with \`${extract}\` (add -legacy for an old RC2-encrypted bundle)`;
    }
    case 'csr': {
      const inform = isPemCsr ? '' : ' -inform der';
      if (expected === 'key') return `${flag} ${path} is a certificate signing request (CSR), not a private key: give the key the CSR was made from`;
      return `${flag} ${path} is a certificate signing request (CSR), not a certificate: the CA signs it into one, e.g. \`openssl x509 -req${inform} -in ${p} -CA lampi_ca.crt -CAkey lampi_ca.key -CAcreateserial -days 365 -out ${out('.crt')}\``;
    }
    case 'certificate':
      if (expected === 'key') return `${flag} ${path} holds a certificate (binary DER), not a private key (are --cert and --key swapped?)`;
      return `${flag} ${path} is a certificate in binary DER form; Mosquitto and this tool expect PEM: \`openssl x509 -inform der -in ${p} -out ${out('.pem')}\``;
    case 'private-key':
      if (expected !== 'key') return `${flag} ${path} holds a private key (binary DER), not a certificate (are --cert and --key swapped?)`;
      return `${flag} ${path} is a private key in binary DER form; Mosquitto and this tool expect PEM: \`openssl pkey -inform der -in ${p} -out ${out('.pem')}\``;
    default:
      return undefined;
  }
}

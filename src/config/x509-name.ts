// X.509 names as OpenSSL compares and hashes them: the canonical encoding (strings as UTF-8,
// trimmed, inner whitespace collapsed, ASCII lower-cased), and its hash, the `<hash>.0` name that
// `openssl rehash` gives CA files in a capath folder (`openssl x509 -hash`).
import { createHash } from 'node:crypto';
import { bytesOf, children, contentOf, encode, oidOf, readNode, TAG, type Node } from './der.js';

// String types OpenSSL canonicalises (ASN1_MASK_CANON); others are kept as they are.
const UTF8 = 0x0c;
const CANON_STRINGS = new Set([UTF8, 0x13 /* Printable */, 0x14 /* T61 */, 0x16 /* IA5 */, 0x1a /* Visible */, 0x1e /* BMP */, 0x1c /* Universal */]);
const SPACE = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);

function toUtf8(tag: number, bytes: Uint8Array): Buffer {
  if (tag === 0x1e && bytes.length % 2 === 0) return Buffer.from(Buffer.from(bytes).swap16().toString('utf16le'), 'utf8');
  if (tag === 0x1c) {
    let text = '';
    for (let i = 0; i + 3 < bytes.length; i += 4) text += String.fromCodePoint(((bytes[i] << 24) | (bytes[i + 1] << 16) | (bytes[i + 2] << 8) | bytes[i + 3]) >>> 0);
    return Buffer.from(text, 'utf8');
  }
  if (tag === 0x14) return Buffer.from(Buffer.from(bytes).toString('latin1'), 'utf8');
  return Buffer.from(bytes);
}

/** OpenSSL's asn1_string_canon: trim, collapse whitespace runs to one space, lower-case ASCII. */
function canonString(utf8: Buffer): Buffer {
  let start = 0;
  let end = utf8.length;
  while (start < end && SPACE.has(utf8[start])) start += 1;
  while (end > start && SPACE.has(utf8[end - 1])) end -= 1;
  const out: number[] = [];
  for (let i = start; i < end; ) {
    if (SPACE.has(utf8[i])) {
      out.push(0x20);
      while (i < end && SPACE.has(utf8[i])) i += 1;
    } else {
      const byte = utf8[i];
      out.push(byte >= 0x41 && byte <= 0x5a ? byte + 0x20 : byte);
      i += 1;
    }
  }
  return Buffer.from(out);
}

/** The canonical encoding of a Name (the DER of a SEQUENCE OF RDN): each RDN SET re-encoded, concatenated. */
export function canonicalName(der: Uint8Array, name: Node = readNode(der, 0)): Buffer {
  const sets = children(der, name).map((rdn) => {
    const attributes = children(der, rdn).map((ava) => {
      const [type, value] = children(der, ava);
      const canonValue = CANON_STRINGS.has(value.tag) ? encode(UTF8, canonString(toUtf8(value.tag, contentOf(der, value)))) : Buffer.from(bytesOf(der, value));
      return encode(TAG.SEQUENCE, Buffer.concat([bytesOf(der, type), canonValue]));
    });
    // DER orders the members of a SET OF by their encodings.
    attributes.sort(Buffer.compare);
    return encode(TAG.SET, Buffer.concat(attributes));
  });
  return Buffer.concat(sets);
}

/** X509_NAME_hash: SHA-1 of the canonical encoding, first four bytes read little-endian, as 8 hex digits. */
export function nameHash(der: Uint8Array, name?: Node): string {
  const digest = createHash('sha1').update(canonicalName(der, name)).digest();
  return Buffer.from([digest[3], digest[2], digest[1], digest[0]]).toString('hex');
}

const SHORT_NAMES: Record<string, string> = { '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU', '1.2.840.113549.1.9.1': 'emailAddress' };

/** "CN=lampi, O=LAMPI" for messages. */
export function nameText(der: Uint8Array, name: Node): string {
  return children(der, name)
    .flatMap((rdn) => children(der, rdn))
    .map((ava) => {
      const [type, value] = children(der, ava);
      const oid = oidOf(der, type);
      return `${SHORT_NAMES[oid] ?? oid}=${toUtf8(value.tag, contentOf(der, value)).toString('utf8')}`;
    })
    .join(', ');
}

/** The subject and issuer Name nodes of a DER certificate. */
export function certificateNames(der: Uint8Array): { issuer: Node; subject: Node; serial: Node } {
  const tbs = children(der, children(der, readNode(der, 0))[0]);
  const offset = tbs[0].tag === 0xa0 ? 1 : 0; // [0] version is optional
  return { serial: tbs[offset], issuer: tbs[offset + 2], subject: tbs[offset + 4] };
}

/** OpenSSL's subject hash of a certificate (`openssl x509 -hash -noout`). */
export function subjectHash(certificateDer: Uint8Array): string {
  return nameHash(certificateDer, certificateNames(certificateDer).subject);
}

/** Whether two names are the same to OpenSSL (X509_NAME_cmp compares canonical encodings). */
export function sameName(a: Uint8Array, aNode: Node, b: Uint8Array, bNode: Node): boolean {
  return canonicalName(a, aNode).equals(canonicalName(b, bNode));
}

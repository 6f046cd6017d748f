// Just enough DER to read a certificate's outer signatureAlgorithm, which Node 20's X509Certificate
// does not expose. Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }.
// Every read is bounds-checked: bytes that are not DER give `undefined`, never an exception.

interface Tlv {
  tag: number;
  start: number; // first byte of the value
  end: number; // one past the last byte of the value
}

class DerError extends Error {}

/** One tag-length-value inside `der[offset, limit)`: single-byte tags, definite lengths only. */
export function readTlv(der: Uint8Array, offset: number, limit = der.length): Tlv {
  if (offset + 2 > limit) throw new DerError('truncated DER');
  const tag = der[offset];
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte DER tag');
  let length = der[offset + 1];
  let start = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 4) throw new DerError('unsupported DER length');
    if (start + octets > limit) throw new DerError('truncated DER');
    length = 0;
    for (let i = 0; i < octets; i += 1) length = length * 256 + der[start + i];
    start += octets;
  }
  if (start + length > limit) throw new DerError('truncated DER');
  return { tag, start, end: start + length };
}

/** Dotted form of an OBJECT IDENTIFIER's content, or undefined when it is not one. */
export function decodeOid(bytes: Uint8Array): string | undefined {
  if (bytes.length === 0 || bytes.length > 64 || bytes[bytes.length - 1] & 0x80) return undefined;
  const parts: number[] = [];
  let value = 0;
  for (const byte of bytes) {
    value = value * 128 + (byte & 0x7f);
    if (byte & 0x80) continue;
    if (parts.length === 0) {
      // The first arc pair is packed as 40 * X + Y, with X of 0, 1 or 2.
      const first = Math.min(Math.floor(value / 40), 2);
      parts.push(first, value - first * 40);
    } else parts.push(value);
    value = 0;
  }
  return parts.join('.');
}

export function signatureAlgorithmOid(der: Uint8Array): string | undefined {
  try {
    const certificate = readTlv(der, 0);
    if (certificate.tag !== 0x30) return undefined;
    const tbs = readTlv(der, certificate.start, certificate.end);
    const algorithm = readTlv(der, tbs.end, certificate.end);
    if (algorithm.tag !== 0x30) return undefined;
    const oid = readTlv(der, algorithm.start, algorithm.end);
    if (oid.tag !== 0x06) return undefined;
    return decodeOid(der.subarray(oid.start, oid.end));
  } catch (error) {
    if (error instanceof DerError) return undefined;
    throw error;
  }
}

// Just enough DER to read a certificate's outer signatureAlgorithm, which Node 20's X509Certificate
// does not expose. Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }.

interface Tlv {
  tag: number;
  start: number; // first byte of the value
  end: number; // one past the last byte of the value
}

function readTlv(der: Uint8Array, offset: number): Tlv {
  const tag = der[offset];
  let length = der[offset + 1];
  let start = offset + 2;
  if (length & 0x80) {
    const octets = length & 0x7f;
    if (octets === 0 || octets > 4) throw new Error('unsupported DER length');
    length = 0;
    for (let i = 0; i < octets; i += 1) length = length * 256 + der[start + i];
    start += octets;
  }
  if (start + length > der.length) throw new Error('truncated DER');
  return { tag, start, end: start + length };
}

function decodeOid(bytes: Uint8Array): string {
  const parts: number[] = [Math.floor(bytes[0] / 40), bytes[0] % 40];
  let value = 0;
  for (const byte of bytes.subarray(1)) {
    value = value * 128 + (byte & 0x7f);
    if (!(byte & 0x80)) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}

export function signatureAlgorithmOid(der: Uint8Array): string | undefined {
  try {
    const certificate = readTlv(der, 0);
    const tbs = readTlv(der, certificate.start);
    const algorithm = readTlv(der, tbs.end);
    const oid = readTlv(der, algorithm.start);
    if (oid.tag !== 0x06) return undefined;
    return decodeOid(der.subarray(oid.start, oid.end));
  } catch {
    return undefined;
  }
}

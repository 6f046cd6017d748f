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

/** The certificate's X.509 version (1 for a v1 certificate, whose tbsCertificate has no [0] version field), or undefined when the bytes are not DER. */
export function certificateVersion(der: Uint8Array): number | undefined {
  try {
    const certificate = readTlv(der, 0);
    if (certificate.tag !== 0x30) return undefined;
    const tbs = readTlv(der, certificate.start, certificate.end);
    if (tbs.tag !== 0x30) return undefined;
    const first = readTlv(der, tbs.start, tbs.end);
    if (first.tag !== 0xa0) return 1;
    const version = readTlv(der, first.start, first.end);
    if (version.tag !== 0x02 || version.end - version.start !== 1) return undefined;
    return der[version.start] + 1;
  } catch (error) {
    if (error instanceof DerError) return undefined;
    throw error;
  }
}

export interface DerExtension {
  oid: string;
  critical: boolean;
  value: Uint8Array;
}

/** The tbsCertificate's extensions (the [3] field), or undefined when the bytes are not DER. */
export function certificateExtensions(der: Uint8Array): DerExtension[] | undefined {
  try {
    const certificate = readTlv(der, 0);
    if (certificate.tag !== 0x30) return undefined;
    const tbs = readTlv(der, certificate.start, certificate.end);
    if (tbs.tag !== 0x30) return undefined;
    let offset = tbs.start;
    while (offset < tbs.end) {
      const field = readTlv(der, offset, tbs.end);
      offset = field.end;
      if (field.tag !== 0xa3) continue;
      const list = readTlv(der, field.start, field.end);
      const extensions: DerExtension[] = [];
      let at = list.start;
      while (at < list.end) {
        const extension = readTlv(der, at, list.end);
        at = extension.end;
        const oid = readTlv(der, extension.start, extension.end);
        let next = readTlv(der, oid.end, extension.end);
        let critical = false;
        if (next.tag === 0x01) {
          critical = next.end > next.start && der[next.start] !== 0;
          next = readTlv(der, next.end, extension.end);
        }
        if (oid.tag !== 0x06 || next.tag !== 0x04) return undefined;
        const dotted = decodeOid(der.subarray(oid.start, oid.end));
        if (!dotted) return undefined;
        extensions.push({ oid: dotted, critical, value: der.subarray(next.start, next.end) });
      }
      return extensions;
    }
    return [];
  } catch (error) {
    if (error instanceof DerError) return undefined;
    throw error;
  }
}

const KEY_USAGE_BITS = ['digitalSignature', 'nonRepudiation', 'keyEncipherment', 'dataEncipherment', 'keyAgreement', 'keyCertSign', 'cRLSign', 'encipherOnly', 'decipherOnly'];

/** The named bits of a keyUsage extension's value (a BIT STRING), or undefined when it does not decode. */
export function keyUsageBits(value: Uint8Array): string[] | undefined {
  try {
    const bits = readTlv(value, 0);
    if (bits.tag !== 0x03 || bits.end <= bits.start) return undefined;
    const names: string[] = [];
    KEY_USAGE_BITS.forEach((name, index) => {
      const byte = bits.start + 1 + Math.floor(index / 8);
      if (byte < bits.end && value[byte] & (0x80 >> index % 8)) names.push(name);
    });
    return names;
  } catch (error) {
    if (error instanceof DerError) return undefined;
    throw error;
  }
}

export interface NameConstraints {
  /** Subtrees as OpenSSL prints them: `DNS:.example.com`, `IP:10.0.0.0/255.0.0.0`, or `other` for kinds not read here. */
  permitted: string[];
  excluded: string[];
}

/** A nameConstraints extension's subtrees (RFC 5280 4.2.1.10), or undefined when it is not DER. */
export function nameConstraintSubtrees(value: Uint8Array): NameConstraints | undefined {
  try {
    const sequence = readTlv(value, 0);
    if (sequence.tag !== 0x30) return undefined;
    const result: NameConstraints = { permitted: [], excluded: [] };
    let at = sequence.start;
    while (at < sequence.end) {
      const subtrees = readTlv(value, at, sequence.end);
      at = subtrees.end;
      const into = subtrees.tag === 0xa0 ? result.permitted : subtrees.tag === 0xa1 ? result.excluded : undefined;
      if (!into) continue;
      let inner = subtrees.start;
      while (inner < subtrees.end) {
        const subtree = readTlv(value, inner, subtrees.end);
        inner = subtree.end;
        const base = readTlv(value, subtree.start, subtree.end);
        const bytes = value.subarray(base.start, base.end);
        if (base.tag === 0x82) into.push(`DNS:${Buffer.from(bytes).toString('latin1')}`);
        else if (base.tag === 0x87 && bytes.length === 8) into.push(`IP:${[...bytes.subarray(0, 4)].join('.')}/${[...bytes.subarray(4)].join('.')}`);
        else into.push('other');
      }
    }
    return result;
  } catch (error) {
    if (error instanceof DerError) return undefined;
    throw error;
  }
}

/** basicConstraints' pathLenConstraint (undefined when absent or not DER): SEQUENCE { cA BOOLEAN, pathLen INTEGER }. */
export function basicConstraintsPathLength(value: Uint8Array): number | undefined {
  try {
    const sequence = readTlv(value, 0);
    if (sequence.tag !== 0x30) return undefined;
    let at = sequence.start;
    while (at < sequence.end) {
      const item = readTlv(value, at, sequence.end);
      at = item.end;
      if (item.tag !== 0x02 || item.end - item.start > 4) continue;
      let n = 0;
      for (let i = item.start; i < item.end; i += 1) n = n * 256 + value[i];
      return n;
    }
    return undefined;
  } catch (error) {
    if (error instanceof DerError) return undefined;
    throw error;
  }
}

/**
 * OpenSSL's pathlen rule (check_chain_extensions): a CA at depth i with pathLenConstraint N may have at
 * most N non-self-issued CA certificates between itself and the leaf; more is error 25.
 */
export function pathLengthViolation(chain: { raw: Uint8Array; subject: string; issuer: string }[]): { depth: number; subject: string; pathLength: number } | undefined {
  let below = 0;
  for (const [depth, cert] of chain.entries()) {
    if (depth > 1) {
      const constraints = certificateExtensions(cert.raw)?.find((extension) => extension.oid === '2.5.29.19');
      const pathLength = constraints ? basicConstraintsPathLength(constraints.value) : undefined;
      if (pathLength !== undefined && below > pathLength) return { depth, subject: cert.subject.split('\n').join(', '), pathLength };
    }
    if (depth > 0 && cert.subject !== cert.issuer) below += 1;
  }
  return undefined;
}

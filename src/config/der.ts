// A minimal DER reader: enough to read CRLs, X.509 names and DH parameters without a crypto
// library's async API. Every read is bounded by the buffer; malformed input throws DerError.

export class DerError extends Error {}

export interface Node {
  tag: number;
  /** Offsets into the buffer: the whole element, and its contents. */
  start: number;
  contentStart: number;
  end: number;
}

export function readNode(der: Uint8Array, offset: number, limit = der.length): Node {
  if (offset + 2 > limit) throw new DerError('truncated');
  const tag = der[offset];
  let length = der[offset + 1];
  let cursor = offset + 2;
  if (length & 0x80) {
    const bytes = length & 0x7f;
    if (bytes === 0 || bytes > 4 || cursor + bytes > limit) throw new DerError('bad length');
    length = 0;
    for (let i = 0; i < bytes; i += 1) length = length * 256 + der[cursor + i];
    cursor += bytes;
  }
  if (cursor + length > limit) throw new DerError('truncated');
  return { tag, start: offset, contentStart: cursor, end: cursor + length };
}

/** The elements inside a constructed node. */
export function children(der: Uint8Array, node: Node): Node[] {
  const result: Node[] = [];
  for (let offset = node.contentStart; offset < node.end; ) {
    const child = readNode(der, offset, node.end);
    result.push(child);
    offset = child.end;
  }
  return result;
}

export const bytesOf = (der: Uint8Array, node: Node) => der.subarray(node.start, node.end);
export const contentOf = (der: Uint8Array, node: Node) => der.subarray(node.contentStart, node.end);

export const TAG = { INTEGER: 0x02, BIT_STRING: 0x03, OID: 0x06, UTC_TIME: 0x17, GENERALIZED_TIME: 0x18, SEQUENCE: 0x30, SET: 0x31 } as const;

export function readTime(der: Uint8Array, node: Node): Date {
  const text = Buffer.from(contentOf(der, node)).toString('latin1');
  const match = node.tag === TAG.UTC_TIME ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(text) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(text);
  if (!match) throw new DerError(`bad time ${text.slice(0, 20)}`);
  let year = Number(match[1]);
  if (node.tag === TAG.UTC_TIME) year += year < 50 ? 2000 : 1900;
  return new Date(Date.UTC(year, Number(match[2]) - 1, Number(match[3]), Number(match[4]), Number(match[5]), Number(match[6] ?? 0)));
}

/** An INTEGER as upper-case hex without leading zero bytes, as openssl prints serials. */
export function readSerialHex(der: Uint8Array, node: Node): string {
  let bytes = contentOf(der, node);
  while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
  return Buffer.from(bytes).toString('hex').toUpperCase();
}

export function oidOf(der: Uint8Array, node: Node): string {
  const bytes = contentOf(der, node);
  if (bytes.length === 0) throw new DerError('empty OID');
  const parts = [Math.floor(bytes[0] / 40), bytes[0] % 40];
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

export function encodeLength(length: number): number[] {
  if (length < 0x80) return [length];
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return [0x80 | bytes.length, ...bytes];
}

export function encode(tag: number, content: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag, ...encodeLength(content.length)]), content]);
}

/** PEM blocks of one label ("X509 CRL", "DH PARAMETERS") as DER, in order. */
export function pemBlocks(text: string, label: string): Buffer[] {
  const blocks: Buffer[] = [];
  const begin = `-----BEGIN ${label}-----`;
  const end = `-----END ${label}-----`;
  // Each search starts after the last match, so unterminated BEGIN lines cost one pass, not one each.
  for (let from = text.indexOf(begin); from !== -1; ) {
    const stop = text.indexOf(end, from + begin.length);
    if (stop === -1) break;
    blocks.push(Buffer.from(text.slice(from + begin.length, stop).replace(/[^A-Za-z0-9+/=]/g, ''), 'base64'));
    from = text.indexOf(begin, stop + end.length);
  }
  return blocks;
}
